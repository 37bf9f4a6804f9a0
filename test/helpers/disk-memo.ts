/**
 * Results the tests compute again and again from the same inputs with pinned tools (a validator compiling its schemas,
 * cfn-guard reading every rule file), kept under node_modules/.cache beside the synth's validation caches: `npm ci`
 * removes them, and `MLOPS_VALIDATION_CACHE=off` turns them off. The key is a hash of everything the result depends on
 * (the tool's version among them), so a hit is what the tool would answer again.
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { dirname, join } from 'path';
import { VALIDATION_CACHE_ROOT, validationCacheEnabled, writeWhole } from '../../lib/private/validation-cache';

/** The result of `compute` for `inputs`, from `node_modules/.cache/mlops-blueprint/<name>/` when it was computed before. */
export function diskMemo<T>(name: string, inputs: unknown, compute: () => T): T {
  const memo = new Memo<T>(name, inputs);
  if (memo.found) return memo.found.value;
  return memo.keep(compute());
}

/**
 * {@link diskMemo} for an asynchronous computation; a result `worthKeeping` rejects (one that may differ next time, a
 * failure to look at again) is returned but not kept.
 */
export async function diskMemoAsync<T>(
  name: string,
  inputs: unknown,
  compute: () => Promise<T>,
  worthKeeping: (value: T) => boolean = () => true,
): Promise<T> {
  const memo = new Memo<T>(name, inputs);
  if (memo.found) return memo.found.value;
  const value = await compute();
  return worthKeeping(value) ? memo.keep(value) : value;
}

/** One kept result: read on construction, written (to a temporary file, then renamed: never half-written) by `keep`. */
class Memo<T> {
  public readonly found?: { value: T };
  private readonly enabled = validationCacheEnabled();
  private readonly file: string;

  constructor(name: string, inputs: unknown) {
    this.file = join(VALIDATION_CACHE_ROOT, name, `${createHash('sha256').update(JSON.stringify(inputs)).digest('hex')}.json`);
    if (!this.enabled) return;
    try {
      this.found = { value: JSON.parse(readFileSync(this.file, 'utf8')).value as T };
    } catch {
      // not computed yet
    }
  }

  public keep(value: T): T {
    if (this.enabled) writeWhole(this.file, JSON.stringify({ value }));
    return value;
  }
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
