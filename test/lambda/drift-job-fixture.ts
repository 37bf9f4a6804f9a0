/** The drift job's test fixture: the captured traffic, S3 and CloudWatch mocks, and the expected statistics. */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetObjectCommand, GetObjectCommandInput, ListObjectsV2Command, ListObjectsV2CommandInput, PutObjectCommand, PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { createHandler } from '../../lambda/drift-job';
import { FeatureDefinition } from '../../contracts/features';
import { Baseline } from '../../lambda/shared/drift/baseline';

export const s3 = mockClient(S3Client);
export const cloudwatch = mockClient(CloudWatchClient);

export const FEATURES: FeatureDefinition[] = [
  { name: 'tenure', type: 'integral' }, { name: 'charges', type: 'fractional' }, { name: 'contract', type: 'string' },
];
export const POINTER = {
  schemaVersion: 1, endpointName: 'mlops-dev-churn', variantName: 'AllTraffic', modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/3',
  baselineUri: 's3://artifacts-bucket/models/churn/runs/exec-1/baseline.json', deployedAt: '2026-11-20T00:00:00Z', executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:churn:exec-1',
};
/** tenure: 4 equal quartile bins; charges: 2 equal bins; contract: 50/30/20 with 5% missing; scores: 70% ≤ 0.5. */
export const BASELINE: Baseline = {
  schemaVersion: 1, model: 'churn', createdAt: '2026-11-20T00:00:00Z', rowCount: 1000,
  source: { manifestUri: 's3://a/m.json', dataUri: 's3://c/churn/', objectCount: 1, predictionsUri: 's3://a/p.csv' },
  features: [
    { name: 'tenure', kind: 'numeric', missingRate: 0, numeric: { edges: [10, 20, 30], counts: [250, 250, 250, 250], min: 0, max: 60, mean: 25 } },
    { name: 'charges', kind: 'numeric', missingRate: 0, numeric: { edges: [50], counts: [500, 500], min: 0, max: 100, mean: 50 } },
    { name: 'contract', kind: 'categorical', missingRate: 0.05, categorical: { frequencies: { 0: 475, 1: 285, 2: 190 }, otherCount: 0 } },
  ],
  prediction: { edges: [0.5], counts: [700, 300], min: 0, max: 1, mean: 0.4, count: 1000 },
};
export const EVENT = { scheduledTime: '2026-11-22T10:15:00Z', windowMinutes: 120 };
export const CAPTURE_PREFIX = 'churn/mlops-dev-churn/AllTraffic';

// ---------------------------------------------------------------------------------------------
// The captured traffic: 200 valid rows in every accepted encoding, plus violations and malformed lines.

interface Row { tenure: number; charges: number; contract: string | null; score: number }

/** tenure bins 20/20/60/100 (drifted from 25% each); charges 100/100 (as in training); contract 0/1/2 = 90/54/36 with 20 missing (10% vs 5%); scores 100 ≤ 0.5, 100 above. */
export const ROWS: Row[] = (() => {
  let present = 0;
  return Array.from({ length: 200 }, (_, i) => {
    const missing = i % 10 === 3;
    const contract = missing ? null : present < 90 ? '0' : present < 144 ? '1' : '2';
    if (!missing) present++;
    return { tenure: i < 20 ? 5 : i < 40 ? 15 : i < 100 ? 25 : 40, charges: i % 2 === 0 ? 25 : 75, contract, score: i % 2 === 0 ? 0.2 : 0.8 };
  });
})();

export const csv = (r: Row) => `${r.tenure},${r.charges},${r.contract ?? ''}`;
export const record = (input: object, output?: object) => JSON.stringify({
  captureData: { endpointInput: { mode: 'INPUT', ...input }, ...(output ? { endpointOutput: { mode: 'OUTPUT', ...output } } : {}) },
  eventMetadata: { eventId: 'e', inferenceTime: '2026-11-22T09:12:01Z' }, eventVersion: '0',
});
export const csvIn = (data: string) => ({ observedContentType: 'text/csv', data, encoding: 'CSV' });
export const jsonIn = (value: unknown) => ({ observedContentType: 'application/json', data: JSON.stringify(value), encoding: 'JSON' });
export const b64 = (text: string) => Buffer.from(text).toString('base64');

export function captureFiles(rows: Row[]): Record<string, Buffer | string> {
  const single = rows.slice(0, 60).map((r) => record(csvIn(csv(r)), csvIn(String(r.score))));
  const multi: string[] = [];
  for (let i = 60; i < 120; i += 3) multi.push(record(csvIn(rows.slice(i, i + 3).map(csv).join('\n')), csvIn(rows.slice(i, i + 3).map((r) => r.score).join('\n'))));
  const instances: string[] = [];
  for (let i = 120; i < 170; i += 2) {
    const pair = rows.slice(i, i + 2);
    instances.push(record(
      jsonIn({ instances: pair.map((r) => [r.tenure, String(r.charges), r.contract === null ? null : Number(r.contract)]) }),
      jsonIn({ predictions: pair.map((r) => ({ score: r.score })) }),
    ));
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

export let files: Record<string, Buffer | string>;
export let stored: Map<string, string>;

function body(bytes: Buffer | string) {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += 512) chunks.push(buffer.subarray(i, i + 512));
  return sdkStreamMixin(Readable.from(chunks));
}

export const noSuchKey = () => Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });

/** Serves the pointer (null: none written yet), the baseline, persisted state and the capture files. */
export function serve(pointer: unknown = POINTER, baseline: unknown = BASELINE) {
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
export function published(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const call of cloudwatch.commandCalls(PutMetricDataCommand)) {
    for (const d of call.args[0].input.MetricData ?? []) {
      const feature = d.Dimensions?.find((x) => x.Name === 'Feature')?.Value;
      out[feature ? `${d.MetricName}/${feature}` : d.MetricName!] = d.Value!;
    }
  }
  return out;
}

export const handler = createHandler();


// Expected values, by hand: tenure window proportions 0.1/0.1/0.3/0.5 against 0.25 each.
export const TENURE_PSI = 2 * (0.1 - 0.25) * Math.log(0.1 / 0.25) + (0.3 - 0.25) * Math.log(0.3 / 0.25) + (0.5 - 0.25) * Math.log(0.5 / 0.25);
export const TENURE_KS = 0.3; // cumulative 0.25/0.5/0.75 against 0.1/0.2/0.5
export const PREDICTION_PSI = (0.5 - 0.7) * Math.log(0.5 / 0.7) + (0.5 - 0.3) * Math.log(0.5 / 0.3);

/** Replaces the capture files the S3 mock lists and serves. */
export function setFiles(value: Record<string, Buffer | string>): void {
  files = value;
}

/** Resets the mocks, the capture files and the environment before every test of the calling file. */
export function useDriftJobFixture(): void {
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

  // serve() is set up for every test; tests that change the pointer or files call it again.
  beforeEach(() => serve());
}
