#!/usr/bin/env node
'use strict';
// The command line: `saddlelab train|escape|install|uninstall|demo`. The code lives in dist/.
require('../dist/cli/index.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.message ? err.message : err); process.exitCode = 1; },
);
