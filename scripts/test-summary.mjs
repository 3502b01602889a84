#!/usr/bin/env node
/**
 * The one summary at the end of `npm test` (scripts/test.sh): every stage with its time and
 * result, every failed test (jest and pytest), every skipped test with its reason, and where
 * the time went (the slowest test files). Reads what test.sh left in its log folder:
 * stages.tsv (name, seconds, exit status, log file per line), jest*.json (jest --json) and
 * pytest*.xml (pytest --junitxml). Exits 1 if any stage failed.
 *
 *   node scripts/test-summary.mjs test-results/logs
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';

const dir = process.argv[2] ?? 'test-results/logs';
const root = process.cwd();
const read = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
const clock = (s) => (s < 60 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`);
const oneLine = (s, n = 300) => s.replace(/\u001b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim().slice(0, n);

const stages = (read('stages.tsv') ?? '')
  .split('\n')
  .filter(Boolean)
  .map((l) => {
    const [name, seconds, status, log] = l.split('\t');
    return { name, seconds: Number(seconds), status: Number(status), log };
  });
const failed = [];
const skipped = [];
const slow = [];

const reports = (re) => (existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f)).sort() : []);
for (const f of reports(/^jest.*\.json$/)) {
  const r = JSON.parse(read(f));
  for (const file of r.testResults) {
    const path = relative(root, file.name);
    slow.push({ what: `jest ${path}`, seconds: (file.endTime - file.startTime) / 1000 });
    if (file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed')) {
      // The file itself failed (a syntax error, a failing beforeAll with no test run, a crash).
      failed.push(`jest   ${path}: ${oneLine(file.message || file.failureMessage || 'the test file failed')}`);
    }
    for (const a of file.assertionResults) {
      const name = `${path} › ${[...a.ancestorTitles, a.title].join(' › ')}`;
      if (a.status === 'failed') failed.push(`jest   ${name}: ${oneLine(a.failureMessages.join(' '))}`);
      else if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') skipped.push(`jest   ${name}`);
    }
  }
}

for (const f of reports(/^pytest.*\.xml$/)) {
  const xml = read(f);
  // pytest-ROUNDING.xml: the tutorial tests under another rounding (test.sh, SADDLELAB_TEST_ROUNDINGS).
  const tool = /^pytest-(.+)\.xml$/.test(f) ? `pytest (${/^pytest-(.+)\.xml$/.exec(f)[1]})` : 'pytest';
  const unescape = (s) => s.replace(/&#10;/g, ' ').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const attrs = (s) => Object.fromEntries([...s.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], unescape(m[2])]));
  const files = new Map();
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const a = attrs(m[1]);
    // classname is the module's dotted path, then the class for a method (test.kernel.test_x.TestY).
    const parts = (a.classname ?? '').split('.');
    const cls = parts.length > 1 && /^[A-Z]/.test(parts[parts.length - 1]) ? parts.pop() : undefined;
    const file = `${parts.join('/')}.py`;
    const name = `${file}::${cls ? `${cls}::` : ''}${a.name}`;
    files.set(file, (files.get(file) ?? 0) + Number(a.time ?? 0));
    const body = m[2] ?? '';
    const bad = /<(failure|error)\b([^>]*)>([\s\S]*?)<\/\1>|<(failure|error)\b([^>]*)\/>/.exec(body);
    const skip = /<skipped\b([^>]*)/.exec(body);
    if (bad) failed.push(`${tool} ${name}${bad[1] === 'error' || bad[4] === 'error' ? ' (error)' : ''}: ${oneLine(attrs(bad[2] ?? bad[5]).message ?? unescape(bad[3] ?? ''))}`);
    else if (skip) skipped.push(`${tool} ${name}: ${oneLine(attrs(skip[1]).message ?? '')}`);
  }
  for (const [file, seconds] of files) slow.push({ what: `${tool} ${file}`, seconds });
}

const total = stages.reduce((s, x) => s + x.seconds, 0);
const load = process.env.SADDLELAB_TEST_LOAD || '0';
const out = [];
out.push('');
out.push(`[saddlelab test] summary: ${stages.filter((s) => s.status !== 0).length ? 'FAILED' : 'passed'}`);
out.push(`  stages (${clock(Number(process.env.SADDLELAB_TEST_WALL ?? total))} in all; SADDLELAB_TEST_LOAD=${load}, SADDLELAB_STRICT=${process.env.SADDLELAB_STRICT || '0'}; load average now ${loadavg().map((v) => v.toFixed(2)).join(' ')}):`);
for (const s of stages) out.push(`    ${s.name.padEnd(34)} ${clock(s.seconds).padStart(12)}  ${s.status === 0 ? 'ok' : `FAILED (exit ${s.status}; its output: ${s.log})`}`);
out.push('  slowest test files:');
for (const s of slow.sort((a, b) => b.seconds - a.seconds).slice(0, 8)) out.push(`    ${clock(s.seconds).padStart(12)}  ${s.what}`);
if (skipped.length) {
  out.push(`  skipped (${skipped.length}):`);
  for (const s of skipped) out.push(`    ${s}`);
}
const stageFailures = stages.filter((s) => s.status !== 0).map((s) => s.name);
if (failed.length || stageFailures.length) {
  out.push(`  failed (${failed.length} test${failed.length === 1 ? '' : 's'}; stages: ${stageFailures.join(', ') || 'none'}):`);
  for (const f of failed) out.push(`    ${f}`);
}
console.log(out.join('\n'));
process.exit(stageFailures.length ? 1 : 0);
