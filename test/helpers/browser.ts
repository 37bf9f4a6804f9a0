import { spawnSync } from 'child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'fs';
import path from 'path';
import { Browser, chromium } from 'playwright-core';

/**
 * The Chromium the browser tests drive through playwright-core, found in this order:
 * 1. `CHROMIUM_PATH`, when set (then nothing else is tried: an explicit choice that does not work is an error);
 * 2. a system Chromium: {@link SYSTEM_CHROMIUM_PATHS} (skipped when `MLOPS_BROWSER_SKIP_SYSTEM=1`, to test step 3);
 * 3. the headless Chromium shipped inside the npm package `@sparticuz/chromium` (Linux x64 only), unpacked once
 *    per package version into node_modules/.cache/mlops-blueprint/ with the NSS libraries it links against.
 */
export const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const NPM_PACKAGE = '@sparticuz/chromium';
const ROOT = path.join(__dirname, '..', '..');

/** A browser to launch: where it came from, its executable, and extra environment variables it needs. */
export interface BrowserCandidate {
  source: string;
  executablePath: string;
  env?: Record<string, string>;
}

/** One place to look: `find` returns the browser there, or throws saying why there is none. */
export interface BrowserPlace {
  place: string;
  find: () => BrowserCandidate;
}

/** What the search reads from the machine (injected by the unit test). */
export interface BrowserSearchContext {
  env: NodeJS.ProcessEnv;
  isExecutable: (file: string) => boolean;
  npmChromium: () => BrowserCandidate;
}

/** The places to look, in order (see the file comment). */
export function browserPlaces(context: BrowserSearchContext): BrowserPlace[] {
  const explicit = context.env.CHROMIUM_PATH;
  if (explicit) {
    return [{
      place: `CHROMIUM_PATH=${explicit}`,
      find: () => {
        if (!context.isExecutable(explicit)) throw new Error('not an executable file (unset CHROMIUM_PATH to use a system or the npm Chromium)');
        return { source: 'CHROMIUM_PATH', executablePath: explicit };
      },
    }];
  }
  const places: BrowserPlace[] = [{ place: 'CHROMIUM_PATH', find: () => { throw new Error('not set'); } }];
  places.push({
    place: `system Chromium (${SYSTEM_CHROMIUM_PATHS.join(', ')})`,
    find: () => {
      if (context.env.MLOPS_BROWSER_SKIP_SYSTEM === '1') throw new Error('skipped (MLOPS_BROWSER_SKIP_SYSTEM=1)');
      const found = SYSTEM_CHROMIUM_PATHS.find((file) => context.isExecutable(file));
      if (!found) throw new Error('none is an executable file');
      return { source: 'system', executablePath: found };
    },
  });
  places.push({ place: `npm package ${NPM_PACKAGE}`, find: context.npmChromium });
  return places;
}

/**
 * Launches the first browser found in `places`; a browser that is found but fails to launch lets the next place be tried.
 * When none works, the error names every place tried and why each failed.
 */
export async function launchFirst<T>(places: BrowserPlace[], launch: (candidate: BrowserCandidate) => Promise<T>): Promise<T> {
  const failures: string[] = [];
  for (const { place, find } of places) {
    let candidate: BrowserCandidate;
    try {
      candidate = find();
    } catch (error) {
      failures.push(`${place}: ${(error as Error).message}`);
      continue;
    }
    try {
      return await launch(candidate);
    } catch (error) {
      failures.push(`${place}: ${candidate.executablePath} did not launch: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`No Chromium for the browser tests. Tried, in order:\n  - ${failures.join('\n  - ')}\n`
    + 'Set CHROMIUM_PATH to a Chrome or Chromium executable (on macOS: the binary inside Google Chrome.app or Chromium.app), '
    + `install a system Chromium, or run \`npm ci\` on Linux x64 for ${NPM_PACKAGE}.`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium of `@sparticuz/chromium`, unpacked (about 3 s, 210 MB) into `cacheRoot`/chromium-<version>. Each process
 * unpacks into its own directory and renames it into place, so parallel test files never see a half-written binary.
 */
export function npmChromium(cacheRoot = path.join(ROOT, 'node_modules', '.cache', 'mlops-blueprint')): BrowserCandidate {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`its Chromium is built for Linux x64; this is ${process.platform} ${process.arch}`);
  }
  let entry: string;
  try {
    entry = require.resolve(NPM_PACKAGE);
  } catch {
    throw new Error('not installed (run `npm ci`)');
  }
  const packageDir = path.dirname(path.dirname(entry));
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(cacheRoot, `chromium-${version}`);
  if (!existsSync(path.join(target, 'chromium'))) unpack(entry, packageDir, target);
  return { source: 'npm', executablePath: path.join(target, 'chromium'), env: { LD_LIBRARY_PATH: libraryPath(path.join(target, 'al2023', 'lib')) } };
}

function unpack(entry: string, packageDir: string, target: string): void {
  const scratch = `${target}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(scratch, { recursive: true });
  // The package is an ES module: a child Node process unpacks it (the package unpacks into os.tmpdir(), hence TMPDIR).
  const script = `const m = await import(${JSON.stringify(`file://${entry}`)});
    process.stdout.write(await m.default.executablePath());
    await m.inflate(${JSON.stringify(path.join(packageDir, 'bin', 'al2023.tar.br'))});`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, TMPDIR: scratch }, encoding: 'utf8', timeout: 120_000,
  });
  if (run.status !== 0 || run.stdout !== path.join(scratch, 'chromium')) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`unpacking failed (exit ${run.status}): ${(run.stderr || run.error?.message || run.stdout).trim().split('\n')[0]}`);
  }
  try {
    renameSync(scratch, target);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    // Another test process unpacked it first: use theirs.
    if (!existsSync(path.join(target, 'chromium'))) throw error;
  }
}

/** The NSS libraries shipped with the package first, so a machine without libnss3 can run it. */
function libraryPath(bundled: string): string {
  return [bundled, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}

/** Launches the browser tests' Chromium (headless, JavaScript setting left to each context). */
export async function launchTestBrowser(): Promise<Browser> {
  const places = browserPlaces({ env: process.env, isExecutable, npmChromium: () => npmChromium() });
  return launchFirst(places, (candidate) => chromium.launch({
    executablePath: candidate.executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    ...(candidate.env ? { env: { ...definedEnv(process.env), ...candidate.env } } : {}),
  }));
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
