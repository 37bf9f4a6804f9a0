/**
 * Results the tests compute again and again from the same inputs with pinned tools (a validator compiling its schemas,
 * cfn-guard reading every rule file), kept under node_modules/.cache beside the synth's validation caches: `npm ci`
 * removes them, and `MLOPS_VALIDATION_CACHE=off` turns them off. The key is a hash of everything the result depends on
 * (the tool's version among them), so a hit is what the tool would answer again.
 */
import { createHash } from 'crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { VALIDATION_CACHE_ENV, VALIDATION_CACHE_ROOT } from '../../lib/private/validation-cache';

/** The result of `compute` for `inputs`, from `node_modules/.cache/mlops-blueprint/<name>/` when it was computed before. */
export function diskMemo<T>(name: string, inputs: unknown, compute: () => T): T {
  const enabled = process.env[VALIDATION_CACHE_ENV] !== 'off';
  const file = join(VALIDATION_CACHE_ROOT, name, `${createHash('sha256').update(JSON.stringify(inputs)).digest('hex')}.json`);
  if (enabled) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')).value as T;
    } catch {
      // not computed yet
    }
  }
  const value = compute();
  if (enabled) {
    mkdirSync(join(VALIDATION_CACHE_ROOT, name), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ value }));
    renameSync(tmp, file);
  }
  return value;
}

/** The version of an installed package as `from` resolves it, for keys (found from its entry: not every package exports package.json). */
export function packageVersion(name: string, from?: string): string {
  let dir = dirname(require.resolve(name, from ? { paths: [from] } : undefined));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (manifest.name === name) return manifest.version as string;
    } catch {
      // no package.json here
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of ${name} above ${require.resolve(name)}`);
    dir = dirname(dir);
  }
}
