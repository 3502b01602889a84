/**
 * The benchmark configurations: full-batch gradient descent on a
 * bias-free ReLU MLP, MSE, float32. `depth` is the number of weight matrices L
 * (depth − 1 hidden layers of `width`), so C1 is a two-layer network.
 * `cpuOk`: the pure-JS cpu backend is run there (it takes seconds per step beyond C2).
 */
export const CONFIGS = {
  C1: { dIn: 10, width: 50, depth: 2, n: 200, dOut: 1, cpuOk: true },
  C2: { dIn: 10, width: 100, depth: 6, n: 1000, dOut: 1, cpuOk: true },
  C3: { dIn: 784, width: 200, depth: 6, n: 2000, dOut: 10, cpuOk: false },
  C4: { dIn: 10, width: 300, depth: 8, n: 1000, dOut: 1, cpuOk: false },
  C5: { dIn: 784, width: 1000, depth: 6, n: 2000, dOut: 10, cpuOk: false },
};

/** Learning rate small enough that no configuration diverges during the timed steps. */
export const LR = 1e-3;
