/**
 * Bad input everywhere in the public API: every case throws a SaddlelabError
 * whose `field` is the offending field, whose message starts with `[saddlelab]`,
 * names that field and says what was given. Every function and class the barrel
 * exports has a case here or is listed in NO_INPUT with the reason: a new export
 * fails the last test.
 */
import * as tf from '@tensorflow/tfjs';
import * as api from '../src';
import { SaddlelabError, backend, data, host, kernel, spectrum, sweep, train, widgets } from '../src';

const net = () => train.mlp({ inputDim: 2, widths: [3], outputDim: 1, init: { scale: 0.1 } });
const ds = () => data.linearTeacher({ singularValues: [1], n: 4, dIn: 2, dOut: 1, seed: 0 });

const cases: Array<[string, string, () => unknown, string, RegExp?]> = [
  ['train.mlp', 'mlp: widths not an array', () => train.mlp({ inputDim: 2, widths: 3 as never, outputDim: 1 }), 'widths'],
  ['train.mlp', 'mlp: zero width', () => train.mlp({ inputDim: 2, widths: [4, 0], outputDim: 1 }), 'widths[1]', /got 0/],
  ['train.mlp', 'mlp: fractional inputDim', () => train.mlp({ inputDim: 2.5, widths: [4], outputDim: 1 }), 'inputDim', /got 2.5/],
  ['train.mlp', 'mlp: unknown activation', () => train.mlp({ inputDim: 2, widths: [4], outputDim: 1, activation: 'tanh' as never }), 'activation', /'relu', 'linear'; got "tanh"/],
  ['train.mlp', 'mlp: negative init scale', () => train.mlp({ inputDim: 2, widths: [4], outputDim: 1, init: { scale: -1 } }), 'init.scale'],
  ['train.mlp', 'mlp: two inits at once', () => train.mlp({ inputDim: 2, widths: [4], outputDim: 1, init: { scale: 1, gamma: 1 } }), 'init', /exactly one of/],
  ['train.mlp', 'mlp: explicit weights of the wrong shape', () => train.mlp({ inputDim: 2, widths: [1], outputDim: 1, init: { weights: [[[1, 2, 3]], [[1]]] } }), 'init.weights[0][0]', /2 numbers/],
  ['train.mlp', 'mlp: non-finite explicit weight', () => train.mlp({ inputDim: 1, widths: [], outputDim: 1, init: { weights: [[[NaN]]] } }), 'init.weights[0][0][0]'],
  ['train.mlp', 'mlp: typo in an option', () => train.mlp({ inputDim: 2, widths: [4], outputDim: 1, widht: 3 } as never), 'mlp.widht'],
  ['train.createTrainer', 'trainer: non-finite step', () => train.createTrainer(net(), ds(), { lr: Infinity }), 'lr', /got Infinity/],
  ['train.createTrainer', 'trainer: zero adaptive constant', () => train.createTrainer(net(), ds(), { lr: { adaptive: 0 } }), 'lr.adaptive'],
  ['train.createTrainer', 'trainer: unknown loss', () => train.createTrainer(net(), ds(), { loss: 'hinge' as never }), 'loss'],
  ['train.createTrainer', 'trainer: batch size 0', () => train.createTrainer(net(), ds(), { batchSize: 0 }), 'batchSize'],
  ['train.createTrainer', 'trainer: data of the wrong input dimension', () => train.createTrainer(net(), data.linearTeacher({ singularValues: [1], n: 4, dIn: 3, dOut: 1 })), 'data.dIn', /inputDim \(2\); got 3/],
  ['train.createTrainer', 'trainer: bad topK', () => train.createTrainer(net(), ds(), { record: { topK: -1 } }), 'record.topK'],
  ['train.createTrainer', 'trainer: unknown record option', () => train.createTrainer(net(), ds(), { record: { evrey: 3 } as never }), 'record.evrey'],
  ['train.start', 'fit: steps missing', () => train.start(net(), ds(), {} as never), 'steps', /got undefined/],
  ['train.start', 'fit: negative yieldEveryMs', () => train.start(net(), ds(), { steps: 1, yieldEveryMs: -1 }), 'yieldEveryMs'],
  ['train.schedule', 'schedule: every 0', () => train.schedule({ every: 0 }), 'record.every'],
  ['train.loadHistory', 'history: wrong format', () => train.loadHistory({ format: 'x' }), 'history.format'],
  ['train.detectPhases', 'phases: negative rankThreshold', () => train.detectPhases(train.createHistory({ name: 'x', activation: 'relu', dims: [1, 1], depth: 1, config: {} }), { rankThreshold: -1 }), 'rankThreshold'],
  ['data.linearTeacher', 'linearTeacher: negative singular value', () => data.linearTeacher({ singularValues: [1, -2], n: 3 }), 'linearTeacher.singularValues[1]'],
  ['data.linearTeacher', 'linearTeacher: n 0', () => data.linearTeacher({ singularValues: [1], n: 0 }), 'linearTeacher.n'],
  ['data.reluTeacher', 'reluTeacher: rank 0', () => data.reluTeacher({ dIn: 3, dOut: 2, rank: 0, hidden: 4, n: 5 } as never), 'reluTeacher.rank'],
  ['data.mnist', 'mnist: n above 10000', () => data.mnist({ n: 20000 }), 'mnist.n'],
  ['spectrum.singularValues', 'singularValues: length mismatch', () => spectrum.singularValues(new Float64Array(5), 2, 3), 'm'],
  ['spectrum.escape', 'escape: zero G', () => spectrum.escape([[1, 0]], [[0]]), 'G'],
  ['spectrum.escape', 'escape: depth 0', () => spectrum.escape([[1, 0]], [[1]], { depth: 0 }), 'depth'],
  ['spectrum.escape', 'escape: rows of G and X differ', () => spectrum.escape([[1, 0], [0, 1]], [[1]]), 'G'],
  // One case (at least) for every other function the barrel exports.
  ['train.initStd', 'initStd: negative scale', () => train.initStd({ scale: -1 }, [2, 3]), 'init.scale'],
  ['train.lossOf', 'lossOf: unknown loss', () => train.lossOf('hinge' as never, tf.zeros([1, 1]), tf.zeros([1, 1])), 'loss'],
  ['train.fit', 'fit: negative steps', () => train.fit(net(), ds(), { steps: -1 }), 'steps', /got -1/],
  ['train.History', 'History: meta not an object', () => new train.History(5 as never), 'meta'],
  ['train.History', 'History: depth not dims.length − 1', () => new train.History({ name: 'x', activation: 'relu', dims: [2, 3, 1], depth: 3, config: {} }), 'meta.depth'],
  ['train.History', 'History: maxPoints not an integer', () => new train.History({ name: 'x', activation: 'relu', dims: [2, 1], depth: 1, config: {} }, { maxPoints: 0.5 }), 'history.maxPoints'],
  ['train.lossOf', "lossOf: target shape differs from pred's", () => train.lossOf('mse', tf.zeros([2, 1]), tf.zeros([3, 1])), 'target'],
  ['train.createTrainer', 'createTrainer: unknown engine', () => train.createTrainer(net(), ds(), { engine: 'gpu' as never }), 'engine', /'auto', 'tfjs', 'native', 'js64', 'webgpu'; got "gpu"/],
  ['train.createHistory', 'createHistory: dims not an array', () => train.createHistory({ name: 'x', activation: 'relu', dims: 3 as never, depth: 1, config: {} }), 'meta.dims'],
  ['train.checkPrecision', 'checkPrecision: negative lr', () => train.checkPrecision(net(), tf.zeros([1, 2]) as tf.Tensor2D, tf.zeros([1, 1]) as tf.Tensor2D, 'mse', -1), 'lr'],
  ['spectrum.energyOutsideTop1', 'energyOutsideTop1: not numbers', () => spectrum.energyOutsideTop1(['a'] as never), 's[0]'],
  ['spectrum.ratio12', 'ratio12: a NaN', () => spectrum.ratio12([1, NaN]), 's[1]'],
  ['spectrum.reluCutRatio', 'reluCutRatio: not a typed array', () => spectrum.reluCutRatio([1, 2] as never), 'z'],
  ['spectrum.gramSingularValues', 'gramSingularValues: length mismatch', () => spectrum.gramSingularValues(new Float64Array(5), 2, 3), 'm'],
  ['spectrum.localizedLoss', 'localizedLoss: unknown activation', () => spectrum.localizedLoss([[[1]]], [[1]], [[1]], { activation: 'tanh' as never }), 'activation'],
  ['spectrum.localizedLossGradient', 'localizedLossGradient: non-finite weight', () => spectrum.localizedLossGradient([[[NaN]]], [[1]], [[1]]), 'weights[0][0][0]'],
  ['spectrum.deepen', 'deepen: direction not nested arrays', () => spectrum.deepen('w' as never, [[1]]), 'direction'],
  ['spectrum.escapeResidual', 'escapeResidual: X not a matrix', () => spectrum.escapeResidual([[[1]]], 'X' as never, [[1]]), 'X'],
  ['data.parseIdx', 'parseIdx: bad magic number', () => data.parseIdx(new Uint8Array([1, 2, 3, 4])), 'buffer magic number'],
  ['data.readIdxFile', 'readIdxFile: no such file', () => data.readIdxFile('/no/such/file.idx'), 'path', /\/no\/such\/file\.idx/],
  ['data.createRng', 'createRng: seed an object', () => data.createRng({} as never), 'seed'],
  ['data.mnistFiles', 'mnistFiles: dir not a string', () => data.mnistFiles(5 as never), 'dir'],
  ['data.circleToy', 'circleToy: unknown option', () => data.circleToy({ n: 3 } as never), 'circleToy.n'],
  ['widgets.LossPlot', 'LossPlot: not a history', () => new widgets.LossPlot(5 as never), 'history'],
  ['widgets.SpectrumPlot', 'SpectrumPlot: not a history', () => new widgets.SpectrumPlot({} as never), 'history'],
  ['widgets.LayerLawPlot', 'LayerLawPlot: not a history', () => new widgets.LayerLawPlot(null as never), 'history'],
  ['widgets.TrainingDashboard', 'TrainingDashboard: not a trainer, run or history', () => new widgets.TrainingDashboard('h' as never), 'source'],
  ['widgets.live', 'live: options not an object', () => widgets.live(5 as never), 'options'],
  ['widgets.describeFigure', 'describeFigure: state not a widget state', () => widgets.describeFigure({ kind: 'Pie' } as never), 'state'],
  ['widgets.figureCsv', 'figureCsv: not a figure description', () => widgets.figureCsv({} as never), 'figure'],
  ['widgets.figureJson', 'figureJson: not a figure description', () => widgets.figureJson(5 as never), 'figure'],
  ['widgets.exportFileName', 'exportFileName: unknown format', () => widgets.exportFileName({ fileStem: 'a' }, 'gif' as never), 'ext'],
  ['widgets.figureSvg', 'figureSvg: state not a plot state', () => widgets.figureSvg(5 as never), 'state'],
  ['widgets.installLabExtension', 'installLabExtension: dataDir not a string', () => widgets.installLabExtension(5 as never), 'dataDir'],
  ['widgets.prepareReport', 'prepareReport: not a notebook', () => widgets.prepareReport(5 as never), 'notebook'],
  ['widgets.reportNotebook', 'reportNotebook: not a notebook', () => widgets.reportNotebook(5 as never), 'notebook'],
  ['widgets.staticFigure', 'staticFigure: state not a plot state', () => widgets.staticFigure({} as never), 'state'],
  ['widgets.keyFigures', 'keyFigures: not an object', () => widgets.keyFigures([1, 2] as never), 'values'],
  ['widgets.writeReport', 'writeReport: no such notebook', () => widgets.writeReport('/no/such.ipynb', '/tmp/saddlelab-sweep.html'), 'notebookPath'],
  ['backend.useBackend', 'backend.useBackend: not a name', () => backend.useBackend(5 as never), 'backend'],
  ['backend.describeBackend', 'backend.describeBackend: not a backend info', () => backend.describeBackend(null as never), 'info'],
  ['backend.nativeSingularValues', 'nativeSingularValues: length mismatch', () => backend.nativeSingularValues(new Float64Array(5), 2, 3), 'm'],
  ['backend.createNativeSvd', 'createNativeSvd: unknown option', () => backend.createNativeSvd({ bogus: 1 } as never), 'options.bogus'],
  ['backend.nativeGramSpectra', 'nativeGramSpectra: not tensors', () => backend.nativeGramSpectra([5] as never), 'tensors'],
  ['backend.webgpuDevice', 'webgpuDevice: allowSoftware not a boolean', () => backend.webgpuDevice({ allowSoftware: 'yes' as never }), 'options.allowSoftware'],
  ['backend.describeAdapter', 'describeAdapter: not an adapter info', () => backend.describeAdapter({ vendor: 1 } as never), 'info'],
  ['backend.createJs64Mlp', 'createJs64Mlp: dims missing', () => backend.createJs64Mlp({} as never), 'dims'],
  ['widgets.SweepPlot', 'SweepPlot: no x', () => new widgets.SweepPlot([], { y: 'speed' } as never), 'options.x'],
  ['sweep.run', 'sweep.run: no out folder', () => sweep.run({ base: { model: { widths: [2] }, data: { circleToy: {} }, train: { steps: 1 } } }, {} as never), 'options.out'],
  ['sweep.readSpec', 'sweep.readSpec: no such file', () => sweep.readSpec('/no/such/sweep.json'), 'spec', /cannot read/],
  ['sweep.parseSpec', 'sweep.parseSpec: a grid field not a list', () => sweep.parseSpec({ base: {}, grid: { 'train.lr': 0.1 } }), 'spec.grid["train.lr"]'],
  ['sweep.points', 'sweep.points: an unknown kind', () => sweep.points({ kind: 'mcmc' as never, base: {} }), 'spec.kind'],
  ['sweep.merge', 'sweep.merge: no folders', () => sweep.merge([]), 'dirs'],
  ['sweep.toCsv', 'sweep.toCsv: not rows', () => sweep.toCsv([{ id: 1 }] as never), 'rows[0]'],
  ['sweep.writeTable', 'sweep.writeTable: no prefix', () => sweep.writeTable('', []), 'prefix'],
  ['sweep.parseShard', 'sweep.parseShard: index past count', () => sweep.parseShard('2/2'), 'shard.index'],
  ['sweep.slurmScript', 'sweep.slurmScript: more shards than points', () => sweep.slurmScript({ spec: 's.json', out: 'o', shards: 5, points: 2 }), 'shards'],
  ['sweep.wilson', 'sweep.wilson: more successes than trials', () => sweep.wilson(5, 3), 'k'],
  ['sweep.aggregate', 'sweep.aggregate: neither y nor success', () => sweep.aggregate([], { x: 'width' }), 'options.y'],
  ['sweep.powerLawFit', 'sweep.powerLawFit: lengths differ', () => sweep.powerLawFit([1, 2], [1]), 'y'],
  ['host.provideHost', 'provideHost: not a host', () => host.provideHost({ live: true } as never), 'host.openComm'],
  ['host.createNodeHost', 'createNodeHost: write not a function', () => host.createNodeHost('stdout' as never), 'write'],
  ['host.createProgressBar', 'createProgressBar: no steps', () => host.createProgressBar(host.createNodeHost(), { name: 'r', total: -1 }), 'options.total'],
  // `kernel` is the older name of the same namespace.
  ['kernel.provideHost', 'provideHost (as kernel.provideHost): not a host', () => kernel.provideHost({} as never), 'host.openComm'],
  ['kernel.createNodeHost', 'createNodeHost (as kernel.createNodeHost): write not a function', () => kernel.createNodeHost(1 as never), 'write'],
  ['kernel.createProgressBar', 'createProgressBar (as kernel.createProgressBar): no options', () => kernel.createProgressBar(kernel.createNodeHost(), undefined as never), 'options'],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function expectSaddlelabError(error: unknown, field: string, extra?: RegExp) {
  expect(error).toBeInstanceOf(SaddlelabError);
  const e = error as SaddlelabError;
  expect(e.message.startsWith('[saddlelab] ')).toBe(true);
  // The field the error blames, exactly; and the message names it as a word of its own (a one-letter
  // field such as `m` must not be found inside another word).
  expect(e.field).toBe(field);
  expect(e.message).toMatch(new RegExp(`(^|[^\\w.\\[])${escape(field)}($|[^\\w])`));
  if (extra) expect(e.message).toMatch(extra);
}

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    await call(); // async entry points reject instead of throwing
  } catch (e) {
    return e;
  }
  return undefined;
}

// Rest parameters: jest would take a fourth named parameter for its `done` callback on 3-element rows.
it.each(cases)('%s: %s', async (...[, , call, field, extra]) => {
  expectSaddlelabError(await outcome(call), field, extra);
});

it('asking for an unknown backend is an error naming it, not a fallback', async () => {
  const before = tf.getBackend();
  await expect(backend.useBackend('tpu' as never)).rejects.toThrow(/^\[saddlelab\] backend must be one of 'gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'; got "tpu"/);
  expect(tf.getBackend()).toBe(before);
});

/** Exports that take no input a caller could get wrong, with the reason. */
const NO_INPUT: Record<string, string> = {
  'train.createRunControl': 'no arguments',
  'train.runs': 'no arguments',
  'train.lastRun': 'no arguments',
  'backend.currentBackend': 'no arguments',
  'backend.nativeSvdAvailable': 'no arguments',
  'backend.ensureBackend': 'no arguments',
  'backend.hardwareWebgpuAvailable': 'no arguments',
  'data.circleRank2Direction': 'no arguments',
  'widgets.labExtensionSource': 'no arguments',
  'widgets.formatFigure': 'formats any value as text (a number, a list, a record, anything else by String)',
  'widgets.PlotWidget': 'abstract base class (protected constructor); its subclasses have cases',
  'host.currentHost': 'no arguments',
  'host.getKernel': 'no arguments (currentHost by its older name)',
  'host.clock': 'shows any number ("–" when it is not a finite, non-negative time)',
  'host.defaultDisplayWriter': "a host's display function: writes any bundle",
  'kernel.currentHost': 'no arguments',
  'kernel.getKernel': 'no arguments (currentHost by its older name)',
  'kernel.clock': 'shows any number ("–" when it is not a finite, non-negative time)',
  'kernel.defaultDisplayWriter': "a host's display function: writes any bundle",
  SaddlelabError: 'the error class itself',
};

it('every function and class the barrel exports has a bad-input case or a reason it has none', () => {
  const swept = new Set(cases.map((c) => c[0]));
  const missing: string[] = [];
  for (const [ns, mod] of Object.entries(api)) {
    if (typeof mod === 'function') {
      if (!swept.has(ns) && !(ns in NO_INPUT)) missing.push(ns);
      continue;
    }
    for (const [name, value] of Object.entries(mod as object)) {
      const key = `${ns}.${name}`;
      if (typeof value === 'function' && !swept.has(key) && !(key in NO_INPUT)) missing.push(key);
    }
  }
  expect(missing).toEqual([]);
  // No stale entries either: every key names a real export.
  const exported = (key: string) => {
    const [ns, name] = key.split('.');
    const mod = (api as Record<string, unknown>)[ns];
    return name === undefined ? mod !== undefined : typeof mod === 'object' && mod !== null && name in mod;
  };
  expect([...swept, ...Object.keys(NO_INPUT)].filter((k) => !exported(k))).toEqual([]);
});
