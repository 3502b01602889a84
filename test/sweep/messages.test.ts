/**
 * What a sweep writes into a notebook: its points' progress on one line updated in place (in a
 * live kernel), paths without the machine's temporary or home folders, and native libraries'
 * log lines kept out of the cell (they go to the kernel's log).
 */
import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLiveKernel } from '../../src/kernel/api';
import { provideHost } from '../../src/host';
import type { MimeBundle } from '../../src/host';
import { NATIVE_LOG } from '../../src/sweep/pool';
import { shownPath } from '../../src/sweep/shown-path';
import { sweep } from '../../src/sweep/sweep';

test('shownPath: relative inside the working folder, elided under the temporary folder, from ~ under home', () => {
  expect(shownPath(join(process.cwd(), 'runs', 'a'))).toBe(join('runs', 'a'));
  expect(shownPath(join(tmpdir(), 'saddlelab-07-Ab12', 'plateau', 'table.csv'), '/nowhere')).toBe(join('…', 'plateau', 'table.csv'));
  expect(shownPath(join(tmpdir(), 'x'), '/nowhere')).toBe(join('…', 'x'));
  expect(shownPath(join(homedir(), 'data', 'runs'), '/nowhere')).toBe(join('~', 'data', 'runs'));
  expect(shownPath('/opt/runs', '/nowhere')).toBe('/opt/runs');
});

test('NATIVE_LOG matches absl and TensorFlow log lines, not the sweep’s own', () => {
  expect(NATIVE_LOG.test('WARNING: All log messages before absl::InitializeLog() is called are written to STDERR')).toBe(true);
  expect(NATIVE_LOG.test('I0000 00:00:1796412890.460728   17420 port.cc:153] oneDNN custom operations are on.')).toBe(true);
  expect(NATIVE_LOG.test('2024-05-01 10:00:00.123456: I tensorflow/core/platform/cpu_feature_guard.cc:182] This TensorFlow binary')).toBe(true);
  expect(NATIVE_LOG.test('[saddlelab] sweep plateau: 1/12 (seed=0: 0.4 s)')).toBe(false);
  expect(NATIVE_LOG.test('Error: something failed at I0000')).toBe(false);
});

test('in a live kernel a sweep prints its start and its table, and shows the points on one line updated in place', async () => {
  const displays: Array<{ type: string; text: string; id?: string }> = [];
  const kernel = createLiveKernel({
    send: (type, content) => {
      const c = content as { data: MimeBundle; transient: { display_id?: string } };
      if (type === 'display_data' || type === 'update_display_data') displays.push({ type, text: String(c.data['text/plain']), id: c.transient.display_id });
    },
  });
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  provideHost(kernel);
  try {
    const out = mkdtempSync(join(tmpdir(), 'saddlelab-sweep-messages-'));
    const spec = { name: 'toy', kind: 'escape' as const, base: { X: [[1, 0], [0, 1]], G: [[1], [-1]], depth: 2, width: 2, starts: 2, steps: 50 }, grid: { seed: [0, 1, 2] } };
    await sweep(spec, { out, workers: 0 });
  } finally {
    log.mockRestore();
    provideHost(undefined);
  }
  expect(printed).toHaveLength(2);
  expect(printed[0]).toMatch(/^\[saddlelab\] sweep toy: 3 points, 0 done before, 3 to run in this process → …\/saddlelab-sweep-messages-\w+$/);
  expect(printed[1]).toMatch(/table in …\/table\.csv and …\/table\.json$/);
  expect(printed.join('\n')).not.toContain(tmpdir() + '/');
  expect(displays.map((d) => d.type)).toEqual(['display_data', 'update_display_data', 'update_display_data', 'update_display_data']);
  expect(new Set(displays.map((d) => d.id)).size).toBe(1);
  expect(displays[0].text).toMatch(/sweep toy: 1\/3 \(seed=0: /);
  expect(displays[3].text).toMatch(/sweep toy: 3 run, 0 done before, 0 failed, in .* \(progress shown on this one line, updated in place\)$/);
});
