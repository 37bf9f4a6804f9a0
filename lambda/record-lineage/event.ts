import { type LineageTrigger, type Milestone, MILESTONES } from '../../contracts/lineage';
import { TRIGGER_TYPES, TriggerType } from '../../contracts/trigger';
import { InvalidEventError, parseS3Uri } from '../shared/input/event';
import { isObject } from '../shared/input/json';
import { dropUndefined } from './reads';

/*
 * The lineage recorder's event (see index.ts), the pipeline state fields it reads and their checks.
 */

/** The recorder's event, from the pipeline's lineage tasks (pipelines/lineage.ts). */
export interface RecordLineageEvent {
  readonly milestone: Milestone;
  /** `$$.Execution.Id`. */
  readonly executionArn: string;
  /** `$$.Execution.StartTime`. */
  readonly executionStartTime?: string;
  readonly model: string;
  readonly environment: string;
  /** The pipeline state (`$`). */
  readonly state: LineagePipelineState;
}

/** The fields of the pipeline state the recorder reads (the rest is ignored). */
export interface LineagePipelineState {
  readonly trigger?: unknown;
  readonly trainingDataUri?: string;
  readonly evaluationDataUri?: string;
  readonly dataSnapshot?: {
    readonly manifestUri?: string;
    readonly manifestVersionId?: string;
    readonly objectCount?: number;
    readonly totalBytes?: number;
  };
  readonly training?: { readonly jobName?: string; readonly jobArn?: string; readonly modelArtifactUri?: string };
  readonly evaluation?: { readonly report?: { readonly metrics?: Record<string, unknown> } };
  readonly baseline?: { readonly baselineUri?: string };
  readonly registration?: { readonly modelPackageArn?: string };
  readonly approval?: {
    readonly decision?: string;
    readonly approver?: string;
    readonly comment?: string;
    readonly decidedAt?: string;
    readonly recordUri?: string;
    readonly requestId?: string;
  };
  /** Written by the deployment step (`PrepareDeployment`, `RememberPreviousConfig`). */
  readonly deployment?: {
    readonly endpointName?: string;
    readonly endpointConfigName?: string;
    readonly modelName?: string;
    /** The configuration served before the update (absent for a first deployment). */
    readonly previous?: { readonly name?: string };
    /** The same, under the name of the recorder's first design. */
    readonly previousEndpointConfigName?: string;
  };
  /** The deployment step's described problem (`RolloutRolledBack`, `EndpointUpdateFailed`, ...). */
  readonly deploymentProblem?: { readonly error?: string; readonly cause?: string };
  /** A caught error (`Catch` with `ResultPath: $.error`). */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/** What the recorder returns to the pipeline. */
export interface RecordLineageResult {
  readonly recordUri: string;
  readonly versionId?: string;
}

const EXECUTION_ARN = /^arn:([a-z-]+):states:[a-z0-9-]+:\d{12}:execution:[^:]+:([^:/]+)$/;
/** Trigger details above this size (JSON) are left out of the record. */
const MAX_TRIGGER_DETAILS = 8192;

/** A JSON object. */
export type Json = Record<string, unknown>;

/** The value at a dotted path of the pipeline state, or undefined. */
export function field(state: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), state);
}

/** A non-empty string at a path of the state; throws InvalidEventError naming `state.<path>` otherwise. */
export function requiredText(state: Json, path: string): string {
  const value = field(state, path);
  if (typeof value !== 'string' || value.length === 0) throw new InvalidEventError(`state.${path}`, value, 'a non-empty string');
  return value;
}

/** A string at a path of the state when present (null counts as absent); throws InvalidEventError unless a non-empty string. */
export function optionalText(state: Json, path: string): string | undefined {
  const value = field(state, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new InvalidEventError(`state.${path}`, value, 'a non-empty string when present');
  return value;
}

/** A whole number, 0 or more, at a path of the state when present; throws InvalidEventError otherwise. */
export function optionalCount(state: Json, path: string): number | undefined {
  const value = field(state, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new InvalidEventError(`state.${path}`, value, 'a whole number, 0 or more');
  return value;
}

/** An s3:// URI at a path of the state; throws InvalidEventError otherwise. */
export function requiredS3Uri(state: Json, path: string): string {
  const value = requiredText(state, path);
  parseS3Uri(`state.${path}`, value);
  return value;
}

/** An s3:// URI at a path of the state when present; throws InvalidEventError when malformed. */
export function optionalS3Uri(state: Json, path: string): string | undefined {
  const value = optionalText(state, path);
  if (value !== undefined) parseS3Uri(`state.${path}`, value);
  return value;
}

/** Checks the event's envelope; the milestone's own state fields are checked when its record is built. */
export function validate(event: unknown): RecordLineageEvent & { executionName: string; partition: string } {
  if (!isObject(event)) throw new InvalidEventError('event', event, 'an object with milestone, executionArn, model, environment and state');
  const milestone = MILESTONES.find((m) => m === event.milestone);
  if (!milestone) throw new InvalidEventError('milestone', event.milestone, `one of ${MILESTONES.join(', ')}`);
  const match = typeof event.executionArn === 'string' ? EXECUTION_ARN.exec(event.executionArn) : null;
  if (!match) throw new InvalidEventError('executionArn', event.executionArn, 'a Step Functions execution ARN');
  for (const name of ['model', 'environment'] as const) {
    if (typeof event[name] !== 'string' || (event[name] as string).length === 0) throw new InvalidEventError(name, event[name], 'a non-empty string');
  }
  if (
    event.executionStartTime !== undefined &&
    (typeof event.executionStartTime !== 'string' || Number.isNaN(Date.parse(event.executionStartTime)))
  ) {
    throw new InvalidEventError('executionStartTime', event.executionStartTime, 'an ISO 8601 time when present');
  }
  if (!isObject(event.state)) throw new InvalidEventError('state', event.state, 'the pipeline state (an object)');
  return { ...(event as unknown as RecordLineageEvent), milestone, partition: match[1], executionName: match[2] };
}

/** The execution input's free-form `trigger`, normalised ({@link LineageTrigger}). */
export function normaliseTrigger(input: unknown): LineageTrigger {
  if (!isObject(input)) return { type: 'unspecified' };
  const { type, alarm, alarmName, alarmArn, eventId, id, eventTime, time, ...rest } = input;
  const known = TRIGGER_TYPES.find((t) => t === type && t !== 'unspecified');
  const alarmObject = isObject(alarm) ? alarm : undefined;
  const pick = (...values: unknown[]): string | undefined => values.find((v): v is string => typeof v === 'string' && v.length > 0);
  const details: Json = { ...rest };
  if (type !== undefined && !known) details.type = type;
  if (alarmObject) {
    const alarmRest: Json = { ...alarmObject };
    for (const k of ['name', 'arn', 'alarmName', 'alarmArn']) delete alarmRest[k];
    if (Object.keys(alarmRest).length > 0) details.alarm = alarmRest;
  }
  const detailsJson = JSON.stringify(details);
  const trigger: LineageTrigger = {
    type: (known ?? 'unspecified') as TriggerType,
    alarmName: pick(alarmName, alarm, alarmObject?.name, alarmObject?.alarmName),
    alarmArn: pick(alarmArn, alarmObject?.arn, alarmObject?.alarmArn),
    eventId: pick(eventId, id),
    eventTime: pick(eventTime, time),
    details:
      Object.keys(details).length === 0
        ? undefined
        : detailsJson.length > MAX_TRIGGER_DETAILS
          ? { omitted: `the trigger's other fields (${detailsJson.length} characters of JSON) exceed ${MAX_TRIGGER_DETAILS}` }
          : details,
  };
  return dropUndefined(trigger);
}
