import { ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvalidEventError, parseS3Uri } from '../shared/input/event';
import { logger } from '../shared/logging/logger';

/**
 * Records exactly which object versions a training run uses.
 *
 * Input (from the training pipeline):
 * `{ "dataUri": "s3://curated/churn/2026-11-22/", "manifestUri": "s3://artifacts/models/churn/runs/<execution>/data-manifest.json" }`
 *
 * Lists every current object version under `dataUri` (paginated), writes a manifest
 * (`schemaVersion`, `dataUri`, `objects[{ key, versionId, size, etag, lastModified }]`, counts) to
 * `manifestUri`, and returns `{ manifestUri, manifestVersionId, objectCount, totalBytes }`.
 * Retrying with the same input rewrites the same manifest key: idempotent. No objects under the
 * prefix is an error (`NoTrainingData`), so no model is trained on nothing.
 */
export interface SnapshotEvent {
  readonly dataUri: string;
  readonly manifestUri: string;
}

/** What the snapshot function returns to the pipeline. */
export interface SnapshotResult {
  readonly manifestUri: string;
  readonly manifestVersionId?: string;
  readonly objectCount: number;
  readonly totalBytes: number;
}

/** One object of the manifest: its key and the exact version trained on. */
export interface ManifestObject {
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: string;
}

/** Objects above this count make the run fail rather than write a manifest too large to read back. */
export const MAX_OBJECTS = 500_000;

/** No object under the training data prefix: the run fails with `NoTrainingData`. */
export class NoTrainingDataError extends Error {
  constructor(uri: string) {
    super(`No training data: there is no object under ${uri}`);
    this.name = 'NoTrainingData';
  }
}

const s3 = new S3Client({});

/** Checks the event; throws InvalidEventError naming the field, its value and the rule. */
export function validate(event: unknown): SnapshotEvent {
  if (typeof event !== 'object' || event === null) throw new InvalidEventError('event', event, 'an object with dataUri and manifestUri');
  const { dataUri, manifestUri } = event as Record<string, unknown>;
  parseS3Uri('dataUri', dataUri);
  const manifest = parseS3Uri('manifestUri', manifestUri);
  if (!manifest.key.endsWith('.json')) throw new InvalidEventError('manifestUri', manifestUri, 'an s3:// URI of a .json object');
  return { dataUri: dataUri as string, manifestUri: manifestUri as string };
}

/** The snapshot function's Lambda handler. */
export async function handler(event: unknown): Promise<SnapshotResult> {
  const input = validate(event);
  const data = parseS3Uri('dataUri', input.dataUri);
  const objects: ManifestObject[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: data.bucket,
        Prefix: data.key,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    for (const v of page.Versions ?? []) {
      if (!v.IsLatest || !v.Key || v.Key.endsWith('/')) continue;
      objects.push({
        key: v.Key,
        versionId: v.VersionId ?? 'null',
        size: v.Size ?? 0,
        etag: v.ETag ?? '',
        lastModified: v.LastModified?.toISOString() ?? '',
      });
    }
    if (objects.length > MAX_OBJECTS) throw new Error(`Too much training data to snapshot: more than ${MAX_OBJECTS} objects under ${input.dataUri}`);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  // A deleted object's latest version is its delete marker: it is not in Versions, so it is not listed.
  if (objects.length === 0) throw new NoTrainingDataError(input.dataUri);

  const totalBytes = objects.reduce((sum, o) => sum + o.size, 0);
  const manifest = parseS3Uri('manifestUri', input.manifestUri);
  const written = await s3.send(
    new PutObjectCommand({
      Bucket: manifest.bucket,
      Key: manifest.key,
      ContentType: 'application/json',
      Body: JSON.stringify({
        schemaVersion: 1,
        dataUri: input.dataUri,
        createdAt: new Date().toISOString(),
        objectCount: objects.length,
        totalBytes,
        objects,
      }),
    }),
  );
  logger.info('training data snapshot written', { dataUri: input.dataUri, manifestUri: input.manifestUri, objectCount: objects.length, totalBytes });
  return { manifestUri: input.manifestUri, manifestVersionId: written.VersionId, objectCount: objects.length, totalBytes };
}
