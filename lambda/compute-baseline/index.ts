import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FeatureDefinition, parseFeatures } from '../../contracts/features';
import { DEFAULT_BINS, DEFAULT_MAX_CATEGORIES } from '../shared/drift/baseline';
import { BaselineBuilder } from '../shared/drift/baseline-builder';
import { ByteSource, forEachLine } from '../shared/drift/line-reader';
import { InvalidEventError, parseS3Uri, requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';

/**
 * Training pipeline step: summarises the training data and the held-out predictions of a model
 * version into its drift baseline (lambda/shared/drift/baseline.ts, docs/drift.md).
 *
 * Input: `{ "manifestUri": "s3://.../data-manifest.json", "predictionsUri": "s3://.../evaluation/predictions.csv",
 * "baselineUri": "s3://.../baseline.json" }`
 *
 * Reads the manifest written by lambda/snapshot-training-data, streams every `.csv` object it lists
 * at its recorded version (twice: reservoir-sampled quantile edges, then exact counts), streams the
 * predictions file (one score per line, written by pipelines/scripts/evaluate.py) the same way, and
 * writes the baseline JSON to `baselineUri`. Returns `{ baselineUri, baselineVersionId, rowCount, featureCount }`.
 * A retry with the same input writes the same key (idempotent; only `createdAt` differs).
 *
 * Environment: MODEL_NAME, FEATURES_JSON (`[{ name, type }]`, the CSV column order after the label),
 * optional BASELINE_BINS (default 10) and MAX_CATEGORIES (default 100).
 *
 * Errors: `InvalidEventError` (malformed input), `InvalidManifest` (a manifest of another shape),
 * `NoTrainingData` (no CSV object, no row, or no prediction),
 * `InvalidTrainingData` (a row with the wrong column count or a non-numeric value of a numeric
 * feature, or a prediction that is not a number: names the object, line and value).
 */
export interface ComputeBaselineEvent {
  readonly manifestUri: string;
  readonly predictionsUri: string;
  readonly baselineUri: string;
}

/** What the baseline step returns to the pipeline. */
export interface ComputeBaselineResult {
  readonly baselineUri: string;
  readonly baselineVersionId?: string;
  readonly rowCount: number;
  readonly featureCount: number;
}

/** The part of the snapshot manifest this step reads. */
export interface DataManifest {
  readonly schemaVersion: 1;
  readonly dataUri: string;
  readonly objects: ReadonlyArray<{ readonly key: string; readonly versionId: string }>;
}

/** The manifest lists no training data: the run fails with `NoTrainingData`. */
export class NoTrainingDataError extends Error {
  constructor(message: string) {
    super(`No training data: ${message}`);
    this.name = 'NoTrainingData';
  }
}

interface Config {
  readonly model: string;
  readonly features: FeatureDefinition[];
  readonly bins: number;
  readonly maxCategories: number;
}

const s3 = new S3Client({});

/** Checks the event; throws InvalidEventError naming the field, its value and the rule. */
export function validate(event: unknown): ComputeBaselineEvent {
  if (typeof event !== 'object' || event === null)
    throw new InvalidEventError('event', event, 'an object with manifestUri, predictionsUri and baselineUri');
  const { manifestUri, predictionsUri, baselineUri } = event as Record<string, unknown>;
  if (!parseS3Uri('manifestUri', manifestUri).key.endsWith('.json'))
    throw new InvalidEventError('manifestUri', manifestUri, 'an s3:// URI of a .json object');
  if (parseS3Uri('predictionsUri', predictionsUri).key === '')
    throw new InvalidEventError('predictionsUri', predictionsUri, 'an s3:// URI of an object');
  if (!parseS3Uri('baselineUri', baselineUri).key.endsWith('.json'))
    throw new InvalidEventError('baselineUri', baselineUri, 'an s3:// URI of a .json object');
  return { manifestUri: manifestUri as string, predictionsUri: predictionsUri as string, baselineUri: baselineUri as string };
}

/** Reads the environment; every value is checked before any S3 call. */
export function config(): Config {
  return {
    model: requiredEnv('MODEL_NAME'),
    features: parseFeatures(process.env.FEATURES_JSON),
    bins: boundedInteger('BASELINE_BINS', process.env.BASELINE_BINS, DEFAULT_BINS, MAX_BINS),
    maxCategories: boundedInteger('MAX_CATEGORIES', process.env.MAX_CATEGORIES, DEFAULT_MAX_CATEGORIES, MAX_CATEGORIES),
  };
}

/** Upper bounds of the optional settings (bounded memory and baseline size). */
export const MAX_BINS = 1000;
export const MAX_CATEGORIES = 10_000;

/** A manifest that does not have the snapshot step's shape: names the manifest, the field, the value and the rule. */
export class InvalidManifestError extends Error {
  constructor(uri: string, field: string, value: unknown, expected: string) {
    super(`Invalid manifest ${uri}: ${field} is ${JSON.stringify(value) ?? 'missing'}; expected ${expected}`);
    this.name = 'InvalidManifest';
  }
}

/** Checks the manifest's shape (the fields this step reads). */
export function parseManifest(value: unknown, uri: string): DataManifest {
  const m = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (m.schemaVersion !== 1) throw new InvalidManifestError(uri, 'schemaVersion', m.schemaVersion, '1');
  if (typeof m.dataUri !== 'string' || !/^s3:\/\/[^/]+\//.test(m.dataUri))
    throw new InvalidManifestError(uri, 'dataUri', m.dataUri, 'an s3://bucket/prefix URI');
  if (!Array.isArray(m.objects)) throw new InvalidManifestError(uri, 'objects', m.objects, 'an array of { key, versionId }');
  m.objects.forEach((o: unknown, i) => {
    const { key, versionId } = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
    if (typeof key !== 'string' || key === '' || typeof versionId !== 'string' || versionId === '') {
      throw new InvalidManifestError(uri, `objects[${i}]`, o, 'an object with a non-empty key and versionId');
    }
  });
  return value as DataManifest;
}

/** The baseline step's Lambda handler. */
export async function handler(event: unknown): Promise<ComputeBaselineResult> {
  const input = validate(event);
  const { model, features, bins, maxCategories } = config();
  const manifestLocation = parseS3Uri('manifestUri', input.manifestUri);
  const manifestObject = await s3.send(new GetObjectCommand({ Bucket: manifestLocation.bucket, Key: manifestLocation.key }));
  const manifest = parseManifest(JSON.parse(await manifestObject.Body!.transformToString()), input.manifestUri);
  const dataBucket = parseS3Uri('dataUri', manifest.dataUri).bucket;
  const csvObjects = manifest.objects.filter((o) => o.key.toLowerCase().endsWith('.csv'));
  if (csvObjects.length === 0)
    throw new NoTrainingDataError(`the manifest ${input.manifestUri} lists no .csv object (${manifest.objects.length} objects)`);

  const predictions = parseS3Uri('predictionsUri', input.predictionsUri);
  const builder = new BaselineBuilder(features, { bins, maxCategories });
  // The predictions object is not pinned by a manifest: pass 2 reads the version pass 1 read.
  let predictionsVersionId: string | undefined;
  for (const pass of [1, 2] as const) {
    if (pass === 2) builder.startSecondPass();
    for (const object of csvObjects) {
      const where = `s3://${dataBucket}/${object.key}?versionId=${object.versionId}`;
      await readLines(dataBucket, object.key, object.versionId, (line, n) => builder.addTrainingRow(line, `${where} line ${n}`));
    }
    predictionsVersionId = await readLines(predictions.bucket, predictions.key, predictionsVersionId, (line, n) =>
      builder.addPrediction(line, `${input.predictionsUri} line ${n}`),
    );
    if (pass === 1 && builder.rowCount === 0)
      throw new NoTrainingDataError(`the ${csvObjects.length} .csv objects of ${input.manifestUri} hold no row`);
  }

  const baseline = builder.build({
    model,
    createdAt: new Date().toISOString(),
    source: { manifestUri: input.manifestUri, dataUri: manifest.dataUri, objectCount: csvObjects.length, predictionsUri: input.predictionsUri },
  });
  if (baseline.prediction.count === 0) throw new NoTrainingDataError(`${input.predictionsUri} holds no prediction`);
  const target = parseS3Uri('baselineUri', input.baselineUri);
  const written = await s3.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: target.key,
      ContentType: 'application/json',
      Body: JSON.stringify(baseline),
    }),
  );
  logger.info('baseline written', {
    model,
    baselineUri: input.baselineUri,
    rowCount: baseline.rowCount,
    featureCount: features.length,
    objectCount: csvObjects.length,
    predictionCount: baseline.prediction.count,
  });
  return { baselineUri: input.baselineUri, baselineVersionId: written.VersionId, rowCount: baseline.rowCount, featureCount: features.length };
}

/** Streams one object line by line (1-based line numbers); returns the version it read. */
async function readLines(
  bucket: string,
  key: string,
  versionId: string | undefined,
  onLine: (line: string, lineNumber: number) => void,
): Promise<string | undefined> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  let lineNumber = 0;
  await forEachLine(object.Body as ByteSource, (line) => onLine(line, ++lineNumber));
  return object.VersionId ?? versionId;
}

function boundedInteger(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} is ${JSON.stringify(value)}; expected an integer from 1 to ${max}`);
  return n;
}
