// The sweep worker (src/sweep/worker.ts) behind a one-second start-up, as on a loaded machine: a
// SIGINT sent in that second finds no handler yet and ends the process, as it would a real worker
// still loading its modules. Loaded with test/sweep/ts-register.js (pool.test.ts).
'use strict';
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
require('../../src/sweep/worker.ts');
