/** Node's module internals that the kernel uses are all there on the Node that runs the tests; the adapter's start-up check says so. */
import Module from 'node:module';
import { checkAdapter } from '../../../src/kernel/adapter';
import { checkNodeInternals, nodeInternals } from '../../../src/kernel/adapter/node-module';

it("finds Node's _resolveFilename, _load, _nodeModulePaths and wrap", () => {
  expect(checkNodeInternals()).toEqual([]);
  expect(nodeInternals()).toBe(Module);
});

it('names a missing internal, and then hands out none', () => {
  const internals = Module as unknown as Record<string, unknown>;
  const wrap = internals.wrap;
  internals.wrap = undefined;
  try {
    expect(checkNodeInternals()).toEqual(['node:module.wrap']);
    expect(nodeInternals()).toBeUndefined();
    expect(checkAdapter()[0]).toMatch(/^\[saddlelab\] Node v\d+\.\d+\.\d+ lacks node:module\.wrap; the kernel runs without the code cache/);
  } finally {
    internals.wrap = wrap;
  }
});

it('the start-up check is silent on this installation', () => {
  expect(checkAdapter()).toEqual([]);
});
