/**
 * Bias-free fully connected networks (docs/paper.md, "Setup"): `Z_ℓ = W_ℓ σ(Z_{ℓ−1})`,
 * `Z_0σ = X`, linear output. Without biases the network is L-homogeneous, which
 * is what makes the origin a saddle and small initialization interesting.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '../backend/backend';
import { relu as nativeAwareRelu } from '../backend/native-relu';
import { createRng } from '../data/random';
import type { Activation } from './types';
import {
  SaddlelabError,
  fail,
  requireKnownKeys,
  requireNonNegativeInt,
  requireObject,
  requireOneOf,
  requirePositive,
  requirePositiveInt,
} from '../errors';


/** How the weights start. Exactly one of `scale`, `gamma`, `weights` (default `scale: 1e-3`). */
export interface InitOptions {
  /** Gaussian entries with this standard deviation. */
  scale?: number;
  /** Width-scaled Gaussian of the deep-linear literature: std = w^(−γ/2), w = the largest hidden width. */
  gamma?: number;
  /** Explicit weights, one `d_out × d_in` nested array per layer. */
  weights?: number[][][];
  /** Seed of the Gaussian draw (default 0). Same seed ⇒ identical weights on every backend. */
  seed?: number;
}

export interface MlpOptions {
  inputDim: number;
  /** Hidden widths; `[]` gives a single linear map. Depth L = widths.length + 1. */
  widths: number[];
  outputDim: number;
  /** Hidden nonlinearity (default `relu`). The output is always linear. */
  activation?: Activation;
  init?: InitOptions;
}

/** A bias-free MLP whose weights are tfjs variables of shape `[d_out, d_in]`. */
export interface Mlp {
  readonly activation: Activation;
  /** Layer sizes `[dIn, ...widths, dOut]`. */
  readonly dims: number[];
  /** Number of weight matrices L. */
  readonly depth: number;
  /** `W_1 … W_L`, shapes `[dims[ℓ], dims[ℓ−1]]`. */
  readonly weights: tf.Variable<tf.Rank.R2>[];
  /** The std the weights were drawn with (undefined for explicit weights). */
  readonly initScale?: number;
  /** Output `Y = Z_L` for inputs `x` of shape `[n, dIn]` (rows are samples). */
  predict(x: tf.Tensor2D): tf.Tensor2D;
  /** Pre-activations `Z_1 … Z_L` (each `[n, dims[ℓ]]`); caller disposes. */
  preActivations(x: tf.Tensor2D): tf.Tensor2D[];
  /**
   * Copies of the weights as row-major Float32Arrays, read asynchronously (every backend,
   * WebGPU included, has an asynchronous read; a synchronous one stalls a GPU's queue).
   */
  getWeights(): Promise<Float32Array[]>;
  /** Weights as nested arrays (for JSON configs), read asynchronously as `getWeights`. */
  getWeightArrays(): Promise<number[][][]>;
  /**
   * Where `getWeights` reads while a step engine keeps the weights elsewhere (the webgpu engine,
   * on its device; it writes them into `weights` when the run ends): a function resolving with
   * them, or with `undefined` to read `weights`. The trainer sets and clears it. @internal
   */
  setWeightSource(source: (() => Promise<Float32Array[] | undefined>) | undefined): void;
  dispose(): void;
}

const MLP_KEYS = ['inputDim', 'widths', 'outputDim', 'activation', 'init'] as const;
const INIT_KEYS = ['scale', 'gamma', 'weights', 'seed'] as const;

/** Validates options and fills defaults in one place. */
function resolveOptions(options: MlpOptions): Required<Omit<MlpOptions, 'init'>> & { init: InitOptions } {
  requireObject('mlp options', options);
  requireKnownKeys('mlp', options, MLP_KEYS);
  requirePositiveInt('inputDim', options.inputDim);
  requirePositiveInt('outputDim', options.outputDim);
  if (!Array.isArray(options.widths)) fail('widths', 'an array of positive integers', options.widths);
  options.widths.forEach((w, i) => requirePositiveInt(`widths[${i}]`, w));
  const activation = requireOneOf('activation', options.activation ?? 'relu', ['relu', 'linear'] as const);
  const init = options.init === undefined ? { scale: 1e-3 } : checkInit(options.init);
  const given = (['scale', 'gamma', 'weights'] as const).filter((k) => init[k] !== undefined);
  return { inputDim: options.inputDim, widths: [...options.widths], outputDim: options.outputDim, activation, init: given.length ? (init as InitOptions) : { ...init, scale: 1e-3 } };
}

/** Validates init options (the weights' shapes are checked against the dims later). */
function checkInit(value: unknown): InitOptions {
  const init = requireObject('init', value);
  requireKnownKeys('init', init, INIT_KEYS);
  const given = (['scale', 'gamma', 'weights'] as const).filter((k) => init[k] !== undefined);
  if (given.length > 1) fail('init', 'exactly one of scale, gamma, weights', `${given.join(' and ')}`);
  if (init.scale !== undefined) requirePositive('init.scale', init.scale);
  if (init.gamma !== undefined) requirePositive('init.gamma', init.gamma);
  if (init.seed !== undefined) requireNonNegativeInt('init.seed', init.seed);
  return init as InitOptions;
}

function explicitWeights(weights: unknown, dims: number[]): Float32Array[] {
  const depth = dims.length - 1;
  if (!Array.isArray(weights) || weights.length !== depth) fail('init.weights', `an array of ${depth} matrices`, weights);
  return weights.map((w, l) => {
    const [rows, cols] = [dims[l + 1], dims[l]];
    const field = `init.weights[${l}]`;
    if (!Array.isArray(w) || w.length !== rows) fail(field, `a ${rows} × ${cols} array (d_out × d_in)`, w);
    const out = new Float32Array(rows * cols);
    (w as unknown[]).forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) fail(`${field}[${i}]`, `an array of ${cols} numbers`, row);
      row.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${field}[${i}][${j}]`, 'a finite number', v);
        out[i * cols + j] = v;
      });
    });
    return out;
  });
}

/** The init std: `scale`, or `w^(−γ/2)` with w the largest hidden width (the input dim when there are none). */
export function initStd(init: InitOptions, dims: number[]): number | undefined {
  checkInit(init);
  if (!Array.isArray(dims) || dims.length < 2) fail('dims', 'an array [d_in, ...widths, d_out] of at least 2 positive integers', dims);
  dims.forEach((d, i) => requirePositiveInt(`dims[${i}]`, d));
  if (init.weights) return undefined;
  if (init.gamma !== undefined) {
    const hidden = dims.slice(1, -1);
    const w = hidden.length ? Math.max(...hidden) : dims[0];
    return Math.pow(w, -init.gamma / 2);
  }
  return init.scale ?? 1e-3;
}

/**
 * Builds a bias-free MLP.
 *
 * @example
 * ```ts
 * import { train } from 'saddlelab';
 * const net = train.mlp({ inputDim: 5, widths: [50, 50, 50], outputDim: 5, activation: 'linear', init: { gamma: 1.5, seed: 1 } });
 * console.log(net.depth, net.weights[0].shape); // 4 [50, 5]
 * console.log((await net.getWeights())[0].length); // 250
 * ```
 */
export function mlp(options: MlpOptions): Mlp {
  const opts = resolveOptions(options);
  const dims = [opts.inputDim, ...opts.widths, opts.outputDim];
  const depth = dims.length - 1;
  const std = initStd(opts.init, dims);
  // Before the first tensor: native TensorFlow when it is built, not tfjs's cpu fallback.
  ensureBackend();
  let values: Float32Array[];
  if (opts.init.weights) {
    values = explicitWeights(opts.init.weights, dims);
  } else {
    // Drawn in JS from one seeded stream, layer by layer, so every backend gets the same numbers.
    const rng = createRng(opts.init.seed ?? 0);
    values = dims.slice(1).map((rows, l) => {
      const w = new Float32Array(rows * dims[l]);
      for (let i = 0; i < w.length; i++) w[i] = std! * rng.normal();
      return w;
    });
  }
  const weights = values.map((v, l) => tf.variable(tf.tensor2d(v, [dims[l + 1], dims[l]]), true, `W${l + 1}_${Math.random().toString(36).slice(2)}`));
  const relu = opts.activation === 'relu';
  let source: (() => Promise<Float32Array[] | undefined>) | undefined;
  const readVariables = () => Promise.all(weights.map(async (w) => Float32Array.from((await w.data()) as Float32Array)));
  const getWeights = async () => (await source?.()) ?? readVariables();

  /** Forward pass; pushes each pre-activation Z_ℓ to `collect` when given (inside a tidy). */
  const forward = (x: tf.Tensor2D, collect?: tf.Tensor2D[]): tf.Tensor2D => {
    let h = x;
    weights.forEach((w, l) => {
      const z = tf.matMul(h, w, false, true) as tf.Tensor2D;
      collect?.push(tf.keep(z));
      h = relu && l < depth - 1 ? nativeAwareRelu(z) : z;
    });
    return h;
  };

  return {
    activation: opts.activation,
    dims,
    depth,
    weights,
    initScale: std,
    predict: (x) => tf.tidy(() => forward(x)),
    preActivations(x) {
      if (x.shape[1] !== dims[0]) {
        throw new SaddlelabError(`[saddlelab] x must have ${dims[0]} columns (inputDim); got shape [${x.shape.join(', ')}]`, 'x');
      }
      const out: tf.Tensor2D[] = [];
      tf.tidy(() => {
        forward(x, out);
      });
      return out;
    },
    getWeights,
    async getWeightArrays() {
      const flat = await getWeights();
      return flat.map((w, l) => Array.from({ length: dims[l + 1] }, (_, i) => Array.from(w.subarray(i * dims[l], (i + 1) * dims[l]))));
    },
    setWeightSource: (s) => {
      source = s;
    },
    dispose: () => weights.forEach((w) => w.dispose()),
  };
}
