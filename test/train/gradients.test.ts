/**
 * The training step's gradients against central finite differences computed in
 * float64 by an independent forward pass written here.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { lossOf } from '../../src/train/step';
import { mlp } from '../../src/train/mlp';

/** Plain float64 forward of a bias-free MLP and its MSE loss ‖Y − Y*‖²/(2N). */
function referenceLoss(weights: number[][][], x: number[][], y: number[][], relu: boolean): number {
  let h = x;
  weights.forEach((w, l) => {
    const last = l === weights.length - 1;
    h = h.map((row) => w.map((wr) => {
      const z = wr.reduce((acc, v, j) => acc + v * row[j], 0);
      return relu && !last ? Math.max(0, z) : z;
    }));
  });
  let sum = 0;
  h.forEach((row, i) => row.forEach((v, j) => (sum += (v - y[i][j]) ** 2)));
  return sum / (2 * x.length);
}

describe.each(['relu', 'linear'] as const)('gradients of a %s network', (activation) => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('match float64 central finite differences', async () => {
    const net = mlp({ inputDim: 3, widths: [4, 5], outputDim: 2, activation, init: { scale: 0.7, seed: 11 } });
    const x = [[0.3, -1.2, 0.8], [1.1, 0.4, -0.5], [-0.7, 0.9, 0.2], [0.5, 0.5, 1.5]];
    const y = [[1, -0.5], [0.2, 0.3], [-1, 0.7], [0.4, 0.1]];
    const { grads } = tf.variableGrads(() => lossOf('mse', net.predict(tf.tensor2d(x)), tf.tensor2d(y)), net.weights);
    const weights = await net.getWeightArrays();
    const h = 1e-6;
    let compared = 0;
    net.weights.forEach((w, l) => {
      const g = grads[w.name].arraySync() as number[][];
      weights[l].forEach((row, i) => row.forEach((v, j) => {
        const plus = weights.map((m) => m.map((r) => [...r]));
        const minus = weights.map((m) => m.map((r) => [...r]));
        plus[l][i][j] = v + h;
        minus[l][i][j] = v - h;
        const fd = (referenceLoss(plus, x, y, activation === 'relu') - referenceLoss(minus, x, y, activation === 'relu')) / (2 * h);
        expect(Math.abs(g[i][j] - fd)).toBeLessThan(1e-4 + 1e-3 * Math.abs(fd));
        compared++;
      }));
    });
    expect(compared).toBe(3 * 4 + 4 * 5 + 5 * 2);
    // The loss itself agrees too (float32 against float64).
    const value = lossOf('mse', net.predict(tf.tensor2d(x)), tf.tensor2d(y)).dataSync()[0];
    expect(value).toBeCloseTo(referenceLoss(weights, x, y, activation === 'relu'), 5);
    net.dispose();
  });
});
