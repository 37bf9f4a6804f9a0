import type { AlarmMetric, RetrainingTrigger } from '../../contracts/trigger';
import { InvalidEventError } from '../shared/input/event';
import { isObject } from '../shared/input/json';
import { ALARM_ARN } from './config';
import { ALARM_DETAIL_TYPE, CheckedEvent, MAX_TRIGGER_METRICS, RetrainConfig, SCHEDULE_SOURCE } from './types';

/*
 * The events the retraining trigger accepts: an alarm state change of an allowed alarm, or the model's schedule.
 */

const MAX_DATAPOINTS = 10;
const MAX_REASON_LENGTH = 1000;
const MAX_EXPRESSION_LENGTH = 500;
const MAX_EVENT_ID_LENGTH = 256;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

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
  return configuration.metrics
    .filter(isObject)
    .slice(0, MAX_TRIGGER_METRICS)
    .map((m): AlarmMetric => {
      const stat = isObject(m.metricStat) ? m.metricStat : {};
      const metric = isObject(stat.metric) ? stat.metric : {};
      const dimensions = isObject(metric.dimensions)
        ? (Object.fromEntries(
            Object.entries(metric.dimensions)
              .filter(([, v]) => typeof v === 'string')
              .slice(0, 30),
          ) as Record<string, string>)
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
    throw new InvalidEventError(
      'resources',
      resources,
      `an alarm allowed to trigger the retraining of ${config.model} (one of the ${config.allowedAlarmArns.length} in ALLOWED_ALARM_ARNS)`,
    );
  }
  if (!isObject(e.detail)) throw new InvalidEventError('detail', e.detail, 'an object');
  const alarmName = requireString('detail.alarmName', e.detail.alarmName);
  if (ALARM_ARN.exec(alarmArn)?.[1] !== alarmName)
    throw new InvalidEventError('detail.alarmName', alarmName, `the name in the alarm ARN ${alarmArn}`);
  const state = e.detail.state;
  if (!isObject(state)) throw new InvalidEventError('detail.state', state, 'an object');
  if (typeof state.value !== 'string' || !ALARM_STATES.includes(state.value)) {
    throw new InvalidEventError(
      'detail.state.value',
      state.value,
      ALARM_STATES.map((s) => JSON.stringify(s))
        .join(', ')
        .replace(/, ([^,]*)$/, ' or $1'),
    );
  }
  const reason = typeof state.reason === 'string' ? truncate(state.reason, MAX_REASON_LENGTH) : `alarm ${alarmName} is in ${state.value}`;
  const trigger: RetrainingTrigger = {
    type: 'drift',
    alarmName,
    alarmArn,
    reason,
    metrics: metricsOf(e.detail.configuration),
    ...evaluationOf(state.reasonData),
    time,
    eventId,
  };
  return state.value === 'ALARM'
    ? { trigger }
    : { trigger, notApplicable: `alarm ${alarmName} went to ${state.value}; only ALARM triggers retraining` };
}

function checkScheduleEvent(e: Record<string, unknown>, config: RetrainConfig): CheckedEvent {
  if (e.model !== config.model)
    throw new InvalidEventError('model', e.model, `${JSON.stringify(config.model)} (this function retrains only that model)`);
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
