import { createHash, randomUUID } from 'crypto';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { InvalidEventError, requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';
import { pointedTrainingData, TrainingDataPointer } from './training-data';

/**
 * Starts one model's training pipeline when one of its drift alarms goes into ALARM, or when its
 * retraining schedule fires, at most once per event and never in a storm.
 *
 * **Input** (asynchronous invocation; see docs/retraining.md):
 * - an EventBridge `CloudWatch Alarm State Change` event (`source: "aws.cloudwatch"`) of an alarm
 *   listed in `ALLOWED_ALARM_ARNS`;
 * - an EventBridge Scheduler payload `{ "source": "mlops.schedule", "model": "<MODEL_NAME>", "scheduledTime": "<ISO 8601>" }`.
 *
 * **Output**: {@link RetrainResult} `{ decision, executionArn?, reason }`.
 *
 * **Errors**: a malformed or foreign event (not an object, another source or detail-type, an alarm
 * not in the allow-list, another model, a missing or mistyped field) throws {@link InvalidEventError}
 * after being logged and counted as `invalid`, so that the invocation ends in the dead-letter queue;
 * it starts nothing. An invalid configuration throws before anything else. An AWS error after the
 * event was claimed releases the claims and is rethrown, so that the asynchronous retry can start it.
 *
 * **Guardrails**, in this order (the DynamoDB table has the string partition key `pk` and the TTL
 * attribute `expiresAt`):
 * 1. idempotency: a conditional put of `event#<event id>` (kept `IDEMPOTENCY_TTL_HOURS`); already
 *    there: `duplicate`;
 * 2. an execution of the state machine is running: `running`;
 * 3. one transaction claims both the cooldown (`model#<model>`: `lastStartedAt` at least
 *    `COOLDOWN_MINUTES` ago) and a start of the UTC day (`day#<model>#<yyyy-mm-dd>`: `starts` below
 *    `MAX_STARTS_PER_DAY`): `cooldown` or `daily-cap` when it is refused;
 * 4. StartExecution with a name derived from the event id, so Step Functions itself refuses a second
 *    start of the same event (`ExecutionAlreadyExists`: `duplicate`).
 *
 * **Training data**: with `TRAINING_DATA_PARAMETER` and `TRAINING_DATA_PREFIX`, the SSM parameter the model's team sets
 * is read before the guardrails and its value passed as `trainingDataUri`; a missing parameter means the pipeline's
 * default prefix; a value outside `TRAINING_DATA_PREFIX` throws (nothing claimed, nothing started).
 *
 * Concurrent invocations are serialised by DynamoDB's conditions: of many events arriving together,
 * one wins the transaction and the others find the cooldown taken.
 */
export type Decision = 'started' | 'duplicate' | 'running' | 'cooldown' | 'daily-cap' | 'not-applicable' | 'invalid';

export interface RetrainResult {
  /** What was decided; `invalid` is never returned: the invocation throws instead. */
  readonly decision: Exclude<Decision, 'invalid'>;
  /** The execution started (`started`), or the one that already had this event's name (`duplicate`). */
  readonly executionArn?: string;
  /** Why, for people. */
  readonly reason: string;
}

/** The `trigger` object of the execution's input (the training pipeline keeps it in its output). */
export interface RetrainingTrigger {
  readonly type: 'drift' | 'schedule';
  readonly alarmName?: string;
  readonly alarmArn?: string;
  readonly reason: string;
  /** The alarm's metrics, from its configuration (at most {@link MAX_TRIGGER_METRICS}). */
  readonly metrics?: AlarmMetric[];
  /** The alarm's threshold, from its `reasonData`. */
  readonly threshold?: number;
  /** The most recent datapoints that the alarm evaluated, from its `reasonData`. */
  readonly recentDatapoints?: number[];
  /** When the alarm changed state, or when the schedule was due (ISO 8601). */
  readonly time: string;
  /** The EventBridge event id, or `schedule#<model>#<scheduledTime>`. */
  readonly eventId: string;
}

/** One metric of an alarm: a metric statistic or a metric-math expression. */
export interface AlarmMetric {
  readonly id?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly dimensions?: Record<string, string>;
  readonly stat?: string;
  readonly period?: number;
  readonly expression?: string;
}

export interface RetrainConfig {
  readonly stateMachineArn: string;
  readonly tableName: string;
  readonly model: string;
  readonly allowedAlarmArns: readonly string[];
  readonly cooldownMinutes: number;
  readonly maxStartsPerDay: number;
  readonly idempotencyTtlHours: number;
  readonly metricNamespace: string;
  /** The team's training data pointer, when configured (both variables or neither). */
  readonly trainingData?: TrainingDataPointer;
}

export const DEFAULTS = {
  COOLDOWN_MINUTES: 360,
  MAX_STARTS_PER_DAY: 3,
  IDEMPOTENCY_TTL_HOURS: 48,
  METRIC_NAMESPACE: 'MLOps/Retraining',
} as const;

export const METRIC_NAME = 'RetrainingDecisions';
export const ALARM_DETAIL_TYPE = 'CloudWatch Alarm State Change';
export const SCHEDULE_SOURCE = 'mlops.schedule';
export const MAX_TRIGGER_METRICS = 10;
const MAX_DATAPOINTS = 10;
const MAX_REASON_LENGTH = 1000;
const MAX_EXPRESSION_LENGTH = 500;
const MAX_EVENT_ID_LENGTH = 256;
/** Transactions that meet another one on the same item (`TransactionConflict`) are tried this often. */
export const TRANSACTION_ATTEMPTS = 4;
/** `lastStartedAt` of a model that has never started, or whose only start was undone. */
const NEVER = 0;

/** As `MODEL_NAME` in lib/config/model-schema.ts. */
const MODEL_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,23}(?<!-)$/;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:(.+)$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** CloudWatch's rule for namespaces; `AWS/` is reserved for AWS services. */
const METRIC_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const sfn = new SFNClient({});
const cloudwatch = new CloudWatchClient({});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorName(error: unknown): string | undefined {
  return isObject(error) && typeof error.name === 'string' ? error.name : undefined;
}

function integerIn(min: number, max: number): (raw: string) => number | undefined {
  return (raw) => (/^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : undefined);
}

function matching(pattern: RegExp): (raw: string) => string | undefined {
  return (raw) => (pattern.test(raw) ? raw : undefined);
}

function alarmArnList(raw: string): string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  return Array.isArray(value) && value.every((arn) => typeof arn === 'string' && ALARM_ARN.test(arn)) ? value : undefined;
}

/**
 * The function's configuration from its environment, defaults applied. Throws one error listing
 * every problem, each naming the variable, its value and the rule.
 */
export function readConfig(): RetrainConfig {
  const problems: string[] = [];
  function setting<T>(name: string, fallback: string | undefined, parse: (raw: string) => T | undefined, expected: string): T {
    let raw: string;
    try {
      raw = fallback === undefined ? requiredEnv(name) : process.env[name] || fallback;
    } catch (error) {
      problems.push((error as Error).message);
      return undefined as T;
    }
    const value = parse(raw);
    if (value === undefined) problems.push(`Environment variable ${name} is ${JSON.stringify(raw)}; expected ${expected}`);
    return value as T;
  }
  const config: RetrainConfig = {
    stateMachineArn: setting('STATE_MACHINE_ARN', undefined, matching(STATE_MACHINE_ARN), 'a Step Functions state machine ARN'),
    tableName: setting('TABLE_NAME', undefined, matching(TABLE_NAME), 'a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)'),
    model: setting('MODEL_NAME', undefined, matching(MODEL_NAME), 'a model name (lower case letters, digits and single hyphens, at most 24 characters)'),
    allowedAlarmArns: setting('ALLOWED_ALARM_ARNS', undefined, alarmArnList,
      'a JSON array of CloudWatch alarm ARNs (arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>); [] for schedule-only retraining'),
    // At least one minute: the cooldown is what serialises concurrent starts (see the guardrails).
    cooldownMinutes: setting('COOLDOWN_MINUTES', String(DEFAULTS.COOLDOWN_MINUTES), integerIn(1, 525_600), 'an integer from 1 to 525600 (minutes)'),
    maxStartsPerDay: setting('MAX_STARTS_PER_DAY', String(DEFAULTS.MAX_STARTS_PER_DAY), integerIn(1, 100), 'an integer from 1 to 100'),
    // At most 90 days: beyond that, Step Functions no longer keeps the execution names either.
    idempotencyTtlHours: setting('IDEMPOTENCY_TTL_HOURS', String(DEFAULTS.IDEMPOTENCY_TTL_HOURS), integerIn(1, 2160), 'an integer from 1 to 2160 (hours)'),
    metricNamespace: setting('METRIC_NAMESPACE', DEFAULTS.METRIC_NAMESPACE, matching(METRIC_NAMESPACE),
      'a CloudWatch namespace (1 to 255 of A-Z a-z 0-9 . - _ / # : and space, not starting with "AWS/")'),
  };
  const parameterName = process.env.TRAINING_DATA_PARAMETER;
  const requiredPrefix = process.env.TRAINING_DATA_PREFIX;
  if (parameterName || requiredPrefix) {
    if (!parameterName || !/^(\/[A-Za-z0-9_.-]+){2,15}$/.test(parameterName)) {
      problems.push(`Environment variable TRAINING_DATA_PARAMETER is ${JSON.stringify(parameterName ?? '')}; expected an SSM parameter path such as /mlops/dev/models/churn/training-data-uri`);
    }
    if (!requiredPrefix || !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^\s]+\/$/.test(requiredPrefix)) {
      problems.push(`Environment variable TRAINING_DATA_PREFIX is ${JSON.stringify(requiredPrefix ?? '')}; expected s3://<bucket>/<prefix>/`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid configuration of the retraining function: ${problems.join('; ')}`);
  return parameterName && requiredPrefix ? { ...config, trainingData: { parameterName, requiredPrefix } } : config;
}

/** A checked event: either applicable (start if the guardrails allow) or a well-formed skip. */
export interface CheckedEvent {
  readonly trigger: RetrainingTrigger;
  /** Why nothing is to be started (an alarm that left the ALARM state), if so. */
  readonly notApplicable?: string;
}

function requireString(field: string, value: unknown, expected = 'a non-empty string'): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidEventError(field, value, expected);
  return value;
}

function requireTime(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidEventError(field, value, 'an ISO 8601 time such as "2026-11-22T14:05:00Z"');
  }
  return value;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** The alarm's metrics, small: at most {@link MAX_TRIGGER_METRICS}, expressions cut. Malformed entries are left out. */
function metricsOf(configuration: unknown): AlarmMetric[] {
  if (!isObject(configuration) || !Array.isArray(configuration.metrics)) return [];
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return configuration.metrics.filter(isObject).slice(0, MAX_TRIGGER_METRICS).map((m): AlarmMetric => {
    const stat = isObject(m.metricStat) ? m.metricStat : {};
    const metric = isObject(stat.metric) ? stat.metric : {};
    const dimensions = isObject(metric.dimensions)
      ? Object.fromEntries(Object.entries(metric.dimensions).filter(([, v]) => typeof v === 'string').slice(0, 30)) as Record<string, string>
      : undefined;
    return {
      id: str(m.id),
      namespace: str(metric.namespace),
      name: str(metric.name),
      dimensions,
      stat: str(stat.stat),
      period: typeof stat.period === 'number' ? stat.period : undefined,
      expression: typeof m.expression === 'string' ? truncate(m.expression, MAX_EXPRESSION_LENGTH) : undefined,
    };
  });
}

/** `threshold` and `recentDatapoints` from the alarm's `reasonData` (a JSON string), when it has them. */
function evaluationOf(reasonData: unknown): Pick<RetrainingTrigger, 'threshold' | 'recentDatapoints'> {
  if (typeof reasonData !== 'string') return {};
  let data: unknown;
  try {
    data = JSON.parse(reasonData);
  } catch {
    return {};
  }
  if (!isObject(data)) return {};
  return {
    threshold: typeof data.threshold === 'number' ? data.threshold : undefined,
    recentDatapoints: Array.isArray(data.recentDatapoints)
      ? data.recentDatapoints.filter((v): v is number => typeof v === 'number').slice(-MAX_DATAPOINTS)
      : undefined,
  };
}

function checkAlarmEvent(e: Record<string, unknown>, config: RetrainConfig): CheckedEvent {
  if (e['detail-type'] !== ALARM_DETAIL_TYPE) throw new InvalidEventError('detail-type', e['detail-type'], JSON.stringify(ALARM_DETAIL_TYPE));
  const eventId = requireString('id', e.id, 'a non-empty string (the EventBridge event id)');
  if (eventId.length > MAX_EVENT_ID_LENGTH) throw new InvalidEventError('id', eventId, `at most ${MAX_EVENT_ID_LENGTH} characters`);
  const time = requireTime('time', e.time);
  const resources = e.resources;
  if (!Array.isArray(resources) || resources.length !== 1 || typeof resources[0] !== 'string' || !ALARM_ARN.test(resources[0])) {
    throw new InvalidEventError('resources', resources, 'an array of exactly one CloudWatch alarm ARN');
  }
  const alarmArn = resources[0];
  if (!config.allowedAlarmArns.includes(alarmArn)) {
    throw new InvalidEventError('resources', resources,
      `an alarm allowed to trigger the retraining of ${config.model} (one of the ${config.allowedAlarmArns.length} in ALLOWED_ALARM_ARNS)`);
  }
  if (!isObject(e.detail)) throw new InvalidEventError('detail', e.detail, 'an object');
  const alarmName = requireString('detail.alarmName', e.detail.alarmName);
  if (ALARM_ARN.exec(alarmArn)?.[1] !== alarmName) throw new InvalidEventError('detail.alarmName', alarmName, `the name in the alarm ARN ${alarmArn}`);
  const state = e.detail.state;
  if (!isObject(state)) throw new InvalidEventError('detail.state', state, 'an object');
  if (typeof state.value !== 'string' || !ALARM_STATES.includes(state.value)) {
    throw new InvalidEventError('detail.state.value', state.value, ALARM_STATES.map((s) => JSON.stringify(s)).join(', ').replace(/, ([^,]*)$/, ' or $1'));
  }
  const reason = typeof state.reason === 'string' ? truncate(state.reason, MAX_REASON_LENGTH) : `alarm ${alarmName} is in ${state.value}`;
  const trigger: RetrainingTrigger = {
    type: 'drift', alarmName, alarmArn, reason, metrics: metricsOf(e.detail.configuration), ...evaluationOf(state.reasonData), time, eventId,
  };
  return state.value === 'ALARM' ? { trigger } : { trigger, notApplicable: `alarm ${alarmName} went to ${state.value}; only ALARM triggers retraining` };
}

function checkScheduleEvent(e: Record<string, unknown>, config: RetrainConfig): CheckedEvent {
  if (e.model !== config.model) throw new InvalidEventError('model', e.model, `${JSON.stringify(config.model)} (this function retrains only that model)`);
  const time = requireTime('scheduledTime', e.scheduledTime);
  // Scheduler sends the same scheduledTime on every attempt of one occurrence: a stable event id.
  const eventId = `schedule#${config.model}#${new Date(time).toISOString()}`;
  return { trigger: { type: 'schedule', reason: `scheduled retraining of ${config.model} due at ${time}`, time, eventId } };
}

/** Checks the event's shape and origin; throws {@link InvalidEventError} naming the field, its value and the rule. */
export function checkEvent(event: unknown, config: RetrainConfig): CheckedEvent {
  if (!isObject(event)) throw new InvalidEventError('event', event, 'an object');
  if (event.source === 'aws.cloudwatch') return checkAlarmEvent(event, config);
  if (event.source === SCHEDULE_SOURCE) return checkScheduleEvent(event, config);
  throw new InvalidEventError('source', event.source, `"aws.cloudwatch" (an alarm state change) or ${JSON.stringify(SCHEDULE_SOURCE)} (a schedule)`);
}

/**
 * The execution name of a trigger: `<type>-<yyyymmddThhmm UTC>-<16 hex of SHA-256(event id)>`, at most
 * 39 characters of `[a-z0-9T-]`. The same event always gets the same name.
 */
export function executionNameOf(trigger: Pick<RetrainingTrigger, 'type' | 'time' | 'eventId'>): string {
  const stamp = new Date(trigger.time).toISOString().slice(0, 16).replace(/[-:]/g, '');
  const hash = createHash('sha256').update(trigger.eventId, 'utf8').digest('hex').slice(0, 16);
  return `${trigger.type}-${stamp}-${hash}`;
}

/** The ARN Step Functions gives an execution of `stateMachineArn` named `name`. */
function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the counter transaction claimed, to undo it if the start fails. */
interface CounterClaim {
  readonly modelKey: string;
  readonly dayKey: string;
  readonly startedAt: number;
}

type CounterVerdict = { readonly claim: CounterClaim } | { readonly decision: 'cooldown' | 'daily-cap'; readonly reason: string };

/** The item attribute `name` of a cancellation reason's `Item` (low-level `{ N: "..." }` form), as a number. */
function numberIn(item: unknown, name: string): number | undefined {
  const attribute = isObject(item) ? item[name] : undefined;
  return isObject(attribute) && typeof attribute.N === 'string' ? Number(attribute.N) : undefined;
}

/**
 * Guardrail 3: one transaction takes the cooldown (`model#<model>`) and a start of the UTC day
 * (`day#<model>#<yyyy-mm-dd>`), or neither. A transaction that meets another one on the same items
 * (`TransactionConflict`) is tried again after a short random pause: by then the other has committed
 * and the conditions decide.
 */
async function claimCounters(config: RetrainConfig, trigger: RetrainingTrigger, now: number): Promise<CounterVerdict> {
  const day = new Date(now).toISOString().slice(0, 10);
  const dayStart = Date.parse(`${day}T00:00:00.000Z`);
  const cooldownMs = config.cooldownMinutes * 60_000;
  const claim: CounterClaim = { modelKey: `model#${config.model}`, dayKey: `day#${config.model}#${day}`, startedAt: now };
  const command = new TransactWriteCommand({
    TransactItems: [
      {
        Update: {
          TableName: config.tableName,
          Key: { pk: claim.modelKey },
          UpdateExpression: 'SET #last = :now, #previous = if_not_exists(#last, :never), #by = :eventId',
          ConditionExpression: 'attribute_not_exists(#last) OR #last <= :threshold',
          ExpressionAttributeNames: { '#last': 'lastStartedAt', '#previous': 'previousStartedAt', '#by': 'lastEventId' },
          ExpressionAttributeValues: { ':now': now, ':never': NEVER, ':eventId': trigger.eventId, ':threshold': now - cooldownMs },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Update: {
          TableName: config.tableName,
          Key: { pk: claim.dayKey },
          UpdateExpression: 'SET #expires = :expires ADD #starts :one',
          ConditionExpression: 'attribute_not_exists(#starts) OR #starts < :max',
          ExpressionAttributeNames: { '#starts': 'starts', '#expires': 'expiresAt' },
          // Kept until the end of the next UTC day.
          ExpressionAttributeValues: { ':one': 1, ':max': config.maxStartsPerDay, ':expires': Math.floor(dayStart / 1000) + 2 * 86_400 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ],
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await ddb.send(command);
      return { claim };
    } catch (error) {
      if (errorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string; Item?: unknown }[] }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        const last = numberIn(reasons[0].Item, 'lastStartedAt');
        const reason = last === undefined
          ? `a retraining of ${config.model} started less than ${config.cooldownMinutes} minutes ago (COOLDOWN_MINUTES)`
          : `a retraining of ${config.model} started at ${new Date(last).toISOString()}; the cooldown of ${config.cooldownMinutes} minutes (COOLDOWN_MINUTES) ends at ${new Date(last + cooldownMs).toISOString()}`;
        return { decision: 'cooldown', reason };
      }
      if (reasons[1]?.Code === 'ConditionalCheckFailed') {
        const starts = numberIn(reasons[1].Item, 'starts') ?? config.maxStartsPerDay;
        return {
          decision: 'daily-cap',
          reason: `${starts} retrainings of ${config.model} already started on ${day} (UTC), the maximum per day (MAX_STARTS_PER_DAY); the next may start from ${new Date(dayStart + 86_400_000).toISOString()}`,
        };
      }
      if (attempt < TRANSACTION_ATTEMPTS && reasons.some((r) => r.Code === 'TransactionConflict')) {
        await sleep(20 + Math.random() * 80 * attempt);
        continue;
      }
      throw error;
    }
  }
}

/**
 * Undoes what an invocation claimed, so that the asynchronous retry of its event can start it: the
 * idempotency item (only if it is still this invocation's), the cooldown (only if no other start
 * took it since) and the day's start. Best effort: a failure is logged, never thrown over the
 * original error.
 */
async function release(config: RetrainConfig, trigger: RetrainingTrigger, claimId: string, counters: CounterClaim | undefined): Promise<void> {
  const undo: { pk: string; send: () => Promise<unknown> }[] = [{
    pk: `event#${trigger.eventId}`,
    send: () => ddb.send(new DeleteCommand({
      TableName: config.tableName,
      Key: { pk: `event#${trigger.eventId}` },
      ConditionExpression: '#claim = :claim',
      ExpressionAttributeNames: { '#claim': 'claimId' },
      ExpressionAttributeValues: { ':claim': claimId },
    })),
  }];
  if (counters) {
    undo.push({
      pk: counters.modelKey,
      send: () => ddb.send(new UpdateCommand({
        TableName: config.tableName,
        Key: { pk: counters.modelKey },
        UpdateExpression: 'SET #last = #previous REMOVE #by',
        ConditionExpression: '#by = :eventId AND #last = :now',
        ExpressionAttributeNames: { '#last': 'lastStartedAt', '#previous': 'previousStartedAt', '#by': 'lastEventId' },
        ExpressionAttributeValues: { ':eventId': trigger.eventId, ':now': counters.startedAt },
      })),
    }, {
      pk: counters.dayKey,
      send: () => ddb.send(new UpdateCommand({
        TableName: config.tableName,
        Key: { pk: counters.dayKey },
        UpdateExpression: 'ADD #starts :minusOne',
        ConditionExpression: '#starts > :zero',
        ExpressionAttributeNames: { '#starts': 'starts' },
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      })),
    });
  }
  const results = await Promise.allSettled(undo.map((u) => u.send()));
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    // A failed condition means another invocation changed the item since: it is theirs now.
    const superseded = errorName(result.reason) === 'ConditionalCheckFailedException';
    logger[superseded ? 'warn' : 'error']('could not undo a retraining claim', { pk: undo[i].pk, model: config.model, eventId: trigger.eventId, superseded, error: result.reason as Error });
  });
}

/** Logs a decision in structured form and counts it; a metrics failure is logged, never thrown. */
async function record(config: RetrainConfig, decision: Decision, reason: string, trigger?: Partial<RetrainingTrigger>, executionArn?: string): Promise<void> {
  const fields = { decision, model: config.model, eventId: trigger?.eventId, trigger: trigger?.type, alarm: trigger?.alarmName, reason, executionArn };
  if (decision === 'invalid') logger.warn('retraining decision', fields);
  else logger.info('retraining decision', fields);
  try {
    await cloudwatch.send(new PutMetricDataCommand({
      Namespace: config.metricNamespace,
      MetricData: [{
        MetricName: METRIC_NAME,
        Dimensions: [{ Name: 'Model', Value: config.model }, { Name: 'Decision', Value: decision }],
        Value: 1,
        Unit: 'Count',
      }],
    }));
  } catch (error) {
    logger.error('could not publish the retraining decision metric', { decision, model: config.model, eventId: trigger?.eventId, error: error as Error });
  }
}

async function decide(config: RetrainConfig, trigger: RetrainingTrigger, result: RetrainResult): Promise<RetrainResult> {
  await record(config, result.decision, result.reason, trigger, result.executionArn);
  return result;
}

/** Guardrails 2 to 4, once the event is claimed. Throws on any AWS error (the caller releases the claims). */
async function guarded(config: RetrainConfig, trigger: RetrainingTrigger, now: number, claimed: { counters?: CounterClaim },
  trainingDataUri: string | undefined): Promise<RetrainResult> {
  const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: config.stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }));
  const execution = running.executions?.[0];
  if (execution) {
    return { decision: 'running', reason: `execution ${execution.name} of ${config.model}'s pipeline, started ${execution.startDate?.toISOString() ?? 'earlier'}, is still running` };
  }

  const verdict = await claimCounters(config, trigger, now);
  if (!('claim' in verdict)) return verdict;
  claimed.counters = verdict.claim;

  const name = executionNameOf(trigger);
  try {
    const input = JSON.stringify(trainingDataUri === undefined ? { trigger } : { trainingDataUri, trigger });
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: config.stateMachineArn, name, input }));
    return { decision: 'started', executionArn: started.executionArn, reason: trigger.reason };
  } catch (error) {
    if (errorName(error) !== 'ExecutionAlreadyExists') throw error;
    // An earlier attempt started it (its claims were undone after its response was lost): this
    // invocation's claims now stand for that start, so they are kept.
    return { decision: 'duplicate', executionArn: executionArnOf(config.stateMachineArn, name), reason: `execution ${name} of event ${trigger.eventId} already exists` };
  }
}

export async function handler(event: unknown): Promise<RetrainResult> {
  const config = readConfig();

  let checked: CheckedEvent;
  try {
    checked = checkEvent(event, config);
  } catch (error) {
    if (error instanceof InvalidEventError) {
      const id = isObject(event) && typeof event.id === 'string' ? event.id : undefined;
      await record(config, 'invalid', error.message, { eventId: id });
    }
    throw error;
  }
  const { trigger } = checked;
  if (checked.notApplicable !== undefined) return decide(config, trigger, { decision: 'not-applicable', reason: checked.notApplicable });

  // The team's choice of training data, before anything is claimed: a failure here leaves nothing to undo.
  let trainingDataUri: string | undefined;
  try {
    trainingDataUri = await pointedTrainingData(config.trainingData);
  } catch (error) {
    logger.error('retraining not started: the training data pointer could not be used', { model: config.model, eventId: trigger.eventId, error: error as Error });
    throw error;
  }

  // Guardrail 1: idempotency. The claim id lets only this invocation delete its own claim.
  const now = Date.now();
  const claimId = randomUUID();
  try {
    await ddb.send(new PutCommand({
      TableName: config.tableName,
      Item: {
        pk: `event#${trigger.eventId}`,
        claimId,
        model: config.model,
        eventId: trigger.eventId,
        receivedAt: new Date(now).toISOString(),
        expiresAt: Math.floor(now / 1000) + config.idempotencyTtlHours * 3600,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  } catch (error) {
    if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
    return decide(config, trigger, { decision: 'duplicate', reason: `event ${trigger.eventId} was already received (within IDEMPOTENCY_TTL_HOURS)` });
  }

  const claimed: { counters?: CounterClaim } = {};
  let result: RetrainResult;
  try {
    result = await guarded(config, trigger, now, claimed, trainingDataUri);
  } catch (error) {
    await release(config, trigger, claimId, claimed.counters);
    logger.error('retraining not decided: claims released for a retry', { model: config.model, eventId: trigger.eventId, error: error as Error });
    throw error;
  }
  return decide(config, trigger, result);
}
