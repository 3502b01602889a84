import { joinBuffers, splitBuffers } from '../../src/widgets/codec';

test('splitBuffers removes typed arrays, names their paths, and joinBuffers gives equal bytes back', () => {
  const a = Float64Array.of(1, 2.5, -3e-300, Number.MAX_VALUE);
  const b = Float64Array.of(NaN, Infinity);
  const value = { title: 'x', nan: NaN, runs: [{ name: 'r', loss: a }, { name: 's', loss: b }], nested: { deep: [0, { v: a.subarray(1, 3) }] } };
  const split = splitBuffers(value);
  expect(split.buffer_paths).toEqual([
    ['runs', 0, 'loss'],
    ['runs', 1, 'loss'],
    ['nested', 'deep', 1, 'v'],
  ]);
  expect(split.state).toEqual({ title: 'x', nan: null, runs: [{ name: 'r' }, { name: 's' }], nested: { deep: [0, {}] } });
  // JSON-safe: no typed array or NaN left.
  expect(JSON.parse(JSON.stringify(split.state))).toEqual(split.state);
  const joined = joinBuffers(split.state, split.buffer_paths, split.buffers) as typeof value;
  expect(Array.from(joined.runs[0].loss)).toEqual(Array.from(a));
  expect(Array.from(joined.runs[1].loss)).toEqual([NaN, Infinity]);
  expect(Array.from((joined.nested.deep[1] as { v: Float64Array }).v)).toEqual([2.5, -3e-300]);
});
