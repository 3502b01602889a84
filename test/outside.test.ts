/**
 * test/outside.ts: a missing outside check skips, naming why; under SADDLELAB_STRICT=1 (CI) it
 * fails, naming why. Each case runs a fixture file in a jest of its own, as `npm test` would.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

function runFixture(strict: boolean) {
  const env = { ...process.env, SADDLELAB_STRICT: strict ? '1' : '' };
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--json', '--testMatch', '**/test/outside.fixture.ts'], { cwd: ROOT, env, encoding: 'utf8' });
  const report = JSON.parse(r.stdout) as { testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }> };
  return { status: r.status, stderr: r.stderr, tests: report.testResults[0].assertionResults.map((a) => ({ title: a.title, status: a.status, message: a.failureMessages.join('') })) };
}

test('locally a missing check is skipped and says why on stderr; a present one runs', () => {
  const r = runFixture(false);
  expect(r.status).toBe(0);
  expect(r.tests.map((t) => [t.title, t.status])).toEqual([
    ['runs', 'passed'],
    ['needs the absent tool', 'pending'],
  ]);
  expect(r.stderr).toContain('[saddlelab test] skipping the absent check: its tool is not installed here');
}, 60000);

test('under SADDLELAB_STRICT=1 a missing check fails the run, naming why', () => {
  const r = runFixture(true);
  expect(r.status).toBe(1);
  const failed = r.tests.filter((t) => t.status === 'failed');
  expect(failed.map((t) => t.title)).toEqual(['the absent check can run here (SADDLELAB_STRICT=1)']);
  expect(failed[0].message).toMatch(/^Error: \[saddlelab\] the absent check cannot run here: its tool is not installed here\./);
  expect(r.tests.find((t) => t.title === 'runs')?.status).toBe('passed');
}, 60000);
