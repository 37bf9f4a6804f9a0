/**
 * Synth and Lambda benchmark of the blueprint (docs/performance.md): `npm run bench`.
 *
 * Every synth is timed twice over: "cold", with the bundle and validation caches turned off
 * (MLOPS_BUNDLE_CACHE=off, MLOPS_VALIDATION_CACHE=off: what the first synth of a fresh clone does),
 * and "warm", after one untimed synth has filled the caches and nothing changed since.
 *
 * 1. Wall time of the default app (cdk.json's app command, `node --import tsx bin/app.ts`, run the
 *    way the CDK CLI runs it: CDK_OUTDIR and CDK_CONTEXT_JSON with cdk.json's context and what the
 *    CLI adds), env=dev, median of 3 cold and 3 warm.
 * 2. Wall time of generated apps of 1, 10, 50 and 100 models (scripts/bench-app.ts, clones of
 *    `churn`), compliance checks on and Lambda code bundled; median of 3 up to 10 models, one run
 *    above; at the largest count also a warm synth after one model changed. Each synth may take 20
 *    minutes at most. With aws-cdk-lib's own counters of where the time went.
 * 3. The largest stacks (of the largest generated app, and of the default app in dev and prod)
 *    against CloudFormation's template quotas.
 * 4. The Lambda bundles of the default app: sizes and cold module-load time (median of 5 spawns),
 *    next to the same handler built with the AWS SDK left to the Lambda runtime.
 * 5. The acknowledged compliance findings of the default app in dev and prod, per rule.
 *
 * Everything runs sequentially (synths would compete for the cores). Progress goes to stderr,
 * results to stdout as Markdown tables. BENCH_MODEL_COUNTS=1,10 runs section 2 for other counts
 * (3 runs each up to 10 models, 1 run above).
 */
import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { cpus, loadavg, tmpdir, totalmem } from 'os';
import { join, resolve } from 'path';
import { App } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import { models } from '../config/models';
import { platformConfig } from '../config/platform';
import { listAcknowledgements } from '../lib/compliance';
import { buildMlopsApp } from '../lib/mlops-app';
import { esbuildOptions } from '../lib/private/bundling';

const ROOT = resolve(__dirname, '..');
/** The context of cdk.json (feature flags, strict validation), as the CLI passes it to the app. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
/**
 * What `cdk synth` (aws-cdk 2.1148) adds to the context it passes an app, seen in CDK_CONTEXT_JSON:
 * path and asset metadata on every resource, version reporting, bundle every stack.
 */
const CLI_CONTEXT: Record<string, unknown> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};
const SYNTH_TIMEOUT_MS = 20 * 60 * 1000;
const DEFAULT_APP_RUNS = 3;
const LOAD_RUNS = 5;

/** CloudFormation quotas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html). */
const MAX_RESOURCES = 500;
const MAX_PARAMETERS = 200;
/** "Template body size in an Amazon S3 object: 1 MB", taken as 1 MiB. CDK deploys templates from its assets bucket. */
const MAX_S3_TEMPLATE_BYTES = 1_048_576;
/** The decimal reading of the same quota, for a conservative comparison. */
const MAX_S3_TEMPLATE_BYTES_DECIMAL = 1_000_000;
/** "Template body size in a request": only for templates passed inline, which CDK does not do. */
const MAX_INLINE_TEMPLATE_BYTES = 51_200;

// ---------------------------------------------------------------------------------------------
// Output

type Cell = string | number;

/** A Markdown table, columns padded; columns whose cells are all numbers are right-aligned. */
function table(head: string[], rows: Cell[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[\d.,%x-]+$/.test(String(r[i]))));
  const width = head.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (numeric[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

function section(title: string, ...blocks: string[]): void {
  process.stdout.write(`\n## ${title}\n\n${blocks.join('\n\n')}\n`);
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;
const thousands = (n: number): string => n.toLocaleString('en-US');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------
// Synth subprocesses

interface SynthRun {
  readonly status: 'ok' | 'failed' | 'timed out';
  readonly wallMs: number;
  /** The machine's 1-minute load average when the run started (other processes compete for the cores). */
  readonly loadAtStart: number;
  readonly outdir: string;
  /** "Bundling asset ..." lines aws-cdk-lib printed: esbuild runs. */
  readonly bundlingRuns: number;
  /** aws-cdk-lib's performance counters (ms, and `name(cnt)` counts), when it wrote them. */
  readonly counters?: Record<string, number>;
  /** What the Control Tower check did (scripts/bench-app.ts only). */
  readonly guard?: GuardStats;
  /** The end of stderr, for a failed run. */
  readonly stderrTail: string;
}

/** Written by scripts/bench-app.ts through BENCH_GUARD_STATS_FILE. */
interface GuardStats {
  readonly ms: number;
  readonly templates: number;
  readonly cached: number;
  readonly processes: number;
  readonly ruleFilesRun: number;
}

/** cold: both caches off, as the first synth of a fresh clone; warm: caches filled by an earlier synth. */
type CacheMode = 'cold' | 'warm';
const COLD_ENV = { MLOPS_BUNDLE_CACHE: 'off', MLOPS_VALIDATION_CACHE: 'off' };

let running: number | undefined;
/** Cloud assemblies written and not yet removed: removed on exit, whatever happens. */
const outdirs = new Set<string>();
process.on('exit', () => {
  for (const dir of outdirs) {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.counters.json`, { force: true });
    rmSync(`${dir}.guard.json`, { force: true });
  }
});

/** Ends the synth subprocess still running (and its children: it leads its own process group). */
function killRunning(): void {
  if (running === undefined) return;
  try {
    process.kill(-running, 'SIGKILL');
  } catch {
    // already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killRunning();
    process.exit(130);
  });
}

/** Runs a CDK app entry the way the CLI does and times it from spawn to exit. */
function synth(entry: string, context: Record<string, unknown>, mode: CacheMode, env: Record<string, string> = {}): Promise<SynthRun> {
  const outdir = mkdtempSync(join(tmpdir(), 'mlops-bench-'));
  outdirs.add(outdir);
  const countersFile = `${outdir}.counters.json`;
  const guardFile = `${outdir}.guard.json`;
  const loadAtStart = loadavg()[0];
  return new Promise((done) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        CDK_PERF_COUNTERS_FILE: countersFile,
        BENCH_GUARD_STATS_FILE: guardFile,
        AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '',
        MLOPS_BUNDLE_CACHE: '', MLOPS_VALIDATION_CACHE: '',
        ...(mode === 'cold' ? COLD_ENV : {}),
        ...env,
      },
    });
    running = child.pid;
    let bundlingRuns = 0;
    let pending = '';
    let tail = '';
    let timedOut = false;
    child.stdout.resume();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-3000);
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      bundlingRuns += lines.filter((l) => l.startsWith('Bundling asset ')).length;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killRunning();
    }, SYNTH_TIMEOUT_MS);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      running = undefined;
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      let counters: Record<string, number> | undefined;
      if (existsSync(countersFile)) {
        counters = JSON.parse(readFileSync(countersFile, 'utf8')).counters;
        rmSync(countersFile, { force: true });
      }
      let guard: GuardStats | undefined;
      if (existsSync(guardFile)) {
        guard = JSON.parse(readFileSync(guardFile, 'utf8'));
        rmSync(guardFile, { force: true });
      }
      done({ status: timedOut ? 'timed out' : ok ? 'ok' : 'failed', wallMs, loadAtStart, outdir, bundlingRuns, counters, guard, stderrTail: tail });
    };
    child.on('error', (e) => {
      tail += `\n${String(e)}`;
      finish(false);
    });
    child.on('close', (code) => finish(code === 0));
  });
}

function discard(run: SynthRun): void {
  rmSync(run.outdir, { recursive: true, force: true });
  outdirs.delete(run.outdir);
}

/**
 * Runs `runs` synths in `mode` and returns them; the caller keeps the outdir of the one it needs.
 * `prime` (the default when warm) runs one untimed synth first, to fill the caches.
 */
async function synthRuns(
  label: string, runs: number, entry: string, context: Record<string, unknown>, mode: CacheMode, env: Record<string, string> = {}, prime = mode === 'warm',
): Promise<SynthRun[]> {
  const results: SynthRun[] = [];
  if (prime) {
    progress(`${label}: filling the caches (untimed synth) ...`);
    const prime = await synth(entry, context, 'warm', env);
    discard(prime);
    if (prime.status !== 'ok') {
      progress(`stderr (end):\n${prime.stderrTail}`);
      return [prime];
    }
  }
  for (let i = 1; i <= runs; i++) {
    progress(`${label}, ${mode}: run ${i}/${runs} ...`);
    const run = await synth(entry, context, mode, env);
    progress(`${label}, ${mode}: run ${i}/${runs} ${run.status} in ${seconds(run.wallMs)} s (load average ${run.loadAtStart.toFixed(1)} at start)`);
    if (run.status === 'failed') progress(`stderr (end):\n${run.stderrTail}`);
    results.push(run);
    // A run that timed out takes 20 minutes; the others would too.
    if (run.status === 'timed out') break;
  }
  return results;
}

/** The successful run with the median wall time (the upper one of an even count). */
function medianRun(runs: SynthRun[]): SynthRun | undefined {
  const ok = runs.filter((r) => r.status === 'ok').sort((a, b) => a.wallMs - b.wallMs);
  return ok.length === 0 ? undefined : ok[Math.floor(ok.length / 2)];
}

function keepOnly(runs: SynthRun[], keep: SynthRun | undefined): void {
  for (const run of runs) if (run !== keep) discard(run);
}

function wallTimes(runs: SynthRun[]): string {
  return runs.map((r) => (r.status === 'ok' ? seconds(r.wallMs) : r.status)).join(', ');
}

function loads(runs: SynthRun[]): string {
  return runs.map((r) => r.loadAtStart.toFixed(1)).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Cloud assembly

interface StackFacts {
  readonly name: string;
  readonly templateFile: string;
  readonly template: CfnTemplate;
  readonly bytes: number;
}

interface CfnTemplate {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

function stacksOf(outdir: string): StackFacts[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  return Object.entries<{ type: string; properties?: { templateFile?: string } }>(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
    .map(([name, a]) => {
      const templateFile = join(outdir, a.properties!.templateFile!);
      return { name, templateFile, template: JSON.parse(readFileSync(templateFile, 'utf8')), bytes: statSync(templateFile).size };
    });
}

const resourceCount = (s: StackFacts): number => Object.keys(s.template.Resources ?? {}).length;

// ---------------------------------------------------------------------------------------------
// Sections

function machine(): void {
  const cpu = cpus();
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout?.trim() || String(cpu.length);
  section('Machine', table(['what', 'value'], [
    ['date', new Date().toISOString().slice(0, 10)],
    ['cores (nproc)', nproc],
    ['CPU', cpu[0]?.model ?? 'unknown'],
    ['memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['node --version', process.version],
    ['platform', `${process.platform} ${process.arch}`],
    ['load average at start (1, 5, 15 min)', loadavg().map((l) => l.toFixed(2)).join(', ')],
  ]), 'The load average counts every process on the machine: anything else running competes with the synths for the cores.');
}

const medianText = (runs: SynthRun[]): string => {
  const ok = runs.filter((r) => r.status === 'ok');
  return ok.length > 0 ? seconds(median(ok.map((r) => r.wallMs))) : runs.some((r) => r.status === 'timed out') ? 'timed out' : 'failed';
};
const medianMs = (runs: SynthRun[]): number | undefined => {
  const ok = runs.filter((r) => r.status === 'ok');
  return ok.length > 0 ? median(ok.map((r) => r.wallMs)) : undefined;
};
const esbuildRuns = (runs: SynthRun[]): string => [...new Set(runs.filter((r) => r.status === 'ok').map((r) => r.bundlingRuns))].join(', ') || 'n/a';

async function defaultApp(): Promise<SynthRun | undefined> {
  const context = { ...CDK_JSON_CONTEXT, ...CLI_CONTEXT, env: 'dev' };
  const cold = await synthRuns('default app (env=dev)', DEFAULT_APP_RUNS, 'bin/app.ts', context, 'cold');
  const warm = await synthRuns('default app (env=dev)', DEFAULT_APP_RUNS, 'bin/app.ts', context, 'warm');
  const kept = medianRun(warm);
  keepOnly([...cold, ...warm], kept);
  const stacks = kept ? stacksOf(kept.outdir).length : 0;
  const row = (label: string, runs: SynthRun[]): Cell[] => [label, stacks, runs.length, wallTimes(runs), medianText(runs), esbuildRuns(runs), loads(runs)];
  section('1. Synth of the default app (`node --import tsx bin/app.ts`, env=dev: 2 models, compliance on, bundling on)', table(
    ['caches', 'stacks', 'runs', 'wall times (s)', 'median (s)', 'esbuild runs per synth', 'load avg at start'],
    [row('cold (off: a fresh clone\'s first synth)', cold), row('warm (nothing changed)', warm)],
  ), 'Wall time from spawning the process to its exit, so it includes Node and tsx start-up and writing cdk.out. '
    + 'Cold: MLOPS_BUNDLE_CACHE=off and MLOPS_VALIDATION_CACHE=off, so every handler is bundled and every template checked by cfn-guard. '
    + 'Warm: after one untimed synth filled both caches in node_modules/.cache/mlops-blueprint.');
  return kept;
}

interface ScaleResult {
  readonly count: number;
  readonly cold: SynthRun[];
  readonly warm: SynthRun[];
  /** Warm, after one model changed (largest count only). */
  readonly changed: SynthRun[];
  readonly kept?: SynthRun;
  /** Stacks in the kept cloud assembly. */
  readonly stacks?: number;
}

function modelCounts(): Array<{ count: number; runs: number }> {
  const raw = process.env.BENCH_MODEL_COUNTS;
  const counts = raw ? raw.split(',').map((s) => Number(s.trim())) : [1, 10, 50, 100];
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 999)) throw new Error(`BENCH_MODEL_COUNTS must list integers from 1 to 999, got ${raw}`);
  return counts.map((count) => ({ count, runs: count <= 10 ? 3 : 1 }));
}

async function scaling(): Promise<ScaleResult | undefined> {
  const results: ScaleResult[] = [];
  let largest: ScaleResult | undefined;
  const counts = modelCounts();
  const maxCount = Math.max(...counts.map((c) => c.count));
  const context = { ...CDK_JSON_CONTEXT, ...CLI_CONTEXT, env: 'dev' };
  for (const { count, runs: n } of counts) {
    const env = { BENCH_MODEL_COUNT: String(count) };
    const cold = await synthRuns(`${count} models`, n, 'scripts/bench-app.ts', context, 'cold', env);
    const warm = await synthRuns(`${count} models`, n, 'scripts/bench-app.ts', context, 'warm', env);
    // The caches now hold every template of this app: only m001's changes, to a value no earlier
    // benchmark cached.
    const changed = count === maxCount
      ? await synthRuns(`${count} models, m001 changed`, 1, 'scripts/bench-app.ts', context, 'warm', { ...env, BENCH_CHANGE_FIRST_MODEL: String(1 + (Date.now() % 100_000)) }, false)
      : [];
    const kept = medianRun(cold);
    const result: ScaleResult = { count, cold, warm, changed, kept, stacks: kept ? stacksOf(kept.outdir).length : undefined };
    results.push(result);
    if (kept) {
      if (largest?.kept) discard(largest.kept);
      largest = result;
    }
    keepOnly([...cold, ...warm, ...changed], kept);
  }
  // Only the largest app's cloud assembly is kept (for section 3).
  for (const r of results) if (r !== largest && r.kept && existsSync(r.kept.outdir)) discard(r.kept);

  const one = results.find((r) => r.count === 1);
  const most = results.find((r) => r.count === maxCount);
  const ratio = (mode: 'cold' | 'warm'): string => {
    const a = one ? medianMs(one[mode]) : undefined;
    const b = most ? medianMs(most[mode]) : undefined;
    if (a === undefined || b === undefined || !most || most === one) return `${mode}: time(${maxCount}) / time(1) n/a`;
    return `${mode}: time(${maxCount}) / time(1) = ${seconds(b)} s / ${seconds(a)} s = **${(b / a).toFixed(1)}x**; ${seconds((b - a) / (maxCount - 1))} s per additional model`;
  };

  const counter = (r: SynthRun, key: string): number => r.counters?.[key] ?? NaN;
  const breakdown: Cell[][] = [];
  for (const r of results) {
    for (const [label, run] of [['cold', medianRun(r.cold)], ['warm', medianRun(r.warm)], ['warm, m001 changed', medianRun(r.changed)]] as const) {
      if (!run?.counters) continue;
      const validation = counter(run, 'validateTemplates');
      // Absent when every template came from the validator's cache.
      const cfnValidate = run.counters['CloudFormationValidate.validate'] ?? 0;
      const guard = run.guard?.ms ?? NaN;
      const synthesis = counter(run, 'phase:Synthesis');
      breakdown.push([r.count, label, seconds(counter(run, 'phase:Load')), seconds(counter(run, 'phase:Construction')), run.bundlingRuns,
        seconds(synthesis), seconds(validation), seconds(cfnValidate), seconds(guard),
        run.guard ? `${run.guard.templates - run.guard.cached} / ${run.guard.cached} / ${run.guard.processes}` : 'n/a',
        seconds(validation - cfnValidate - guard), seconds(synthesis - validation)]);
    }
  }

  section('2. Synth of generated apps (`scripts/bench-app.ts`: N clones of `churn`, env=dev, compliance on, bundling on)',
    table(['models', 'stacks', 'runs', 'cold wall times (s)', 'cold median (s)', 'warm wall times (s)', 'warm median (s)', 'esbuild runs cold / warm', 'load avg at start'], results.map((r) => [
      r.count, r.stacks ?? 'n/a', r.cold.length === 1 ? '1 (single run)' : r.cold.length,
      wallTimes(r.cold), medianText(r.cold), wallTimes(r.warm), medianText(r.warm), `${esbuildRuns(r.cold)} / ${esbuildRuns(r.warm)}`, loads([...r.cold, ...r.warm])])),
    `${ratio('cold')}\n\n${ratio('warm')}`
      + (most && most.changed.length > 0 ? `\n\nwarm, after m001 changed (one template to check again, ${maxCount} models): ${wallTimes(most.changed)} s` : ''),
    'Where the time went, from aws-cdk-lib\'s own counters (CDK_PERF_COUNTERS_FILE) of the median run, in seconds. '
      + 'Load: process start to `new App()` (Node, tsx, modules). Construction: `new App()` to `app.synth()`, including esbuild bundling. '
      + 'Synthesis: `app.synth()`, of which validation: the CloudFormation validator built into aws-cdk-lib, cfn-guard (the Control Tower rules, timed by the app), '
      + 'and the rest of validation (the three cdk-nag packs and the report). "checked / cached / processes": templates cfn-guard checked, templates answered from the cache, cfn-guard processes.',
    table(['models', 'caches', 'load', 'construction', 'esbuild runs', 'synthesis', 'validation', 'CFN validator', 'cfn-guard', 'checked / cached / processes', 'cdk-nag and rest', 'synthesis without validation'], breakdown),
  );
  return largest;
}

/**
 * The default app (config/models.ts) for `env`, built in-process without compliance checks or
 * bundling: the same resources and acknowledgements. The caller removes `app.outdir`.
 */
function defaultAppInProcess(env: string): App {
  const app = new App({
    autoSynth: false,
    outdir: mkdtempSync(join(tmpdir(), 'mlops-bench-app-')),
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], env },
  });
  buildMlopsApp(app, { config: platformConfig, configSource: 'config/platform.ts', models, modelsSource: 'config/models.ts', complianceChecks: false });
  return app;
}

/** The default app's stacks for `env`, synthesized in-process. */
function defaultAppStacks(env: string): StackFacts[] {
  const outdir = defaultAppInProcess(env).synth().directory;
  const stacks = stacksOf(outdir);
  rmSync(outdir, { recursive: true, force: true });
  return stacks;
}

function limits(largest: ScaleResult | undefined): void {
  const sources: Array<{ app: string; stacks: StackFacts[] }> = [];
  if (largest?.kept) sources.push({ app: `${largest.count} models (dev)`, stacks: stacksOf(largest.kept.outdir) });
  for (const env of ['dev', 'prod']) sources.push({ app: `default app (${env})`, stacks: defaultAppStacks(env) });
  const rows: Cell[][] = [];
  let worst = 0;
  for (const { app, stacks } of sources) {
    const byResources = [...stacks].sort((a, b) => resourceCount(b) - resourceCount(a))[0];
    const byBytes = [...stacks].sort((a, b) => b.bytes - a.bytes)[0];
    for (const s of new Set([byResources, byBytes])) {
      const what = s === byResources && s === byBytes ? 'most resources, largest template' : s === byResources ? 'most resources' : 'largest template';
      const parameters = Object.keys(s.template.Parameters ?? {}).length;
      worst = Math.max(worst, resourceCount(s) / MAX_RESOURCES, s.bytes / MAX_S3_TEMPLATE_BYTES_DECIMAL, parameters / MAX_PARAMETERS);
      rows.push([app, `${s.name} (${what})`, resourceCount(s), percent(resourceCount(s), MAX_RESOURCES),
        thousands(s.bytes), percent(s.bytes, MAX_S3_TEMPLATE_BYTES), percent(s.bytes, MAX_S3_TEMPLATE_BYTES_DECIMAL),
        parameters, percent(parameters, MAX_PARAMETERS)]);
    }
  }
  const summary = largest?.kept
    ? `The ${largest.count}-model app has ${sources[0].stacks.length} stacks (1 platform stack + ${sources[0].stacks.length - 1} model stack${sources[0].stacks.length === 2 ? '' : 's'}), ${thousands(sources[0].stacks.reduce((n, s) => n + s.bytes, 0))} template bytes in all. `
    : 'No generated app synthesized. ';
  section('3. Largest stacks against CloudFormation quotas',
    `${summary}Highest share of any quota below: **${(100 * worst).toFixed(1)}%** (the target is at most 80%).`,
    table(['app', 'stack', 'resources', '% of 500', 'template bytes', '% of 1 MiB (1,048,576)', '% of 1,000,000', 'parameters', '% of 200'], rows),
    'Template size is the size of the synthesized `.template.json` file, which CDK uploads to its assets bucket and deploys from there: the quota that applies is '
      + `the template body in an S3 object, "1 MB", taken here as 1 MiB = ${thousands(MAX_S3_TEMPLATE_BYTES)} bytes (the decimal reading is shown too). `
      + `The ${thousands(MAX_INLINE_TEMPLATE_BYTES)}-byte quota applies only to templates passed inline in the API request.`,
  );
}

function fakeValue(name: string): string {
  if (name.endsWith('_ARN')) return 'arn:aws:service:eu-west-1:123456789012:dummy';
  if (name.endsWith('_URL')) return 'https://example.com/dummy';
  return `dummy-${name.toLowerCase()}`;
}

/** Cold load of one bundle: a fresh `node` requiring its index.js, in ms as the child measured it. */
function loadTime(bundleDir: string, env: Record<string, string>): number | undefined {
  const script = `const t=process.hrtime.bigint(); require(${JSON.stringify(join(bundleDir, 'index.js'))}); console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', ...env }, timeout: 60_000 });
  const ms = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isFinite(ms)) {
    progress(`loading ${bundleDir} failed: ${result.stderr || result.error}`);
    return undefined;
  }
  return ms;
}

function bundles(defaultRun: SynthRun | undefined): void {
  if (!defaultRun) {
    section('4. Lambda bundles of the default app', 'The default app did not synthesize.');
    return;
  }
  // Asset hash -> the functions deployed from it (the zip's S3 key is `<hash>.zip`).
  const users = new Map<string, Array<{ stack: string; handler: string; env: Record<string, string> }>>();
  for (const stack of stacksOf(defaultRun.outdir)) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const props = resource.Properties ?? {};
      const key = (props.Code as { S3Key?: unknown } | undefined)?.S3Key;
      if (typeof key !== 'string') continue;
      const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
      const env = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : fakeValue(k)]));
      // MlopsFunction names the handler folder in POWERTOOLS_SERVICE_NAME.
      const handler = env.POWERTOOLS_SERVICE_NAME ?? String(props.Description ?? '?');
      const hash = key.replace(/\.zip$/, '');
      users.set(hash, [...(users.get(hash) ?? []), { stack: stack.name, handler, env }]);
    }
  }
  const rows: Cell[][] = [];
  const externalRoot = join(ROOT, 'node_modules', '.cache', 'mlops-blueprint', 'bench-sdk-external');
  for (const dir of readdirSync(defaultRun.outdir).filter((d) => d.startsWith('asset.')).sort()) {
    const bundleDir = join(defaultRun.outdir, dir);
    if (!statSync(bundleDir).isDirectory() || !existsSync(join(bundleDir, 'index.js'))) continue;
    const hash = dir.slice('asset.'.length);
    const fns = users.get(hash) ?? [];
    const handler = [...new Set(fns.map((f) => f.handler))].join(', ') || '(no function found)';
    progress(`cold load of ${handler}: ${LOAD_RUNS} spawns ...`);
    const bundled = loadTimes(bundleDir, fns[0]?.env ?? {});

    // The alternative: the AWS SDK v3 left to the Lambda runtime (external), everything else as
    // bundled. Built inside the repository so that require() finds the SDK in node_modules, as the
    // runtime's own copy would be found: its load time then includes loading the SDK's files.
    let external: { size: string; load: string } = { size: 'n/a', load: 'n/a' };
    if (existsSync(join(ROOT, 'lambda', handler, 'index.ts'))) {
      const outDir = join(externalRoot, handler);
      rmSync(outDir, { recursive: true, force: true });
      buildSync({ ...esbuildOptions(`lambda/${handler}/index.ts`), absWorkingDir: ROOT, external: ['@aws-sdk/*'], outfile: join(outDir, 'index.js'), logLevel: 'silent' });
      progress(`cold load of ${handler} with the SDK external: ${LOAD_RUNS} spawns ...`);
      external = { size: kib(statSync(join(outDir, 'index.js')).size), load: loadTimes(outDir, fns[0]?.env ?? {}).median };
    }
    const map = join(bundleDir, 'index.js.map');
    rows.push([handler, fns.length, kib(statSync(join(bundleDir, 'index.js')).size),
      existsSync(map) ? kib(statSync(map).size) : 'none', bundled.median, bundled.range, external.size, external.load]);
  }
  rmSync(externalRoot, { recursive: true, force: true });
  section('4. Lambda bundles of the default app (env=dev)',
    table(['handler', 'functions', 'index.js (KiB)', 'index.js.map (KiB)', `cold load, median of ${LOAD_RUNS} (ms)`, 'min–max (ms)',
      'SDK external: index.js (KiB)', `SDK external: cold load incl. the SDK (ms)`], rows),
    `Cold load: a fresh \`node ${process.version}\` process on this machine timing \`require('<bundle>/index.js')\`, with AWS_REGION=eu-west-1 and the function's `
      + 'environment variables (values that are CloudFormation references replaced by dummies). Not the Lambda runtime (Node.js 24 on ARM): it excludes the runtime\'s own start-up. '
      + 'The two "SDK external" columns build the same handler with `@aws-sdk/*` left out of the bundle (as if taken from the runtime), and load it with the SDK read from node_modules.',
  );
}

/** Median and range of LOAD_RUNS cold loads of one bundle. */
function loadTimes(bundleDir: string, env: Record<string, string>): { median: string; range: string } {
  const times = Array.from({ length: LOAD_RUNS }, () => loadTime(bundleDir, env));
  const ok = times.filter((t): t is number => t !== undefined);
  return {
    median: ok.length === LOAD_RUNS ? median(ok).toFixed(1) : `failed (${LOAD_RUNS - ok.length} of ${LOAD_RUNS})`,
    range: ok.length > 0 ? `${Math.min(...ok).toFixed(1)}–${Math.max(...ok).toFixed(1)}` : 'n/a',
  };
}

function acknowledgements(): void {
  const perEnv = ['dev', 'prod'].map((env) => {
    const app = defaultAppInProcess(env);
    rmSync(app.outdir, { recursive: true, force: true });
    const records = listAcknowledgements(app);
    const byRule = new Map<string, number>();
    for (const r of records) {
      const rule = r.id.replace(/\[.*$/, '');
      byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
    }
    return { env, records, byRule, resources: new Set(records.map((r) => r.path)).size };
  });
  const rules = [...new Set(perEnv.flatMap((e) => [...e.byRule.keys()]))].sort();
  section('5. Acknowledged compliance findings of the default app (config/models.ts, 2 models)',
    table(['', ...perEnv.map((e) => e.env)], [
      ['acknowledged findings', ...perEnv.map((e) => e.records.length)],
      ['resources with at least one', ...perEnv.map((e) => e.resources)],
    ]),
    table(['rule', ...perEnv.map((e) => e.env)], rules.map((rule) => [rule, ...perEnv.map((e) => e.byRule.get(rule) ?? 0)])),
    'One finding is one rule id (with its finding, e.g. `AwsSolutions-IAM5[Resource::*]`) acknowledged on one resource through `acknowledge()`, counted with `listAcknowledgements`.',
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write('# MLOps blueprint benchmark\n');
  machine();
  const defaultRun = await defaultApp();
  const largest = await scaling();
  limits(largest);
  if (largest?.kept) discard(largest.kept);
  bundles(defaultRun);
  if (defaultRun) discard(defaultRun);
  acknowledgements();
  process.stdout.write(`\nBenchmark took ${((Date.now() - started) / 60_000).toFixed(1)} minutes; load average at the end (1, 5, 15 min): ${loadavg().map((l) => l.toFixed(2)).join(', ')}.\n`);
}

main().catch((e) => {
  killRunning();
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
