/** Section 2: synth of generated apps of N models, with aws-cdk-lib's counters of where the time went. */
import { existsSync } from 'fs';
import { CDK_JSON_CONTEXT, CLI_CONTEXT } from './context';
import { Cell, seconds, section, table } from './format';
import { stacksOf } from './assembly';
import { discard, esbuildRuns, keepOnly, loads, medianMs, medianRun, medianText, SynthRun, synthRuns, wallTimes } from './synth';

/** The synths of one model count. */
export interface ScaleResult {
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
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 999))
    throw new Error(`BENCH_MODEL_COUNTS must list integers from 1 to 999, got ${raw}`);
  return counts.map((count) => ({ count, runs: count <= 10 ? 3 : 1 }));
}

/** Times generated apps of each model count; returns the largest count whose cloud assembly was kept. */
export async function scaling(): Promise<ScaleResult | undefined> {
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
    const changed =
      count === maxCount
        ? await synthRuns(
            `${count} models, m001 changed`,
            1,
            'scripts/bench-app.ts',
            context,
            'warm',
            { ...env, BENCH_CHANGE_FIRST_MODEL: String(1 + (Date.now() % 100_000)) },
            false,
          )
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
    return (
      `${mode}: time(${maxCount}) / time(1) = ${seconds(b)} s / ${seconds(a)} s = **${(b / a).toFixed(1)}x**;` +
      ` ${seconds((b - a) / (maxCount - 1))} s per additional model`
    );
  };

  const counter = (r: SynthRun, key: string): number => r.counters?.[key] ?? NaN;
  const breakdown: Cell[][] = [];
  for (const r of results) {
    for (const [label, run] of [
      ['cold', medianRun(r.cold)],
      ['warm', medianRun(r.warm)],
      ['warm, m001 changed', medianRun(r.changed)],
    ] as const) {
      if (!run?.counters) continue;
      const validation = counter(run, 'validateTemplates');
      // Absent when every template came from the validator's cache.
      const cfnValidate = run.counters['CloudFormationValidate.validate'] ?? 0;
      const guard = run.guard?.ms ?? NaN;
      const synthesis = counter(run, 'phase:Synthesis');
      breakdown.push([
        r.count,
        label,
        seconds(counter(run, 'phase:Load')),
        seconds(counter(run, 'phase:Construction')),
        run.bundlingRuns,
        seconds(synthesis),
        seconds(validation),
        seconds(cfnValidate),
        seconds(guard),
        run.guard ? `${run.guard.templates - run.guard.cached} / ${run.guard.cached} / ${run.guard.processes}` : 'n/a',
        seconds(validation - cfnValidate - guard),
        seconds(synthesis - validation),
      ]);
    }
  }

  section(
    '2. Synth of generated apps (`scripts/bench-app.ts`: N clones of `churn`, env=dev, compliance on, bundling on)',
    table(
      [
        'models',
        'stacks',
        'runs',
        'cold wall times (s)',
        'cold median (s)',
        'warm wall times (s)',
        'warm median (s)',
        'esbuild runs cold / warm',
        'load avg at start',
      ],
      results.map((r) => [
        r.count,
        r.stacks ?? 'n/a',
        r.cold.length === 1 ? '1 (single run)' : r.cold.length,
        wallTimes(r.cold),
        medianText(r.cold),
        wallTimes(r.warm),
        medianText(r.warm),
        `${esbuildRuns(r.cold)} / ${esbuildRuns(r.warm)}`,
        loads([...r.cold, ...r.warm]),
      ]),
    ),
    `${ratio('cold')}\n\n${ratio('warm')}` +
      (most && most.changed.length > 0
        ? `\n\nwarm, after m001 changed (one template to check again, ${maxCount} models): ${wallTimes(most.changed)} s`
        : ''),
    "Where the time went, from aws-cdk-lib's own counters (CDK_PERF_COUNTERS_FILE) of the median run, in seconds. " +
      'Load: process start to `new App()` (Node, tsx, modules). Construction: `new App()` to `app.synth()`, including esbuild bundling. ' +
      'Synthesis: `app.synth()`, of which validation: the CloudFormation validator built into aws-cdk-lib, ' +
      'cfn-guard (the Control Tower rules, timed by the app), ' +
      'and the rest of validation (the three cdk-nag packs and the report). ' +
      '"checked / cached / processes": templates cfn-guard checked, templates answered from the cache, cfn-guard processes.',
    table(
      [
        'models',
        'caches',
        'load',
        'construction',
        'esbuild runs',
        'synthesis',
        'validation',
        'CFN validator',
        'cfn-guard',
        'checked / cached / processes',
        'cdk-nag and rest',
        'synthesis without validation',
      ],
      breakdown,
    ),
  );
  return largest;
}
