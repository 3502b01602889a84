/**
 * A sweep worker process (forked by pool.ts). It runs the points it is sent, one at a time, and
 * answers each with its row. Its native TensorFlow threads were fixed by its environment before
 * TensorFlow loaded (TF_NUM_INTRAOP_THREADS and TF_NUM_INTEROP_THREADS are read once per
 * process, when the first TensorFlow context is created), which is why workers are processes and
 * not threads: threads of one process would share one TensorFlow thread pool.
 */
import { runPoint, type RunPointOptions } from './point';
import type { SweepPoint } from './spec';
import type { ParentMessage, WorkerMessage } from './pool';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

let queue = Promise.resolve();

process.on('message', (message: ParentMessage) => {
  if (message.type === 'exit') {
    queue.then(() => process.disconnect());
    return;
  }
  const { point, options } = message as { point: SweepPoint; options: RunPointOptions };
  queue = queue.then(async () => {
    const threads = Number(process.env.TF_NUM_INTRAOP_THREADS) || undefined;
    const row = await runPoint(point, { ...options, threads, log: (line) => send({ type: 'log', id: point.id, line }) });
    send({ type: 'row', row });
  });
});

// The parent went away (killed, or done): nothing more will come.
process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal and a Jupyter interrupt signal the whole process group: the coordinator
// decides (it stops the pool, and the points in flight run again on resume). A worker that died of
// the same SIGINT first would be recorded as a failed point.
process.on('SIGINT', () => {});
send({ type: 'ready' });
