import { DRIFT_NAMESPACE } from '../../contracts/metrics';
import { parseFeatures } from '../../contracts/features';
import { InvalidEventError, parseS3Uri, requiredEnv } from '../shared/input/event';
import {
  Continuation,
  DEFAULT_MIN_SAMPLES,
  DEFAULT_TIME_RESERVE_MS,
  DEFAULT_WINDOW_MINUTES,
  DeploymentPointer,
  DriftJobConfig,
  DriftJobEvent,
  MAX_PARTS,
  MAX_WINDOW_MINUTES,
  WindowSpan,
} from './types';

/*
 * The drift job's input: its event, its settings (environment) and the window they name.
 */

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks the event; throws InvalidEventError naming the field, its value and the rule. */
export function validate(event: unknown, statePrefixUri?: string): DriftJobEvent {
  if (typeof event !== 'object' || event === null) throw new InvalidEventError('event', event, 'an object with scheduledTime');
  const { scheduledTime, windowMinutes, continuation } = event as Record<string, unknown>;
  if (typeof scheduledTime !== 'string' || !ISO_TIME.test(scheduledTime) || Number.isNaN(Date.parse(scheduledTime))) {
    throw new InvalidEventError('scheduledTime', scheduledTime, 'an ISO 8601 time such as "2026-11-22T10:00:00Z"');
  }
  if (
    windowMinutes !== undefined &&
    !(
      Number.isInteger(windowMinutes) &&
      (windowMinutes as number) % 60 === 0 &&
      (windowMinutes as number) >= 60 &&
      (windowMinutes as number) <= MAX_WINDOW_MINUTES
    )
  ) {
    throw new InvalidEventError('windowMinutes', windowMinutes, `a multiple of 60 from 60 to ${MAX_WINDOW_MINUTES}`);
  }
  if (continuation !== undefined) {
    const { stateUri, part } = (typeof continuation === 'object' && continuation !== null ? continuation : {}) as Record<string, unknown>;
    parseS3Uri('continuation.stateUri', stateUri);
    if (statePrefixUri !== undefined && !(stateUri as string).startsWith(statePrefixUri)) {
      throw new InvalidEventError('continuation.stateUri', stateUri, `an object under STATE_PREFIX_URI (${statePrefixUri})`);
    }
    if (!Number.isInteger(part) || (part as number) < 1 || (part as number) >= MAX_PARTS)
      throw new InvalidEventError('continuation.part', part, `an integer from 1 to ${MAX_PARTS - 1}`);
  }
  return {
    scheduledTime,
    windowMinutes: (windowMinutes as number | undefined) ?? DEFAULT_WINDOW_MINUTES,
    continuation: continuation as Continuation | undefined,
  };
}

/** Reads and checks the environment (before any call). */
export function config(): DriftJobConfig {
  const env = process.env;
  const pointerUri = requiredEnv('POINTER_URI');
  parseS3Uri('POINTER_URI', pointerUri);
  const statePrefixUri = requiredEnv('STATE_PREFIX_URI');
  parseS3Uri('STATE_PREFIX_URI', statePrefixUri);
  const capturePrefix = env.CAPTURE_PREFIX ?? '';
  if (env.SELF_INVOKE !== undefined && !['true', 'false', ''].includes(env.SELF_INVOKE))
    throw new Error(`SELF_INVOKE is ${JSON.stringify(env.SELF_INVOKE)}; expected "true" or "false"`);
  return {
    model: requiredEnv('MODEL_NAME'),
    pointerUri,
    captureBucket: requiredEnv('CAPTURE_BUCKET'),
    // SageMaker writes under "<DestinationS3Uri path>/<endpoint>/…": a prefix without its slash gets one.
    capturePrefix: capturePrefix === '' || capturePrefix.endsWith('/') ? capturePrefix : `${capturePrefix}/`,
    features: parseFeatures(env.FEATURES_JSON),
    namespace: env.METRIC_NAMESPACE || DRIFT_NAMESPACE,
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
