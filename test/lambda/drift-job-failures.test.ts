import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-jest';
import { gzipSync } from 'zlib';
import {
  BASELINE, CAPTURE_PREFIX, cloudwatch, csv, csvIn, EVENT, files, handler, noSuchKey, POINTER, record, ROWS, s3, serve, useDriftJobFixture,
} from './drift-job-fixture';

useDriftJobFixture();

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
