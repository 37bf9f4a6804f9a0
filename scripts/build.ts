/**
 * Builds the package (`npm run build`, also run by `npm pack` through `prepack`): compiles lib/, pipelines/, contracts/,
 * config/ and tools/ to dist/ with declarations (tsconfig.build.json), after removing any previous dist/, and copies the
 * data files the compiled tools read next to their modules.
 */
import { execFileSync } from 'child_process';
import { cpSync, rmSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
/** Files read at run time from next to a compiled module, by path from the root. */
const DATA_FILES = ['tools/cost/prices.json'];

rmSync(DIST, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
for (const file of DATA_FILES) cpSync(join(ROOT, file), join(DIST, file));
process.stdout.write(`Built ${DIST}\n`);
