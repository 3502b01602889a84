/**
 * A TensorFlow graph built in TypeScript and run as one session call through
 * tfjs-node's SavedModel binding (docs/native.md, "The training step on native TensorFlow").
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

/** Element types a graph's inputs, constants and type attributes can have. */
export type GraphDType = 'float32' | 'int32';

/**
 * Builds the nodes of a graph; each call returns the new node's name (`name:1` names an
 * op's second output).
 */
export interface GraphBuilder {
  /** An input of a fixed shape (float32 unless `dtype` says), fed by {@link NativeGraph.run} in the order declared. */
  input(name: string, shape: number[], dtype?: GraphDType): string;
  /** A float32 scalar constant. */
  scalar(value: number): string;
  /** A constant of the given shape and type, from its values in row-major order. */
  constant(values: number[], shape: number[], dtype: GraphDType): string;
  /**
   * An op. Its `T` attribute is float32 unless `attrs.T` says otherwise (`null`: the op has
   * no `T`); other attributes are booleans, ints, or element types (`'int32'`, `'float32'`).
   */
  op(op: string, inputs: string[], attrs?: Record<string, boolean | number | GraphDType | null>): string;
  /** Marks a node as an output of {@link NativeGraph.run}, in the order declared. */
  output(node: string): void;
}

export interface NativeGraph {
  /** Runs the graph on the inputs' handles; the outputs' handles belong to the caller. */
  run(inputs: number[]): TensorInfo[];
  /** Frees the session. */
  dispose(): void;
}

/** TensorFlow's DataType enum (tensorflow/core/framework/types.proto). */
const DT: Record<GraphDType, number> = { float32: 1, int32: 3 };
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

  const typeAttr = (dtype: GraphDType): Proto => attr((a) => a.setType(DT[dtype]));
  const tensorOf = (values: number[], shape: number[], dtype: GraphDType): Proto => {
    const t = new pb.Tensor();
    t.setDtype(DT[dtype]);
    t.setTensorShape(shapeOf(shape));
    for (const v of values) (dtype === 'int32' ? t.addIntVal(v) : t.addFloatVal(v));
    return t;
  };
  const constant = (values: number[], shape: number[], dtype: GraphDType): string =>
    node('const', 'Const', [], { dtype: typeAttr(dtype), value: attr((a) => a.setTensor(tensorOf(values, shape, dtype))) });

  build({
    input(name, shape, dtype = 'float32') {
      const id = node(name, 'Placeholder', [], { dtype: typeAttr(dtype), shape: attr((a) => a.setShape(shapeOf(shape))) });
      inputs.push(`${id}:0`);
      return id;
    },
    scalar: (value) => constant([value], [], 'float32'),
    constant,
    op(op, ins, attrs = {}) {
      const all: Record<string, Proto> = attrs.T === null ? {} : { T: typeAttr('float32') };
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null) continue;
        all[k] = v === 'float32' || v === 'int32' ? typeAttr(v) : attr((a) => (typeof v === 'boolean' ? a.setB(v) : a.setI(v)));
      }
      return node(op.toLowerCase(), op, ins, all);
    },
    output(n) {
      outputs.push(n.includes(':') ? n : `${n}:0`);
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
