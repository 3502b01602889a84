/**
 * A graph built in TypeScript and run in one TensorFlow session: its
 * outputs equal the same ops run eagerly through tfjs, its inputs and outputs
 * keep their declared order, the SavedModel folder is removed, the session is
 * freed, and misuse gives clear errors.
 */
// The module object itself (not an ES namespace copy), so jest can spy on mkdtempSync.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { loadNativeGraph, type GraphBuilder, type NativeGraph } from '../../src/backend/native-graph';
import { activeNodeBackend, type TfBinding } from '../../src/backend/node-kernel';
import { describeNative } from './native';

/** out0 = [L2Loss(a·bᵀ − c), L2Loss(a) + L2Loss(b), 0.25]; out1 = relu(a·bᵀ)·0.5; out2 = ReluGrad(c, a·bᵀ). */
function build(g: GraphBuilder): void {
  const a = g.input('a', [4, 3]);
  const b = g.input('b', [5, 3]);
  const c = g.input('c', [4, 5]);
  const ab = g.op('MatMul', [a, b], { transpose_a: false, transpose_b: true });
  const r = g.op('Sub', [ab, c]);
  const sum = g.op('AddN', [g.op('L2Loss', [a]), g.op('L2Loss', [b])], { N: 2 });
  g.output(g.op('Pack', [g.op('L2Loss', [r]), sum, g.scalar(0.25)], { N: 3, axis: 0 }));
  g.output(g.op('Mul', [g.op('Relu', [ab]), g.scalar(0.5)]));
  g.output(g.op('ReluGrad', [c, ab]));
}

const values = (shape: [number, number], seed: number) => tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, (_, i) => Math.sin(seed * 7.1 + i * 1.3)), shape);

describeNative('native graph', () => {
  let binding: TfBinding;
  beforeAll(async () => {
    await useBackend('tensorflow');
    binding = activeNodeBackend()!.binding;
  });
  /** Runs `f`, and returns the folders it made with mkdtempSync. */
  function foldersMadeBy(f: () => void): string[] {
    const spy = jest.spyOn(fs, 'mkdtempSync');
    try {
      f();
      return spy.mock.results.map((r) => r.value as string);
    } finally {
      spy.mockRestore();
    }
  }

  it('gives the outputs of the same ops run through tfjs, in the declared order, and leaves no files', () => {
    const [a, b, c] = [values([4, 3], 1), values([5, 3], 2), values([4, 5], 3)];
    let graph!: NativeGraph;
    const made = foldersMadeBy(() => (graph = loadNativeGraph(binding, build)));
    expect(made).toHaveLength(1);
    expect(fs.existsSync(made[0])).toBe(false);
    const be = activeNodeBackend()!;
    const outs = graph.run(be.getInputTensorIds([a, b, c]));
    expect(outs.map((o) => o.shape)).toEqual([[3], [4, 5], [4, 5]]);
    const got = outs.map((o) => Array.from(binding.tensorDataSync(o.id)));
    const ab = tf.matMul(a, b, false, true);
    const sq = (t: tf.Tensor) => tf.sum(tf.square(t)).dataSync()[0] / 2;
    const want = [
      [sq(tf.sub(ab, c)), sq(a) + sq(b), 0.25],
      Array.from(tf.mul(tf.relu(ab), 0.5).dataSync()),
      Array.from(tf.where(tf.greater(ab, 0), c, tf.zerosLike(c)).dataSync()),
    ];
    got.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 5)));
    // ReluGrad really gated: some entries of a·bᵀ are negative, so some of out2 are 0 where c is not.
    expect(got[2].filter((v, j) => v === 0 && want[2][j] === 0).length).toBeGreaterThan(0);
    for (const o of outs) binding.deleteTensor(o.id);
    graph.dispose();
    tf.dispose([a, b, c, ab]);
  });

  it('frees its session on dispose, and says so when run afterwards or with the wrong inputs', () => {
    const before = binding.getNumOfSavedModels();
    const graph = loadNativeGraph(binding, build);
    expect(binding.getNumOfSavedModels()).toBe(before + 1);
    expect(() => graph.run([])).toThrow('the graph takes 3 inputs, got 0');
    graph.dispose();
    graph.dispose();
    expect(binding.getNumOfSavedModels()).toBe(before);
    expect(() => graph.run([1, 2, 3])).toThrow('this graph’s session was disposed');
  });

  it('an op TensorFlow does not know fails at load, naming it, and leaves no files', () => {
    const made = foldersMadeBy(() =>
      expect(() =>
        loadNativeGraph(binding, (g) => {
          g.output(g.op('NoSuchOp', [g.input('a', [1])]));
        }),
      ).toThrow(/NoSuchOp/),
    );
    expect(made).toHaveLength(1);
    expect(fs.existsSync(made[0])).toBe(false);
  });

  it('takes int32 inputs and constants, ops without T, and a second output by name:1', () => {
    const graph = loadNativeGraph(binding, (g) => {
      const m = g.input('m', [4, 3]);
      const idx = g.input('idx', [2], 'int32');
      const rows = g.op('GatherV2', [m, idx, g.constant([0], [], 'int32')], { T: null, Tparams: 'float32', Tindices: 'int32', Taxis: 'int32', batch_dims: 0 });
      g.output(rows);
      g.output(g.op('Sum', [rows, g.constant([0], [1], 'int32')], { Tidx: 'int32', keep_dims: false }));
      // Its second output: the gradient of the cross-entropy in the logits, softmax(rows) − labels.
      g.output(`${g.op('SoftmaxCrossEntropyWithLogits', [rows, g.op('ZerosLike', [rows])])}:1`);
    });
    const m = values([4, 3], 4);
    const ids = [binding.createTensor([2], binding.TF_INT32, new Int32Array([3, 1]))];
    const outs = graph.run([...activeNodeBackend()!.getInputTensorIds([m]), ...ids]);
    const got = outs.map((o) => Array.from(binding.tensorDataSync(o.id)));
    const mv = Array.from(m.dataSync());
    const want = [...mv.slice(9, 12), ...mv.slice(3, 6)];
    got[0].forEach((v, i) => expect(v).toBe(want[i]));
    got[1].forEach((v, j) => expect(v).toBeCloseTo(want[j] + want[3 + j], 5));
    const softmax = (r: number[]) => r.map((v) => Math.exp(v) / r.reduce((s, u) => s + Math.exp(u), 0));
    got[2].forEach((v, i) => expect(v).toBeCloseTo([...softmax(want.slice(0, 3)), ...softmax(want.slice(3))][i], 5));
    for (const id of [...ids, ...outs.map((o) => o.id)]) binding.deleteTensor(id);
    graph.dispose();
    m.dispose();
  });
});
