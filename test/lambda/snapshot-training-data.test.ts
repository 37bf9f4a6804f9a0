import { ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler, MAX_OBJECTS } from '../../lambda/snapshot-training-data';

const s3 = mockClient(S3Client);
const EVENT = { dataUri: 's3://curated-bucket/churn/2026-11-22/', manifestUri: 's3://artifacts-bucket/models/churn/runs/exec-1/data-manifest.json' };
const version = (key: string, versionId: string, isLatest = true, size = 10) => ({ Key: key, VersionId: versionId, IsLatest: isLatest, Size: size, ETag: `"${versionId}"`, LastModified: new Date('2026-11-22T10:00:00Z') });

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({ VersionId: 'manifest-v1' });
});

describe('snapshot-training-data', () => {
  test('lists every page, keeps only current versions, writes the manifest and returns its version', async () => {
    s3.on(ListObjectVersionsCommand, { KeyMarker: undefined })
      .resolves({ IsTruncated: true, NextKeyMarker: 'churn/2026-11-22/b.csv', NextVersionIdMarker: 'b1', Versions: [version('churn/2026-11-22/a.csv', 'a2'), version('churn/2026-11-22/a.csv', 'a1', false), version('churn/2026-11-22/', 'dir')] });
    s3.on(ListObjectVersionsCommand, { KeyMarker: 'churn/2026-11-22/b.csv' })
      .resolves({ IsTruncated: false, Versions: [version('churn/2026-11-22/b.csv', 'b2', true, 32)] });

    const result = await handler(EVENT);

    expect(result).toEqual({ manifestUri: EVENT.manifestUri, manifestVersionId: 'manifest-v1', objectCount: 2, totalBytes: 42 });
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 2);
    expect(s3).toHaveReceivedCommandWith(ListObjectVersionsCommand, { Bucket: 'curated-bucket', Prefix: 'churn/2026-11-22/', KeyMarker: 'churn/2026-11-22/b.csv', VersionIdMarker: 'b1' });
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put).toEqual(expect.objectContaining({ Bucket: 'artifacts-bucket', Key: 'models/churn/runs/exec-1/data-manifest.json', ContentType: 'application/json' }));
    const manifest = JSON.parse(String(put.Body));
    expect(manifest).toEqual(expect.objectContaining({ schemaVersion: 1, dataUri: EVENT.dataUri, objectCount: 2, totalBytes: 42 }));
    expect(manifest.objects).toEqual([
      { key: 'churn/2026-11-22/a.csv', versionId: 'a2', size: 10, etag: '"a2"', lastModified: '2026-11-22T10:00:00.000Z' },
      { key: 'churn/2026-11-22/b.csv', versionId: 'b2', size: 32, etag: '"b2"', lastModified: '2026-11-22T10:00:00.000Z' },
    ]);
  });

  test('a retry writes the same manifest key (idempotent)', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false, Versions: [version('churn/x.csv', 'v1')] });
    await handler(EVENT);
    await handler(EVENT);
    const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys).toEqual([keys[0], keys[0]]);
  });

  test('no current object under the prefix (empty or only deleted) is NoTrainingData, and nothing is written', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false, Versions: [version('churn/old.csv', 'v1', false)], DeleteMarkers: [{ Key: 'churn/old.csv', IsLatest: true }] });
    await expect(handler(EVENT)).rejects.toMatchObject({ name: 'NoTrainingData', message: `No training data: there is no object under ${EVENT.dataUri}` });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  test('too many objects fails rather than writing an unreadable manifest', async () => {
    const many = Array.from({ length: MAX_OBJECTS + 1 }, (_, i) => version(`churn/${i}.csv`, `v${i}`));
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false, Versions: many });
    await expect(handler(EVENT)).rejects.toThrow(/more than 500000 objects/);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  test.each([
    [undefined, /event is missing; expected an object/],
    [{ manifestUri: EVENT.manifestUri }, /dataUri is missing; expected an s3:\/\/bucket\/key URI/],
    [{ dataUri: 'https://example.com/x', manifestUri: EVENT.manifestUri }, /dataUri is "https:\/\/example.com\/x"; expected an s3:\/\/bucket\/key URI/],
    [{ dataUri: EVENT.dataUri, manifestUri: 's3://artifacts-bucket/manifest.txt' }, /manifestUri is "s3:\/\/artifacts-bucket\/manifest.txt"; expected an s3:\/\/ URI of a \.json object/],
  ])('malformed event %j is refused before any call', async (event, message) => {
    await expect(handler(event)).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
  });
});
