/**
 * Running the CDK app of a folder the way the CDK CLI synthesizes it: the `app` command of its
 * `cdk.json`, spawned through the shell in that folder, with `CDK_OUTDIR` (where to write the cloud
 * assembly) and `CDK_CONTEXT_JSON` (the context: cdk.json's, then cdk.context.json's, then the `-c`
 * values) in its environment. Nothing calls AWS: context lookups are not performed.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** The file the command reads, as the CDK CLI does. */
export const CDK_JSON = 'cdk.json';
/** The CLI's cache of context lookups, merged over cdk.json's context. */
export const CDK_CONTEXT_JSON_FILE = 'cdk.context.json';
/** The environment variable telling the app where to write the cloud assembly. */
export const OUTDIR_ENV = 'CDK_OUTDIR';
/** The environment variable carrying the context, as JSON. */
export const CONTEXT_ENV = 'CDK_CONTEXT_JSON';
/** The environment variable naming a JSON file with the context, when it is too large for {@link CONTEXT_ENV} (as the CLI does). */
export const CONTEXT_OVERFLOW_ENV = 'CONTEXT_OVERFLOW_LOCATION_ENV';
/** Context JSON longer than this goes to a file: one environment string may hold at most 128 KiB on Linux. */
export const MAX_CONTEXT_ENV_LENGTH = 100_000;
/** Context that skips the compliance packs and the Lambda bundling (`--no-checks`): what `cdk ls` passes, plus `compliance=off`. */
export const NO_CHECKS_CONTEXT: Readonly<Record<string, unknown>> = { 'aws:cdk:bundling-stacks': [], compliance: 'off' };

/** The app could not be run, or failed; the message says why and is meant for the user as is. */
export class AppError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a folder's cdk.json says. */
export interface CdkJson {
  /** The file read. */
  readonly file: string;
  /** The command that synthesizes the app. */
  readonly app: string;
  /** Its `context`. */
  readonly context: Obj;
}

function parseJsonFile(file: string, expected: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError(`${file}: not valid JSON (${(e as Error).message}); expected ${expected}.`);
  }
}

/**
 * Reads `cdk.json` of `dir`.
 *
 * @throws AppError naming the file and what was expected when it is missing or has no `app` command
 */
export function readCdkJson(dir: string): CdkJson {
  const file = join(dir, CDK_JSON);
  const expected = 'a CDK app\'s cdk.json with "app": "<the command that synthesizes it>", e.g. "npx tsx bin/app.ts"';
  if (!existsSync(file)) {
    throw new AppError(
      `${file}: not found. mlops-cost prices the CDK app of the folder it runs in, as cdk synth does: expected ${expected}. ` +
        'Run it from your app\'s folder, or price an existing cloud assembly with --assembly DIR (written by "cdk synth -o DIR").',
    );
  }
  const raw = parseJsonFile(file, expected);
  if (!isObj(raw) || typeof raw.app !== 'string' || raw.app.trim() === '') {
    throw new AppError(`${file}: no "app" command; expected ${expected}.`);
  }
  if (raw.context !== undefined && !isObj(raw.context)) throw new AppError(`${file}: "context" is not an object; expected key -> value.`);
  return { file, app: raw.app, context: raw.context ?? {} };
}

/** The context the app gets: cdk.json's, cdk.context.json's (when present), the `-c` values, and with `checks: false` {@link NO_CHECKS_CONTEXT}. */
export function appContext(dir: string, cdkJson: CdkJson, context: Record<string, string>, checks: boolean): Obj {
  const cacheFile = join(dir, CDK_CONTEXT_JSON_FILE);
  const cached = existsSync(cacheFile) ? parseJsonFile(cacheFile, "the CDK CLI's context cache (key -> value)") : {};
  return { ...cdkJson.context, ...(isObj(cached) ? cached : {}), ...context, ...(checks ? {} : NO_CHECKS_CONTEXT) };
}

/** A single `.js` file as the app is run with node, as the CDK CLI does; any other command as written. */
function commandLine(dir: string, app: string): string {
  const trimmed = app.trim();
  return /^[^\s"']+\.js$/.test(trimmed) && existsSync(join(dir, trimmed)) ? `"${process.execPath}" ${trimmed}` : trimmed;
}

/** What the app printed, for the user. */
export interface AppRun {
  /** The command line run. */
  readonly command: string;
  /** Its standard output and standard error, as printed. */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the `app` of `cdkJson` in `dir` through the shell, writing the cloud assembly to `outdir`.
 *
 * @throws AppError when the app cannot be started, exits non-zero (its standard error verbatim, after a line saying so), or
 *   writes no cloud assembly
 */
export function runApp(dir: string, cdkJson: CdkJson, outdir: string, context: Obj): AppRun {
  const command = commandLine(dir, cdkJson.app);
  const json = JSON.stringify(context);
  const overflow = json.length > MAX_CONTEXT_ENV_LENGTH ? mkdtempSync(join(tmpdir(), 'mlops-cost-context-')) : undefined;
  if (overflow) writeFileSync(join(overflow, 'context.json'), json);
  // Only the context given here: none inherited from a calling CDK process.
  const env: NodeJS.ProcessEnv = { ...process.env, [OUTDIR_ENV]: outdir };
  delete env[CONTEXT_ENV];
  delete env[CONTEXT_OVERFLOW_ENV];
  if (overflow) env[CONTEXT_OVERFLOW_ENV] = join(overflow, 'context.json');
  else env[CONTEXT_ENV] = json;
  let result;
  try {
    result = spawnSync(command, {
      cwd: dir,
      shell: true,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
      env,
    });
  } finally {
    if (overflow) rmSync(overflow, { recursive: true, force: true });
  }
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  if (result.error) throw new AppError(`The app of ${cdkJson.file} could not be run (${command}): ${result.error.message}`);
  if (result.status !== 0) {
    const how = result.status === null ? `was stopped by ${result.signal}` : `exited with code ${result.status}`;
    const out = stdout.trim() === '' ? '' : `Its standard output:\n${stdout}${stdout.endsWith('\n') ? '' : '\n'}`;
    const err = stderr.trim() === '' ? 'It printed nothing on standard error.\n' : `Its standard error:\n${stderr}`;
    throw new AppError(`mlops-cost: the app of ${cdkJson.file} (${command}) ${how}; nothing was priced.\n${out}${err}`);
  }
  if (!existsSync(join(outdir, 'manifest.json'))) {
    throw new AppError(
      `mlops-cost: the app of ${cdkJson.file} (${command}) exited 0 but wrote no cloud assembly to ${outdir}: ` +
        `a CDK app writes it to $${OUTDIR_ENV} when it calls app.synth() (automatically unless the App has autoSynth: false).`,
    );
  }
  return { command, stdout, stderr };
}
