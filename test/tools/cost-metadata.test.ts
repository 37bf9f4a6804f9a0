import { parseArgs, UsageError } from '../../tools/cost/args';
import { readCostMetadata } from '../../tools/cost/metadata';
import { PRICES_FILE } from '../../tools/cost/prices';
import { renderJson, renderText } from '../../tools/cost/report';
import { scheduleRate } from '../../tools/cost/template';
import { HOURS, only, run, stack } from './cost-builders';

describe('MlopsCost metadata', () => {
  const realtime = {
    model: 'churn', environment: 'dev',
    serving: { mode: 'realtime', instanceType: 'ml.m5.large', initialInstanceCount: 1, minInstances: 1, maxInstances: 2 },
    training: { instanceType: 'ml.m5.xlarge', instanceCount: 1, maxRuntimeMinutes: 60, spot: true },
    evaluation: { instanceType: 'ml.m5.large', maxRuntimeMinutes: 60 },
    preprocessing: null,
    drift: { scheduleMinutes: 60, memoryMb: 1024 },
    retraining: { maxStartsPerDay: 3 },
  };

  test('real-time serving: minimum instances all month at idle; training per run with the spot discount', () => {
    // WHEN
    const e = run([stack({}, { name: 'mlops-dev-model-churn', metadata: realtime })], { trainingRunsPerMonth: 4, spotDiscount: 0.7 });
    // THEN
    const serving = only(e, 'serving');
    expect(serving.idle).toBeCloseTo(0.115 * HOURS, 6);
    expect(serving.load).toBeGreaterThanOrEqual(serving.idle as number);
    expect(only(e, 'training').perRun).toBeCloseTo(0.23 * 1 * 0.3, 9);
    expect(only(e, 'evaluation').perRun).toBeCloseTo(0.115, 9);
    expect(e.lines.some((l) => l.id === 'preprocessing')).toBe(false);
    // drift: 730 hourly checks of 1 s at 1 GB (no schedule in the template)
    expect(only(e, 'drift').idle).toBeCloseTo(730 * 0.0000133334 + (730 / 1e6) * 0.2, 9);
    const model = e.models.find((m) => m.model === 'churn');
    expect(model?.serving.idle).toBeCloseTo(0.115 * HOURS + (only(e, 'drift').idle as number), 6);
    expect(model?.trainingPerRun).toBeCloseTo(0.069 + 0.115, 9);
    expect(model?.training.load).toBeCloseTo(4 * (0.069 + 0.115), 9);
    expect(e.stackNotes['mlops-dev-model-churn'].join('\n')).toMatch(/at most 3 run\(s\) a day: up to 91 runs/);
  });

  test('a tuning job is priced as the training jobs it runs at most', () => {
    // GIVEN the same training job, tuned with at most 6 jobs
    const tuned = { ...realtime, training: { ...realtime.training, jobs: 6 } };
    // WHEN
    const e = run([stack({}, { name: 'mlops-dev-model-churn', metadata: tuned })], { trainingRunsPerMonth: 4, spotDiscount: 0.7 });
    // THEN six times one job's cost per run, and the line says so
    expect(only(e, 'training').perRun).toBeCloseTo(6 * 0.23 * 0.3, 9);
    expect(only(e, 'training').description).toMatch(/^tuning job \(at most 6 training jobs\), 6 x ml\.m5\.xlarge spot$/);
  });

  test('real-time serving scales out at load within its bounds', () => {
    // GIVEN 10M requests x 1 s = 2.78 instances busy, at 50% utilization 6 needed, capped at 4
    const metadata = { ...realtime, serving: { ...realtime.serving, maxInstances: 4 } };
    // WHEN
    const e = run([stack({}, { metadata })], { requestsPerMonth: 10_000_000, inferenceMs: 1000, capturePercent: 0 });
    // THEN
    expect(only(e, 'serving').load).toBeCloseTo(4 * 0.115 * HOURS, 6);
  });

  test('serverless serving: provisioned concurrency at idle; duration and data at load', () => {
    // GIVEN
    const metadata = { model: 'churn', serving: { mode: 'serverless', memoryMb: 2048, maxConcurrency: 5, provisionedConcurrency: 1 } };
    // WHEN
    const e = run([stack({}, { metadata })], { requestsPerMonth: 1_000_000, inferenceMs: 200, payloadKb: 10 });
    // THEN
    const idle = 1 * 2 * 0.0000048 * HOURS * 3600;
    expect(only(e, 'serving').idle).toBeCloseTo(idle, 6);
    expect(only(e, 'serving').load).toBeCloseTo(idle + 1_000_000 * 0.2 * 2 * 0.00002 + 10 * 0.016, 6);
    expect(only(e, 'serving').unconfirmed).toBe(true);
  });

  test('no metadata: the model stack says "no serving metadata"', () => {
    // WHEN
    const e = run([stack({ Key: { Type: 'AWS::KMS::Key' } }, { name: 'mlops-dev-model-churn', model: 'churn' })]);
    // THEN
    expect(e.models).toEqual([expect.objectContaining({ model: 'churn', servingNote: 'no serving metadata', serving: { idle: 0, load: 0 } })]);
    expect(renderText(e)).toMatch(/churn\s+\$1\.00 \/ \$1\.00\s+no serving metadata/);
  });

  test('malformed metadata is reported field by field and the rest is still priced', () => {
    // GIVEN
    const metadata = { ...realtime, serving: { mode: 'realtime', instanceType: 5, minInstances: -1 }, training: { instanceType: 'ml.m5.xlarge', maxRuntimeMinutes: 'long' } };
    // WHEN
    const reading = readCostMetadata({ Metadata: { MlopsCost: metadata } });
    const e = run([stack({}, { metadata })]);
    // THEN
    expect(reading.problems).toEqual([
      'MlopsCost.serving.instanceType: got 5; expected a string',
      'MlopsCost.serving.minInstances: got -1; expected a number from 0 to 1000',
      'MlopsCost.training.maxRuntimeMinutes: got "long"; expected a number from 1 to 40320',
    ]);
    expect(e.warnings).toEqual(expect.arrayContaining(['test-stack: MlopsCost.serving.instanceType: got 5; expected a string']));
    expect(only(e, 'evaluation').perRun).toBeCloseTo(0.115, 9);
    expect(readCostMetadata({ Metadata: { MlopsCost: { serving: { mode: 'batch' } } } }).problems).toEqual(['MlopsCost.serving.mode: got "batch"; expected "realtime" or "serverless"']);
  });

  test('an unknown instance type is named with the table to add it to, left out of the totals, and does not crash', () => {
    // GIVEN
    const metadata = { ...realtime, serving: { ...realtime.serving, instanceType: 'ml.m5.99xlarge' }, training: { ...realtime.training, instanceType: 'ml.x9.large' } };
    // WHEN
    const e = run([stack({ Key: { Type: 'AWS::KMS::Key' } }, { metadata })]);
    // THEN
    expect(only(e, 'serving')).toMatchObject({ idle: null, load: null });
    expect(only(e, 'training').load).toBeNull();
    expect(e.warnings).toContain(`test-stack: real-time endpoint of churn: unknown instance type "ml.m5.99xlarge" for SageMaker realtime in us-east-1: not in ${PRICES_FILE} (regions.us-east-1.sagemaker.realtime); add its hourly price there. Left out of the totals.`);
    expect(e.warnings.join('\n')).toMatch(/unknown instance type "ml\.x9\.large" for SageMaker training in us-east-1: not in tools\/cost\/prices\.json \(regions\.us-east-1\.sagemaker\.training\)/);
    expect(e.totals.unpriced).toBe(2);
    expect(e.totals.idle).toBeCloseTo(1 + (only(e, 'drift').idle as number), 9);
    const text = renderText(e);
    expect(text).toContain('not priced');
    expect(text).toContain('2 item(s) not priced');
    expect(JSON.parse(renderJson(e)).totals.unpriced).toBe(2);
  });
});

describe('helpers', () => {
  test('schedule expressions', () => {
    expect(scheduleRate('rate(1 hour)')?.perMonth).toBeCloseTo(730, 9);
    expect(scheduleRate('rate(15 minutes)')?.perMonth).toBeCloseTo(730 * 4, 9);
    expect(scheduleRate('rate(1 day)')?.perMonth).toBeCloseTo(730 / 24, 9);
    expect(scheduleRate('cron(0 * * * ? *)')?.perMonth).toBeCloseTo(730, 9);
    expect(scheduleRate('cron(0/15 8-17 ? * MON-FRI *)')?.perMonth).toBeCloseTo(4 * 10 * (5 / 7) * (730 / 24), 9);
    expect(scheduleRate('sometimes')).toBeUndefined();
  });

  test('command line: -c like the CDK CLI, output, format and load flags; every problem at once', () => {
    // WHEN
    const args = parseArgs(['-c', 'env=prod', '--context', 'config=cfg.json', '--output', 'out', '--format=json', '--requests', '250000', '--spot-discount', '0.6', '--no-checks']);
    // THEN
    expect(args).toEqual(expect.objectContaining({ context: { env: 'prod', config: 'cfg.json' }, output: 'out', format: 'json', checks: false, load: { requestsPerMonth: 250000, spotDiscount: 0.6 } }));
    expect(() => parseArgs(['-c', 'env', '--format', 'xml', '--requests', '-5', '--bogus'])).toThrow(UsageError);
    expect(() => parseArgs(['-c', 'env', '--format', 'xml', '--requests', '-5', '--bogus'])).toThrow(/4 problems[\s\S]*-c env: expected KEY=VALUE[\s\S]*--format: got "xml"[\s\S]*--requests: got "-5"; expected a number from 0[\s\S]*--bogus: unknown argument/);
  });
});
