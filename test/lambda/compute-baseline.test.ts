import { GetObjectCommand, GetObjectCommandInput, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { handler } from '../../lambda/compute-baseline';
import { Baseline } from '../../lambda/shared/drift/baseline';

const s3 = mockClient(S3Client);
const EVENT = {
  manifestUri: 's3://artifacts-bucket/models/churn/runs/exec-1/data-manifest.json',
  predictionsUri: 's3://artifacts-bucket/models/churn/runs/exec-1/evaluation/predictions.csv',
  baselineUri: 's3://artifacts-bucket/models/churn/runs/exec-1/baseline.json',
};
const FEATURES = [{ name: 'tenure', type: 'integral' }, { name: 'charges', type: 'fractional' }, { name: 'contract', type: 'string' }];

/** An S3 GetObject body as the SDK returns it in Node, delivering `bytes` in chunks of `size`. */
function body(bytes: Buffer | string, size = 1024) {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) chunks.push(buffer.subarray(i, i + size));
  return sdkStreamMixin(Readable.from(chunks));
}

/** The training data: 10 rows in two objects (the second gzipped), tenure 1..10, one missing charge, contract 1/2. */
const ROWS = Array.from({ length: 10 }, (_, i) => `${i % 2},${i + 1},${i === 3 ? '' : (i * 2.5).toFixed(1)},${i < 6 ? '1' : '2'}`);
const OBJECTS: Record<string, Buffer | string> = {
  'churn/2026-11-22/part-0.csv': `${ROWS.slice(0, 6).join('\n')}\n`,
  'churn/2026-11-22/part-1.csv': gzipSync(`${ROWS.slice(6).join('\r\n')}\r\n`),
  'churn/2026-11-22/_SUCCESS.json': '{"not": "csv"}',
};
const MANIFEST = {
  schemaVersion: 1, dataUri: 's3://curated-bucket/churn/2026-11-22/', objectCount: 3, totalBytes: 100,
  objects: Object.keys(OBJECTS).map((key, i) => ({ key, versionId: `v${i}`, size: 10, etag: '"e"', lastModified: '2026-11-22T09:00:00.000Z' })),
};

function serve(objects: Record<string, Buffer | string>, manifest: unknown = MANIFEST, predictions = '0.1\n0.9\n0.5\n0.7\n') {
  s3.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    if (input.Bucket === 'artifacts-bucket' && input.Key === 'models/churn/runs/exec-1/data-manifest.json') return { Body: body(JSON.stringify(manifest)) };
    if (input.Bucket === 'artifacts-bucket' && input.Key === 'models/churn/runs/exec-1/evaluation/predictions.csv') return { Body: body(predictions, 3), VersionId: 'pred-v1' };
    if (input.Bucket === 'curated-bucket' && input.Key! in objects) return { Body: body(objects[input.Key!], 7), VersionId: input.VersionId };
    throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
  });
}

function writtenBaseline(call = 0): Baseline {
  return JSON.parse(String(s3.commandCalls(PutObjectCommand)[call].args[0].input.Body));
}

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({ VersionId: 'baseline-v1' });
  process.env.MODEL_NAME = 'churn';
  process.env.FEATURES_JSON = JSON.stringify(FEATURES);
  delete process.env.BASELINE_BINS;
  delete process.env.MAX_CATEGORIES;
});

describe('compute-baseline', () => {
  test('streams every .csv object of the manifest at its version, twice, and writes the baseline', async () => {
    serve(OBJECTS);
    const result = await handler(EVENT);

    expect(result).toEqual({ baselineUri: EVENT.baselineUri, baselineVersionId: 'baseline-v1', rowCount: 10, featureCount: 3 });
    // 2 CSV objects x 2 passes, each at its manifest version; the .json object is not read; predictions twice at the version first read.
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'curated-bucket', Key: 'churn/2026-11-22/part-0.csv', VersionId: 'v0' });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'curated-bucket', Key: 'churn/2026-11-22/part-1.csv', VersionId: 'v1' });
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, { Key: 'churn/2026-11-22/_SUCCESS.json' });
    const reads = s3.commandCalls(GetObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.VersionId]);
    expect(reads.filter(([key]) => key!.endsWith('part-0.csv'))).toHaveLength(2);
    expect(reads.filter(([key]) => key!.endsWith('predictions.csv'))).toEqual([['models/churn/runs/exec-1/evaluation/predictions.csv', undefined], ['models/churn/runs/exec-1/evaluation/predictions.csv', 'pred-v1']]);

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'artifacts-bucket', Key: 'models/churn/runs/exec-1/baseline.json', ContentType: 'application/json' });
    const baseline = writtenBaseline();
    expect(baseline).toEqual(expect.objectContaining({
      schemaVersion: 1, model: 'churn', rowCount: 10,
      source: { manifestUri: EVENT.manifestUri, dataUri: MANIFEST.dataUri, objectCount: 2, predictionsUri: EVENT.predictionsUri },
    }));
    expect(baseline.features).toEqual([
      { name: 'tenure', kind: 'numeric', missingRate: 0, numeric: { edges: [1, 2, 3, 4, 5, 6, 7, 8, 9], counts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], min: 1, max: 10, mean: 5.5 } },
      // charges: 0, 2.5, 5, (missing), 10, 12.5, 15, 17.5, 20, 22.5: the j-th decile of 9 values is the ceil(9j/10)-th, so every value is an edge
      { name: 'charges', kind: 'numeric', missingRate: 0.1, numeric: { edges: [0, 2.5, 5, 10, 12.5, 15, 17.5, 20, 22.5], counts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0], min: 0, max: 22.5, mean: 105 / 9 } },
      { name: 'contract', kind: 'categorical', missingRate: 0, categorical: { frequencies: { 1: 6, 2: 4 }, otherCount: 0 } },
    ]);
    expect(baseline.prediction).toEqual({ edges: [0.1, 0.5, 0.7, 0.9], counts: [1, 1, 1, 1, 0], min: 0.1, max: 0.9, mean: 0.55, count: 4 });
  });

  test('a retry writes the same key with the same summaries (idempotent; only createdAt may differ)', async () => {
    serve(OBJECTS);
    await handler(EVENT);
    await handler(EVENT);
    const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys).toEqual([keys[0], keys[0]]);
    const [first, second] = [writtenBaseline(0), writtenBaseline(1)];
    expect({ ...second, createdAt: first.createdAt }).toEqual(first);
  });

  test('BASELINE_BINS and MAX_CATEGORIES change the bins and the tracked categories', async () => {
    process.env.BASELINE_BINS = '2';
    process.env.MAX_CATEGORIES = '1';
    serve(OBJECTS);
    await handler(EVENT);
    const baseline = writtenBaseline();
    expect(baseline.features[0].numeric).toEqual(expect.objectContaining({ edges: [5], counts: [5, 5] }));
    expect(baseline.features[2].categorical).toEqual({ frequencies: { 1: 6 }, otherCount: 4 });
  });

  test('a row with the wrong column count fails naming the object, its version and the line; nothing is written', async () => {
    serve({ ...OBJECTS, 'churn/2026-11-22/part-0.csv': '0,1,2.5,1\n1,2,3\n' });
    await expect(handler(EVENT)).rejects.toThrow('Invalid training data at s3://curated-bucket/churn/2026-11-22/part-0.csv?versionId=v0 line 2: the row has 3 columns; expected 4 (the label, then tenure, charges, contract)');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  test('a non-numeric value of a numeric feature fails naming the value', async () => {
    serve({ ...OBJECTS, 'churn/2026-11-22/part-0.csv': '0,1,2.5,1\n1,two,3,1\n' });
    await expect(handler(EVENT)).rejects.toMatchObject({ name: 'InvalidTrainingData', message: expect.stringContaining('line 2: tenure is "two"; expected a finite number or an empty field (missing)') });
  });

  test('a prediction that is not a number fails naming the line', async () => {
    serve(OBJECTS, MANIFEST, '0.1\nNaN\n');
    await expect(handler(EVENT)).rejects.toThrow(`Invalid training data at ${EVENT.predictionsUri} line 2: the prediction is "NaN"; expected a finite number`);
  });

  test.each([
    [{ ...MANIFEST, objects: [MANIFEST.objects[2]] }, {}, /No training data: the manifest .* lists no \.csv object \(1 objects\)/],
    [MANIFEST, { 'churn/2026-11-22/part-0.csv': '\n', 'churn/2026-11-22/part-1.csv': '' }, /No training data: the 2 \.csv objects of .* hold no row/],
  ])('no training data is NoTrainingData, and nothing is written (%#)', async (manifest, objects, message) => {
    serve(objects, manifest);
    await expect(handler(EVENT)).rejects.toMatchObject({ name: 'NoTrainingData', message: expect.stringMatching(message) });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  test('an empty predictions file is NoTrainingData', async () => {
    serve(OBJECTS, MANIFEST, '\n');
    await expect(handler(EVENT)).rejects.toThrow(/No training data: .*predictions.csv holds no prediction/);
  });

  test('a manifest of another shape is refused naming the field', async () => {
    serve(OBJECTS, { ...MANIFEST, objects: [{ key: 'a.csv' }] });
    await expect(handler(EVENT)).rejects.toThrow(/Invalid manifest s3:\/\/artifacts-bucket\/.*data-manifest.json: objects\[0\] is \{"key":"a.csv"\}; expected an object with a non-empty key and versionId/);
  });

  test.each([
    [undefined, /event is missing; expected an object with manifestUri, predictionsUri and baselineUri/],
    [{ ...EVENT, manifestUri: 'https://x/m.json' }, /manifestUri is "https:\/\/x\/m.json"; expected an s3:\/\/bucket\/key URI/],
    [{ ...EVENT, baselineUri: 's3://artifacts-bucket/baseline.txt' }, /baselineUri is "s3:\/\/artifacts-bucket\/baseline.txt"; expected an s3:\/\/ URI of a \.json object/],
    [{ ...EVENT, predictionsUri: undefined }, /predictionsUri is missing/],
  ])('malformed event %j is refused before any call', async (event, message) => {
    await expect(handler(event)).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
  });

  test.each([
    ['MODEL_NAME', undefined, /Missing environment variable MODEL_NAME/],
    ['FEATURES_JSON', '[{"name":"x","type":"float"}]', /FEATURES_JSON\[0\].type is "float"/],
    ['BASELINE_BINS', '0', /BASELINE_BINS is "0"; expected an integer from 1 to 1000/],
  ])('a bad %s is a configuration error before any call', async (name, value, message) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    await expect(handler(EVENT)).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
  });
});
