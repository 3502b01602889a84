/**
 * Checks that need something from outside the repository: Debian's Chromium and a
 * JupyterLab in .venv (the browser tests), Slurm and MUNGE (the scheduler round trip), the
 * native TensorFlow build, a Vulkan device for WebGPU. Where that is missing the
 * check skips, naming why, so a laptop without them still runs the rest. Under
 * `SADDLELAB_STRICT=1` (CI sets it: .ci/run) it fails instead, naming why, so a
 * run cannot pass with an outside check silently skipped.
 *
 * @example
 * ```ts
 * const why = existsSync('/usr/bin/chromium') ? '' : 'no Chromium (apt-get install -y chromium)';
 * describeOutside('the browser tests', why)('in a browser', () => { ... });
 * ```
 */

/** True under `SADDLELAB_STRICT=1`: a missing outside check fails the run. */
export const STRICT = process.env.SADDLELAB_STRICT === '1';

/** Registers the test that fails in strict mode, or says on stderr what is skipped and why. */
function absent(what: string, why: string): void {
  if (STRICT) {
    test(`${what} can run here (SADDLELAB_STRICT=1)`, () => {
      throw new Error(`[saddlelab] ${what} cannot run here: ${why}. SADDLELAB_STRICT=1 makes a skipped outside check a failure.`);
    });
  } else {
    process.stderr.write(`[saddlelab test] skipping ${what}: ${why}\n`);
  }
}

/**
 * `describe` where `why` is empty; else `describe.skip` (jest reports the tests as skipped,
 * with `what` and why on stderr), and under SADDLELAB_STRICT=1 a failing test naming why.
 */
export function describeOutside(what: string, why: string | undefined): jest.Describe {
  if (!why) return describe;
  absent(what, why);
  return describe.skip;
}

/** `it` where `why` is empty; else `it.skip`, and under SADDLELAB_STRICT=1 a failing test naming why. */
export function itOutside(what: string, why: string | undefined): jest.It {
  if (!why) return it;
  absent(what, why);
  return it.skip;
}
