/**
 * A two-layer linear network with whitened inputs and small balanced
 * initialization follows Saxe, McClelland & Ganguli (2014)'s closed form
 * u(t) = s·e^(2st/τ) / (e^(2st/τ) − 1 + s/u0), with τ = 1/η for gradient descent
 * with step η on C = ‖Y − Y*‖²/(2N) (docs/paper.md, "The linear warm-up").
 */
import { useBackend } from '../../src/backend';
import type { Dataset } from '../../src/data/dataset';
import { mlp } from '../../src/train/mlp';
import { createTrainer } from '../../src/train/trainer';

const saxe = (s: number, u0: number, t: number, tau: number) => {
  const e = Math.exp((2 * s * t) / tau);
  return (s * e) / (e - 1 + s / u0);
};

it('each teacher mode follows the sigmoid closed form within a few percent', async () => {
  await useBackend('cpu');
  const s = [3, 2, 1];
  const d = s.length;
  const N = d; // X = √N·I is whitened: XᵀX/N = I.
  const x = new Float32Array(N * d);
  const y = new Float32Array(N * d);
  for (let i = 0; i < d; i++) {
    x[i * d + i] = Math.sqrt(N);
    y[i * d + i] = Math.sqrt(N) * s[i]; // teacher T = diag(s): y = x Tᵀ
  }
  const data: Dataset = { name: 'whitened diagonal teacher', n: N, dIn: d, dOut: d, x, y };
  const a0 = Math.sqrt(1e-3); // balanced: W1 = a0·I, W2 = a0·I, so u0 = a0² per mode
  const eye = (c: number) => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? c : 0)));
  const net = mlp({ inputDim: d, widths: [d], outputDim: d, activation: 'linear', init: { weights: [eye(a0), eye(a0)] } });
  const eta = 0.005;
  const trainer = createTrainer(net, data, { lr: eta, record: false });
  let worst = 0;
  let checked = 0;
  for (let t = 0; t <= 1400; t++) {
    if (t % 50 === 0) {
      const [w1, w2] = await net.getWeightArrays();
      for (let k = 0; k < d; k++) {
        // Mode strength u_k = (W2 W1)_kk.
        const u = w2[k].reduce((acc, v, j) => acc + v * w1[j][k], 0);
        worst = Math.max(worst, Math.abs(u - saxe(s[k], a0 * a0, t, 1 / eta)) / s[k]);
        checked++;
      }
    }
    await trainer.next();
  }
  expect(checked).toBe(29 * 3);
  // Discrete steps (η·s ≤ 0.015) against the continuous-time solution: within 3 % of s.
  expect(worst).toBeLessThan(0.03);
  // And the modes were learned: the last check is near s for every mode.
  const [w1, w2] = await net.getWeightArrays();
  s.forEach((sk, k) => expect(w2[k].reduce((acc, v, j) => acc + v * w1[j][k], 0)).toBeCloseTo(sk, 1));
  await trainer.dispose();
  net.dispose();
});
