import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FeatureDefinition } from '../../contracts/features';
import { Baseline, checkBaselineMatches, parseBaseline } from '../shared/drift/baseline';
import { ByteSource } from '../shared/drift/line-reader';
import { parseS3Uri } from '../shared/input/event';
import { logger } from '../shared/logging/logger';
import { addCaptureStream, WindowAccumulator } from './capture';
import { hourPrefix } from './settings';
import { DeploymentPointer, DriftJobConfig, PartialState, Position } from './types';

/*
 * The drift job's reads and writes in S3: the deployment pointer, the baseline, the window's capture objects and the
 * partial state of a window continued in another invocation.
 */

const s3 = new S3Client({});

/** The parsed JSON at an s3:// URI, or undefined when there is no object; `field` names the URI in errors. */
export async function readJson(uri: string, field: string): Promise<unknown | undefined> {
  const { bucket, key } = parseS3Uri(field, uri);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await object.Body!.transformToString());
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Checks the pointer's shape. @throws Error naming the field, the value and the rule */
export function parsePointer(value: unknown, uri: string): DeploymentPointer {
  const p = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    throw new Error(`Invalid deployment pointer ${uri}: ${field} is ${JSON.stringify(p[field]) ?? 'missing'}; expected ${expected}`);
  };
  if (p.schemaVersion !== 1) fail('schemaVersion', '1');
  for (const field of ['endpointName', 'variantName'] as const)
    if (typeof p[field] !== 'string' || p[field] === '' || (p[field] as string).includes('/')) fail(field, 'a non-empty name without "/"');
  if (typeof p.baselineUri !== 'string' || !/^s3:\/\/[^/]+\/.+\.json$/.test(p.baselineUri)) fail('baselineUri', 'an s3:// URI of a .json object');
  return value as DeploymentPointer;
}

/** Reads and checks the baseline of the deployed model version against FEATURES_JSON. */
export async function loadBaseline(uri: string, features: readonly FeatureDefinition[]): Promise<Baseline> {
  const value = await readJson(uri, 'baselineUri');
  if (value === undefined) throw new Error(`Baseline ${uri} does not exist: the deployment pointer names a baseline that was not written`);
  const baseline = parseBaseline(value, uri);
  checkBaselineMatches(baseline, features, uri);
  return baseline;
}

/**
 * Streams every capture object of the window's hours from `from` on into `accumulator`. Stops
 * before an object when `lowOnTime()` (never before the first object of the invocation) and returns
 * where to resume.
 */
export async function scanWindow(
  settings: DriftJobConfig,
  deployment: DeploymentPointer,
  hours: readonly string[],
  from: Position,
  accumulator: WindowAccumulator,
  lowOnTime: () => boolean,
): Promise<{ objects: number; bytes: number; resumeAt?: Position }> {
  let objects = 0;
  let bytes = 0;
  for (let hourIndex = from.hourIndex; hourIndex < hours.length; hourIndex++) {
    const prefix = hourPrefix(settings.capturePrefix, deployment, hours[hourIndex]);
    let lastKey = hourIndex === from.hourIndex ? from.startAfter : undefined;
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: settings.captureBucket,
          Prefix: prefix,
          ContinuationToken: token,
          StartAfter: token ? undefined : lastKey,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        if (objects > 0 && lowOnTime()) return { objects, bytes, resumeAt: { hourIndex, startAfter: lastKey } };
        bytes += await readCaptureObject(settings.captureBucket, object.Key, accumulator);
        objects++;
        lastKey = object.Key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
  return { objects, bytes };
}

/** Streams one capture object into the window; returns the bytes read (0 when it has gone). */
async function readCaptureObject(bucket: string, key: string, accumulator: WindowAccumulator): Promise<number> {
  let body: ByteSource;
  try {
    body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as ByteSource;
  } catch (error) {
    if ((error as { name?: string }).name !== 'NoSuchKey') throw error;
    logger.warn('capture object listed but gone (expired?): skipped', { bucket, key });
    return 0;
  }
  const stats = await addCaptureStream(body, accumulator);
  if (stats.oversizedLines > 0)
    logger.warn('capture lines too long to read were counted as malformed', { bucket, key, oversizedLines: stats.oversizedLines });
  return stats.sourceBytes;
}

/** Writes the partial state of a window to `stateUri` (a deterministic key: a retried part rewrites it). */
export async function writeState(stateUri: string, state: PartialState): Promise<void> {
  const target = parseS3Uri('stateUri', stateUri);
  await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: target.key, ContentType: 'application/json', Body: JSON.stringify(state) }));
}
