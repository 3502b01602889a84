/**
 * The WGSL kernels of the webgpu engine (src/train/engines/webgpu.ts), as source
 * generators: a tiled matrix product with the step's epilogues fused in, the loss
 * kernel that also forms the step size on the device, and the two kernels of the
 * records' subspace iteration. Each returns its source and the names of its
 * bindings in binding order, which the engine's bind groups follow. Every kernel is
 * tested against the tfjs engine on small shapes (test/train/webgpu.test.ts).
 *
 * Layout: row-major float32 matrices; the network's weights W_ℓ are `[d_ℓ, d_ℓ₋₁]`,
 * activations and gradients `[rows, width]` (rows are samples), as in the other engines.
 */

/** The step's device state (one storage buffer; offsets in 4-byte words). */
export const STATE = {
  /** ‖θ‖² at the weights before this step's update. */
  normSq: 0,
  /** The step size the update uses (η = c·(‖θ‖²)^power). */
  lr: 1,
  /** The batch's loss. */
  loss: 2,
  /** Sticky: set (to 1) by the first step whose loss or step size is not finite; later updates do nothing. */
  diverged: 3,
  /** The mini-batch slot the next step reads in the index chunk (advanced by the loss kernel). */
  slot: 4,
  /** The slot this step read (the update of W_1 gathers the same rows after the loss kernel advanced `slot`). */
  cur: 5,
  /** A record's full-data loss and ‖θ‖² (written by the loss kernel in record mode). */
  recordLoss: 6,
  recordNormSq: 7,
  words: 8,
} as const;

const STATE_WGSL = `struct State { normSq: f32, lr: f32, loss: f32, diverged: u32, slot: u32, cur: u32, recordLoss: f32, recordNormSq: f32 }`;

export interface Kernel {
  code: string;
  /** Binding names in binding order (`dims` is always the uniform at binding 0). */
  bindings: string[];
  /** Threads per workgroup along x and y. */
  workgroup: [number, number];
}

export type Epilogue = 'store' | 'relu' | 'mask' | 'update';

/**
 * C = op(A)·op(B) with `op(A)` of shape [M, K], `op(B)` [K, N]; `transA`: A is stored [K, M]; `transB`: B is
 * stored [N, K]. `gatherA`/`gatherB`: the rows of A (M index, not transposed) or of B (K index, not
 * transposed) are the batch's sample indices, read from `idx` at the slot the state names (`slotField`).
 * Epilogues: `store`; `relu` (forward: A_ℓ = relu(Z_ℓ)); `mask` (backward: G_ℓ₋₁ = H ⊙ [A_ℓ₋₁ > 0], the
 * ReLU's gradient from its output, as TensorFlow's ReluGrad); `update` (W −= C unless the state says the
 * step diverged; C already carries η; each workgroup also writes Σ W² of its tile, the next step's ‖θ‖²).
 * Tiles of `tile`×`tile` outputs, 16×16 threads, K in blocks of 16 through workgroup memory.
 */
export interface MatmulSpec {
  transA: boolean;
  transB: boolean;
  gatherA?: boolean;
  gatherB?: boolean;
  slotField?: 'slot' | 'cur';
  epilogue: Epilogue;
  tile: 32 | 64;
}

/** Uniform `dims` of a matmul: M, N, K, lda, ldb, ldc, the batch size (gathers), the first partial (update). */
export const MATMUL_DIMS = ['M', 'N', 'K', 'lda', 'ldb', 'ldc', 'batch', 'partialBase'] as const;

export function matmulKernel(spec: MatmulSpec): Kernel {
  const T = spec.tile;
  const R = T / 16; // outputs per thread along each axis
  const BK = 16;
  const gather = spec.gatherA || spec.gatherB;
  const bindings = ['dims', 'a', 'b', 'c'];
  if (spec.epilogue === 'mask') bindings.push('mask');
  if (spec.epilogue === 'update' || gather) bindings.push('state');
  if (gather) bindings.push('idx');
  if (spec.epilogue === 'update') bindings.push('partials');
  const decl = bindings.map((name, i) => {
    const kind =
      name === 'dims'
        ? `var<uniform> dims: Dims`
        : name === 'c' || name === 'partials'
          ? `var<storage, read_write> ${name}: array<f32>`
          : name === 'state'
            ? `var<storage, read> state: State`
            : name === 'idx'
              ? `var<storage, read> idx: array<u32>`
              : `var<storage, read> ${name}: array<f32>`;
    return `@group(0) @binding(${i}) ${kind};`;
  });
  const slot = `state.${spec.slotField ?? 'slot'}`;
  const aRow = spec.gatherA ? `idx[${slot} * dims.batch + i]` : 'i';
  const bRow = spec.gatherB ? `idx[${slot} * dims.batch + k]` : 'k';
  // Loads walk the stored matrix's contiguous axis across neighbouring threads.
  const loadA = spec.transA
    ? `let kk = e / ${T}u; let i = row0 + e % ${T}u; let k = k0 + kk;
       var v = 0.0; if (i < dims.M && k < dims.K) { v = a[k * dims.lda + i]; }
       As[kk * ${T}u + e % ${T}u] = v;`
    : `let ii = e / ${BK}u; let kk = e % ${BK}u; let i = row0 + ii; let k = k0 + kk;
       var v = 0.0; if (i < dims.M && k < dims.K) { v = a[${aRow} * dims.lda + k]; }
       As[kk * ${T}u + ii] = v;`;
  const loadB = spec.transB
    ? `let jj = e / ${BK}u; let kk = e % ${BK}u; let j = col0 + jj; let k = k0 + kk;
       var v = 0.0; if (j < dims.N && k < dims.K) { v = b[j * dims.ldb + k]; }
       Bs[kk * ${T}u + jj] = v;`
    : `let kk = e / ${T}u; let j = col0 + e % ${T}u; let k = k0 + kk;
       var v = 0.0; if (j < dims.N && k < dims.K) { v = b[${bRow} * dims.ldb + j]; }
       Bs[kk * ${T}u + e % ${T}u] = v;`;
  let epilogue: string;
  switch (spec.epilogue) {
    case 'store':
      epilogue = `c[i * dims.ldc + j] = acc[r * ${R}u + q];`;
      break;
    case 'relu':
      epilogue = `c[i * dims.ldc + j] = max(acc[r * ${R}u + q], 0.0);`;
      break;
    case 'mask':
      epilogue = `c[i * dims.ldc + j] = select(0.0, acc[r * ${R}u + q], mask[i * dims.ldc + j] > 0.0);`;
      break;
    case 'update':
      epilogue = `var w = c[i * dims.ldc + j];
          if (state.diverged == 0u) { w = w - acc[r * ${R}u + q]; c[i * dims.ldc + j] = w; }
          sq = sq + w * w;`;
      break;
  }
  const reduce =
    spec.epilogue === 'update'
      ? `red[li] = sq;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s / 2u) {
    if (li < s) { red[li] = red[li] + red[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) { partials[dims.partialBase + wg.y * nwg.x + wg.x] = red[0]; }`
      : '';
  const code = `
struct Dims { M: u32, N: u32, K: u32, lda: u32, ldb: u32, ldc: u32, batch: u32, partialBase: u32 }
${STATE_WGSL}
${decl.join('\n')}
var<workgroup> As: array<f32, ${BK * T}>;
var<workgroup> Bs: array<f32, ${BK * T}>;
${spec.epilogue === 'update' ? 'var<workgroup> red: array<f32, 256>;' : ''}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row0 = wg.y * ${T}u;
  let col0 = wg.x * ${T}u;
  var acc: array<f32, ${R * R}>;
  for (var k0 = 0u; k0 < dims.K; k0 = k0 + ${BK}u) {
    for (var e = li; e < ${T * BK}u; e = e + 256u) {
      ${loadA}
    }
    for (var e = li; e < ${T * BK}u; e = e + 256u) {
      ${loadB}
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk = kk + 1u) {
      var av: array<f32, ${R}>;
      var bv: array<f32, ${R}>;
      for (var r = 0u; r < ${R}u; r = r + 1u) { av[r] = As[kk * ${T}u + lid.y + r * 16u]; }
      for (var q = 0u; q < ${R}u; q = q + 1u) { bv[q] = Bs[kk * ${T}u + lid.x + q * 16u]; }
      for (var r = 0u; r < ${R}u; r = r + 1u) {
        for (var q = 0u; q < ${R}u; q = q + 1u) { acc[r * ${R}u + q] = acc[r * ${R}u + q] + av[r] * bv[q]; }
      }
    }
    workgroupBarrier();
  }
  var sq = 0.0;
  for (var r = 0u; r < ${R}u; r = r + 1u) {
    for (var q = 0u; q < ${R}u; q = q + 1u) {
      let i = row0 + lid.y + r * 16u;
      let j = col0 + lid.x + q * 16u;
      if (i < dims.M && j < dims.N) {
        ${epilogue}
      }
    }
  }
  ${reduce}
}
`;
  return { code, bindings, workgroup: [16, 16] };
}

/** Uniform `dims` of the loss kernel (u32 words, then f32 words: see `lossKernel`). */
export const LOSS_DIMS = ['rows', 'dOut', 'partials', 'mode', 'crossEntropy', 'scale', 'power', 'chunk'] as const;
/** `mode` of the loss kernel: a training step, or a record's full-data loss. */
export const LOSS_MODE = { step: 0, record: 1 } as const;

/**
 * One workgroup. From the weights' partial sums of squares it forms ‖θ‖² and the step size
 * η = scale·(‖θ‖²)^power (power 0: a constant step; (2 − L)/2: the adaptive one, docs/paper.md
 * "Setup"). Then the loss of the rows (MSE C = ‖Z − Y‖²/(2m), or softmax cross-entropy, the mean
 * of −Σ y log softmax(z)) and, in step mode, the output gradient times η, G = η·∂C/∂Z: every
 * product of backpropagation then carries η, and the update is one subtraction (as the native
 * engine). Step mode also sets the sticky `diverged` flag when the loss or η is not finite (the
 * updates of this and later steps then do nothing) and advances the batch slot.
 * `gather`: the rows of Y are the batch's sample indices.
 */
export function lossKernel(gather: boolean): Kernel {
  const bindings = ['dims', 'z', 'y', 'g', 'partials', 'state', ...(gather ? ['idx'] : [])];
  const yRow = gather ? 'idx[state.slot * dims.rows + r]' : 'r';
  const code = `
struct Dims { rows: u32, dOut: u32, partials: u32, mode: u32, crossEntropy: u32, scale: f32, power: f32, chunk: u32 }
${STATE_WGSL}
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> g: array<f32>;
@group(0) @binding(4) var<storage, read> partials: array<f32>;
@group(0) @binding(5) var<storage, read_write> state: State;
${gather ? '@group(0) @binding(6) var<storage, read> idx: array<u32>;' : ''}
var<workgroup> red: array<f32, 256>;

fn finite(v: f32) -> bool { return v == v && abs(v) <= 3.4028234e38; }

fn sum256(li: u32, v: f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s / 2u) {
    if (li < s) { red[li] = red[li] + red[li + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var part = 0.0;
  for (var i = li; i < dims.partials; i = i + 256u) { part = part + partials[i]; }
  let normSq = sum256(li, part);
  var lr = dims.scale;
  if (dims.power != 0.0) { lr = dims.scale * pow(normSq, dims.power); }
  // WGSL leaves pow(0, p ≤ 0) undefined (SwiftShader gives 2¹²⁴): at θ = 0 the adaptive step
  // c·(‖θ‖²)^p, p < 0, is infinite, as every other engine computes it.
  let stepFinite = finite(lr) && !(normSq == 0.0 && dims.power < 0.0);
  let m = f32(dims.rows);
  let train = dims.mode == 0u;
  var total = 0.0;
  for (var r = li; r < dims.rows; r = r + 256u) {
    let yr = ${yRow};
    if (dims.crossEntropy == 0u) {
      for (var c = 0u; c < dims.dOut; c = c + 1u) {
        let d = z[r * dims.dOut + c] - y[yr * dims.dOut + c];
        total = total + d * d;
        if (train) { g[r * dims.dOut + c] = lr * d / m; }
      }
    } else {
      var mx = -3.4028234e38;
      for (var c = 0u; c < dims.dOut; c = c + 1u) { mx = max(mx, z[r * dims.dOut + c]); }
      var se = 0.0;
      var sy = 0.0;
      for (var c = 0u; c < dims.dOut; c = c + 1u) {
        se = se + exp(z[r * dims.dOut + c] - mx);
        sy = sy + y[yr * dims.dOut + c];
      }
      let lse = mx + log(se);
      for (var c = 0u; c < dims.dOut; c = c + 1u) {
        let zc = z[r * dims.dOut + c];
        let yc = y[yr * dims.dOut + c];
        total = total + yc * (lse - zc);
        if (train) { g[r * dims.dOut + c] = lr * (exp(zc - lse) * sy - yc) / m; }
      }
    }
  }
  let sum = sum256(li, total);
  if (li == 0u) {
    var loss = sum / m;
    if (dims.crossEntropy == 0u) { loss = sum / (2.0 * m); }
    if (train) {
      state.normSq = normSq;
      state.lr = lr;
      state.loss = loss;
      if (!(finite(loss) && stepFinite)) { state.diverged = 1u; }
      state.cur = state.slot;
      state.slot = (state.slot + 1u) % max(dims.chunk, 1u);
    } else {
      state.recordLoss = loss;
      state.recordNormSq = normSq;
    }
  }
}
`;
  return { code, bindings, workgroup: [256, 1] };
}

/** Uniform of the orthonormalization and column-norm kernels, one entry per matrix (workgroup). */
export const SPECTRUM_DIMS = ['rows', 'offset', 'outOffset', 'k'] as const;

/**
 * Orthonormalizes the p columns of each of several row-major `[rows, p]` matrices held back to
 * back in `v`, one workgroup per matrix: classical Gram–Schmidt applied twice per column ("twice
 * is enough"), every column's dot products with the earlier ones reduced together. A column the
 * earlier ones span (more columns than dimensions) becomes zero.
 */
export function orthonormalizeKernel(p: number): Kernel {
  const threads = p <= 16 ? 128 : 64;
  const bindings = ['dims', 'v'];
  const code = `
struct Entry { rows: u32, offset: u32, outOffset: u32, k: u32 }
@group(0) @binding(0) var<storage, read> dims: array<Entry>;
@group(0) @binding(1) var<storage, read_write> v: array<f32>;
const P = ${p}u;
const T = ${threads}u;
var<workgroup> red: array<f32, ${p * threads}>;
var<workgroup> sums: array<f32, ${p}>;

// Sums red[i * T + t] over t for i < n, into sums[i].
fn reduce(li: u32, n: u32) {
  workgroupBarrier();
  for (var s = T / 2u; s > 0u; s = s / 2u) {
    if (li < s) { for (var i = 0u; i < n; i = i + 1u) { red[i * T + li] = red[i * T + li] + red[i * T + li + s]; } }
    workgroupBarrier();
  }
  if (li == 0u) { for (var i = 0u; i < n; i = i + 1u) { sums[i] = red[i * T]; } }
  workgroupBarrier();
}

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let e = dims[wg.x];
  let base = e.offset;
  for (var j = 0u; j < P; j = j + 1u) {
    var s0 = 0.0;
    for (var r = li; r < e.rows; r = r + T) { let x = v[base + r * P + j]; s0 = s0 + x * x; }
    red[li] = s0;
    reduce(li, 1u);
    let before = sqrt(sums[0]);
    for (var sweep = 0u; sweep < 2u; sweep = sweep + 1u) {
      if (j > 0u) {
        for (var i = 0u; i < j; i = i + 1u) {
          var s = 0.0;
          for (var r = li; r < e.rows; r = r + T) { s = s + v[base + r * P + i] * v[base + r * P + j]; }
          red[i * T + li] = s;
        }
        reduce(li, j);
        for (var r = li; r < e.rows; r = r + T) {
          var x = v[base + r * P + j];
          for (var i = 0u; i < j; i = i + 1u) { x = x - sums[i] * v[base + r * P + i]; }
          v[base + r * P + j] = x;
        }
      }
    }
    var s = 0.0;
    for (var r = li; r < e.rows; r = r + T) { let x = v[base + r * P + j]; s = s + x * x; }
    red[li] = s;
    reduce(li, 1u);
    let n = sqrt(sums[0]);
    // A column the earlier ones (nearly) span: there are fewer dimensions than columns. Zero, not noise.
    var inv = 0.0;
    if (n > 1e-4 * before) { inv = 1.0 / n; }
    for (var r = li; r < e.rows; r = r + T) { v[base + r * P + j] = v[base + r * P + j] * inv; }
  }
}
`;
  return { code, bindings, workgroup: [threads, 1] };
}

/**
 * The Rayleigh–Ritz step of the records' subspace iteration: each workgroup takes one
 * layer's p×p matrix B = UᵀU (U = W V, V orthonormal, so B = Vᵀ WᵀW V), diagonalizes it by
 * cyclic Jacobi rotations, and writes the square roots of its largest `k` eigenvalues,
 * descending: the top-k singular values of W as far as V spans its top singular
 * subspace. Ritz values converge like the square of the subspace's angle, and unlike
 * the columns' own norms they do not mix close singular values.
 */
export function ritzKernel(p: number): Kernel {
  const code = `
struct Entry { rows: u32, offset: u32, outOffset: u32, k: u32 }
@group(0) @binding(0) var<storage, read> dims: array<Entry>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
const P = ${p}u;
var<workgroup> a: array<f32, ${p * p}>;

@compute @workgroup_size(1)
fn main(@builtin(workgroup_id) wg: vec3<u32>) {
  let e = dims[wg.x];
  for (var i = 0u; i < P * P; i = i + 1u) { a[i] = b[e.offset + i]; }
  for (var sweep = 0u; sweep < 40u; sweep = sweep + 1u) {
    var off = 0.0;
    var diag = 0.0;
    for (var i = 0u; i < P; i = i + 1u) {
      diag = diag + a[i * P + i] * a[i * P + i];
      for (var j = i + 1u; j < P; j = j + 1u) { off = off + a[i * P + j] * a[i * P + j]; }
    }
    if (off <= 1e-14 * diag) { break; }
    for (var p = 0u; p < P; p = p + 1u) {
      for (var q = p + 1u; q < P; q = q + 1u) {
        let apq = a[p * P + q];
        if (apq == 0.0) { continue; }
        let theta = (a[q * P + q] - a[p * P + p]) / (2.0 * apq);
        var t = 1.0 / (abs(theta) + sqrt(theta * theta + 1.0));
        if (theta < 0.0) { t = -t; }
        let c = 1.0 / sqrt(t * t + 1.0);
        let s = t * c;
        for (var r = 0u; r < P; r = r + 1u) {
          let arp = a[r * P + p];
          let arq = a[r * P + q];
          a[r * P + p] = c * arp - s * arq;
          a[r * P + q] = s * arp + c * arq;
        }
        for (var r = 0u; r < P; r = r + 1u) {
          let apr = a[p * P + r];
          let aqr = a[q * P + r];
          a[p * P + r] = c * apr - s * aqr;
          a[q * P + r] = s * apr + c * aqr;
        }
      }
    }
  }
  var vals: array<f32, ${p}>;
  for (var j = 0u; j < P; j = j + 1u) { vals[j] = sqrt(max(a[j * P + j], 0.0)); }
  for (var i = 0u; i < P; i = i + 1u) {
    for (var j = i + 1u; j < P; j = j + 1u) {
      if (vals[j] > vals[i]) { let t = vals[i]; vals[i] = vals[j]; vals[j] = t; }
    }
  }
  for (var j = 0u; j < e.k; j = j + 1u) { out[e.outOffset + j] = vals[j]; }
}
`;
  return { code, bindings: ['dims', 'b', 'out'], workgroup: [1, 1] };
}
