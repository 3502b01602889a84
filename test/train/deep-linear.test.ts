/**
 * A deep linear network from small initialization on the 10·diag(1..5) teacher
 * learns the modes one at a time, largest first (Jacot et al. 2021; the reference
 * configuration of docs/paper.md, "The linear warm-up"), and the loss shows a staircase of plateaus.
 */
import { Matrix, SVD } from 'ml-matrix';
import { useBackend } from '../../src/backend';
import { linearTeacher } from '../../src/data';
import { fit } from '../../src/train/fit';
import { mlp } from '../../src/train/mlp';
import { detectPhases } from '../../src/train/phases';

it('learns the teacher singular values in order, largest first', async () => {
  await useBackend('wasm');
  const teacher = [10, 20, 30, 40, 50];
  const data = linearTeacher({ singularValues: teacher, n: 100, seed: 0 });
  const net = mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 0 } });
  const learnedAt = new Array<number>(5).fill(-1);
  // Read inside onRecord, which the loop calls synchronously: a synchronous read (this test runs on the CPU).
  const product = () => net.weights.map((w) => w.arraySync()).reduce((acc, w) => new Matrix(w).mmul(acc), Matrix.eye(5));
  const history = await fit(net, data, {
    steps: 2500,
    lr: 5e-4,
    record: { every: 25 },
    log: false,
    onRecord: (r) => {
      // Singular values of the end-to-end map, descending; mode k is learned once it reaches half its target.
      const s = new SVD(product(), { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
      const target = [...teacher].sort((a, b) => b - a);
      s.forEach((v, k) => { if (learnedAt[k] < 0 && v > target[k] / 2) learnedAt[k] = r.step; });
    },
  });
  expect(learnedAt.every((t) => t > 0)).toBe(true);
  for (let k = 1; k < 5; k++) expect(learnedAt[k]).toBeGreaterThan(learnedAt[k - 1]);
  // The staircase: several escapes, and every mode is learned shortly (≤ 100 steps) after one of them
  // (modes that are learned within a few records of each other, like 50 and 40, leave as one escape).
  const phases = detectPhases(history);
  expect(phases.escapes.length).toBeGreaterThanOrEqual(3);
  for (const t of learnedAt) expect(phases.escapes.some((e) => t - e >= 0 && t - e <= 100)).toBe(true);
  expect(history.loss()[history.length - 1]).toBeLessThan(history.loss()[0] * 1e-2);
  net.dispose();
});
