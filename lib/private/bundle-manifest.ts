/** The manifest of a cached Lambda bundle: what it was built from, and whether it is still up to date. */
import { createHash } from 'crypto';
import { version as esbuildVersion } from 'esbuild';
import { existsSync, readFileSync } from 'fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'path';

/**
 * Bumped whenever the cache layout, the manifest or the way options are hashed changes: every
 * manifest of another format is stale.
 */
export const CACHE_FORMAT = 1;

/** The file name of the manifest, next to the bundle folder `out/`. */
export const MANIFEST = 'manifest.json';

/** The name of the bundle folder inside a handler's cache folder (the folder the Lambda asset is made of). */
export const OUT = 'out';

/** Outputs every complete bundle has (the source map is external, linked from the last line of index.js). */
export const OUTPUTS = ['index.js', 'index.js.map'];

/**
 * What a cached bundle was built from. Written last, after the bundle folder is in place: a cache
 * folder without a manifest (or with an unreadable one) is rebuilt.
 */
export interface BundleManifest {
  /** {@link CACHE_FORMAT} at the time of writing. */
  readonly format: number;
  /** The version of the esbuild package that produced the bundle. */
  readonly esbuildVersion: string;
  /** sha256 of the esbuild options (see {@link esbuildOptions}), the entry included. */
  readonly optionsHash: string;
  /** The entry, relative to the root. */
  readonly entry: string;
  /**
   * Every input esbuild reported in its metafile plus the tsconfig.json files it read, by path
   * relative to the root (`/` separators), with the sha256 of its contents; `null` for inputs that
   * are not files (esbuild's virtual modules).
   */
  readonly inputs: Record<string, string | null>;
  /**
   * The sha256 of each output file: the manifest is only trusted for the very bundle it was written
   * for (not a truncated, edited or partly deleted one, nor one another process put in place).
   */
  readonly outputs: Record<string, string>;
}

/** Hex sha256 of a buffer or string. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `path` relative to `root`, with `/` separators (as esbuild writes metafile paths). */
export function relativePosix(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** Whether a metafile input is one of esbuild's virtual modules (e.g. `<runtime>`, `(disabled):fs`), not a file. */
export function isVirtual(input: string): boolean {
  return /^[<(]/.test(input) || /^[^/\\]+:/.test(input);
}

/** The sha256 of the file at `path` relative to `root`, or undefined if it is not a readable file. */
export function hashInput(root: string, path: string): string | undefined {
  try {
    return sha256(readFileSync(resolve(root, path)));
  } catch {
    return undefined;
  }
}

/**
 * The tsconfig.json files esbuild reads for these inputs: for each input outside node_modules, the
 * nearest tsconfig.json in its folder or above, up to `root`. (`extends` chains are not followed:
 * this repository has none.)
 */
export function tsconfigInputs(root: string, inputs: string[]): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  for (const input of inputs) {
    if (isVirtual(input) || input.split('/').includes('node_modules')) continue;
    let dir = dirname(resolve(root, input));
    const fromRoot = relative(root, dir);
    if (fromRoot.startsWith('..') || isAbsolute(fromRoot)) continue;
    // Folders already walked lead to a tsconfig.json already found, or to none.
    while (!seen.has(dir)) {
      seen.add(dir);
      const candidate = join(dir, 'tsconfig.json');
      if (existsSync(candidate)) {
        found.add(relativePosix(root, candidate));
        break;
      }
      if (dir === root) break;
      dir = dirname(dir);
    }
  }
  return [...found];
}

/** The manifest in `cacheDir`, or undefined if it is missing or unreadable. */
function readManifest(cacheDir: string): BundleManifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(cacheDir, MANIFEST), 'utf8')) as BundleManifest;
    return typeof manifest === 'object' && manifest !== null && typeof manifest.inputs === 'object' ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the cached bundle in `cacheDir` cannot be reused, or undefined if it can: the manifest exists
 * and has this cache format, esbuild version and options hash, every output has its recorded sha256,
 * and every recorded input still exists with the recorded sha256 (all of them are hashed, including
 * the node_modules files of the bundled SDK clients).
 */
export function staleness(cacheDir: string, root: string, optionsHash: string): string | undefined {
  const manifest = readManifest(cacheDir);
  if (!manifest) return 'no cached bundle';
  if (manifest.format !== CACHE_FORMAT) return 'cache format changed';
  if (manifest.esbuildVersion !== esbuildVersion) return `esbuild version changed from ${manifest.esbuildVersion} to ${esbuildVersion}`;
  if (manifest.optionsHash !== optionsHash) return 'bundling options changed';
  for (const output of OUTPUTS) {
    if (hashInput(cacheDir, join(OUT, output)) !== manifest.outputs?.[output]) return `cached ${output} missing or changed`;
  }
  const changed = Object.entries(manifest.inputs)
    .filter(([path, hash]) => hash !== null && hashInput(root, path) !== hash)
    .map(([path]) => path);
  if (changed.length > 0) return `inputs changed: ${changed[0]}${changed.length > 1 ? ` and ${changed.length - 1} more` : ''}`;
  return undefined;
}
