/**
 * Probe: how many threads native TensorFlow runs in this process. Run by the sweep tests in a
 * child process with the environment a sweep worker gets (pool.ts `workerEnv`). Prints one JSON
 * line: the threads TensorFlow named for its inter-op pool (`tf_Compute`), all threads of the
 * process after a matrix product, and the CPU time over wall time of a run of products.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';

(async () => {
  await useBackend('tensorflow');
  const a = tf.randomNormal([400, 400]);
  tf.tidy(() => tf.matMul(a, a).dataSync());
  const names: string[] = readdirSync('/proc/self/task').map((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim());
  const repeats = Number(process.env.PROBE_REPEATS ?? 0);
  const wall0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < repeats; i++) tf.tidy(() => tf.matMul(a, a).dataSync());
  const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ threads: names.length, interOp: names.filter((n) => n === 'tf_Compute').length, cpuPerWall: repeats ? (cpu.user + cpu.system) / 1e6 / wall : null }) + '\n');
})();
