/** Section 1: synth of the default app, cold and warm. */
import { CDK_JSON_CONTEXT, CLI_CONTEXT } from './context';
import { Cell, section, table } from './format';
import { stacksOf } from './assembly';
import { esbuildRuns, keepOnly, loads, medianRun, medianText, SynthRun, synthRuns, wallTimes } from './synth';

const DEFAULT_APP_RUNS = 3;

/** Times the default app's synth; returns the kept (median warm) run, whose cloud assembly the caller removes. */
export async function defaultApp(): Promise<SynthRun | undefined> {
  const context = { ...CDK_JSON_CONTEXT, ...CLI_CONTEXT, env: 'dev' };
  const cold = await synthRuns('default app (env=dev)', DEFAULT_APP_RUNS, 'bin/app.ts', context, 'cold');
  const warm = await synthRuns('default app (env=dev)', DEFAULT_APP_RUNS, 'bin/app.ts', context, 'warm');
  const kept = medianRun(warm);
  keepOnly([...cold, ...warm], kept);
  const stacks = kept ? stacksOf(kept.outdir).length : 0;
  const row = (label: string, runs: SynthRun[]): Cell[] => [
    label,
    stacks,
    runs.length,
    wallTimes(runs),
    medianText(runs),
    esbuildRuns(runs),
    loads(runs),
  ];
  section(
    '1. Synth of the default app (`node --import tsx bin/app.ts`, env=dev: 2 models, compliance on, bundling on)',
    table(
      ['caches', 'stacks', 'runs', 'wall times (s)', 'median (s)', 'esbuild runs per synth', 'load avg at start'],
      [row("cold (off: a fresh clone's first synth)", cold), row('warm (nothing changed)', warm)],
    ),
    'Wall time from spawning the process to its exit, so it includes Node and tsx start-up and writing cdk.out. ' +
      'Cold: MLOPS_BUNDLE_CACHE=off and MLOPS_VALIDATION_CACHE=off, so every handler is bundled and every template checked by cfn-guard. ' +
      'Warm: after one untimed synth filled both caches in node_modules/.cache/mlops-blueprint.',
  );
  return kept;
}
