#!/usr/bin/env node
/* global process, require, console */
// mlops-audit: the auditor's command (docs/auditing.md). A CommonJS shim so that npm can link it as
// a bin: it registers tsx (TypeScript without a build step) and runs scripts/audit/main.ts.
'use strict';

try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('tsx/cjs');
} catch (error) {
  console.error(`mlops-audit: cannot load tsx (${error.message}). Run "npm ci" in the blueprint first: tsx runs the TypeScript sources.`);
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('../scripts/audit/main.ts');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    console.error(`mlops-audit: unexpected error: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 2;
  },
);
