/**
 * The JSON config of a run (`saddlelab train --config`, and each point of a train sweep): the
 * same options as the API. It lives here, below the CLI and the sweeps, which both read it.
 * ```json
 * { "model": { "widths": [50, 50, 50], "activation": "linear", "init": { "gamma": 1.5, "seed": 1 } },
 *   "data": { "linearTeacher": { "singularValues": [10, 20, 30, 40, 50], "n": 100, "seed": 0 } },
 *   "train": { "steps": 2500, "lr": 0.0005, "record": { "every": 50 } } }
 * ```
 * `data` is one generator (`linearTeacher`, `reluTeacher`, `circleToy`, `mnist`) with its options,
 * inline `{ "x": [[…]], "y": [[…]] }`, or `{ "file": "data.json" }` holding `{ x, y }`.
 * `model.inputDim` and `model.outputDim` default to the data's.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as dataSets from '../data';
import type { Dataset } from '../data/dataset';
import { SaddlelabError, fail, requireKnownKeys, requireObject } from '../errors';
import type { FitOptions } from './fit';
import type { MlpOptions } from './mlp';

export interface RunConfig {
  model: Partial<MlpOptions> & Pick<MlpOptions, 'widths'>;
  data: Record<string, unknown>;
  train: FitOptions;
}

const GENERATORS = ['linearTeacher', 'reluTeacher', 'circleToy', 'mnist'] as const;

/** Reads a JSON file, with `[saddlelab]` errors naming the flag. */
export function readJson(path: string, field: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SaddlelabError(`[saddlelab] ${field}: cannot read ${path}: ${(e as Error).message}`, field);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SaddlelabError(`[saddlelab] ${field}: ${path} is not valid JSON: ${(e as Error).message}`, field);
  }
}

/** Row-major Float32Array from a nested `number[][]` with the given field name. */
export function matrixFrom(field: string, rows: unknown, cols?: number): { values: Float32Array; rows: number; cols: number } {
  if (!Array.isArray(rows) || rows.length === 0) fail(field, 'a non-empty array of rows (number[][])', rows);
  const width = cols ?? (Array.isArray(rows[0]) ? rows[0].length : -1);
  if (width <= 0) fail(`${field}[0]`, 'a non-empty array of numbers', rows[0]);
  const values = new Float32Array(rows.length * width);
  rows.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row) || row.length !== width) fail(`${field}[${i}]`, `an array of ${width} numbers`, row);
    row.forEach((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${field}[${i}][${j}]`, 'a finite number', v);
      values[i * width + j] = v;
    });
  });
  return { values, rows: rows.length, cols: width };
}

function inlineData(spec: Record<string, unknown>, field: string): Dataset {
  const x = matrixFrom(`${field}.x`, spec.x);
  const y = matrixFrom(`${field}.y`, spec.y);
  if (x.rows !== y.rows) throw new SaddlelabError(`[saddlelab] ${field}.x and ${field}.y must have the same number of rows; got ${x.rows} and ${y.rows}`, `${field}.y`);
  return { name: 'inline data', n: x.rows, dIn: x.cols, dOut: y.cols, x: x.values, y: y.values };
}

/** Builds the data set a config names. `baseDir` resolves `file` paths. */
export function datasetFrom(spec: unknown, baseDir: string): Dataset {
  const d = requireObject('data', spec);
  if ('x' in d || 'y' in d) return inlineData(d, 'data');
  if ('file' in d) {
    if (typeof d.file !== 'string') fail('data.file', 'a path to a JSON file holding { x, y }', d.file);
    return inlineData(requireObject('data.file', readJson(resolve(baseDir, d.file), 'data.file')), 'data.file');
  }
  const keys = Object.keys(d);
  if (keys.length !== 1 || !(GENERATORS as readonly string[]).includes(keys[0])) {
    fail('data', `one of { x, y }, { file }, or exactly one generator of ${GENERATORS.join(', ')}`, keys.join(', ') || 'an empty object');
  }
  const make = (dataSets as unknown as Record<string, (o?: unknown) => Dataset>)[keys[0]];
  return make(d[keys[0]] ?? {});
}

/** Turns a parsed config into what `fit` needs. */
export function runFromConfig(config: unknown, baseDir: string): { model: MlpOptions; data: Dataset; train: FitOptions } {
  const c = requireObject('config', config);
  requireKnownKeys('config', c, ['model', 'data', 'train']);
  const data = datasetFrom(c.data, baseDir);
  const model = requireObject('model', c.model) as Partial<MlpOptions>;
  const train = requireObject('train', c.train) as unknown as FitOptions;
  return {
    data,
    model: { inputDim: data.dIn, outputDim: data.dOut, ...model } as MlpOptions,
    train: { ...train, config: c },
  };
}

export function configDir(path: string): string {
  return dirname(resolve(path));
}
