/**
 * The sweep spec: how it expands into points, their stable ids, sharding, and bad input that
 * gets `[saddlelab]` errors naming the field.
 */
import { SaddlelabError } from '../../src/errors';
import { canonicalJson, pointId, setPath } from '../../src/sweep/paths';
import { parseShard, shardPoints } from '../../src/sweep/shard';
import { parseSweepSpec, sweepPoints, type SweepSpec } from '../../src/sweep/spec';

const base = { model: { widths: [4, 4], activation: 'relu' }, data: { circleToy: {} }, train: { steps: 100, lr: 0.1 } };

describe('expansion', () => {
  it('grid × points × seeds, list entries outermost, the first grid field before the last, seeds innermost', () => {
    const points = sweepPoints({
      base,
      grid: { 'model.init.scale': [0.01, 0.1], 'train.lr': [0.1, 0.2, 0.3] },
      points: [{ 'model.widths': [4, 4] }, { 'model.widths': [8] }],
      seeds: 2,
    });
    expect(points).toHaveLength(2 * 2 * 3 * 2);
    expect(points.map((p) => p.index)).toEqual(points.map((_, i) => i));
    expect(points.slice(0, 4).map((p) => p.params)).toEqual([
      { 'model.init.scale': 0.01, 'train.lr': 0.1, 'model.widths': [4, 4], seed: 0 },
      { 'model.init.scale': 0.01, 'train.lr': 0.1, 'model.widths': [4, 4], seed: 1 },
      { 'model.init.scale': 0.01, 'train.lr': 0.2, 'model.widths': [4, 4], seed: 0 },
      { 'model.init.scale': 0.01, 'train.lr': 0.2, 'model.widths': [4, 4], seed: 1 },
    ]);
    expect(points[12].params).toEqual({ 'model.init.scale': 0.01, 'train.lr': 0.1, 'model.widths': [8], seed: 0 });
    // Each point's config is the base with its params set, the seed in the kind's seed field.
    expect(points[13].config).toEqual({ ...base, model: { widths: [8], activation: 'relu', init: { scale: 0.01, seed: 1 } }, train: { steps: 100, lr: 0.1 } });
    expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
  });

  it('a spec without grid, points or seeds is one point: the base', () => {
    const [p, ...rest] = sweepPoints({ base });
    expect(rest).toEqual([]);
    expect(p.config).toEqual(base);
    expect(p.params).toEqual({});
  });

  it('seeds can set several fields, or be a list', () => {
    const points = sweepPoints({ base: { ...base, data: { linearTeacher: { singularValues: [1], n: 4, seed: 0 } } }, seeds: { values: [3, 7], fields: ['model.init.seed', 'data.linearTeacher.seed'] } });
    expect(points.map((p) => p.params.seed)).toEqual([3, 7]);
    expect(points[1].config).toMatchObject({ model: { init: { seed: 7 } }, data: { linearTeacher: { seed: 7 } } });
    expect(sweepPoints({ base, seeds: [5, 2] }).map((p) => p.params.seed)).toEqual([5, 2]);
  });

  it('escape kind: the seed field is the solver\'s seed', () => {
    const points = sweepPoints({ kind: 'escape', base: { data: { circleToy: {} }, depth: 3 }, grid: { width: [2, 4] }, seeds: 2 });
    expect(points.map((p) => [p.config as Record<string, unknown>].map((c) => [c.width, c.seed])[0])).toEqual([[2, 0], [2, 1], [4, 0], [4, 1]]);
  });
});

describe('stable ids', () => {
  it('are a hash of the kind and the full config, whatever the key order', () => {
    const a = { model: { widths: [4], init: { scale: 0.1, seed: 1 } }, train: { steps: 10 } };
    const b = { train: { steps: 10 }, model: { init: { seed: 1, scale: 0.1 }, widths: [4] } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(pointId('train', a)).toBe(pointId('train', b));
    expect(pointId('train', a)).toMatch(/^[0-9a-f]{16}$/);
    expect(pointId('escape', a)).not.toBe(pointId('train', a));
    expect(pointId('train', setPath(a, 'model.init.scale', 0.1000001, 'x'))).not.toBe(pointId('train', a));
    // A fixed value: ids must not change between versions, or a sweep folder could not resume.
    // It is the first 16 hex digits of sha256('train\n' + the canonical JSON above).
    expect(canonicalJson(a)).toBe('{"model":{"init":{"scale":0.1,"seed":1},"widths":[4]},"train":{"steps":10}}');
    expect(pointId('train', a)).toBe('f1482b62f57561a4');
  });

  it('the same run has the same id in another spec (order, grid or list) and with other summary options', () => {
    const viaGrid = sweepPoints({ base, grid: { 'model.init.scale': [0.01, 0.1] }, seeds: 2 });
    const viaList = sweepPoints({ base, points: [{ 'model.init.scale': 0.1, 'model.init.seed': 1 }], summary: { phases: { rankThreshold: 0.2 } } });
    expect(viaList[0].id).toBe(viaGrid[3].id);
    expect(viaList[0].index).toBe(0);
  });

  it('a config written out in full has the id of the point that set it by path', () => {
    const [p] = sweepPoints({ base, grid: { 'model.init.scale': [0.05] } });
    const full = { ...base, model: { ...base.model, init: { scale: 0.05 } } };
    expect(p.id).toBe(pointId('train', full));
  });
});

describe('shards', () => {
  const points = sweepPoints({ base, grid: { 'model.init.scale': [0.01, 0.02, 0.03, 0.05, 0.1], 'train.lr': [0.1, 0.2] }, seeds: 3 });

  it.each([1, 2, 3, 4, 7, 30, 31, 64])('%i shards cover every point exactly once', (n) => {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) for (const p of shardPoints(points, parseShard(`${i}/${n}`))) seen.set(p.id, (seen.get(p.id) ?? 0) + 1);
    expect(seen.size).toBe(points.length);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    // Balanced: shard sizes differ by at most one.
    const sizes = Array.from({ length: n }, (_, i) => shardPoints(points, { index: i, count: n }).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('a shard is the same on every call (deterministic)', () => {
    expect(shardPoints(sweepPoints({ base, grid: { 'model.init.scale': [0.01, 0.02, 0.03, 0.05, 0.1], 'train.lr': [0.1, 0.2] }, seeds: 3 }), parseShard('2/4')).map((p) => p.id)).toEqual(
      shardPoints(points, parseShard('2/4')).map((p) => p.id),
    );
  });

  it.each([
    ['4/4', /shard.index must be an integer from 0 to count − 1 = 3; got 4/],
    ['1/0', /shard.count must be a positive integer; got 0/],
    ['a/b', /shard must be "I\/N" with 0 ≤ I < N/],
    ['-1/2', /shard must be "I\/N"/],
  ])('bad shard %s', (value, message) => {
    expect(() => parseShard(value)).toThrow(message);
  });
});

/** Each case: a spec, the field its error must name, and the message. */
const BAD: Array<[string, unknown, string, RegExp]> = [
  ['not an object', [1], 'spec', /spec must be an object; got an array/],
  ['an unknown key', { base, gird: {} }, 'spec.gird', /spec.gird must be one of the known options \(kind, name, base, grid, points, seeds, summary\)/],
  ['an unknown kind', { kind: 'mcmc', base }, 'spec.kind', /spec.kind must be one of 'train', 'escape'; got "mcmc"/],
  ['no base', { grid: {} }, 'spec.base', /spec.base must be an object; got undefined/],
  ['a grid field that is not a list', { base, grid: { 'model.init.scale': 0.1 } }, 'spec.grid["model.init.scale"]', /must be a non-empty array of the values the field takes; got 0.1/],
  ['an empty grid list', { base, grid: { 'train.lr': [] } }, 'spec.grid["train.lr"]', /non-empty array/],
  ['a path outside the config', { base, grid: { 'modle.init.scale': [1] } }, 'spec.grid["modle.init.scale"]', /a path starting with one of model, data, train/],
  ['a path with an empty segment', { base, grid: { 'model..scale': [1] } }, 'spec.grid["model..scale"]', /"" is neither/],
  ['a field inside a number', { base, grid: { 'train.lr.adaptive': [0.5] } }, 'spec.grid["train.lr.adaptive"]', /train.lr is 0.1, which has no field "adaptive"; sweep train.lr itself/],
  ['an index past an array', { base, grid: { 'model.widths.5': [3] } }, 'spec.grid["model.widths.5"]', /model.widths is an array of 2; "5" must be an index below 2/],
  ['a non-JSON value', { base, grid: { 'train.lr': [NaN] } }, 'spec.grid["train.lr"][0]', /JSON data/],
  ['points not a list', { base, points: { 'train.lr': 1 } }, 'spec.points', /an array of objects/],
  ['an empty point', { base, points: [{}] }, 'spec.points[0]', /at least one field/],
  ['a bad point path', { base, points: [{ 'train.lr': 1 }, { 'trian.lr': 2 }] }, 'spec.points[1]["trian.lr"]', /a path starting with one of model, data, train/],
  ['seeds 0', { base, seeds: 0 }, 'spec.seeds', /spec.seeds must be a positive integer; got 0/],
  ['a negative seed', { base, seeds: [1, -2] }, 'spec.seeds.values[1]', /an integer >= 0; got -2/],
  ['repeated seeds', { base, seeds: [1, 1] }, 'spec.seeds.values', /distinct seeds/],
  ['seed fields swept twice', { base, grid: { 'model.init.seed': [1, 2] }, seeds: 2 }, 'spec.seeds.fields', /"model.init.seed" is also swept by grid or points/],
  ['two points that are the same run', { base, grid: { 'train.lr': [0.1, 0.1] } }, 'spec', /points 0 and 1 are the same run/],
  ['a bad name', { base, name: 'a b/c' }, 'spec.name', /letters, digits/],
  ['unknown summary options', { base, summary: { phase: {} } }, 'summary.phase', /summary.phase must be one of the known options \(phases\)/],
  ['bad phase options', { base, summary: { phases: { rankThreshold: -1 } } }, 'summary.phases.rankThreshold', /summary.phases.rankThreshold must be a finite number > 0; got -1/],
  ['escape: a target speed of 0', { kind: 'escape', base: { data: { circleToy: {} } }, summary: { target: { speed: 0 } } }, 'summary.target.speed', /must be a finite number > 0; got 0/],
  ['escape: a path outside its config', { kind: 'escape', base: { data: { circleToy: {} } }, grid: { 'model.widths': [[2]] } }, 'spec.grid["model.widths"]', /one of X, G, data, depth, width/],
];

it.each(BAD)('bad spec: %s', (_what, spec, field, message) => {
  let error: unknown;
  try {
    parseSweepSpec(spec as SweepSpec);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SaddlelabError);
  expect((error as SaddlelabError).message).toMatch(/^\[saddlelab\] /);
  expect((error as SaddlelabError).message).toMatch(message);
  expect((error as SaddlelabError).field).toBe(field);
});
