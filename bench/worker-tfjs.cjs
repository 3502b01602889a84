/**
 * saddlelab side of `npm run bench` (bench/run.mjs): one process per
 * contestant, so each backend has its own memory and tfjs engine. JSON lines
 * on stdin/stdout; every reply is one line.
 *
 * Modes (with `batch` in the config, mini-batches of that size; see configs.mjs):
 *   trainer  saddlelab's real step: train.createTrainer(...).next() (loss,
 *            parameter norm and step size read back every step; engine 'auto', so
 *            the native engine on native TensorFlow)
 *   tfjsengine  the same with engine 'tfjs' (tfjs ops and autodiff)
 *   rec10    the same, taking a spectrum record (top-10 singular values of every
 *            W_l) every 10 steps with the recorder's default route (rec10svd: TensorFlow's
 *            Svd op, rec10ml: ml-matrix); recpaper: the same at C6, where a record also
 *            computes the loss on all n samples (mini-batch steps do not), reported at
 *            the paper's cadence by run.mjs
 *   raw      the bare tfjs maths of one GD step with saddlelab's relu (reference for the trainer's overhead)
 *   js64     the trainer with engine 'js64' (createTrainer(..., { engine: 'js64' }).next())
 *   js64 raw saddlelab's float64 pure-JS engine (src/backend/js64.ts) alone: one fused forward,
 *            backward and update pass, no tfjs at all
 * and op `matmul`: TensorFlow's float32 matmul of two 2048 × 2048 matrices, GFLOP/s (a probe of
 * what the library reaches on this machine).
 */
const path = require('node:path');
const fs = require('node:fs');
const readline = require('node:readline');

// bench/.build/saddlelab.cjs: bench/entry.ts bundled from src/ by run.mjs (same folder depth as
// dist/backend, so the backend's package-root lookup finds .native/).
const saddlelab = require(path.join(__dirname, '.build', 'saddlelab.cjs'));
const backendApi = saddlelab;
const trainApi = saddlelab.createTrainer ? saddlelab : undefined;
const tf = require('@tensorflow/tfjs');

function peakRssKb() {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

function resetPeak() {
  // Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so each config gets its own peak.
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {}
}

/** Seeded standard normals (Box–Muller on a 32-bit LCG): data are the same for every tfjs backend. */
function gaussian(len, seed) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297;
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

function dataset(cfg) {
  return { name: 'bench', n: cfg.n, dIn: cfg.dIn, dOut: cfg.dOut, x: gaussian(cfg.n * cfg.dIn, 1), y: gaussian(cfg.n * cfg.dOut, 2) };
}

function dimsOf(cfg) {
  return [cfg.dIn, ...Array(cfg.depth - 1).fill(cfg.width), cfg.dOut];
}

/** Batches as the trainer draws them (epochs of a permutation), from a plain LCG: the raw step's sampler. */
function batches(cfg) {
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  let order = new Int32Array(0);
  let cursor = 0;
  return () => {
    if (cursor + cfg.batch > order.length) {
      order = Int32Array.from({ length: cfg.n }, (_, i) => i);
      for (let i = cfg.n - 1; i > 0; i--) {
        const j = Math.floor(u() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      cursor = 0;
    }
    cursor += cfg.batch;
    return order.subarray(cursor - cfg.batch, cursor);
  };
}

/** He-like scale 1/sqrt(fan_in) for every layer, as the PyTorch worker: no subnormals to slow either side. */
function initWeights(cfg) {
  const dims = dimsOf(cfg);
  return dims.slice(1).map((d, l) => {
    const g = gaussian(d * dims[l], 10 + l);
    const s = 1 / Math.sqrt(dims[l]);
    return Array.from({ length: d }, (_, i) => Array.from(g.subarray(i * dims[l], (i + 1) * dims[l]), (v) => v * s));
  });
}

function makeRaw(cfg, lr) {
  const ds = dataset(cfg);
  const x = tf.tensor2d(ds.x, [cfg.n, cfg.dIn]);
  const y = tf.tensor2d(ds.y, [cfg.n, cfg.dOut]);
  const ws = initWeights(cfg).map((w) => tf.variable(tf.tensor2d(w)));
  const lrT = tf.scalar(lr);
  const next = cfg.batch ? batches(cfg) : undefined;
  const f = (xb, yb) => {
    let z = tf.matMul(xb, ws[0], false, true);
    for (let l = 1; l < ws.length; l++) z = tf.matMul(saddlelab.relu(z), ws[l], false, true);
    return tf.div(tf.sum(tf.square(tf.sub(z, yb))), 2 * xb.shape[0]);
  };
  return {
    async step() {
      const value = tf.tidy(() => {
        const idx = next ? tf.tensor1d(next(), 'int32') : undefined;
        const [xb, yb] = idx ? [tf.gather(x, idx), tf.gather(y, idx)] : [x, y];
        const { value, grads } = tf.variableGrads(() => f(xb, yb), ws);
        for (const w of ws) w.assign(tf.sub(w, tf.mul(lrT, grads[w.name])));
        return value;
      });
      const [loss] = await value.data();
      value.dispose();
      return loss;
    },
    dispose() {
      tf.dispose([x, y, lrT, ...ws]);
    },
  };
}

function makeJs64(cfg, lr) {
  const ds = dataset(cfg);
  const net = saddlelab.createJs64Mlp({ dims: dimsOf(cfg), weights: initWeights(cfg).map((w) => w.flat()), x: ds.x, y: ds.y, n: cfg.n });
  return { step: async () => net.step(lr), dispose() {} };
}

function makeTrainer(cfg, lr, mode, backendName) {
  if (!trainApi) throw new Error('src/train could not be bundled');
  const model = trainApi.mlp({ inputDim: cfg.dIn, widths: Array(cfg.depth - 1).fill(cfg.width), outputDim: cfg.dOut, activation: 'relu', init: { weights: initWeights(cfg) } });
  // rec10: what users get, the recorder's default route (on the native backend the float64
  // Gram matrix inside TensorFlow). rec10svd: TensorFlow's Svd op instead. rec10ml: ml-matrix's
  // SVD on any backend, for comparison.
  const svd = mode === 'rec10svd' ? backendApi.nativeSingularValues : mode === 'rec10ml' ? backendApi.singularValues : undefined;
  const recording = mode === 'rec10' || mode === 'rec10ml' || mode === 'rec10svd' || mode === 'recpaper';
  const record = recording ? { topK: 10, ...(svd ? { svd } : {}) } : false;
  const engine = mode === 'js64' ? 'js64' : mode === 'tfjsengine' ? 'tfjs' : undefined;
  const trainer = trainApi.createTrainer(model, dataset(cfg), { lr, record, batchSize: cfg.batch, ...(engine ? { engine } : {}) });
  let t = 0;
  // Time of steps that take a record and of those that do not, measured in the same run:
  // the record's cost is their difference, free of the drifts between runs on a busy machine.
  const split = { recSeconds: 0, recSteps: 0, plainSeconds: 0, plainSteps: 0 };
  return {
    split: recording ? split : undefined,
    async step() {
      const rec = recording && t % 10 === 0;
      const t0 = performance.now();
      const info = await trainer.next(rec);
      const dt = (performance.now() - t0) / 1000;
      // The trainer's first step (a record step) also pays one-time set-up, such as the native
      // engine's session (~0.1 s): not a cost of recording, so it is left out of the split.
      if (t > 0 && rec) (split.recSeconds += dt), split.recSteps++;
      else if (t > 0 && recording) (split.plainSeconds += dt), split.plainSteps++;
      t++;
      if (!info) throw new Error('non-finite loss');
      return info.loss;
    },
    async dispose() {
      await trainer.dispose();
      model.dispose();
    },
  };
}

async function main() {
  let runner;
  let backendName;
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const msg = JSON.parse(line);
    let out;
    try {
      if (msg.op === 'setup') {
        resetPeak();
        if (runner) await runner.dispose();
        backendName = msg.backend;
        const info = await backendApi.useBackend(msg.backend);
        runner = msg.mode === 'raw' ? makeRaw(msg.config, msg.lr) : msg.mode === 'js64raw' ? makeJs64(msg.config, msg.lr) : makeTrainer(msg.config, msg.lr, msg.mode, backendName);
        out = { ok: true, backend: backendApi.describeBackend(info) };
      } else if (msg.op === 'run') {
        let steps = 0;
        let loss;
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        let dt = 0;
        do {
          loss = await runner.step();
          steps++;
          dt = (performance.now() - t0) / 1000;
        } while (steps < msg.minSteps || dt < msg.minSeconds);
        const cpu = process.cpuUsage(c0);
        out = { ok: true, steps, seconds: dt, cpuSeconds: (cpu.user + cpu.system) / 1e6, loss, numTensors: tf.memory().numTensors, split: runner.split };
      } else if (msg.op === 'matmul') {
        await backendApi.useBackend('tensorflow');
        const size = msg.size ?? 2048;
        const [a, b] = [tf.randomNormal([size, size]), tf.randomNormal([size, size])];
        tf.matMul(a, b).dispose();
        let reps = 0;
        const t0 = performance.now();
        let dt = 0;
        do {
          const c = tf.matMul(a, b);
          await c.data();
          c.dispose();
          reps++;
          dt = (performance.now() - t0) / 1000;
        } while (dt < (msg.minSeconds ?? 1));
        tf.dispose([a, b]);
        out = { ok: true, gflops: (reps * 2 * size ** 3) / dt / 1e9 };
      } else if (msg.op === 'peak') {
        out = { ok: true, peakRssKb: peakRssKb() };
      } else if (msg.op === 'quit') {
        break;
      } else {
        out = { ok: false, error: `unknown op ${msg.op}` };
      }
    } catch (e) {
      out = { ok: false, error: String(e && e.message ? e.message : e) };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
  process.exit(0);
}

main();
