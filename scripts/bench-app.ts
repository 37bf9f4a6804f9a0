#!/usr/bin/env node
/**
 * The blueprint's app with BENCH_MODEL_COUNT generated models (clones of `churn`, see
 * bench-models.ts) instead of config/models.ts: compliance checks on and Lambda code bundled,
 * exactly like bin/app.ts. Run by scripts/bench.ts the way the CDK CLI runs an app:
 *
 *   BENCH_MODEL_COUNT=10 CDK_OUTDIR=/tmp/out CDK_CONTEXT_JSON='{...}' node --import tsx scripts/bench-app.ts
 *
 * BENCH_CHANGE_FIRST_MODEL=<n> gives m001 n more boosting rounds (see benchModels).
 *
 * When CDK_PERF_COUNTERS_FILE names a file, aws-cdk-lib writes its own performance counters there
 * (load, construction, bundling, synthesis, validation): the slow-synth threshold that normally
 * gates that file is set to 0 here. When BENCH_GUARD_STATS_FILE names a file, the Control Tower
 * check writes there how long it took, how many templates it validated and how many it answered
 * from its cache. Both only change what is reported, not what is synthesized.
 */
import { writeFileSync } from 'fs';
import { App } from 'aws-cdk-lib';
import { platformConfig } from '../config/platform';
import { buildMlopsApp } from '../lib/mlops-app';
import { ControlTowerGuardValidator } from '../lib/private/control-tower-guard';
import { benchModels } from './bench-models';

const count = Number(process.env.BENCH_MODEL_COUNT);
if (!Number.isInteger(count) || count < 1 || count > 999) {
  process.stderr.write(`BENCH_MODEL_COUNT must be an integer from 1 to 999, got ${JSON.stringify(process.env.BENCH_MODEL_COUNT)}\n`);
  process.exit(2);
}

const statsFile = process.env.BENCH_GUARD_STATS_FILE;
if (statsFile) {
  const validate = ControlTowerGuardValidator.prototype.validate;
  ControlTowerGuardValidator.prototype.validate = function (this: ControlTowerGuardValidator, context) {
    const start = process.hrtime.bigint();
    const report = validate.call(this, context);
    writeFileSync(statsFile, JSON.stringify({ ms: Number(process.hrtime.bigint() - start) / 1e6, ...this.lastRun }));
    return report;
  };
}

// Defaults only: CDK_CONTEXT_JSON (cdk.json's context) is applied on top, as the CLI does.
const app = new App({ autoSynth: false, context: process.env.CDK_PERF_COUNTERS_FILE ? { '@aws-cdk/core.slowSynthThreshold': 0 } : {} });
buildMlopsApp(app, {
  config: platformConfig,
  configSource: 'config/platform.ts',
  models: benchModels(count, Number(process.env.BENCH_CHANGE_FIRST_MODEL ?? 0)),
  modelsSource: `scripts/bench-models.ts (${count} clones of churn)`,
  complianceChecks: true,
});
app.synth();
