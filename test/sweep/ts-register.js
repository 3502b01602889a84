// Lets a forked Node process load the TypeScript sources (the sweep worker under test) through
// esbuild, the build's own transpiler, so the pool tests run the code as it is, not a stale dist/.
'use strict';
const { readFileSync } = require('node:fs');
const { transformSync } = require('esbuild');

require.extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: 'inline' });
  module._compile(code, filename);
};
