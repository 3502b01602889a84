/**
 * A sweep spec: a base config plus the fields that vary. Expanded, it is an ordered list of
 * points, each a full config with a stable id (docs/sweeps.md).
 *
 * ```json
 * { "kind": "train",
 *   "base": { "model": { "widths": [10, 10] }, "data": { "circleToy": {} }, "train": { "steps": 2000, "lr": { "adaptive": 0.2 } } },
 *   "grid": { "model.init.scale": [0.01, 0.03, 0.1], "model.widths": [[10, 10], [10, 10, 10]] },
 *   "points": [ { "train.lr.adaptive": 0.1 }, { "train.lr.adaptive": 0.2 } ],
 *   "seeds": 4,
 *   "summary": { "phases": {} } }
 * ```
 * - `kind`: `train` (default; `base` is a `saddlelab train` config) or `escape` (`base` is an
 *   escape problem, see escape-kind.ts).
 * - `grid`: field path → the values it takes; every combination, the first field outermost.
 * - `points`: a list of partial assignments (several fields at once), each combined with every
 *   grid combination; `[]` or absent means the grid alone.
 * - `seeds`: a count `n` (seeds 0…n−1), a list, or `{ values, fields }`; the innermost loop.
 *   Without `fields` it sets the kind's seed field (`model.init.seed`, or `seed` for escape).
 * - `summary`: options of the summary row (train: `phases`, passed to `detectPhases`; escape:
 *   `target`, `rankThreshold`). Not part of a point's id: changing them re-summarizes.
 */
import { SaddlelabError, fail, requireKnownKeys, requireNonNegativeInt, requireObject, requireOneOf, requirePositiveInt } from '../errors';
import { escapeKind } from './escape-kind';
import type { SweepKind } from './kind';
import { cloneJson, pointId, setPath, splitPath, type Json } from './paths';
import { trainKind } from './train-kind';

export const SWEEP_KINDS = { train: trainKind, escape: escapeKind } as const;
export type SweepKindName = keyof typeof SWEEP_KINDS;

/** A sweep spec as written (JSON). */
export interface SweepSpec {
  kind?: SweepKindName;
  /** A label for the sweep (job names, plots). */
  name?: string;
  base: Record<string, unknown>;
  grid?: Record<string, unknown[]>;
  points?: Array<Record<string, unknown>>;
  seeds?: number | number[] | { values: number[]; fields?: string[] };
  summary?: Record<string, unknown>;
}

/** A spec checked and with defaults filled in. */
export interface ParsedSpec {
  kind: SweepKindName;
  name: string;
  base: Json;
  grid: Array<{ path: string; values: Json[] }>;
  points: Array<Array<{ path: string; value: Json }>>;
  seeds: { values: number[]; fields: string[] } | undefined;
  summary: Json;
  /** The swept field paths, in order: grid fields, list fields, then `seed` when seeds are swept. */
  params: string[];
}

/** One run of a sweep. */
export interface SweepPoint {
  /** Position in the expanded spec (0-based). */
  index: number;
  /** 16 hex digits: a hash of `kind` and `config`. */
  id: string;
  kind: SweepKindName;
  /** The swept fields of this point (path → value), and `seed` when seeds are swept. */
  params: Record<string, Json>;
  /** The full config of the run. */
  config: Json;
}

const SPEC_KEYS = ['kind', 'name', 'base', 'grid', 'points', 'seeds', 'summary'] as const;

function checkPath(kind: SweepKind, path: unknown, field: string): string {
  const parts = splitPath(path, field);
  if (!kind.fields.includes(parts[0])) fail(field, `a path starting with one of ${kind.fields.join(', ')} (the fields of a ${kind.name} config)`, path);
  return path as string;
}

/**
 * Checks a spec and fills in defaults. Every error is a `[saddlelab]` error naming the field
 * (`grid["model.init.scale"]`, `seeds.values[2]`, …).
 *
 * @example
 * ```ts
 * import { sweep } from 'saddlelab';
 * const spec = sweep.parseSpec({ base: { model: { widths: [4] }, data: { circleToy: {} }, train: { steps: 100 } },
 *   grid: { 'model.init.scale': [0.01, 0.1] }, seeds: 2 });
 * console.log(spec.params); // ['model.init.scale', 'seed']
 * ```
 */
export function parseSweepSpec(spec: unknown): ParsedSpec {
  const s = requireObject('spec', spec);
  requireKnownKeys('spec', s, SPEC_KEYS);
  const kindName = requireOneOf('spec.kind', s.kind ?? 'train', Object.keys(SWEEP_KINDS) as SweepKindName[]);
  const kind: SweepKind = SWEEP_KINDS[kindName];
  if (s.name !== undefined && (typeof s.name !== 'string' || !/^[\w.-]{1,64}$/.test(s.name))) fail('spec.name', 'a name of 1–64 letters, digits, dots, dashes or underscores', s.name);
  const base = cloneJson(requireObject('spec.base', s.base), 'spec.base');

  const grid: ParsedSpec['grid'] = [];
  if (s.grid !== undefined) {
    for (const [path, values] of Object.entries(requireObject('spec.grid', s.grid))) {
      const field = `spec.grid["${path}"]`;
      checkPath(kind, path, field);
      if (!Array.isArray(values) || values.length === 0) fail(field, 'a non-empty array of the values the field takes', values);
      grid.push({ path, values: values.map((v, i) => cloneJson(v, `${field}[${i}]`)) });
    }
  }

  const points: ParsedSpec['points'] = [];
  if (s.points !== undefined) {
    if (!Array.isArray(s.points)) fail('spec.points', 'an array of objects, each { "field.path": value, … }', s.points);
    s.points.forEach((p, i) => {
      const entries = Object.entries(requireObject(`spec.points[${i}]`, p));
      if (entries.length === 0) fail(`spec.points[${i}]`, 'an object setting at least one field', 'an empty object');
      points.push(entries.map(([path, value]) => ({ path: checkPath(kind, path, `spec.points[${i}]["${path}"]`), value: cloneJson(value, `spec.points[${i}]["${path}"]`) })));
    });
  }

  let seeds: ParsedSpec['seeds'];
  if (s.seeds !== undefined) {
    let values: unknown = s.seeds;
    let fields: unknown = [...kind.seedFields];
    if (typeof s.seeds === 'number') {
      values = Array.from({ length: requirePositiveInt('spec.seeds', s.seeds) }, (_, i) => i);
    } else if (!Array.isArray(s.seeds)) {
      const o = requireObject('spec.seeds', s.seeds);
      requireKnownKeys('spec.seeds', o, ['values', 'fields']);
      values = o.values;
      fields = o.fields ?? fields;
    }
    if (!Array.isArray(values) || values.length === 0) fail('spec.seeds', 'a count n (seeds 0…n−1), a non-empty list of seeds, or { values, fields }', values);
    values.forEach((v, i) => requireNonNegativeInt(`spec.seeds.values[${i}]`, v));
    if (new Set(values).size !== values.length) fail('spec.seeds.values', 'distinct seeds', values);
    if (!Array.isArray(fields) || fields.length === 0) fail('spec.seeds.fields', 'a non-empty array of field paths', fields);
    fields.forEach((f, i) => checkPath(kind, f, `spec.seeds.fields[${i}]`));
    seeds = { values: values as number[], fields: fields as string[] };
  }

  const params: string[] = [];
  for (const p of [...grid.map((g) => g.path), ...points.flatMap((p) => p.map((e) => e.path))]) if (!params.includes(p)) params.push(p);
  if (seeds) {
    const clash = seeds.fields.find((f) => params.includes(f));
    if (clash) throw new SaddlelabError(`[saddlelab] spec.seeds.fields: "${clash}" is also swept by grid or points; sweep it in one place`, 'spec.seeds.fields');
    params.push('seed');
  }
  const summary = kind.summaryOptions(s.summary);
  const parsed: ParsedSpec = { kind: kindName, name: (s.name as string | undefined) ?? 'sweep', base, grid, points, seeds, summary, params };
  // Every path must apply to the base (an index inside an array, no field inside a number) and
  // no two points may be the same run: found here, before any run starts.
  const seen = new Map<string, number>();
  for (const p of expandSweep(parsed)) {
    const first = seen.get(p.id);
    if (first !== undefined) throw new SaddlelabError(`[saddlelab] spec: points ${first} and ${p.index} are the same run (id ${p.id}); every point must differ in its config`, 'spec');
    seen.set(p.id, p.index);
  }
  return parsed;
}

/**
 * The points of a spec, in order: list entries outermost, then the grid (first field outermost),
 * seeds innermost.
 *
 * @example
 * ```ts
 * import { sweep } from 'saddlelab';
 * const points = sweep.points({ kind: 'escape', base: { data: { circleToy: {} }, depth: 3 }, grid: { width: [2, 4] }, seeds: 3 });
 * console.log(points.length, points[0].params); // 6 { width: 2, seed: 0 }
 * ```
 */
export function sweepPoints(spec: unknown): SweepPoint[] {
  return expandSweep(isParsed(spec) ? spec : parseSweepSpec(spec));
}

function isParsed(spec: unknown): spec is ParsedSpec {
  return typeof spec === 'object' && spec !== null && Array.isArray((spec as ParsedSpec).params) && Array.isArray((spec as ParsedSpec).grid);
}

function expandSweep(spec: ParsedSpec): SweepPoint[] {
  const out: SweepPoint[] = [];
  const entries = spec.points.length ? spec.points : [[]];
  const seeds = spec.seeds ? spec.seeds.values : [undefined];
  const sizes = spec.grid.map((g) => g.values.length);
  const combos = sizes.reduce((a, b) => a * b, 1);
  for (let e = 0; e < entries.length; e++) {
    for (let c = 0; c < combos; c++) {
      // Mixed radix over the grid, the last field fastest.
      let rest = c;
      const pick = sizes.map((_, g) => {
        const stride = sizes.slice(g + 1).reduce((a, b) => a * b, 1);
        const i = Math.floor(rest / stride);
        rest %= stride;
        return i;
      });
      for (const seed of seeds) {
        let config = spec.base;
        const params: Record<string, Json> = {};
        spec.grid.forEach((g, k) => {
          config = setPath(config, g.path, g.values[pick[k]], `spec.grid["${g.path}"]`);
          params[g.path] = g.values[pick[k]];
        });
        for (const { path, value } of entries[e]) {
          config = setPath(config, path, value, `spec.points[${e}]["${path}"]`);
          params[path] = value;
        }
        if (seed !== undefined) {
          for (const f of spec.seeds!.fields) config = setPath(config, f, seed, 'spec.seeds.fields');
          params.seed = seed;
        }
        out.push({ index: out.length, id: pointId(spec.kind, config), kind: spec.kind, params, config });
      }
    }
  }
  return out;
}
