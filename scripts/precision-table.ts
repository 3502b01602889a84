/**
 * Prints the table of docs/precision.md: for each depth, the smallest init std
 * (of 10^-k) at which no float32 warning fires, on the cpu backend (keeps
 * subnormals) and the native backend (flushes them) when it is built.
 * Run: node scripts/run-ts.mjs scripts/precision-table.ts
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend, type BackendName } from '../src/backend';
import { checkPrecision } from '../src/train/precision';
import { mlp } from '../src/train/mlp';

async function main() {
  const backends: BackendName[] = ['cpu'];
  try {
    await useBackend('tensorflow');
    backends.push('tensorflow');
  } catch {
    console.error('native backend not built: cpu only');
  }
  const n = 64, dIn = 10, width = 100;
  const x = tf.randomNormal([n, dIn], 0, 1, 'float32', 1) as tf.Tensor2D;
  const y = tf.randomNormal([n, 1], 0, 1, 'float32', 2) as tf.Tensor2D;
  console.log('| depth L | ' + backends.map((b) => `${b}: no underflow / const. step 0.01 moves the weights`).join(' | ') + ' |');
  for (const L of [2, 3, 4, 6, 8, 12, 16, 24]) {
    const cells: string[] = [];
    for (const b of backends) {
      await useBackend(b);
      const smallest = async (lr: number, kind: RegExp) => {
        let ok = NaN;
        for (let k = 0; k <= 30; k++) {
          const std = Math.pow(10, -k / 2);
          const net = mlp({ inputDim: dIn, widths: new Array(L - 1).fill(width), outputDim: 1, init: { scale: std, seed: 1 } });
          const warned = (await checkPrecision(net, x, y, 'mse', lr)).some((w) => kind.test(w));
          net.dispose();
          if (warned) break;
          ok = std;
        }
        return ok.toExponential(0);
      };
      cells.push(`${await smallest(0.01, /exactly zero/)} / ${await smallest(0.01, /.*/)}`);
    }
    console.log(`| ${L} | ${cells.join(' | ')} |`);
  }
}
main();
