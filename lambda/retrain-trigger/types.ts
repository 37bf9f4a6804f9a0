import { RETRAINING_NAMESPACE } from '../../contracts/metrics';
import type { RetrainingTrigger } from '../../contracts/trigger';
import type { TrainingDataPointer } from './training-data';

/*
 * The retraining trigger's decisions, result, settings and limits (the handler and its guardrails: index.ts).
 */

/** What the trigger decided about one event (`invalid`: a malformed or foreign event, counted, then thrown). */
export type Decision = 'started' | 'duplicate' | 'running' | 'cooldown' | 'daily-cap' | 'not-applicable' | 'invalid';

/** The trigger's result. */
export interface RetrainResult {
  /** What was decided; `invalid` is never returned: the invocation throws instead. */
  readonly decision: Exclude<Decision, 'invalid'>;
  /** The execution started (`started`), or the one that already had this event's name (`duplicate`). */
  readonly executionArn?: string;
  /** Why, for people. */
  readonly reason: string;
}

/** The function's settings, from its environment (config.ts). */
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

/** Defaults of the optional settings. */
export const DEFAULTS = {
  COOLDOWN_MINUTES: 360,
  MAX_STARTS_PER_DAY: 3,
  IDEMPOTENCY_TTL_HOURS: 48,
  METRIC_NAMESPACE: RETRAINING_NAMESPACE,
} as const;

/** The metric counting decisions, by model and decision. */
export const METRIC_NAME = 'RetrainingDecisions';
/** The detail-type of the alarm events the trigger accepts. */
export const ALARM_DETAIL_TYPE = 'CloudWatch Alarm State Change';
/** The `source` of the scheduler's payload. */
export const SCHEDULE_SOURCE = 'mlops.schedule';
/** At most this many alarm metrics are kept in a trigger. */
export const MAX_TRIGGER_METRICS = 10;
/** Transactions that meet another one on the same item (`TransactionConflict`) are tried this often. */
export const TRANSACTION_ATTEMPTS = 4;
/** `lastStartedAt` of a model that has never started, or whose only start was undone. */
export const NEVER = 0;

/** A checked event: either applicable (start if the guardrails allow) or a well-formed skip. */
export interface CheckedEvent {
  readonly trigger: RetrainingTrigger;
  /** Why nothing is to be started (an alarm that left the ALARM state), if so. */
  readonly notApplicable?: string;
}
