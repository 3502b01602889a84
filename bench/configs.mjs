/**
 * The benchmark configurations: gradient descent on a bias-free ReLU MLP, MSE,
 * float32. `depth` is the number of weight matrices L (depth − 1 hidden layers
 * of `width`), so C1 is a two-layer network. `batch`: mini-batch size (C6,
 * Figure 1's setting: batches of 100 from 10,000 MNIST-shaped samples); without
 * it, full-batch GD on all n samples. `cpuOk`: the pure-JS cpu backend is run
 * there (it takes seconds per step beyond C2).
 */
export const CONFIGS = {
  C1: { dIn: 10, width: 50, depth: 2, n: 200, dOut: 1, cpuOk: true },
  C2: { dIn: 10, width: 100, depth: 6, n: 1000, dOut: 1, cpuOk: true },
  C3: { dIn: 784, width: 200, depth: 6, n: 2000, dOut: 10, cpuOk: false },
  C4: { dIn: 10, width: 300, depth: 8, n: 1000, dOut: 1, cpuOk: false },
  C5: { dIn: 784, width: 1000, depth: 6, n: 2000, dOut: 10, cpuOk: false },
  C6: { dIn: 784, width: 1000, depth: 6, n: 10000, dOut: 10, batch: 100, cpuOk: false },
};

/** Learning rate small enough that no configuration diverges during the timed steps. */
export const LR = 1e-3;

/** `[d_in, width, …, width, d_out]`. */
export function dimsOf(cfg) {
  return [cfg.dIn, ...Array(cfg.depth - 1).fill(cfg.width), cfg.dOut];
}

/**
 * Floating-point operations of one step (multiply and add counted apart), the
 * matrix products only: on m samples (the batch, or n) the forward pass is
 * 2m·Σ d_ℓ d_{ℓ−1}, the weight gradients as much again, and the input
 * gradients of layers 2..L 2m·Σ_{ℓ≥2} d_ℓ d_{ℓ−1}. Element-wise work (ReLU,
 * the loss, the update) is a few per cent on top and is not counted.
 */
export function flopsPerStep(cfg) {
  const dims = dimsOf(cfg);
  const m = cfg.batch ?? cfg.n;
  let all = 0;
  let inner = 0;
  for (let l = 1; l < dims.length; l++) {
    all += dims[l] * dims[l - 1];
    if (l > 1) inner += dims[l] * dims[l - 1];
  }
  return 2 * m * (2 * all + inner);
}
