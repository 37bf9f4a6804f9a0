import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FeatureDefinition, parseFeatures } from '../../contracts/features';
import { Baseline, checkBaselineMatches, parseBaseline } from '../shared/drift/baseline';
import { ByteSource } from '../shared/drift/line-reader';
import { InvalidEventError, parseS3Uri, requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';
import { addCaptureStream, CaptureCounters, WindowAccumulator, WindowState } from './capture';
import { batches, computeDrift, DriftSummary, metricData, schemaViolations } from './metrics';

export { addCaptureStream, WindowAccumulator } from './capture';
export { batches, computeDrift, metricData } from './metrics';

/**
 * The drift job of one model (docs/drift.md): run hourly by EventBridge Scheduler, it reads the
 * endpoint's captured requests of the last window from S3, compares them with the deployed model
 * version's baseline and publishes drift metrics to CloudWatch.
 *
 * **Event**: `{ "scheduledTime": "2026-11-22T10:15:00Z", "windowMinutes"?: 60, "continuation"?: { "stateUri": "s3://…/part-0001.json", "part": 1 } }`.
 * `scheduledTime` is Scheduler's `<aws.scheduler.scheduled-time>`. The window is the `windowMinutes`
 * (a multiple of 60, at most 7 days; default 60) before `scheduledTime` truncated to the hour:
 * 10:15 → [09:00, 10:00). Schedule a few minutes past the hour so that SageMaker has flushed the
 * previous hour's files. `continuation` is only ever written by this function (see below).
 *
 * **Steps**: read the deployment pointer (POINTER_URI: `{ schemaVersion: 1, endpointName, variantName,
 * modelPackageArn, baselineUri, deployedAt, executionArn }`; none yet → `{ status: 'no-deployment' }`,
 * no error); read the baseline; list every hour prefix of the window
 * (`<CAPTURE_PREFIX><endpointName>/<variantName>/yyyy/mm/dd/hh/`, paginated) and stream every object
 * line by line (gzip detected by magic bytes) into the window's histograms
 * ({@link WindowAccumulator}); then publish (PutMetricData, ≤ 1000 metrics per call, timestamp = window
 * end). Fewer than MIN_SAMPLES valid rows: SampleCount, SchemaViolations and InsufficientData = 1 only,
 * no drift value.
 *
 * **Long windows**: before each object (after at least one per invocation, so every part progresses)
 * the remaining time is checked; below TIME_RESERVE_MS, the histograms and the position (hour, last
 * key) are written to `<STATE_PREFIX_URI><model>/<window end>-<minutes>m/part-NNNN.json` and the
 * function returns `{ status: 'continue', continuation }`; with SELF_INVOKE=true it first invokes
 * itself asynchronously with that continuation. State keys are deterministic, so a retried part
 * rewrites the same object. The deployment and baseline of part 1 are kept for the whole window.
 *
 * **Returns** `{ status: 'complete' | 'insufficient-data', model, window, … counts, drift }` (see
 * {@link DriftJobResult}). **Throws** on a malformed event (InvalidEventError), configuration errors,
 * an invalid pointer or baseline, and S3/CloudWatch errors (the invocation is retried by Lambda).
 *
 * **Environment**: MODEL_NAME, POINTER_URI, CAPTURE_BUCKET, CAPTURE_PREFIX, FEATURES_JSON,
 * STATE_PREFIX_URI; optional METRIC_NAMESPACE (default MLOps/Drift), MIN_SAMPLES (default 100),
 * SELF_INVOKE (default false), TIME_RESERVE_MS (default 60000).
 */
export interface DriftJobEvent {
  readonly scheduledTime: string;
  readonly windowMinutes?: number;
  readonly continuation?: Continuation;
}

export interface Continuation {
  /** The partial state to resume from (written by the previous part). */
  readonly stateUri: string;
  /** Number of the part that wrote it (1, 2, …). */
  readonly part: number;
}

export interface WindowSpan {
  readonly start: string;
  readonly end: string;
  readonly minutes: number;
}

/** Nothing deployed yet (no pointer object): nothing to compare, not an error. */
export interface NoDeploymentResult {
  readonly status: 'no-deployment';
  readonly model: string;
  readonly pointerUri: string;
}

/** The window was not finished in this invocation; `nextEvent` resumes it. */
export interface ContinueResult {
  readonly status: 'continue';
  readonly model: string;
  readonly window: WindowSpan;
  readonly continuation: Continuation;
  /** The event that resumes the window (what SELF_INVOKE sends). */
  readonly nextEvent: DriftJobEvent;
  readonly objectsThisPart: number;
  readonly selfInvoked: boolean;
}

/** The window was read and its metrics published. */
export interface CompletedResult {
  /** 'insufficient-data' when there were fewer than MIN_SAMPLES samples (no drift values published). */
  readonly status: 'complete' | 'insufficient-data';
  readonly model: string;
  readonly endpointName: string;
  readonly variantName: string;
  readonly baselineUri: string;
  readonly window: WindowSpan;
  readonly parts: number;
  readonly objects: number;
  /** Bytes read from S3 (compressed size for gzip objects). */
  readonly bytes: number;
  readonly counters: CaptureCounters;
  readonly sampleCount: number;
  readonly schemaViolations: number;
  readonly metricsPublished: number;
  /** Absent when there were fewer than MIN_SAMPLES samples. */
  readonly drift?: DriftSummary;
}

export type DriftJobResult = NoDeploymentResult | ContinueResult | CompletedResult;

/** The deployment pointer written by the pipeline after a successful deployment. */
export interface DeploymentPointer {
  readonly schemaVersion: 1;
  readonly endpointName: string;
  readonly variantName: string;
  readonly modelPackageArn?: string;
  readonly baselineUri: string;
  readonly deployedAt?: string;
  readonly executionArn?: string;
}

/** Sends the event of the next part to this function, asynchronously. */
export interface SelfInvoker {
  invokeAsync(functionName: string, payload: unknown): Promise<void>;
}

/** What the handler needs from the Lambda context (absent outside Lambda: no time limit). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  readonly invokedFunctionArn?: string;
}

export interface DriftJobConfig {
  readonly model: string;
  readonly pointerUri: string;
  readonly captureBucket: string;
  readonly capturePrefix: string;
  readonly features: FeatureDefinition[];
  readonly namespace: string;
  readonly minSamples: number;
  readonly statePrefixUri: string;
  readonly selfInvoke: boolean;
  readonly timeReserveMs: number;
}

/** Default and limits of the event and settings. */
export const DEFAULT_WINDOW_MINUTES = 60;
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;
export const DEFAULT_NAMESPACE = 'MLOps/Drift';
export const DEFAULT_MIN_SAMPLES = 100;
export const DEFAULT_TIME_RESERVE_MS = 60_000;
/** A window split into more parts than this fails instead of chaining invocations forever. */
export const MAX_PARTS = 200;

/** The persisted partial state of a window (one object per part). */
interface PartialState {
  readonly schemaVersion: 1;
  readonly model: string;
  readonly window: WindowSpan;
  readonly deployment: DeploymentPointer;
  readonly position: Position;
  readonly part: number;
  readonly objects: number;
  readonly bytes: number;
  readonly accumulator: WindowState;
}

/** Where to resume: the hour (index in the window) and the last key done in it. */
interface Position {
  readonly hourIndex: number;
  readonly startAfter?: string;
}

const s3 = new S3Client({});
const cloudwatch = new CloudWatchClient({});

// ---------------------------------------------------------------------------------------------
// Input and configuration

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function validate(event: unknown, statePrefixUri?: string): DriftJobEvent {
  if (typeof event !== 'object' || event === null) throw new InvalidEventError('event', event, 'an object with scheduledTime');
  const { scheduledTime, windowMinutes, continuation } = event as Record<string, unknown>;
  if (typeof scheduledTime !== 'string' || !ISO_TIME.test(scheduledTime) || Number.isNaN(Date.parse(scheduledTime))) {
    throw new InvalidEventError('scheduledTime', scheduledTime, 'an ISO 8601 time such as "2026-11-22T10:00:00Z"');
  }
  if (windowMinutes !== undefined && !(Number.isInteger(windowMinutes) && (windowMinutes as number) % 60 === 0 && (windowMinutes as number) >= 60 && (windowMinutes as number) <= MAX_WINDOW_MINUTES)) {
    throw new InvalidEventError('windowMinutes', windowMinutes, `a multiple of 60 from 60 to ${MAX_WINDOW_MINUTES}`);
  }
  if (continuation !== undefined) {
    const { stateUri, part } = (typeof continuation === 'object' && continuation !== null ? continuation : {}) as Record<string, unknown>;
    parseS3Uri('continuation.stateUri', stateUri);
    if (statePrefixUri !== undefined && !(stateUri as string).startsWith(statePrefixUri)) {
      throw new InvalidEventError('continuation.stateUri', stateUri, `an object under STATE_PREFIX_URI (${statePrefixUri})`);
    }
    if (!Number.isInteger(part) || (part as number) < 1 || (part as number) >= MAX_PARTS) throw new InvalidEventError('continuation.part', part, `an integer from 1 to ${MAX_PARTS - 1}`);
  }
  return { scheduledTime, windowMinutes: (windowMinutes as number | undefined) ?? DEFAULT_WINDOW_MINUTES, continuation: continuation as Continuation | undefined };
}

/** Reads and checks the environment (before any call). */
export function config(): DriftJobConfig {
  const env = process.env;
  const pointerUri = requiredEnv('POINTER_URI');
  parseS3Uri('POINTER_URI', pointerUri);
  const statePrefixUri = requiredEnv('STATE_PREFIX_URI');
  parseS3Uri('STATE_PREFIX_URI', statePrefixUri);
  const capturePrefix = env.CAPTURE_PREFIX ?? '';
  if (env.SELF_INVOKE !== undefined && !['true', 'false', ''].includes(env.SELF_INVOKE)) throw new Error(`SELF_INVOKE is ${JSON.stringify(env.SELF_INVOKE)}; expected "true" or "false"`);
  return {
    model: requiredEnv('MODEL_NAME'),
    pointerUri,
    captureBucket: requiredEnv('CAPTURE_BUCKET'),
    // SageMaker writes under "<DestinationS3Uri path>/<endpoint>/…": a prefix without its slash gets one.
    capturePrefix: capturePrefix === '' || capturePrefix.endsWith('/') ? capturePrefix : `${capturePrefix}/`,
    features: parseFeatures(env.FEATURES_JSON),
    namespace: env.METRIC_NAMESPACE || DEFAULT_NAMESPACE,
    minSamples: integerSetting('MIN_SAMPLES', env.MIN_SAMPLES, DEFAULT_MIN_SAMPLES, 1),
    statePrefixUri,
    selfInvoke: env.SELF_INVOKE === 'true',
    timeReserveMs: integerSetting('TIME_RESERVE_MS', env.TIME_RESERVE_MS, DEFAULT_TIME_RESERVE_MS, 0),
  };
}

function integerSetting(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} is ${JSON.stringify(value)}; expected an integer ≥ ${min}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Window

/** The window before `scheduledTime` truncated to the hour, and its hours as `yyyy/mm/dd/hh` (UTC). */
export function windowOf(scheduledTime: string, minutes: number): WindowSpan & { hours: string[] } {
  const end = new Date(Date.parse(scheduledTime));
  end.setUTCMinutes(0, 0, 0);
  const start = new Date(end.getTime() - minutes * 60_000);
  const hours: string[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += 3_600_000) {
    const d = new Date(t);
    hours.push(`${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`);
  }
  return { start: start.toISOString(), end: end.toISOString(), minutes, hours };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The S3 prefix SageMaker data capture writes an hour of an endpoint variant to. */
export function hourPrefix(capturePrefix: string, pointer: DeploymentPointer, hour: string): string {
  return `${capturePrefix}${pointer.endpointName}/${pointer.variantName}/${hour}/`;
}

/** Where part `part` of a window is persisted. */
export function stateUri(statePrefixUri: string, model: string, window: WindowSpan, part: number): string {
  const prefix = statePrefixUri.endsWith('/') ? statePrefixUri : `${statePrefixUri}/`;
  const end = `${window.end.replace(/[-:]/g, '').slice(0, 13)}Z`; // 2026-11-22T10:00:00.000Z -> 20261122T1000Z
  return `${prefix}${model}/${end}-${window.minutes}m/part-${pad(part, 4)}.json`;
}

// ---------------------------------------------------------------------------------------------
// Reading S3

async function readJson(uri: string, field: string): Promise<unknown | undefined> {
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
  for (const field of ['endpointName', 'variantName'] as const) if (typeof p[field] !== 'string' || p[field] === '' || (p[field] as string).includes('/')) fail(field, 'a non-empty name without "/"');
  if (typeof p.baselineUri !== 'string' || !/^s3:\/\/[^/]+\/.+\.json$/.test(p.baselineUri)) fail('baselineUri', 'an s3:// URI of a .json object');
  return value as DeploymentPointer;
}

async function loadBaseline(uri: string, features: readonly FeatureDefinition[]): Promise<Baseline> {
  const value = await readJson(uri, 'baselineUri');
  if (value === undefined) throw new Error(`Baseline ${uri} does not exist: the deployment pointer names a baseline that was not written`);
  const baseline = parseBaseline(value, uri);
  checkBaselineMatches(baseline, features, uri);
  return baseline;
}

// ---------------------------------------------------------------------------------------------
// Handler

/** A handler with injectable dependencies (tests pass a fake {@link SelfInvoker}). */
export function createHandler(dependencies: { selfInvoker?: SelfInvoker } = {}) {
  return async (event: unknown, context?: InvocationContext): Promise<DriftJobResult> => {
    const settings = config();
    const input = validate(event, settings.statePrefixUri);
    const window = windowOf(input.scheduledTime, input.windowMinutes ?? DEFAULT_WINDOW_MINUTES);
    const span: WindowSpan = { start: window.start, end: window.end, minutes: window.minutes };

    let deployment: DeploymentPointer;
    let accumulator: WindowAccumulator;
    let baseline: Baseline;
    let position: Position = { hourIndex: 0 };
    let totals = { objects: 0, bytes: 0 };
    const part = (input.continuation?.part ?? 0) + 1;
    if (input.continuation) {
      const state = await readJson(input.continuation.stateUri, 'continuation.stateUri') as PartialState | undefined;
      if (!state) throw new Error(`Continuation state ${input.continuation.stateUri} does not exist`);
      if (state.model !== settings.model || state.window?.end !== span.end || state.window?.minutes !== span.minutes || state.part !== input.continuation.part) {
        throw new Error(`Continuation state ${input.continuation.stateUri} is part ${state.part} of ${state.model} ${JSON.stringify(state.window)}; expected part ${input.continuation.part} of ${settings.model} ${JSON.stringify(span)}`);
      }
      deployment = state.deployment;
      baseline = await loadBaseline(deployment.baselineUri, settings.features);
      accumulator = WindowAccumulator.fromState(state.accumulator, settings.features);
      position = state.position;
      totals = { objects: state.objects, bytes: state.bytes };
    } else {
      const pointer = await readJson(settings.pointerUri, 'POINTER_URI');
      if (pointer === undefined) {
        logger.info('no deployment yet: nothing to compare', { model: settings.model, pointerUri: settings.pointerUri });
        return { status: 'no-deployment', model: settings.model, pointerUri: settings.pointerUri };
      }
      deployment = parsePointer(pointer, settings.pointerUri);
      baseline = await loadBaseline(deployment.baselineUri, settings.features);
      accumulator = WindowAccumulator.forBaseline(baseline, settings.features);
    }

    const lowOnTime = () => context !== undefined && context.getRemainingTimeInMillis() < settings.timeReserveMs;
    const scan = await scanWindow(settings, deployment, window.hours, position, accumulator, lowOnTime);
    totals = { objects: totals.objects + scan.objects, bytes: totals.bytes + scan.bytes };

    if (scan.resumeAt) {
      if (part >= MAX_PARTS) throw new Error(`Window ${JSON.stringify(span)} of ${settings.model} needs more than ${MAX_PARTS} parts; use a shorter window or a larger function`);
      const continuation = { stateUri: stateUri(settings.statePrefixUri, settings.model, span, part), part };
      const state: PartialState = { schemaVersion: 1, model: settings.model, window: span, deployment, position: scan.resumeAt, part, objects: totals.objects, bytes: totals.bytes, accumulator: accumulator.toState() };
      const target = parseS3Uri('stateUri', continuation.stateUri);
      await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: target.key, ContentType: 'application/json', Body: JSON.stringify(state) }));
      const nextEvent: DriftJobEvent = { scheduledTime: input.scheduledTime, windowMinutes: span.minutes, continuation };
      let selfInvoked = false;
      if (settings.selfInvoke) {
        const functionName = context?.invokedFunctionArn ?? process.env.AWS_LAMBDA_FUNCTION_NAME;
        if (!functionName) throw new Error('SELF_INVOKE is true but the function name is unknown (no context.invokedFunctionArn nor AWS_LAMBDA_FUNCTION_NAME)');
        const invoker = dependencies.selfInvoker ?? (await import('./self-invoke')).lambdaSelfInvoker;
        await invoker.invokeAsync(functionName, nextEvent);
        selfInvoked = true;
      }
      logger.info('window continues in another invocation', { model: settings.model, window: span, part, objectsThisPart: scan.objects, resumeAt: scan.resumeAt, stateUri: continuation.stateUri, selfInvoked });
      return { status: 'continue', model: settings.model, window: span, continuation, nextEvent, objectsThisPart: scan.objects, selfInvoked };
    }

    const counters = { ...accumulator.counters };
    const sufficient = counters.samples >= settings.minSamples;
    const drift = sufficient ? computeDrift(baseline, accumulator) : undefined;
    const data = metricData({ model: settings.model, timestamp: new Date(span.end), counters, drift });
    for (const batch of batches(data)) {
      await cloudwatch.send(new PutMetricDataCommand({ Namespace: settings.namespace, MetricData: batch }));
    }
    const result: CompletedResult = {
      status: sufficient ? 'complete' : 'insufficient-data',
      model: settings.model,
      endpointName: deployment.endpointName,
      variantName: deployment.variantName,
      baselineUri: deployment.baselineUri,
      window: span,
      parts: part,
      objects: totals.objects,
      bytes: totals.bytes,
      counters,
      sampleCount: counters.samples,
      schemaViolations: schemaViolations(counters),
      metricsPublished: data.length,
      drift,
    };
    if (sufficient) logger.info('drift measured', { ...result });
    else logger.warn('too few samples to measure drift', { ...result, minSamples: settings.minSamples });
    return result;
  };
}

/** The drift job's Lambda handler. */
export const handler = createHandler();

/**
 * Streams every capture object of the window's hours from `from` on into `accumulator`. Stops
 * before an object when `lowOnTime()` (never before the first object of the invocation) and returns
 * where to resume.
 */
async function scanWindow(
  settings: DriftJobConfig, deployment: DeploymentPointer, hours: readonly string[], from: Position,
  accumulator: WindowAccumulator, lowOnTime: () => boolean,
): Promise<{ objects: number; bytes: number; resumeAt?: Position }> {
  let objects = 0;
  let bytes = 0;
  for (let hourIndex = from.hourIndex; hourIndex < hours.length; hourIndex++) {
    const prefix = hourPrefix(settings.capturePrefix, deployment, hours[hourIndex]);
    let lastKey = hourIndex === from.hourIndex ? from.startAfter : undefined;
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: settings.captureBucket, Prefix: prefix, ContinuationToken: token, StartAfter: token ? undefined : lastKey }));
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
  if (stats.oversizedLines > 0) logger.warn('capture lines too long to read were counted as malformed', { bucket, key, oversizedLines: stats.oversizedLines });
  return stats.sourceBytes;
}
