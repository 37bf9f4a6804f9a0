/**
 * Synth and Lambda benchmark of the blueprint (docs/performance.md): `npm run bench`.
 *
 * 1. Wall time of the default app (cdk.json's app command, `node --import tsx bin/app.ts`, run the
 *    way the CDK CLI runs it: CDK_OUTDIR and CDK_CONTEXT_JSON), env=dev, median of 3.
 * 2. Wall time of generated apps of 1, 10, 50 and 100 models (scripts/bench-app.ts, clones of
 *    `churn`), compliance checks on and Lambda code bundled; median of 3 for 1 and 10, one run for
 *    50 and 100; each synth may take 20 minutes at most. With aws-cdk-lib's own counters of where
 *    the time went.
 * 3. The largest stack of the largest generated app against CloudFormation's template quotas.
 * 4. The Lambda bundles of the default app: sizes and cold module-load time (median of 5 spawns).
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
import { models } from '../config/models';
import { platformConfig } from '../config/platform';
import { listAcknowledgements } from '../lib/compliance';
import { buildMlopsApp } from '../lib/mlops-app';

const ROOT = resolve(__dirname, '..');
/** The context of cdk.json (feature flags, strict validation), as the CLI passes it to the app. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
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
  /** The end of stderr, for a failed run. */
  readonly stderrTail: string;
}

let running: number | undefined;
/** Cloud assemblies written and not yet removed: removed on exit, whatever happens. */
const outdirs = new Set<string>();
process.on('exit', () => {
  for (const dir of outdirs) {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.counters.json`, { force: true });
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
function synth(entry: string, context: Record<string, unknown>, env: Record<string, string> = {}): Promise<SynthRun> {
  const outdir = mkdtempSync(join(tmpdir(), 'mlops-bench-'));
  outdirs.add(outdir);
  const countersFile = `${outdir}.counters.json`;
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
        AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '',
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
      done({ status: timedOut ? 'timed out' : ok ? 'ok' : 'failed', wallMs, loadAtStart, outdir, bundlingRuns, counters, stderrTail: tail });
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

/** Runs `runs` synths and keeps the outdir of the median successful one (by wall time). */
async function synthRuns(label: string, runs: number, entry: string, context: Record<string, unknown>, env: Record<string, string> = {}): Promise<SynthRun[]> {
  const results: SynthRun[] = [];
  for (let i = 1; i <= runs; i++) {
    progress(`${label}: run ${i}/${runs} ...`);
    const run = await synth(entry, context, env);
    progress(`${label}: run ${i}/${runs} ${run.status} in ${seconds(run.wallMs)} s (load average ${run.loadAtStart.toFixed(1)} at start)`);
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

async function defaultApp(): Promise<SynthRun | undefined> {
  const runs = await synthRuns('default app (env=dev)', DEFAULT_APP_RUNS, 'bin/app.ts', { ...CDK_JSON_CONTEXT, env: 'dev' });
  const kept = medianRun(runs);
  keepOnly(runs, kept);
  const ok = runs.filter((r) => r.status === 'ok');
  const stacks = kept ? stacksOf(kept.outdir).length : 0;
  section('1. Synth of the default app (`node --import tsx bin/app.ts`, env=dev)', table(
    ['app', 'stacks', 'runs', 'wall times (s)', 'median (s)', 'esbuild runs per synth', 'load avg at start'],
    [['config/models.ts (2 models), compliance on, bundling on', stacks, runs.length, wallTimes(runs),
      ok.length > 0 ? seconds(median(ok.map((r) => r.wallMs))) : 'n/a', kept ? kept.bundlingRuns : 'n/a', loads(runs)]],
  ), 'Wall time from spawning the process to its exit, so it includes Node and tsx start-up and writing cdk.out.');
  return kept;
}

interface ScaleResult {
  readonly count: number;
  readonly runs: SynthRun[];
  readonly kept?: SynthRun;
  readonly medianMs?: number;
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
  for (const { count, runs: n } of modelCounts()) {
    const runs = await synthRuns(`${count} models`, n, 'scripts/bench-app.ts', { ...CDK_JSON_CONTEXT, env: 'dev' }, { BENCH_MODEL_COUNT: String(count) });
    const kept = medianRun(runs);
    const ok = runs.filter((r) => r.status === 'ok');
    const result = { count, runs, kept, medianMs: ok.length > 0 ? median(ok.map((r) => r.wallMs)) : undefined, stacks: kept ? stacksOf(kept.outdir).length : undefined };
    results.push(result);
    if (kept) {
      if (largest?.kept) discard(largest.kept);
      largest = result;
    }
    keepOnly(runs, kept);
  }
  // Only the largest app's cloud assembly is kept (for section 3).
  for (const r of results) if (r !== largest && r.kept && existsSync(r.kept.outdir)) discard(r.kept);

  const time = (r: ScaleResult): string => (r.medianMs === undefined ? (r.runs.some((x) => x.status === 'timed out') ? 'timed out' : 'failed') : seconds(r.medianMs));
  const one = results.find((r) => r.count === 1);
  const hundred = results.find((r) => r.count === 100);
  const ratio = one?.medianMs !== undefined && hundred?.medianMs !== undefined
    ? `time(100) / time(1) = ${seconds(hundred.medianMs)} s / ${seconds(one.medianMs)} s = ${(hundred.medianMs / one.medianMs).toFixed(1)}x; `
      + `${seconds((hundred.medianMs - one.medianMs) / 99)} s per additional model`
    : `time(100) / time(1): n/a (${hundred ? `the 100-model synth ${time(hundred)}` : 'no 100-model run'}${one ? '' : ', no 1-model run'})`;

  const counter = (r: ScaleResult, key: string): number => r.kept?.counters?.[key] ?? NaN;
  const breakdown = results.filter((r) => r.kept?.counters).map((r) => {
    const validation = counter(r, 'validateTemplates');
    const cfnValidate = counter(r, 'CloudFormationValidate.validate');
    const guard = counter(r, 'child_process.spawnSync');
    const synthesis = counter(r, 'phase:Synthesis');
    return [r.count, seconds(counter(r, 'phase:Load')), seconds(counter(r, 'phase:Construction')),
      `${seconds(counter(r, 'bundle:NodejsFunction'))} (${counter(r, 'bundle:NodejsFunction(cnt)')})`,
      seconds(synthesis), seconds(validation), seconds(cfnValidate), `${seconds(guard)} (${counter(r, 'child_process.spawnSync(cnt)')})`,
      seconds(validation - cfnValidate - guard), seconds(synthesis - validation)];
  });

  section('2. Synth of generated apps (`scripts/bench-app.ts`: N clones of `churn`, env=dev, compliance on, bundling on)',
    table(['models', 'stacks', 'runs', 'wall times (s)', 'median (s)', 'esbuild runs per synth', 'load avg at start'], results.map((r) => [
      r.count, r.stacks ?? 'n/a', r.runs.length === 1 ? '1 (single run)' : r.runs.length,
      wallTimes(r.runs), time(r), r.kept ? r.kept.bundlingRuns : 'n/a', loads(r.runs)])),
    ratio,
    'Where the time went, from aws-cdk-lib\'s own counters (CDK_PERF_COUNTERS_FILE) of the median run, in seconds. '
      + 'Load: process start to `new App()` (Node, tsx, modules). Construction: `new App()` to `app.synth()`, including esbuild bundling (runs in brackets). '
      + 'Synthesis: `app.synth()`, of which validation: the CloudFormation validator built into aws-cdk-lib, cfn-guard (the Control Tower rules: one `cfn-guard` process over all templates, '
      + 'counted as the child process spawned during synthesis), and the rest of validation (the three cdk-nag packs and the report).',
    table(['models', 'load', 'construction', 'of which esbuild', 'synthesis', 'validation', 'CFN validator', 'cfn-guard (processes)', 'cdk-nag and rest', 'synthesis without validation'], breakdown),
  );
  return largest;
}

function limits(largest: ScaleResult | undefined): void {
  if (!largest?.kept) {
    section('3. Largest stack against CloudFormation quotas', 'No generated app synthesized.');
    return;
  }
  const stacks = stacksOf(largest.kept.outdir);
  const byResources = [...stacks].sort((a, b) => resourceCount(b) - resourceCount(a))[0];
  const byBytes = [...stacks].sort((a, b) => b.bytes - a.bytes)[0];
  const rows = [...new Set([byResources, byBytes])].map((s) => [
    s.name + (s === byResources && s === byBytes ? ' (most resources, largest template)' : s === byResources ? ' (most resources)' : ' (largest template)'),
    resourceCount(s), percent(resourceCount(s), MAX_RESOURCES),
    thousands(s.bytes), percent(s.bytes, MAX_S3_TEMPLATE_BYTES), percent(s.bytes, MAX_S3_TEMPLATE_BYTES_DECIMAL),
    Object.keys(s.template.Parameters ?? {}).length, percent(Object.keys(s.template.Parameters ?? {}).length, MAX_PARAMETERS),
  ]);
  section(`3. Largest stack of the ${largest.count}-model app against CloudFormation quotas`,
    `Stacks: ${stacks.length} (1 platform stack + ${stacks.length - 1} model stack${stacks.length === 2 ? '' : 's'}). Total template bytes: ${thousands(stacks.reduce((n, s) => n + s.bytes, 0))}.`,
    table(['stack', 'resources', '% of 500', 'template bytes', '% of 1 MiB (1,048,576)', '% of 1,000,000', 'parameters', '% of 200'], rows),
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
  for (const dir of readdirSync(defaultRun.outdir).filter((d) => d.startsWith('asset.')).sort()) {
    const bundleDir = join(defaultRun.outdir, dir);
    if (!statSync(bundleDir).isDirectory() || !existsSync(join(bundleDir, 'index.js'))) continue;
    const hash = dir.slice('asset.'.length);
    const fns = users.get(hash) ?? [];
    const handler = [...new Set(fns.map((f) => f.handler))].join(', ') || '(no function found)';
    progress(`cold load of ${handler}: ${LOAD_RUNS} spawns ...`);
    const times = Array.from({ length: LOAD_RUNS }, () => loadTime(bundleDir, fns[0]?.env ?? {}));
    const ok = times.filter((t): t is number => t !== undefined);
    const map = join(bundleDir, 'index.js.map');
    rows.push([handler, `${hash.slice(0, 12)}…`, fns.length, kib(statSync(join(bundleDir, 'index.js')).size),
      existsSync(map) ? kib(statSync(map).size) : 'none',
      ok.length === LOAD_RUNS ? median(ok).toFixed(1) : `failed (${LOAD_RUNS - ok.length} of ${LOAD_RUNS})`,
      ok.length > 0 ? `${Math.min(...ok).toFixed(1)}–${Math.max(...ok).toFixed(1)}` : 'n/a']);
  }
  section('4. Lambda bundles of the default app (env=dev)',
    table(['handler', 'asset', 'functions', 'index.js (KiB)', 'index.js.map (KiB)', `cold load, median of ${LOAD_RUNS} (ms)`, 'min–max (ms)'], rows),
    `Cold load: a fresh \`node ${process.version}\` process on this machine timing \`require('<bundle>/index.js')\`, with AWS_REGION=eu-west-1 and the function's `
      + 'environment variables (values that are CloudFormation references replaced by dummies). Not the Lambda runtime (Node.js 24 on ARM): it excludes the runtime\'s own start-up.',
  );
}

function acknowledgements(): void {
  const perEnv = ['dev', 'prod'].map((env) => {
    const app = new App({
      autoSynth: false,
      outdir: mkdtempSync(join(tmpdir(), 'mlops-bench-acks-')),
      context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], env },
    });
    buildMlopsApp(app, { config: platformConfig, configSource: 'config/platform.ts', models, modelsSource: 'config/models.ts', complianceChecks: false });
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
