import { CloudWatchClient, MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetObjectCommand, GetObjectCommandInput, ListObjectsV2Command, ListObjectsV2CommandInput, PutObjectCommand, PutObjectCommandInput, S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { createHandler } from '../../lambda/drift-job';
import { WindowAccumulator } from '../../lambda/drift-job/capture';
import { decode, jsonRows, jsonScores } from '../../lambda/drift-job/payload';
import { batches, computeDrift, metricData } from '../../lambda/drift-job/metrics';
import { stateUri, windowOf } from '../../lambda/drift-job/settings';
import type { CompletedResult, ContinueResult, DriftJobResult } from '../../lambda/drift-job/types';
import { parseDecimal } from '../../lambda/shared/drift/parse-decimal';
import { lambdaSelfInvoker } from '../../lambda/drift-job/self-invoke';
import { FeatureDefinition } from '../../contracts/features';
import { Baseline } from '../../lambda/shared/drift/baseline';
import { jensenShannonDistance, psi } from '../../lambda/shared/drift/drift-stats';

const s3 = mockClient(S3Client);
const cloudwatch = mockClient(CloudWatchClient);

const FEATURES: FeatureDefinition[] = [{ name: 'tenure', type: 'integral' }, { name: 'charges', type: 'fractional' }, { name: 'contract', type: 'string' }];
const POINTER = {
  schemaVersion: 1, endpointName: 'mlops-dev-churn', variantName: 'AllTraffic', modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/3',
  baselineUri: 's3://artifacts-bucket/models/churn/runs/exec-1/baseline.json', deployedAt: '2026-11-20T00:00:00Z', executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:churn:exec-1',
};
/** tenure: 4 equal quartile bins; charges: 2 equal bins; contract: 50/30/20 with 5% missing; scores: 70% ≤ 0.5. */
const BASELINE: Baseline = {
  schemaVersion: 1, model: 'churn', createdAt: '2026-11-20T00:00:00Z', rowCount: 1000,
  source: { manifestUri: 's3://a/m.json', dataUri: 's3://c/churn/', objectCount: 1, predictionsUri: 's3://a/p.csv' },
  features: [
    { name: 'tenure', kind: 'numeric', missingRate: 0, numeric: { edges: [10, 20, 30], counts: [250, 250, 250, 250], min: 0, max: 60, mean: 25 } },
    { name: 'charges', kind: 'numeric', missingRate: 0, numeric: { edges: [50], counts: [500, 500], min: 0, max: 100, mean: 50 } },
    { name: 'contract', kind: 'categorical', missingRate: 0.05, categorical: { frequencies: { 0: 475, 1: 285, 2: 190 }, otherCount: 0 } },
  ],
  prediction: { edges: [0.5], counts: [700, 300], min: 0, max: 1, mean: 0.4, count: 1000 },
};
const EVENT = { scheduledTime: '2026-11-22T10:15:00Z', windowMinutes: 120 };
const CAPTURE_PREFIX = 'churn/mlops-dev-churn/AllTraffic';

// ---------------------------------------------------------------------------------------------
// The captured traffic: 200 valid rows in every accepted encoding, plus violations and malformed lines.

interface Row { tenure: number; charges: number; contract: string | null; score: number }

/** tenure bins 20/20/60/100 (drifted from 25% each); charges 100/100 (as in training); contract 0/1/2 = 90/54/36 with 20 missing (10% vs 5%); scores 100 ≤ 0.5, 100 above. */
const ROWS: Row[] = (() => {
  let present = 0;
  return Array.from({ length: 200 }, (_, i) => {
    const missing = i % 10 === 3;
    const contract = missing ? null : present < 90 ? '0' : present < 144 ? '1' : '2';
    if (!missing) present++;
    return { tenure: i < 20 ? 5 : i < 40 ? 15 : i < 100 ? 25 : 40, charges: i % 2 === 0 ? 25 : 75, contract, score: i % 2 === 0 ? 0.2 : 0.8 };
  });
})();

const csv = (r: Row) => `${r.tenure},${r.charges},${r.contract ?? ''}`;
const record = (input: object, output?: object) => JSON.stringify({
  captureData: { endpointInput: { mode: 'INPUT', ...input }, ...(output ? { endpointOutput: { mode: 'OUTPUT', ...output } } : {}) },
  eventMetadata: { eventId: 'e', inferenceTime: '2026-11-22T09:12:01Z' }, eventVersion: '0',
});
const csvIn = (data: string) => ({ observedContentType: 'text/csv', data, encoding: 'CSV' });
const jsonIn = (value: unknown) => ({ observedContentType: 'application/json', data: JSON.stringify(value), encoding: 'JSON' });
const b64 = (text: string) => Buffer.from(text).toString('base64');

function captureFiles(rows: Row[]): Record<string, Buffer | string> {
  const single = rows.slice(0, 60).map((r) => record(csvIn(csv(r)), csvIn(String(r.score))));
  const multi: string[] = [];
  for (let i = 60; i < 120; i += 3) multi.push(record(csvIn(rows.slice(i, i + 3).map(csv).join('\n')), csvIn(rows.slice(i, i + 3).map((r) => r.score).join('\n'))));
  const instances: string[] = [];
  for (let i = 120; i < 170; i += 2) {
    const pair = rows.slice(i, i + 2);
    instances.push(record(jsonIn({ instances: pair.map((r) => [r.tenure, String(r.charges), r.contract === null ? null : Number(r.contract)]) }), jsonIn({ predictions: pair.map((r) => ({ score: r.score })) })));
  }
  const keyed = rows.slice(170, 190).map((r) => record(jsonIn({ contract: r.contract, charges: r.charges, tenure: r.tenure }), jsonIn(r.score)));
  const base64 = rows.slice(190).map((r) => record({ observedContentType: 'text/csv', data: b64(csv(r)), encoding: 'BASE64' }, { observedContentType: 'application/json', data: b64(JSON.stringify([r.score])), encoding: 'BASE64' }));
  const violations = [
    record(csvIn('1,2'), csvIn('oops')), // wrong column count; the output is not a number
    record(csvIn('abc,25,0')), // non-numeric tenure
    record(jsonIn({ tenure: 1, charges: 2, contract: '0', extra: 1 })), // unknown field
    record(jsonIn({ tenure: 1, charges: 2 })), // missing field
    record({ observedContentType: 'application/json', data: '{not json', encoding: 'JSON' }), // unparseable payload
  ];
  const malformed = ['garbage', '{"captureData": {}}', '{"captureData":'];
  return {
    [`${CAPTURE_PREFIX}/2026/11/22/08/a.jsonl`]: [...single.slice(0, 30), violations[0], ...single.slice(30), violations[1], ''].join('\n'),
    [`${CAPTURE_PREFIX}/2026/11/22/08/b.jsonl.gz`]: gzipSync(`${multi.join('\r\n')}\r\n`),
    [`${CAPTURE_PREFIX}/2026/11/22/09/c.jsonl`]: [...instances, violations[2], ...keyed, violations[3], violations[4]].join('\n'),
    [`${CAPTURE_PREFIX}/2026/11/22/09/d-compressed-without-suffix`]: gzipSync([...base64, ...malformed, ''].join('\n')),
  };
}

// ---------------------------------------------------------------------------------------------
// S3 and CloudWatch mocks

let files: Record<string, Buffer | string>;
let stored: Map<string, string>;

function body(bytes: Buffer | string) {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += 512) chunks.push(buffer.subarray(i, i + 512));
  return sdkStreamMixin(Readable.from(chunks));
}

const noSuchKey = () => Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });

/** Serves the pointer (null: none written yet), the baseline, persisted state and the capture files. */
function serve(pointer: unknown = POINTER, baseline: unknown = BASELINE) {
  s3.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    const uri = `s3://${input.Bucket}/${input.Key}`;
    if (uri === 's3://artifacts-bucket/serving/churn/current.json') {
      if (pointer === null) throw noSuchKey();
      return { Body: body(JSON.stringify(pointer)) };
    }
    if (uri === POINTER.baselineUri) return { Body: body(JSON.stringify(baseline)) };
    if (stored.has(uri)) return { Body: body(stored.get(uri)!) };
    if (input.Bucket === 'capture-bucket' && input.Key! in files) return { Body: body(files[input.Key!]) };
    throw noSuchKey();
  });
  // One key per page, so every hour with two objects has two pages.
  s3.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => {
    const keys = [...Object.keys(files), `${input.Prefix}folder/`].filter((k) => k.startsWith(input.Prefix!)).sort();
    const after = input.ContinuationToken ?? input.StartAfter;
    const remaining = keys.filter((k) => after === undefined || k > after);
    const [first, ...rest] = remaining;
    return { Contents: first ? [{ Key: first }] : [], IsTruncated: rest.length > 0, NextContinuationToken: rest.length > 0 ? first : undefined };
  });
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    stored.set(`s3://${input.Bucket}/${input.Key}`, String(input.Body));
    return { VersionId: 'state-v1' };
  });
}

/** Every published data point as "Metric[/Feature]" → value. */
function published(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const call of cloudwatch.commandCalls(PutMetricDataCommand)) {
    for (const d of call.args[0].input.MetricData ?? []) {
      const feature = d.Dimensions?.find((x) => x.Name === 'Feature')?.Value;
      out[feature ? `${d.MetricName}/${feature}` : d.MetricName!] = d.Value!;
    }
  }
  return out;
}

const handler = createHandler();

beforeEach(() => {
  s3.reset();
  cloudwatch.reset();
  cloudwatch.on(PutMetricDataCommand).resolves({});
  files = captureFiles(ROWS);
  stored = new Map();
  Object.assign(process.env, {
    MODEL_NAME: 'churn', POINTER_URI: 's3://artifacts-bucket/serving/churn/current.json', CAPTURE_BUCKET: 'capture-bucket', CAPTURE_PREFIX: 'churn',
    FEATURES_JSON: JSON.stringify(FEATURES), STATE_PREFIX_URI: 's3://artifacts-bucket/drift-state/', MIN_SAMPLES: '100',
  });
  for (const name of ['METRIC_NAMESPACE', 'SELF_INVOKE', 'TIME_RESERVE_MS', 'AWS_LAMBDA_FUNCTION_NAME']) delete process.env[name];
});

// Expected values, by hand: tenure window proportions 0.1/0.1/0.3/0.5 against 0.25 each.
const TENURE_PSI = 2 * (0.1 - 0.25) * Math.log(0.1 / 0.25) + (0.3 - 0.25) * Math.log(0.3 / 0.25) + (0.5 - 0.25) * Math.log(0.5 / 0.25);
const TENURE_KS = 0.3; // cumulative 0.25/0.5/0.75 against 0.1/0.2/0.5
const PREDICTION_PSI = (0.5 - 0.7) * Math.log(0.5 / 0.7) + (0.5 - 0.3) * Math.log(0.5 / 0.3);

describe('drift job, end to end on mocked S3 streams', () => {
  test('reads every object of every hour of the window (pages, gzip, CSV, JSON, base64), and publishes the expected metrics', async () => {
    const result = await handler(EVENT, { getRemainingTimeInMillis: () => 900_000 });

    // The window: the 120 minutes before 10:00 (10:15 truncated to the hour); both hour prefixes, every page.
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'capture-bucket', Prefix: `${CAPTURE_PREFIX}/2026/11/22/08/` });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'capture-bucket', Prefix: `${CAPTURE_PREFIX}/2026/11/22/09/`, ContinuationToken: `${CAPTURE_PREFIX}/2026/11/22/09/c.jsonl` });
    expect(s3).not.toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: `${CAPTURE_PREFIX}/2026/11/22/10/` });
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 2 + 4);

    expect(result).toEqual(expect.objectContaining({
      status: 'complete', model: 'churn', endpointName: 'mlops-dev-churn', variantName: 'AllTraffic', baselineUri: POINTER.baselineUri,
      window: { start: '2026-11-22T08:00:00.000Z', end: '2026-11-22T10:00:00.000Z', minutes: 120 },
      parts: 1, objects: 4, sampleCount: 200, schemaViolations: 9, metricsPublished: 3 + 4 + 3 + 3 + 3,
      counters: { records: 60 + 20 + 25 + 20 + 10 + 5, malformedRecords: 3, rows: 204, samples: 200, schemaViolations: 5, predictions: 200, predictionViolations: 1 },
    }));

    const metrics = published();
    expect(Object.keys(metrics).sort()).toEqual([
      'InsufficientData', 'JSDistance/contract', 'KSDistance/charges', 'KSDistance/tenure', 'MaxJSDistance', 'MaxKSDistance', 'MaxPSI',
      'MissingRateChange/charges', 'MissingRateChange/contract', 'MissingRateChange/tenure',
      'PSI/charges', 'PSI/contract', 'PSI/tenure', 'PredictionPSI', 'SampleCount', 'SchemaViolations',
    ]);
    // The drifted feature
    expect(metrics['PSI/tenure']).toBeCloseTo(TENURE_PSI, 12);
    expect(metrics['KSDistance/tenure']).toBeCloseTo(TENURE_KS, 12);
    expect(metrics.MaxPSI).toBeCloseTo(TENURE_PSI, 12);
    expect(metrics.MaxKSDistance).toBeCloseTo(TENURE_KS, 12);
    // The undrifted ones: same proportions as in training
    expect(metrics['PSI/charges']).toBe(0);
    expect(metrics['KSDistance/charges']).toBe(0);
    expect(metrics['PSI/contract']).toBeCloseTo(0, 12);
    expect(metrics['JSDistance/contract']).toBeCloseTo(0, 12);
    expect(metrics.MaxJSDistance).toBeCloseTo(0, 12);
    // Missing values: contract 20/200 against 5%
    expect(metrics['MissingRateChange/contract']).toBeCloseTo(0.05, 12);
    expect(metrics['MissingRateChange/tenure']).toBe(0);
    expect(metrics.PredictionPSI).toBeCloseTo(PREDICTION_PSI, 12);
    expect([metrics.SampleCount, metrics.SchemaViolations, metrics.InsufficientData]).toEqual([200, 9, 0]);

    const call = cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input;
    expect(call.Namespace).toBe('MLOps/Drift');
    expect(call.MetricData!.every((d) => d.Timestamp!.toISOString() === '2026-11-22T10:00:00.000Z')).toBe(true);
    expect(call.MetricData!.find((d) => d.MetricName === 'PSI')!.Dimensions).toEqual([{ Name: 'Model', Value: 'churn' }, { Name: 'Feature', Value: 'tenure' }]);
    expect(call.MetricData!.find((d) => d.MetricName === 'SampleCount')).toEqual(expect.objectContaining({ Dimensions: [{ Name: 'Model', Value: 'churn' }], Unit: 'Count' }));
  });

  test('the window histograms are those the rows give (checked against the statistics directly)', async () => {
    const result = await handler(EVENT) as CompletedResult;
    const [tenure, charges, contract] = result.drift!.features;
    expect(tenure.psi).toBeCloseTo(psi([250, 250, 250, 250], [20, 20, 60, 100]), 12);
    expect(charges).toEqual(expect.objectContaining({ psi: 0, ksDistance: 0, windowMissingRate: 0 }));
    expect(contract.jsDistance).toBeCloseTo(jensenShannonDistance([475, 285, 190, 0], [90, 54, 36, 0]), 12);
    expect(contract.windowMissingRate).toBe(0.1);
  });

  test('no deployment pointer yet: no-deployment, without error, nothing listed or published', async () => {
    serve(null);
    await expect(handler(EVENT)).resolves.toEqual({ status: 'no-deployment', model: 'churn', pointerUri: 's3://artifacts-bucket/serving/churn/current.json' });
    expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricDataCommand);
  });

  test('fewer samples than MIN_SAMPLES: the counts and InsufficientData=1 only, no drift metric', async () => {
    process.env.MIN_SAMPLES = '201';
    const result = await handler(EVENT);
    expect(result).toEqual(expect.objectContaining({ status: 'insufficient-data', sampleCount: 200, drift: undefined, metricsPublished: 3 }));
    expect(published()).toEqual({ SampleCount: 200, SchemaViolations: 9, InsufficientData: 1 });
  });

  test('an empty window is insufficient data, not drift', async () => {
    files = {};
    await expect(handler({ scheduledTime: '2026-11-22T10:00:00Z' })).resolves.toEqual(expect.objectContaining({ status: 'insufficient-data', objects: 0, sampleCount: 0 }));
    expect(published()).toEqual({ SampleCount: 0, SchemaViolations: 0, InsufficientData: 1 });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: `${CAPTURE_PREFIX}/2026/11/22/09/` });
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 1);
  });

  test('METRIC_NAMESPACE is used when set', async () => {
    process.env.METRIC_NAMESPACE = 'Custom/Drift';
    await handler(EVENT);
    expect(cloudwatch).toHaveReceivedCommandWith(PutMetricDataCommand, { Namespace: 'Custom/Drift' });
  });
});

describe('windows too large for one invocation', () => {
  /** A context with plenty of time for the first `lowAfter` checks, then below the reserve. */
  const context = (lowAfter: number) => {
    let checks = 0;
    return { getRemainingTimeInMillis: () => (checks++ < lowAfter ? 900_000 : 1_000), invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:drift-churn' };
  };

  test('split into parts through persisted state, the metrics equal those of one invocation', async () => {
    await handler(EVENT);
    const whole = published();
    cloudwatch.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});

    const first = await handler(EVENT, context(1));
    expect(first).toEqual(expect.objectContaining({
      status: 'continue', objectsThisPart: 2, selfInvoked: false,
      continuation: { stateUri: 's3://artifacts-bucket/drift-state/churn/20261122T1000Z-120m/part-0001.json', part: 1 },
    }));
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricDataCommand);
    const state = JSON.parse(stored.get('s3://artifacts-bucket/drift-state/churn/20261122T1000Z-120m/part-0001.json')!);
    expect(state.position).toEqual({ hourIndex: 1 });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'artifacts-bucket', Key: 'drift-state/churn/20261122T1000Z-120m/part-0001.json', ContentType: 'application/json' });

    // The next part resumes inside hour 09 after c.jsonl, then finishes.
    const second = await handler((first as ContinueResult).nextEvent, context(0));
    expect(second).toEqual(expect.objectContaining({ status: 'continue', objectsThisPart: 1, continuation: expect.objectContaining({ part: 2 }) }));
    expect(JSON.parse(stored.get((second as ContinueResult).continuation.stateUri)!).position).toEqual({ hourIndex: 1, startAfter: `${CAPTURE_PREFIX}/2026/11/22/09/c.jsonl` });
    const third = await handler((second as ContinueResult).nextEvent, context(5));
    expect(third).toEqual(expect.objectContaining({ status: 'complete', parts: 3, objects: 4, sampleCount: 200 }));
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: `${CAPTURE_PREFIX}/2026/11/22/09/`, StartAfter: `${CAPTURE_PREFIX}/2026/11/22/09/c.jsonl` });
    expect(published()).toEqual(whole);
  });

  test('with SELF_INVOKE=true, the function invokes itself asynchronously with the next event', async () => {
    process.env.SELF_INVOKE = 'true';
    const calls: Array<[string, unknown]> = [];
    const selfInvoking = createHandler({ selfInvoker: { invokeAsync: async (name, payload) => { calls.push([name, payload]); } } });
    let event: unknown = EVENT;
    let result: DriftJobResult;
    do {
      result = await selfInvoking(event, context(1));
      if (result.status === 'continue') {
        expect(result.selfInvoked).toBe(true);
        event = calls[calls.length - 1][1];
      }
    } while (result.status === 'continue');
    expect(calls.map(([name]) => name)).toEqual(['arn:aws:lambda:eu-west-1:111122223333:function:drift-churn']);
    expect(calls[0][1]).toEqual({ scheduledTime: EVENT.scheduledTime, windowMinutes: 120, continuation: { stateUri: 's3://artifacts-bucket/drift-state/churn/20261122T1000Z-120m/part-0001.json', part: 1 } });
    expect(result).toEqual(expect.objectContaining({ status: 'complete', parts: 2, sampleCount: 200 }));
  });

  test('the production self-invoker sends the next event as an asynchronous (Event) invocation', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    await lambdaSelfInvoker.invokeAsync('arn:aws:lambda:eu-west-1:111122223333:function:drift-churn', { scheduledTime: 'x' });
    const input = lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(input).toEqual(expect.objectContaining({ FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:drift-churn', InvocationType: 'Event' }));
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString())).toEqual({ scheduledTime: 'x' });
    lambda.on(InvokeCommand).resolves({ StatusCode: 500 });
    await expect(lambdaSelfInvoker.invokeAsync('f', {})).rejects.toThrow('asynchronous invocation of f returned status 500; expected 202');
    lambda.restore();
  });

  test('a continuation keeps the deployment of its first part, even if the pointer changed', async () => {
    const first = await handler(EVENT, context(1)) as ContinueResult;
    serve({ ...POINTER, endpointName: 'another-endpoint' });
    const rest = await handler(first.nextEvent);
    expect(rest).toEqual(expect.objectContaining({ status: 'complete', endpointName: 'mlops-dev-churn', sampleCount: 200 }));
  });

  test('a continuation of another window or outside STATE_PREFIX_URI is refused', async () => {
    const first = await handler(EVENT, context(1)) as ContinueResult;
    await expect(handler({ ...first.nextEvent, scheduledTime: '2026-11-22T11:15:00Z' })).rejects.toThrow(/is part 1 of churn .*; expected part 1 of churn .*2026-11-22T11:00:00.000Z/);
    await expect(handler({ ...first.nextEvent, continuation: { stateUri: 's3://other-bucket/x.json', part: 1 } })).rejects.toThrow(/continuation.stateUri is "s3:\/\/other-bucket\/x.json"; expected an object under STATE_PREFIX_URI/);
  });

  test('merging two partial windows equals reading everything into one', async () => {
    const lines = Object.values(captureFiles(ROWS)).filter((v): v is string => typeof v === 'string').join('\n').split('\n');
    const whole = WindowAccumulator.forBaseline(BASELINE, FEATURES);
    lines.forEach((l) => whole.addLine(l));
    const a = WindowAccumulator.forBaseline(BASELINE, FEATURES);
    const b = WindowAccumulator.forBaseline(BASELINE, FEATURES);
    lines.forEach((l, i) => (i % 3 === 0 ? a : b).addLine(l));
    const merged = WindowAccumulator.fromState(JSON.parse(JSON.stringify(a)), FEATURES).merge(WindowAccumulator.fromState(JSON.parse(JSON.stringify(b)), FEATURES));
    expect(merged.toState()).toEqual(whole.toState());
    expect(computeDrift(BASELINE, merged)).toEqual(computeDrift(BASELINE, whole));
  });
});

describe('failures', () => {
  test.each([
    [undefined, /event is missing; expected an object with scheduledTime/],
    [{ scheduledTime: 'yesterday' }, /scheduledTime is "yesterday"; expected an ISO 8601 time/],
    [{ scheduledTime: '2026-11-22T10:00:00Z', windowMinutes: 90 }, /windowMinutes is 90; expected a multiple of 60 from 60 to 10080/],
    [{ scheduledTime: '2026-11-22T10:00:00Z', continuation: { stateUri: 's3://artifacts-bucket/drift-state/x.json', part: 0 } }, /continuation.part is 0; expected an integer from 1 to 199/],
  ])('malformed event %j is refused before any call', async (event, message) => {
    await expect(handler(event)).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
  });

  test.each([
    ['CAPTURE_BUCKET', undefined, /Missing environment variable CAPTURE_BUCKET/],
    ['MIN_SAMPLES', '0', /MIN_SAMPLES is "0"; expected an integer ≥ 1/],
    ['FEATURES_JSON', '[]', /FEATURES_JSON is \[\]; expected a non-empty JSON array/],
    ['STATE_PREFIX_URI', 'drift-state/', /STATE_PREFIX_URI is "drift-state\/"; expected an s3:\/\/bucket\/key URI/],
    ['SELF_INVOKE', 'yes', /SELF_INVOKE is "yes"; expected "true" or "false"/],
  ])('a bad %s is a configuration error before any call', async (name, value, message) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    await expect(handler(EVENT)).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
  });

  test('an invalid pointer, a missing baseline, or a baseline of other features fail naming the problem', async () => {
    serve({ ...POINTER, variantName: '' });
    await expect(handler(EVENT)).rejects.toThrow('Invalid deployment pointer s3://artifacts-bucket/serving/churn/current.json: variantName is ""; expected a non-empty name without "/"');
    serve(POINTER, { ...BASELINE, features: BASELINE.features.slice(0, 2) });
    await expect(handler(EVENT)).rejects.toThrow(/does not match FEATURES_JSON: it has 2 features \(tenure, charges\); FEATURES_JSON has 3/);
    serve({ ...POINTER, baselineUri: 's3://artifacts-bucket/nowhere.json' });
    await expect(handler(EVENT)).rejects.toThrow('Baseline s3://artifacts-bucket/nowhere.json does not exist');
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricDataCommand);
  });

  test('a capture object that disappeared between listing and reading is skipped', async () => {
    s3.on(GetObjectCommand, { Bucket: 'capture-bucket', Key: `${CAPTURE_PREFIX}/2026/11/22/08/a.jsonl` }).rejects(noSuchKey());
    await expect(handler(EVENT)).resolves.toEqual(expect.objectContaining({ status: 'complete', objects: 4, sampleCount: 140 }));
  });

  test('a capture object that is not valid gzip fails the invocation (retried), publishing nothing', async () => {
    const compressed = gzipSync(ROWS.map((r) => record(csvIn(csv(r)))).join('\n'));
    files[`${CAPTURE_PREFIX}/2026/11/22/09/c.jsonl`] = compressed.subarray(0, compressed.length / 2);
    await expect(handler(EVENT)).rejects.toThrow(/unexpected end of file/);
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricDataCommand);
  });
});

describe('capture parsing', () => {
  const accumulator = () => WindowAccumulator.forBaseline(BASELINE, FEATURES);
  const counts = (w: WindowAccumulator) => ({ ...w.counters, tenure: w.histogram(0).count, missing: [0, 1, 2].map((i) => w.histogram(i).missing) });

  test('a row with any violation is left out of every histogram', () => {
    const w = accumulator();
    w.addLine(record(csvIn('5,25,0\n7,x,1\n40,,\n')));
    expect(counts(w)).toEqual(expect.objectContaining({ rows: 3, samples: 2, schemaViolations: 1, tenure: 2, missing: [0, 1, 1] }));
  });

  test.each([
    ['blank CSV fields and whitespace are missing, not 0', csvIn(' ,  ,'), { samples: 1, missing: [1, 1, 1] }],
    ['JSON null is missing; a JSON number category is its text', jsonIn([[null, 3, 1]]), { samples: 1, missing: [1, 0, 0] }],
    ['JSON true for a numeric feature is a violation', jsonIn([true, 3, 1]), { schemaViolations: 1 }],
    ['Infinity is a violation', csvIn('Infinity,1,1'), { schemaViolations: 1 }],
    ['an empty JSON array is a violation', jsonIn([]), { schemaViolations: 1 }],
    ['a JSON string is a violation', jsonIn('1,2,3'), { schemaViolations: 1 }],
    ['unknown encoding and content type is a violation', { data: '1,2,3', encoding: 'XML' }, { schemaViolations: 1 }],
  ])('%s', (_name, input, expected) => {
    const w = accumulator();
    w.addLine(record(input));
    expect(counts(w)).toEqual(expect.objectContaining(expected));
  });

  test('accepted JSON input shapes', () => {
    expect(jsonRows({ instances: [[1, 2, 3], [4, 5, 6]] })).toHaveLength(2);
    expect(jsonRows([[1, 2, 3]])).toHaveLength(1);
    expect(jsonRows([1, 2, 3])).toEqual([[1, 2, 3]]);
    expect(jsonRows({ a: 1 })).toEqual([{ a: 1 }]);
    expect(jsonRows([[1], 2])).toBeUndefined();
    expect(jsonRows({ instances: 'x' })).toBeUndefined();
  });

  test('accepted output shapes', () => {
    const scores = (v: unknown) => {
      const out: unknown[] = [];
      return jsonScores(v, (s) => out.push(s)) ? out : undefined;
    };
    expect(scores(0.3)).toEqual([0.3]);
    expect(scores([0.1, [0.2, 0.8], { score: 0.3 }])).toEqual([0.1, 0.2, 0.3]);
    expect(scores({ predictions: [{ score: 0.5 }] })).toEqual([0.5]);
    expect(scores({ label: 1 })).toBeUndefined();
    expect(decode({ data: b64('{"a":1}'), encoding: 'BASE64' })).toEqual({ format: 'json', text: '{"a":1}' });
    expect(decode({ observedContentType: 'text/csv; charset=utf-8', data: 'x', encoding: 'JSON' })).toEqual({ format: 'csv', text: 'x' });
  });

  test('the fast decimal parser reads exactly what Number() reads, or defers to it', () => {
    const samples = ['0', '-0', '+7', '12.5', '-0.001', '.5', '5.', '00012', '123456789012345', '1234567890123456', '0.1234567890123456789012',
      '3.14159', '-', '.', '', '1e5', '0x10', ' 4', '4 ', '1.2.3', 'abc', '9007199254740993', '0.30000000000000004'];
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 20_000; k++) {
      const digits = Math.floor(next() * 18);
      samples.push(`${next() < 0.3 ? '-' : ''}${(next() * 10 ** digits).toFixed(Math.floor(next() * 12))}`);
    }
    for (const text of samples) {
      const fast = parseDecimal(`,${text},`, 1, text.length + 1);
      if (fast !== undefined) expect(Object.is(fast, Number(text))).toBe(true);
    }
    expect(parseDecimal('12.5', 0, 4)).toBe(12.5);
    expect(parseDecimal('1e5', 0, 3)).toBeUndefined();
    expect(parseDecimal('', 0, 0)).toBeUndefined();
    expect(parseDecimal('1234567890123456', 0, 16)).toBeUndefined();
  });

  test('categories the baseline does not know are counted as other', () => {
    const w = accumulator();
    w.addLine(record(csvIn('5,25,7\n5,25,0\n5,25,8')));
    const drift = computeDrift(BASELINE, w);
    expect(drift.features[2].jsDistance).toBeCloseTo(jensenShannonDistance([475, 285, 190, 0], [1, 0, 0, 2]), 12);
  });
});

describe('window, state keys and metric batches', () => {
  test('the window ends at the scheduled hour and lists its hours in UTC, across midnight', () => {
    expect(windowOf('2026-11-22T00:59:59Z', 180)).toEqual({ start: '2026-11-21T21:00:00.000Z', end: '2026-11-22T00:00:00.000Z', minutes: 180, hours: ['2026/11/21/21', '2026/11/21/22', '2026/11/21/23'] });
    expect(windowOf('2026-11-22T12:30:00+02:00', 60).hours).toEqual(['2026/11/22/09']);
  });

  test('state keys are deterministic per model, window and part', () => {
    expect(stateUri('s3://b/state', 'churn', { start: 'x', end: '2026-11-22T10:00:00.000Z', minutes: 60 }, 12)).toBe('s3://b/state/churn/20261122T1000Z-60m/part-0012.json');
  });

  test('more than 1000 metrics are sent in batches of at most 1000; NaN is left out and tiny values become 0', () => {
    const features = Array.from({ length: 600 }, (_, i) => ({ name: `f${i}`, kind: 'numeric' as const, psi: 1e-200, ksDistance: NaN, baselineMissingRate: 0, windowMissingRate: 0, missingRateChange: 0 }));
    const data: MetricDatum[] = metricData({
      model: 'm', timestamp: new Date(0), counters: { records: 1, malformedRecords: 0, rows: 1, samples: 1, schemaViolations: 0, predictions: 0, predictionViolations: 0 },
      drift: { features, predictionPsi: NaN, maxPsi: 1e-200, maxKsDistance: NaN, maxJsDistance: NaN },
    });
    expect(data).toHaveLength(3 + 1 + 600 * 2);
    expect(data.find((d) => d.MetricName === 'PSI')!.Value).toBe(0);
    expect(data.some((d) => d.MetricName === 'KSDistance' || d.MetricName === 'PredictionPSI')).toBe(false);
    expect(batches(data).map((b) => b.length)).toEqual([1000, 204]);
  });
});

// serve() is set up for every test; tests that change the pointer or files call it again.
beforeEach(() => serve());
