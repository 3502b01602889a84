/**
 * Checkpoints: everything a trainer needs to continue a run exactly where it
 * stood (docs/checkpoints.md). A folder holds
 *
 * - `checkpoint.json`: format, version, the step, the run's fingerprint (network,
 *   data, options that shape the steps), the mini-batch sampler's state (its random
 *   stream, permutation and cursor), the step size's state, the history, and the name
 *   of the weights file;
 * - `weights-<step>.bin`: the weights, little-endian float32 (float64 for the js64
 *   engine, which steps in float64), `W_1 … W_L` row-major, back to back.
 *
 * Writes are atomic: the weights go to a temporary file that is renamed, then
 * `checkpoint.json` the same way, then older weights files are removed; so the
 * folder always holds one complete checkpoint, even if the process is killed
 * in the middle of writing the next one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset';
import { SaddlelabError, fail, requireKnownKeys, requireObject, requirePositive } from '../errors';
import type { BatchSamplerState } from './batches';
import type { HistoryJSON, HistoryOptions } from './history';
import type { StepSize } from './types';

export const CHECKPOINT_FORMAT = 'saddlelab.checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Checkpoint options of a trainer (`checkpoint`) and of `fit`. */
export interface CheckpointOptions {
  /** The folder (made if missing). One run per folder. */
  dir: string;
  /** Seconds between checkpoints while training (default 120); one is also written when the run ends. */
  everySeconds?: number;
  /**
   * Continue the run checkpointed in `dir` (default false). Without it, a folder that
   * already holds a checkpoint is an error, so nothing is overwritten by mistake.
   */
  resume?: boolean;
}

/** What must be equal for a checkpoint to continue a run: the network, the data and the step. */
export interface RunFingerprint {
  dims: number[];
  activation: string;
  loss: string;
  lr: StepSize;
  /** The mini-batch size; null for full-batch gradient descent. */
  batchSize: number | null;
  seed: number;
  /** The engine option it was written with (for information: any engine resumes it). */
  engine: string;
  /** n and SHA-256 of the data's x and y bytes. */
  data: { n: number; sha256: string };
}

/** The JSON part of a checkpoint. */
export interface CheckpointJSON {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** The next step to run (the number of updates done). */
  step: number;
  savedAt: string;
  fingerprint: RunFingerprint;
  /** The weights file, its element type, and each layer's shape. */
  weights: { file: string; dtype: 'float32' | 'float64'; shapes: number[][] };
  /** The mini-batch sampler's state (absent in full-batch runs). */
  batches?: BatchSamplerState;
  /** The step size's state: the rule as given and the last step size it produced. */
  stepSize: { lr: StepSize; last: number | null };
  /** The history as `history.toJSON()` gives it, with the bounds it was made with and its last step. */
  history: { json: HistoryJSON; options: HistoryOptions; latest: { step: number; loss: number } };
}

/** Validates checkpoint options; returns them with defaults filled in. */
export function checkCheckpointOptions(value: unknown): Required<CheckpointOptions> {
  const o = requireObject('checkpoint', value);
  requireKnownKeys('checkpoint', o, ['dir', 'everySeconds', 'resume']);
  if (typeof o.dir !== 'string' || o.dir.length === 0) fail('checkpoint.dir', 'a folder path (a non-empty string)', o.dir);
  const everySeconds = o.everySeconds === undefined ? 120 : requirePositive('checkpoint.everySeconds', o.everySeconds);
  if (o.resume !== undefined && typeof o.resume !== 'boolean') fail('checkpoint.resume', 'true or false', o.resume);
  return { dir: o.dir, everySeconds, resume: o.resume === true };
}

/** SHA-256 of a data set's inputs and targets (the part of the fingerprint that takes time: ~0.1 s for MNIST). */
export function dataDigest(data: Dataset): { n: number; sha256: string } {
  const h = createHash('sha256');
  h.update(Buffer.from(data.x.buffer, data.x.byteOffset, data.x.byteLength));
  h.update(Buffer.from(data.y.buffer, data.y.byteOffset, data.y.byteLength));
  return { n: data.n, sha256: h.digest('hex') };
}

const JSON_FILE = 'checkpoint.json';

/** True when `dir` holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, JSON_FILE));
}

/** Writes a checkpoint atomically (see the module comment). */
export function writeCheckpoint(dir: string, json: Omit<CheckpointJSON, 'format' | 'version' | 'weights'>, weights: (Float32Array | Float64Array)[]): void {
  mkdirSync(dir, { recursive: true });
  const dtype = weights[0] instanceof Float64Array ? 'float64' : 'float32';
  const file = `weights-${json.step}.bin`;
  const bytes = weights.reduce((s, w) => s + w.byteLength, 0);
  const buffer = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const w of weights) {
    Buffer.from(w.buffer, w.byteOffset, w.byteLength).copy(buffer, offset);
    offset += w.byteLength;
  }
  writeAtomic(join(dir, file), buffer);
  const full: CheckpointJSON = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...json,
    weights: { file, dtype, shapes: json.fingerprint.dims.slice(1).map((d, l) => [d, json.fingerprint.dims[l]]) },
  };
  writeAtomic(join(dir, JSON_FILE), JSON.stringify(full));
  for (const f of readdirSync(dir)) {
    if (/^weights-\d+\.bin$/.test(f) && f !== file) rmSync(join(dir, f), { force: true });
  }
}

function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Reads the checkpoint in `dir`, with `[saddlelab]` errors naming what is wrong. */
export function readCheckpoint(dir: string): { json: CheckpointJSON; weights: (Float32Array | Float64Array)[] } {
  const path = join(dir, JSON_FILE);
  if (!existsSync(path)) {
    throw new SaddlelabError(`[saddlelab] checkpoint.resume: ${dir} holds no checkpoint (${JSON_FILE}); start without resume to begin the run`, 'checkpoint.resume');
  }
  let json: CheckpointJSON;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as CheckpointJSON;
  } catch (e) {
    throw new SaddlelabError(`[saddlelab] checkpoint: ${path} is not valid JSON (${(e as Error).message})`, 'checkpoint');
  }
  if (json?.format !== CHECKPOINT_FORMAT) fail('checkpoint.format', `'${CHECKPOINT_FORMAT}'`, json?.format);
  if (json.version !== CHECKPOINT_VERSION) fail('checkpoint.version', `${CHECKPOINT_VERSION} (this saddlelab reads version ${CHECKPOINT_VERSION})`, json.version);
  const { file, dtype, shapes } = json.weights;
  const raw = readFileSync(join(dir, file));
  const size = dtype === 'float64' ? 8 : 4;
  const expected = shapes.reduce((s, [r, c]) => s + r * c, 0) * size;
  if (raw.byteLength !== expected) {
    throw new SaddlelabError(`[saddlelab] checkpoint: ${file} holds ${raw.byteLength} bytes; its shapes need ${expected}`, 'checkpoint');
  }
  // A copy into a fresh, aligned buffer (a Buffer from readFileSync may share a pool at any offset).
  const bytes = new Uint8Array(raw.byteLength);
  bytes.set(raw);
  const weights: (Float32Array | Float64Array)[] = [];
  let offset = 0;
  for (const [r, c] of shapes) {
    weights.push(dtype === 'float64' ? new Float64Array(bytes.buffer, offset, r * c) : new Float32Array(bytes.buffer, offset, r * c));
    offset += r * c * size;
  }
  return { json, weights };
}

/**
 * The fields where `saved` and `now` differ, for a clear error when a checkpoint belongs to another run.
 * The engine is not one of them: every engine steps the same maths from the same weights, batches and
 * step size, so a run checkpointed on one continues on another (a js64 checkpoint's float64 weights
 * are rounded to float32 there).
 */
function fingerprintDiff(saved: RunFingerprint, now: RunFingerprint): string[] {
  const keys = (Object.keys(now) as (keyof RunFingerprint)[]).filter((k) => k !== 'engine');
  return keys.filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(now[k]));
}

/**
 * What a trainer with these checkpoint options starts from: with `resume`, the checkpoint in
 * the folder (an error when there is none, or when it belongs to another run); without, nothing
 * (an error when the folder already holds a checkpoint, so none is overwritten by mistake).
 */
export function openCheckpoint(
  options: Required<CheckpointOptions>,
  fingerprint: RunFingerprint,
): { json: CheckpointJSON; weights: (Float32Array | Float64Array)[] } | undefined {
  if (!options.resume) {
    if (hasCheckpoint(options.dir)) {
      throw new SaddlelabError(
        `[saddlelab] checkpoint.dir: ${options.dir} already holds a checkpoint; pass resume: true (--resume) to continue it, or choose another folder`,
        'checkpoint.dir',
      );
    }
    return undefined;
  }
  const saved = readCheckpoint(options.dir);
  const diff = fingerprintDiff(saved.json.fingerprint, fingerprint);
  if (diff.length) {
    throw new SaddlelabError(
      `[saddlelab] checkpoint.resume: the checkpoint in ${options.dir} belongs to another run (it differs in ${diff.join(', ')}); ` +
        'resume it with the network, data and options it was made with, or start without resume in another folder',
      'checkpoint.resume',
    );
  }
  return saved;
}
