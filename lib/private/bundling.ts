import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { BuildFailure, BuildOptions, buildSync, formatMessagesSync, Message, version as esbuildVersion } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { PACKAGE_ROOT } from './package-paths';
import { removeLeftovers, replaceDir } from './bundle-folders';
import {
  BundleManifest,
  CACHE_FORMAT,
  hashInput,
  isVirtual,
  MANIFEST,
  OUT,
  OUTPUTS,
  relativePosix,
  sha256,
  staleness,
  tsconfigInputs,
} from './bundle-manifest';

/**
 * The package's root (the repository, or the installed package in an app's node_modules): entries, manifest paths and
 * esbuild's working directory are relative to it.
 */
const REPO_ROOT = PACKAGE_ROOT;

/** Where {@link handlerCode} keeps one folder per handler (a manifest and the bundle). */
export const BUNDLE_CACHE_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'mlops-blueprint', 'bundles');

/** The Lambda handler string of every bundle: `index.js` exporting `handler`. */
export const BUNDLE_HANDLER = 'index.handler';

/**
 * The prefix of the one stderr line written per esbuild run (nothing is written when a cached bundle
 * is reused). It is the prefix aws-cdk-lib's NodejsFunction used, so that counting lines that start
 * with it still counts esbuild runs (scripts/bench.ts does).
 */
export const BUNDLING_LINE_PREFIX = 'Bundling asset ';

export type { BundleManifest } from './bundle-manifest';

/** Options of {@link bundleHandler}. */
export interface BundleHandlerOptions {
  /** The handler's entry file (absolute, or relative to `root`); it exports the handler function `handler`. */
  readonly entry: string;
  /**
   * The handler's own cache folder, created if needed: it holds `manifest.json` and the bundle
   * folder `out/` (index.js and index.js.map). Temporary siblings of `out/` appear while building.
   */
  readonly cacheDir: string;
  /**
   * esbuild's working directory: manifest paths are relative to it and tsconfig.json files are
   * looked for up to it.
   *
   * @default the repository's root
   */
  readonly root?: string;
  /**
   * Where the line announcing an esbuild run goes (one call per run, without newline).
   *
   * @default a line on stderr
   */
  readonly log?: (line: string) => void;
}

/** What {@link bundleHandler} produced. */
export interface BundleResult {
  /** The bundle folder: index.js and index.js.map, nothing else. */
  readonly dir: string;
  /** Whether esbuild ran (false: the cached bundle was reused). */
  readonly rebuilt: boolean;
  /** Why esbuild ran, e.g. `inputs changed: lambda/shared/logging/logger.ts`; undefined when reused. */
  readonly reason?: string;
}

/**
 * The esbuild options of every handler, without the output location (`outfile` is always `index.js`
 * in a fresh folder). They match what aws-cdk-lib 2.276's NodejsFunction ran for
 * `{ minify: true, sourceMap: true, target: 'node24', externalModules: [] }` (its local command was
 * `esbuild --bundle <entry> --target=node24 --platform=node --outfile=<dir>/index.js --minify --sourcemap`,
 * run in the project root): the same target, platform, minification and linked external source map
 * with sources content (esbuild's default, as NodejsFunction's `sourcesContent` defaults to true);
 * no externals, so the AWS SDK v3 clients are bundled at the versions package-lock.json pins;
 * CommonJS, which esbuild picks for bundles on platform node when no format is given (written out
 * here). NodejsFunction sets no mainFields, define, keepNames, loader, banner or tsconfig by default,
 * and neither does this: esbuild's defaults apply, including the nearest tsconfig.json, which is why
 * tsconfig.json files count as inputs. `metafile` lists the inputs for the manifest (NodejsFunction
 * only writes it when asked, and it is not part of the bundle here either).
 */
export function esbuildOptions(entry: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    sourcemap: true,
    external: [],
    metafile: true,
    outfile: 'index.js',
  };
}

/** Whether bundles are rebuilt on every call (`MLOPS_BUNDLE_CACHE=off`). */
function cacheDisabled(): boolean {
  return (process.env.MLOPS_BUNDLE_CACHE ?? '').toLowerCase() === 'off';
}

/** esbuild's messages as plain text (file, line, column, text and the offending line). */
function formatMessages(messages: Message[], kind: 'error' | 'warning'): string {
  return formatMessagesSync(messages, { kind, color: false }).join('').trimEnd();
}

/**
 * Bundles one Lambda handler with esbuild (see {@link esbuildOptions}) into `<cacheDir>/out/`, unless
 * the bundle already there is up to date, and returns that folder.
 *
 * The bundle is reused when `<cacheDir>/manifest.json` exists and records the same cache format,
 * esbuild version and options hash, the outputs still have their recorded sha256, and every input
 * esbuild read (its metafile's inputs, node_modules files included, plus the tsconfig.json files that
 * apply) still exists with the recorded sha256. Not tracked: files that did not exist at the last
 * build but would now be resolved instead of an existing one, and package.json files (a dependency
 * change shows as changed node_modules files).
 *
 * Otherwise esbuild runs into a temporary sibling of `out/`; only a complete build replaces the old
 * bundle. The old manifest is deleted first, the old folder is renamed away, the new one renamed into
 * place, and the new manifest written last (through a temporary file and a rename): a crash leaves
 * the old bundle with its manifest, a bundle without a manifest (rebuilt next time) or no bundle
 * (leftover temporary folders are deleted by a later build once they are an hour old). If an input
 * was modified while esbuild ran, no manifest is written, so the next call rebuilds. Processes that
 * build the same handler at once are not coordinated but do not fail: the last rename wins, and a
 * manifest is only trusted with the bundle whose outputs it hashed. (A process copying the bundle
 * folder while another one replaces it can still fail.)
 *
 * One line starting with {@link BUNDLING_LINE_PREFIX} is logged per esbuild run, with the reason;
 * nothing when the bundle is reused. Setting the environment variable `MLOPS_BUNDLE_CACHE=off` makes
 * every call rebuild (and still refresh the cache).
 *
 * @throws Error naming the entry, with esbuild's messages, if esbuild fails; the cached bundle and
 *   manifest are then left as they were.
 */
export function bundleHandler(options: BundleHandlerOptions): BundleResult {
  const root = resolve(options.root ?? REPO_ROOT);
  const entryPath = resolve(root, options.entry);
  const entry = relativePosix(root, entryPath);
  const cacheDir = resolve(options.cacheDir);
  const outDir = join(cacheDir, OUT);
  const buildOptions = esbuildOptions(entry);
  const optionsHash = sha256(JSON.stringify({ cacheFormat: CACHE_FORMAT, esbuild: buildOptions }));

  const reason = cacheDisabled() ? 'MLOPS_BUNDLE_CACHE=off' : staleness(cacheDir, root, optionsHash);
  if (reason === undefined) return { dir: outDir, rebuilt: false };

  const label = relativePosix(root, dirname(entryPath));
  (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`${BUNDLING_LINE_PREFIX}${label} (${reason})`);
  mkdirSync(cacheDir, { recursive: true });
  removeLeftovers(cacheDir);
  const tmpDir = mkdtempSync(join(cacheDir, `${OUT}.tmp-`));
  const started = Date.now();
  let metafileInputs: string[];
  try {
    const result = buildSync({ ...buildOptions, outfile: join(tmpDir, 'index.js'), absWorkingDir: root, logLevel: 'silent', write: true });
    if (result.warnings.length > 0) process.stderr.write(`${formatMessages(result.warnings, 'warning')}\n`);
    metafileInputs = Object.keys(result.metafile?.inputs ?? {});
  } catch (e) {
    rmSync(tmpDir, { recursive: true, force: true });
    const errors = (e as Partial<BuildFailure>).errors;
    const details = errors && errors.length > 0 ? formatMessages(errors, 'error') : String((e as Error).message ?? e);
    throw new Error(`esbuild could not bundle ${entry}:\n${details}`);
  }

  // If an input changed after esbuild read it, the bundle may not match the hashes: no manifest then.
  let modifiedDuringBuild = false;
  const inputs: Record<string, string | null> = {};
  for (const input of [...metafileInputs, ...tsconfigInputs(root, metafileInputs)].sort()) {
    if (isVirtual(input)) {
      inputs[input] = null;
      continue;
    }
    const hash = hashInput(root, input);
    inputs[input] = hash ?? null;
    if (hash === undefined || (statSync(resolve(root, input), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > started) modifiedDuringBuild = true;
  }
  const outputs = Object.fromEntries(OUTPUTS.map((output) => [output, sha256(readFileSync(join(tmpDir, output)))]));
  const manifest: BundleManifest = { format: CACHE_FORMAT, esbuildVersion, optionsHash, entry, inputs, outputs };

  const manifestPath = join(cacheDir, MANIFEST);
  rmSync(manifestPath, { force: true });
  const trash = replaceDir(tmpDir, outDir, cacheDir);
  if (!modifiedDuringBuild) {
    const tmpManifest = `${manifestPath}.tmp-${process.pid}`;
    writeFileSync(tmpManifest, `${JSON.stringify(manifest, undefined, 2)}\n`);
    renameSync(tmpManifest, manifestPath);
  }
  trash.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  return { dir: outDir, rebuilt: true, reason };
}

/** Bundle folders of this process, by handler: each handler is bundled (or checked) at most once. */
const bundled = new Map<string, string>();

/**
 * The code of the Lambda handler in `lambda/<handler>/index.ts` (which exports `handler`; the Lambda
 * handler string is {@link BUNDLE_HANDLER}).
 *
 * If the stack of `scope` needs bundling (`Stack.of(scope).bundlingRequired`), the handler is bundled
 * with {@link bundleHandler} into `node_modules/.cache/mlops-blueprint/bundles/<handler>/`, reusing the
 * cached bundle when none of its inputs changed, and the code is that folder: aws-cdk-lib stages it by
 * content hash, so an unchanged bundle keeps its asset hash. Each handler is bundled at most once per
 * process, even with `MLOPS_BUNDLE_CACHE=off` (which only makes that once a rebuild).
 *
 * If bundling is not required (context `aws:cdk:bundling-stacks` does not match the stack, e.g. `[]`
 * in the template tests), esbuild does not run: the code is the handler's source folder, which
 * synthesizes the same template shape (an S3 asset) but is not deployable.
 */
export function handlerCode(scope: Construct, handler: string): lambda.Code {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(handler))
    throw new Error(`Invalid handler folder name "${handler}": expected lowercase letters, digits and dashes`);
  const sourceDir = join(REPO_ROOT, 'lambda', handler);
  const entry = join(sourceDir, 'index.ts');
  if (!existsSync(entry)) throw new Error(`No Lambda handler entry at ${relativePosix(REPO_ROOT, entry)}`);
  if (!Stack.of(scope).bundlingRequired) return lambda.Code.fromAsset(sourceDir);
  let dir = bundled.get(handler);
  if (dir === undefined) {
    dir = bundleHandler({ entry, cacheDir: join(BUNDLE_CACHE_ROOT, handler), root: REPO_ROOT }).dir;
    bundled.set(handler, dir);
  }
  return lambda.Code.fromAsset(dir);
}
