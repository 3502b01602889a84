/**
 * The shell's execution semantics against a stand-in for tslab's executor (the real one, with
 * TypeScript, is driven by the kernel tests in test/kernel/test_*.py): the stand-in behaves as
 * tslab's executor does, logging the last expression's value with console.log and failures with
 * console.error.
 */
import type { ConsoleInterface } from 'tslab/dist/executor';
import { bundleOf, createShell, errorOf, type Publish } from '../../src/kernel/shell';
import type { Executor } from '../../src/kernel/adapter';

type Step = (console: ConsoleInterface) => boolean | Promise<boolean>;

function setup(program: Record<string, Step>) {
  const sent: Array<{ type: string; content: Record<string, unknown>; parent: unknown }> = [];
  const publish: Publish = (type, content, parent) => void sent.push({ type, content: content as Record<string, unknown>, parent });
  let interrupted: (() => void) | undefined;
  const executor = (console: ConsoleInterface): Executor => ({
    execute: async (src) => {
      const step = program[src];
      if (!step) throw new Error(`no step for ${src}`);
      return step(console);
    },
    inspect: () => undefined as never,
    complete: (src, pos) => ({ start: pos - 3, end: pos, candidates: ['abc'] }),
    reset: () => {},
    interrupt: () => interrupted?.(),
    locals: {},
    close: () => {},
  });
  const shell = createShell({
    publish,
    createExecutor: executor,
    isCompleteCode: (code) => ({ completed: !code.endsWith('{'), indent: '  ' }),
    printQuickInfo: () => '',
  });
  return { shell, sent, onInterrupt: (f: () => void) => (interrupted = f) };
}

const header = (id: string) => ({ msg_id: id, msg_type: 'execute_request' });

it('a value is an execute_result with the count; stdout goes to the cell as stream', async () => {
  const { shell, sent } = setup({
    'a': (c) => {
      process.stdout.write('printed\n');
      c.log(42);
      return true;
    },
    'b': () => true,
  });
  const stdout = process.stdout.write;
  try {
    expect(await shell.execute({ code: 'a' }, header('1'))).toEqual({ status: 'ok', execution_count: 1, user_expressions: {}, payload: [] });
    expect(await shell.execute({ code: 'b' }, header('2'))).toMatchObject({ status: 'ok', execution_count: 2 });
  } finally {
    process.stdout.write = stdout;
  }
  expect(sent.map((m) => [m.type, (m.parent as { msg_id: string }).msg_id])).toEqual([
    ['execute_input', '1'],
    ['stream', '1'],
    ['execute_result', '1'],
    ['execute_input', '2'],
  ]);
  expect(sent[1].content).toEqual({ name: 'stdout', text: 'printed\n' });
  expect(sent[2].content).toEqual({ execution_count: 1, data: { 'text/plain': '42' }, metadata: {} });
  expect(shell.currentCell).toEqual(header('2'));
});

it('failures: an error message and an error reply with ename, evalue and traceback', async () => {
  const { shell, sent } = setup({
    thrown: (c) => {
      c.error(new RangeError('too far'));
      return false;
    },
    diag: (c) => {
      c.error('%s%d:%d - %s', '', 1, 7, "Type 'number' is not assignable to type 'string'.");
      return false;
    },
  });
  const r1 = await shell.execute({ code: 'thrown' }, header('1'));
  expect(r1).toMatchObject({ status: 'error', execution_count: 1, ename: 'RangeError', evalue: 'too far' });
  expect((r1 as { traceback: string[] }).traceback[0]).toBe('RangeError: too far');
  const r2 = await shell.execute({ code: 'diag' }, header('2'));
  expect(r2).toEqual({
    status: 'error',
    execution_count: 2,
    ename: 'CompileError',
    evalue: "1:7 - Type 'number' is not assignable to type 'string'.",
    traceback: ["1:7 - Type 'number' is not assignable to type 'string'."],
  });
  const errors = sent.filter((m) => m.type === 'error').map((m) => m.content);
  expect(errors).toEqual([
    { ename: 'RangeError', evalue: 'too far', traceback: (r1 as { traceback: string[] }).traceback },
    { ename: 'CompileError', evalue: (r2 as { evalue: string }).evalue, traceback: (r2 as { traceback: string[] }).traceback },
  ]);
});

it('stop_on_error cancels the cells queued behind a failure, not the ones sent after it', async () => {
  const ran: string[] = [];
  const { shell } = setup({
    fails: async (c) => {
      await new Promise((r) => setTimeout(r, 20));
      c.error(new Error('first'));
      return false;
    },
    next: () => void ran.push('next') || true,
    later: () => void ran.push('later') || true,
  });
  const a = shell.execute({ code: 'fails' }, header('1'));
  const b = shell.execute({ code: 'next' }, header('2'));
  const c = shell.execute({ code: 'next', stop_on_error: false }, header('3'));
  expect(await a).toMatchObject({ status: 'error', evalue: 'first' });
  expect(await b).toMatchObject({ status: 'error', ename: 'ExecutionCancelled', execution_count: 1 });
  expect(await c).toMatchObject({ status: 'error', ename: 'ExecutionCancelled' });
  expect(await shell.execute({ code: 'later' }, header('4'))).toMatchObject({ status: 'ok', execution_count: 2 });
  expect(ran).toEqual(['later']);
  // stop_on_error: false on the failing cell lets the queue run on.
  const d = shell.execute({ code: 'fails', stop_on_error: false }, header('5'));
  const e = shell.execute({ code: 'later' }, header('6'));
  await d;
  expect(await e).toMatchObject({ status: 'ok' });
});

it('an interrupted cell fails as KernelInterrupted', async () => {
  const { shell, onInterrupt } = setup({
    waits: (c) =>
      new Promise<boolean>((resolve) =>
        onInterrupt(() => {
          c.error(new Error('Interrupted asynchronously'));
          resolve(false);
        }),
      ),
  });
  const running = shell.execute({ code: 'waits' }, header('1'));
  await new Promise((r) => setTimeout(r, 10));
  shell.interrupt();
  expect(await running).toMatchObject({ status: 'error', ename: 'KernelInterrupted' });
});

it('silent cells broadcast nothing and do not count; store_history false does not count; history keeps the rest', async () => {
  const { shell, sent } = setup({ one: (c) => (c.log('x'), true), two: () => true });
  await shell.execute({ code: 'one' }, header('1'));
  const before = sent.length;
  expect(await shell.execute({ code: 'one', silent: true }, header('2'))).toMatchObject({ execution_count: 1 });
  expect(sent.length).toBe(before);
  expect(await shell.execute({ code: 'two', store_history: false }, header('3'))).toMatchObject({ execution_count: 1 });
  await shell.execute({ code: 'two' }, header('4'));
  expect(shell.history({ hist_access_type: 'tail', n: 5, output: true }).history).toEqual([
    [1, 1, ['one', "'x'"]],
    [1, 2, ['two', null]],
  ]);
  expect(shell.history({ hist_access_type: 'search', pattern: 't*' }).history).toEqual([[1, 2, 'two']]);
  expect(shell.history({ hist_access_type: 'range', session: 1, start: 2, stop: 3 }).history).toEqual([[1, 2, 'two']]);
  expect(shell.history({ hist_access_type: 'range', session: -1, start: 1 }).history).toEqual([]);
});

it('cursor positions are code points on the wire and UTF-16 indices for tslab', () => {
  const { shell } = setup({});
  const code = '😀😀abc';
  // 5 code points, 7 UTF-16 units; the stand-in completes the 3 units before the cursor.
  expect(shell.complete({ code, cursor_pos: 5 })).toEqual({ status: 'ok', matches: ['abc'], cursor_start: 2, cursor_end: 5, metadata: {} });
  expect(shell.isComplete({ code: 'if (x) {' })).toEqual({ status: 'incomplete', indent: '  ' });
  expect(shell.isComplete({ code: 'x' })).toEqual({ status: 'complete' });
});

it('bundleOf and errorOf', () => {
  expect(bundleOf('s')).toEqual({ 'text/plain': "'s'" });
  expect(bundleOf({ [Symbol.for('Jupyter.display')]: () => ({ 'text/html': '<b>x</b>' }) })).toEqual({ 'text/html': '<b>x</b>' });
  expect(bundleOf({ [Symbol.for('Jupyter.display')]: () => ({}) })).toBeUndefined();
  expect(errorOf({ diagnostics: [], thrown: ['text'] })).toEqual({ status: 'error', ename: 'Uncaught', evalue: "'text'", traceback: ["Uncaught 'text'"] });
});
