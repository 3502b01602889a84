/**
 * A TensorFlow graph built in TypeScript and run as one session call through
 * tfjs-node's SavedModel binding (docs/native.md).
 *
 * Op by op, every TensorFlow op costs ~20–35 µs of eager dispatch through the
 * binding, and eager kernels run one at a time. A session runs the whole graph
 * in one call, after TensorFlow's graph optimizer: on the bench's training step
 * that made the native engine 1.9× (C1), 1.8× (C2) and 1.35× (C4) faster than
 * the same ops run eagerly (docs/native.md). tfjs-node exposes graphs only as
 * SavedModels, so the graph is written as a minimal one (a GraphDef under the
 * `serve` tag, no variables) to a temporary folder, loaded, and the folder
 * removed.
 *
 * The protobuf messages come from tfjs-node's own generated classes
 * (`dist/proto/api_pb.js`, google-protobuf), which it uses to read SavedModels.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeSearchPaths } from './backend';
import type { TensorInfo, TfBinding } from './node-kernel';

/** Builds the nodes of a float32 graph; each call returns the new node's name. */
export interface GraphBuilder {
  /** A float32 input of a fixed shape, fed by {@link NativeGraph.run} in the order declared. */
  input(name: string, shape: number[]): string;
  /** A float32 scalar constant. */
  scalar(value: number): string;
  /** An op on float32 tensors (`T` is set); other attributes are booleans or ints (`N`, `axis`). */
  op(op: string, inputs: string[], attrs?: Record<string, boolean | number>): string;
  /** Marks a node as an output of {@link NativeGraph.run}, in the order declared. */
  output(node: string): void;
}

export interface NativeGraph {
  /** Runs the graph on the inputs' handles; the outputs' handles belong to the caller. */
  run(inputs: number[]): TensorInfo[];
  /** Frees the session. */
  dispose(): void;
}

const DT_FLOAT = 1;
/**
 * GraphDef producer version: TensorFlow 2.9's (the oldest libtensorflow
 * tfjs-node builds against); the ops used here have not changed since.
 */
const PRODUCER = 1087;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Proto = any;

function protos(): Proto {
  for (const pkg of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    try {
      return require(require.resolve(`${pkg}/dist/proto/api_pb`, { paths: nativeSearchPaths() }));
    } catch {
      // try the next build
    }
  }
  throw new Error('tfjs-node’s protobuf classes (dist/proto/api_pb.js) were not found');
}

/** Builds the graph `build` describes, loads it into a session of `binding`, and returns it. */
export function loadNativeGraph(binding: TfBinding, build: (g: GraphBuilder) => void): NativeGraph {
  const pb = protos();
  const graph = new pb.GraphDef();
  const versions = new pb.VersionDef();
  versions.setProducer(PRODUCER);
  graph.setVersions(versions);
  const inputs: string[] = [];
  const outputs: string[] = [];
  const names = new Set<string>();

  const attr = (set: (a: Proto) => void): Proto => {
    const a = new pb.AttrValue();
    set(a);
    return a;
  };
  const shapeOf = (dims: number[]): Proto => {
    const s = new pb.TensorShape();
    for (const size of dims) {
      const d = new pb.TensorShape.Dim();
      d.setSize(size);
      s.addDim(d);
    }
    return s;
  };
  const node = (base: string, op: string, ins: string[], attrs: Record<string, Proto>): string => {
    let name = base;
    for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    const n = new pb.NodeDef();
    n.setName(name);
    n.setOp(op);
    for (const i of ins) n.addInput(i);
    for (const [k, v] of Object.entries(attrs)) n.getAttrMap().set(k, v);
    graph.addNode(n);
    return name;
  };

  build({
    input(name, shape) {
      const id = node(name, 'Placeholder', [], { dtype: attr((a) => a.setType(DT_FLOAT)), shape: attr((a) => a.setShape(shapeOf(shape))) });
      inputs.push(`${id}:0`);
      return id;
    },
    scalar(value) {
      const t = new pb.Tensor();
      t.setDtype(DT_FLOAT);
      t.setTensorShape(shapeOf([]));
      t.addFloatVal(value);
      return node('const', 'Const', [], { dtype: attr((a) => a.setType(DT_FLOAT)), value: attr((a) => a.setTensor(t)) });
    },
    op(op, ins, attrs = {}) {
      const all: Record<string, Proto> = { T: attr((a) => a.setType(DT_FLOAT)) };
      for (const [k, v] of Object.entries(attrs)) all[k] = attr((a) => (typeof v === 'boolean' ? a.setB(v) : a.setI(v)));
      return node(op.toLowerCase(), op, ins, all);
    },
    output(n) {
      outputs.push(`${n}:0`);
    },
  });

  const info = new pb.MetaGraphDef.MetaInfoDef();
  info.addTags('serve');
  const meta = new pb.MetaGraphDef();
  meta.setMetaInfoDef(info);
  meta.setGraphDef(graph);
  const model = new pb.SavedModel();
  model.setSavedModelSchemaVersion(1);
  model.addMetaGraphs(meta);

  const dir = mkdtempSync(join(tmpdir(), 'saddlelab-graph-'));
  let session: number | undefined;
  try {
    writeFileSync(join(dir, 'saved_model.pb'), model.serializeBinary());
    session = binding.loadSavedModel(dir, 'serve');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const inputNames = inputs.join(',');
  const outputNames = outputs.join(',');
  return {
    run(ids) {
      if (session === undefined) throw new Error('this graph’s session was disposed');
      if (ids.length !== inputs.length) throw new Error(`the graph takes ${inputs.length} inputs, got ${ids.length}`);
      return binding.runSavedModel(session, ids, inputNames, outputNames);
    },
    dispose() {
      if (session !== undefined) binding.deleteSavedModel(session);
      session = undefined;
    },
  };
}
