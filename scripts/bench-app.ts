#!/usr/bin/env node
/**
 * The blueprint's app with BENCH_MODEL_COUNT generated models (clones of `churn`, see
 * bench-models.ts) instead of config/models.ts: compliance checks on and Lambda code bundled,
 * exactly like bin/app.ts. Run by scripts/bench.ts the way the CDK CLI runs an app:
 *
 *   BENCH_MODEL_COUNT=10 CDK_OUTDIR=/tmp/out CDK_CONTEXT_JSON='{...}' node --import tsx scripts/bench-app.ts
 *
 * When CDK_PERF_COUNTERS_FILE names a file, aws-cdk-lib writes its own performance counters there
 * (load, construction, bundling, synthesis, validation): the slow-synth threshold that normally
 * gates that file is set to 0 here. It only changes what is reported, not what is synthesized.
 */
import { App } from 'aws-cdk-lib';
import { platformConfig } from '../config/platform';
import { buildMlopsApp } from '../lib/mlops-app';
import { benchModels } from './bench-models';

const count = Number(process.env.BENCH_MODEL_COUNT);
if (!Number.isInteger(count) || count < 1 || count > 999) {
  process.stderr.write(`BENCH_MODEL_COUNT must be an integer from 1 to 999, got ${JSON.stringify(process.env.BENCH_MODEL_COUNT)}\n`);
  process.exit(2);
}

// Defaults only: CDK_CONTEXT_JSON (cdk.json's context) is applied on top, as the CLI does.
const app = new App({ autoSynth: false, context: process.env.CDK_PERF_COUNTERS_FILE ? { '@aws-cdk/core.slowSynthThreshold': 0 } : {} });
buildMlopsApp(app, {
  config: platformConfig,
  configSource: 'config/platform.ts',
  models: benchModels(count),
  modelsSource: `scripts/bench-models.ts (${count} clones of churn)`,
  complianceChecks: true,
});
app.synth();
