/**
 * What started a training pipeline execution: the `trigger` object of its input. lambda/retrain-trigger
 * writes it for drift alarms and schedules; a person starting a run may write any `trigger` (or none).
 * request-approval and record-lineage read it back, tolerating any shape. Types and constants only.
 */

/** How an execution was started, as far as its input says (`unspecified`: no trigger, or one of another type). */
export const TRIGGER_TYPES = ['manual', 'schedule', 'drift', 'unspecified'] as const;

/** One of {@link TRIGGER_TYPES}. */
export type TriggerType = (typeof TRIGGER_TYPES)[number];

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

/** The `trigger` object lambda/retrain-trigger writes into the execution's input (the training pipeline keeps it in its output). */
export interface RetrainingTrigger {
  readonly type: Extract<TriggerType, 'drift' | 'schedule'>;
  readonly alarmName?: string;
  readonly alarmArn?: string;
  readonly reason: string;
  /** The alarm's metrics, from its configuration (at most lambda/retrain-trigger's `MAX_TRIGGER_METRICS`). */
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
