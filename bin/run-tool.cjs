/* global process, require, console, __dirname, module */
// Runs one of the shipped commands (mlops-audit, mlops-cost) from the bins next to this file. In this repository the TypeScript
// sources under tools/ run through tsx, so a command never runs a stale build; in an installed package, which ships no tools/
// sources and no devDependencies, the compiled JavaScript under dist/tools/ runs.
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { existsSync } = require('fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { join } = require('path');

const ROOT = join(__dirname, '..');

/** The tool's module (`audit/main`, `cost/main`): its TypeScript source through tsx when present, else the compiled one. */
function loadTool(command, module) {
  const source = join(ROOT, 'tools', `${module}.ts`);
  if (existsSync(source)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('tsx/cjs');
    } catch (error) {
      console.error(`${command}: cannot load tsx (${error.message}). Run "npm ci" in the blueprint first: tsx runs the TypeScript sources.`);
      process.exit(2);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(source);
  }
  const compiled = join(ROOT, 'dist', 'tools', `${module}.js`);
  if (!existsSync(compiled)) {
    console.error(`${command}: neither ${source} nor ${compiled} exists: the package is incomplete (build it with "npm run build").`);
    process.exit(2);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(compiled);
}

/** Runs `main(argv)` of the tool's module and exits with the code it returns (2 on an unexpected error). */
function runTool(command, module) {
  const { main } = loadTool(command, module);
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        console.error(`${command}: unexpected error: ${error && error.stack ? error.stack : error}`);
        process.exitCode = 2;
      },
    );
}

module.exports = { runTool };
