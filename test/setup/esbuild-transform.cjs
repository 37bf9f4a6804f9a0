/**
 * Jest transform for TypeScript: esbuild strips the types, one file at a time (types are checked by `tsc --noEmit`).
 * Unlike ts-jest it does not move `jest.mock()` calls above the imports, so a file that mocks a module is refused
 * here with a message: jest.config.js hands such files to ts-jest.
 */
/* global require, module, __filename */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createHash } = require('crypto');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { transformSync, version } = require('esbuild');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const OWN_SOURCE = require('fs').readFileSync(__filename);
const MOCK_CALL = /^\s*jest\.(mock|unmock|enableAutomock|disableAutomock|deepUnmock)\(/m;

module.exports = {
  canInstrument: false,
  getCacheKey(sourceText, sourcePath, options) {
    return createHash('sha256')
      .update(OWN_SOURCE)
      .update(version)
      .update('\0')
      .update(sourcePath)
      .update('\0')
      .update(options.configString)
      .update('\0')
      .update(sourceText)
      .digest('hex');
  },
  process(sourceText, sourcePath) {
    if (MOCK_CALL.test(sourceText)) {
      throw new Error(`${sourcePath} calls jest.mock(), which must run before its imports: list it with the ts-jest files in jest.config.js`);
    }
    const { code, map } = transformSync(sourceText, {
      loader: sourcePath.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      // import() becomes require() in a promise, as ts-jest emits it: jest's module registry serves both.
      supported: { 'dynamic-import': false },
      sourcemap: 'external',
      sourcefile: sourcePath,
      sourcesContent: false,
    });
    return { code, map };
  },
};
