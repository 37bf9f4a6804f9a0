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
import { loadavg } from 'os';
import { acknowledgements } from './bench/acknowledgements';
import { bundles } from './bench/bundles';
import { defaultApp } from './bench/default-app';
import { limits } from './bench/limits';
import { machine } from './bench/machine';
import { scaling } from './bench/scaling';
import { discard, killRunning } from './bench/synth';

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
  process.stdout.write(
    `\nBenchmark took ${((Date.now() - started) / 60_000).toFixed(1)} minutes; load average at the end (1, 5, 15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}.\n`,
  );
}

main().catch((e) => {
  killRunning();
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
