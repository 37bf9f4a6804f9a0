import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-jest';
import type { CompletedResult } from '../../lambda/drift-job/types';
import { jensenShannonDistance, psi } from '../../lambda/shared/drift/drift-stats';
import {
  CAPTURE_PREFIX, cloudwatch, EVENT, handler, POINTER, PREDICTION_PSI, published, s3, serve, setFiles, TENURE_KS, TENURE_PSI,
  useDriftJobFixture,
} from './drift-job-fixture';

useDriftJobFixture();

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
      counters: {
        records: 60 + 20 + 25 + 20 + 10 + 5, malformedRecords: 3, rows: 204, samples: 200,
        schemaViolations: 5, predictions: 200, predictionViolations: 1,
      },
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
    setFiles({});
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
