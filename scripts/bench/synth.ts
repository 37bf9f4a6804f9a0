/** Synth subprocesses: a CDK app entry run the way the CLI runs it, timed, and its cloud assembly cleaned up. */
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import { join } from 'path';
import { ROOT } from './context';
import { median, progress, seconds } from './format';

const SYNTH_TIMEOUT_MS = 20 * 60 * 1000;

/** One timed synth. */
export interface SynthRun {
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
export interface GuardStats {
  readonly ms: number;
  readonly templates: number;
  readonly cached: number;
  readonly processes: number;
  readonly ruleFilesRun: number;
}

/** cold: both caches off, as the first synth of a fresh clone; warm: caches filled by an earlier synth. */
export type CacheMode = 'cold' | 'warm';
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
export function killRunning(): void {
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
export function synth(entry: string, context: Record<string, unknown>, mode: CacheMode, env: Record<string, string> = {}): Promise<SynthRun> {
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
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: '',
        MLOPS_BUNDLE_CACHE: '',
        MLOPS_VALIDATION_CACHE: '',
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

/** Removes a run's cloud assembly. */
export function discard(run: SynthRun): void {
  rmSync(run.outdir, { recursive: true, force: true });
  outdirs.delete(run.outdir);
}

/**
 * Runs `runs` synths in `mode` and returns them; the caller keeps the outdir of the one it needs.
 * `prime` (the default when warm) runs one untimed synth first, to fill the caches.
 */
export async function synthRuns(
  label: string,
  runs: number,
  entry: string,
  context: Record<string, unknown>,
  mode: CacheMode,
  env: Record<string, string> = {},
  prime = mode === 'warm',
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
export function medianRun(runs: SynthRun[]): SynthRun | undefined {
  const ok = runs.filter((r) => r.status === 'ok').sort((a, b) => a.wallMs - b.wallMs);
  return ok.length === 0 ? undefined : ok[Math.floor(ok.length / 2)];
}

/** Removes the cloud assemblies of `runs`, except `keep`'s. */
export function keepOnly(runs: SynthRun[], keep: SynthRun | undefined): void {
  for (const run of runs) if (run !== keep) discard(run);
}

/** The wall times of `runs` in seconds (or their status), comma-separated. */
export function wallTimes(runs: SynthRun[]): string {
  return runs.map((r) => (r.status === 'ok' ? seconds(r.wallMs) : r.status)).join(', ');
}

/** The load averages at the start of `runs`, comma-separated. */
export function loads(runs: SynthRun[]): string {
  return runs.map((r) => r.loadAtStart.toFixed(1)).join(', ');
}

/** The median wall time of the successful runs in seconds, or why there is none. */
export const medianText = (runs: SynthRun[]): string => {
  const ok = runs.filter((r) => r.status === 'ok');
  return ok.length > 0 ? seconds(median(ok.map((r) => r.wallMs))) : runs.some((r) => r.status === 'timed out') ? 'timed out' : 'failed';
};
/** The median wall time of the successful runs in ms, if any succeeded. */
export const medianMs = (runs: SynthRun[]): number | undefined => {
  const ok = runs.filter((r) => r.status === 'ok');
  return ok.length > 0 ? median(ok.map((r) => r.wallMs)) : undefined;
};
/** The distinct esbuild run counts of the successful runs. */
export const esbuildRuns = (runs: SynthRun[]): string =>
  [...new Set(runs.filter((r) => r.status === 'ok').map((r) => r.bundlingRuns))].join(', ') || 'n/a';
