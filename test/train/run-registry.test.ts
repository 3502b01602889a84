import { createRunRegistry } from '../../src/train/run-registry';

it('lists runs oldest first and gives the latest', () => {
  const runs = createRunRegistry();
  expect(runs.last()).toBeUndefined();
  const [a, b] = [{ history: {} }, { history: {} }];
  runs.add(a);
  runs.add(b);
  expect(runs.list()).toEqual([a, b]);
  expect(runs.last()).toBe(b);
  // list() is a copy: changing it does not change the registry.
  runs.list().pop();
  expect(runs.list()).toHaveLength(2);
});

it('one entry per history: a run made from a trainer replaces it, and a re-added entry moves to the end', () => {
  const runs = createRunRegistry<{ history: object; kind: string }>();
  const history = {};
  const trainer = { history, kind: 'trainer' };
  const other = { history: {}, kind: 'other' };
  runs.add(trainer);
  runs.add(other);
  const run = { history, kind: 'run' };
  runs.add(run);
  expect(runs.list()).toEqual([other, run]);
  runs.add(other);
  expect(runs.list()).toEqual([run, other]);
});

it('keeps the latest `limit` entries', () => {
  const runs = createRunRegistry({ limit: 3 });
  const all = Array.from({ length: 5 }, () => ({ history: {} }));
  all.forEach((r) => runs.add(r));
  expect(runs.list()).toEqual(all.slice(2));
  runs.clear();
  expect(runs.list()).toEqual([]);
});

it('rejects bad input, naming the field', () => {
  expect(() => createRunRegistry({ limit: 0 })).toThrow(/^\[saddlelab\] limit/);
  expect(() => createRunRegistry().add({} as never)).toThrow(/^\[saddlelab\] run\.history/);
  expect(() => createRunRegistry().add(undefined as never)).toThrow(/^\[saddlelab\] run/);
});
