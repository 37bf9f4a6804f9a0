import type { ApprovalDeploymentTarget, ApprovalRequest, ApprovalRollout, ApprovalTrigger } from '../../contracts/approval';
import { TRIGGER_TYPES } from '../../contracts/trigger';
import { InvalidEventError } from '../shared/input/event';
import { isObject } from '../shared/input/json';

/**
 * The run's context shown to approvers besides the evidence: what started the run (from the execution
 * input) and where approving deploys (the deployment target the pipeline sends). Pure validation, no I/O.
 */

/** Longest trigger reason kept (a CloudWatch alarm's reason can be long). */
export const MAX_TRIGGER_REASON = 1000;
const MAX_ALARMS = 10;
/** SageMaker endpoint names. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
/** CloudWatch alarm names: 1 to 255 characters without control characters. */
// eslint-disable-next-line no-control-regex
const ALARM_NAME = /^[^\u0000-\u001f\u007f-\u009f]{1,255}$/;
const STRATEGIES: ReadonlyArray<ApprovalRollout['strategy']> = ['canary', 'linear', 'all-at-once'];

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  if (clean.length === 0) return undefined;
  return clean.length <= max ? clean : `${clean.slice(0, max - 3)}...`;
}

/**
 * The `trigger` of the execution input, normalised: it is free-form (a person starting a run may write
 * anything), so nothing in it is refused; unknown types become `unspecified`, other fields are dropped.
 * The alarm is `trigger.alarmName`, else `trigger.alarm` (a name or an object with `name`).
 */
export function triggerOf(executionInput: unknown): ApprovalTrigger {
  const trigger = isObject(executionInput) ? executionInput.trigger : undefined;
  if (!isObject(trigger)) return { type: 'unspecified' };
  const type = TRIGGER_TYPES.find((t) => t === trigger.type) ?? 'unspecified';
  const alarm = isObject(trigger.alarm) ? trigger.alarm.name : trigger.alarm;
  const result: ApprovalTrigger = {
    type,
    alarmName: text(trigger.alarmName, 255) ?? text(alarm, 255),
    reason: text(trigger.reason, MAX_TRIGGER_REASON),
    time: text(trigger.time, 64) ?? text(trigger.eventTime, 64),
  };
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as unknown as ApprovalTrigger;
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidEventError(field, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

function matching(field: string, value: unknown, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new InvalidEventError(field, value, expected);
  return value;
}

function rolloutOf(value: unknown): ApprovalRollout {
  if (!isObject(value)) throw new InvalidEventError('deployment.rollout', value, 'an object (the real-time rollout settings)');
  const strategy = STRATEGIES.find((s) => s === value.strategy);
  if (!strategy) throw new InvalidEventError('deployment.rollout.strategy', value.strategy, STRATEGIES.map((s) => JSON.stringify(s)).join(', '));
  return {
    strategy,
    trafficPercent: integer('deployment.rollout.trafficPercent', value.trafficPercent, 1, 100),
    waitSeconds: integer('deployment.rollout.waitSeconds', value.waitSeconds, 0, 3600),
    terminationWaitSeconds: integer('deployment.rollout.terminationWaitSeconds', value.terminationWaitSeconds, 0, 3600),
    maximumExecutionTimeoutSeconds: integer('deployment.rollout.maximumExecutionTimeoutSeconds', value.maximumExecutionTimeoutSeconds, 600, 28800),
  };
}

/** Checks the deployment target; returns it with only the fields of its mode. */
export function deploymentOf(value: unknown): ApprovalDeploymentTarget {
  if (!isObject(value)) throw new InvalidEventError('deployment', value, 'an object with endpointName and mode');
  const endpointName = matching('deployment.endpointName', value.endpointName, ENDPOINT_NAME, 'a SageMaker endpoint name');
  if (value.mode === 'serverless') {
    return {
      endpointName,
      mode: 'serverless',
      memoryMb: integer('deployment.memoryMb', value.memoryMb, 1024, 6144),
      maxConcurrency: integer('deployment.maxConcurrency', value.maxConcurrency, 1, 200),
    };
  }
  if (value.mode !== 'realtime') throw new InvalidEventError('deployment.mode', value.mode, '"realtime" or "serverless"');
  const alarms = value.rollbackAlarmNames;
  if (!Array.isArray(alarms) || alarms.length > MAX_ALARMS) {
    throw new InvalidEventError('deployment.rollbackAlarmNames', alarms, `an array of at most ${MAX_ALARMS} CloudWatch alarm names`);
  }
  const autoscaling = value.autoscaling;
  if (autoscaling !== undefined && !isObject(autoscaling)) {
    throw new InvalidEventError('deployment.autoscaling', autoscaling, 'an object (or no field)');
  }
  return {
    endpointName,
    mode: 'realtime',
    instanceType: matching('deployment.instanceType', value.instanceType, INSTANCE_TYPE, 'a SageMaker instance type such as "ml.m5.large"'),
    instanceCount: integer('deployment.instanceCount', value.instanceCount, 1, 1000),
    ...(autoscaling
      ? {
          autoscaling: {
            minInstances: integer('deployment.autoscaling.minInstances', autoscaling.minInstances, 1, 1000),
            maxInstances: integer('deployment.autoscaling.maxInstances', autoscaling.maxInstances, 1, 1000),
          },
        }
      : {}),
    rollout: rolloutOf(value.rollout),
    rollbackAlarmNames: alarms.map((a, i) => matching(`deployment.rollbackAlarmNames[${i}]`, a, ALARM_NAME, 'a CloudWatch alarm name')),
  };
}

/** `endpoint churn-prod (real-time, 2 x ml.m5.large, canary 25 %)` for the message; the page shows every detail. */
export function deploymentLine(request: Pick<ApprovalRequest, 'deployment'>): string {
  const d = request.deployment;
  if (!d) return 'not recorded';
  if (d.mode === 'serverless') return `endpoint ${d.endpointName} (serverless, ${d.memoryMb} MB)`;
  const rollout = d.rollout ? `, ${d.rollout.strategy}${d.rollout.strategy === 'all-at-once' ? '' : ` ${d.rollout.trafficPercent} %`}` : '';
  return `endpoint ${d.endpointName} (real-time, ${d.instanceCount} x ${d.instanceType}${rollout})`;
}

/** `drift (alarm churn-drift)`, `schedule`, `manual`, `not stated ...` or `not recorded` for the message. */
export function triggerLine(request: Pick<ApprovalRequest, 'trigger'>): string {
  const t = request.trigger;
  if (!t) return 'not recorded';
  if (t.type === 'unspecified') return 'not stated in the execution input';
  return t.alarmName ? `${t.type} (alarm ${t.alarmName})` : t.type;
}
