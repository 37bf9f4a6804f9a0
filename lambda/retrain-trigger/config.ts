import { MODEL_NAME } from '../../contracts/names';
import { requiredEnv } from '../shared/input/event';
import { DEFAULTS, RetrainConfig } from './types';

/*
 * The retraining trigger's settings, read from its environment and checked.
 */

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
/** A CloudWatch alarm ARN; the name is the first group. */
export const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:(.+)$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** CloudWatch's rule for namespaces; `AWS/` is reserved for AWS services. */
const METRIC_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/;

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
    model: setting(
      'MODEL_NAME',
      undefined,
      matching(MODEL_NAME),
      'a model name (lower case letters, digits and single hyphens, at most 24 characters)',
    ),
    allowedAlarmArns: setting(
      'ALLOWED_ALARM_ARNS',
      undefined,
      alarmArnList,
      'a JSON array of CloudWatch alarm ARNs (arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>); [] for schedule-only retraining',
    ),
    // At least one minute: the cooldown is what serialises concurrent starts (see the guardrails).
    cooldownMinutes: setting('COOLDOWN_MINUTES', String(DEFAULTS.COOLDOWN_MINUTES), integerIn(1, 525_600), 'an integer from 1 to 525600 (minutes)'),
    maxStartsPerDay: setting('MAX_STARTS_PER_DAY', String(DEFAULTS.MAX_STARTS_PER_DAY), integerIn(1, 100), 'an integer from 1 to 100'),
    // At most 90 days: beyond that, Step Functions no longer keeps the execution names either.
    idempotencyTtlHours: setting(
      'IDEMPOTENCY_TTL_HOURS',
      String(DEFAULTS.IDEMPOTENCY_TTL_HOURS),
      integerIn(1, 2160),
      'an integer from 1 to 2160 (hours)',
    ),
    metricNamespace: setting(
      'METRIC_NAMESPACE',
      DEFAULTS.METRIC_NAMESPACE,
      matching(METRIC_NAMESPACE),
      'a CloudWatch namespace (1 to 255 of A-Z a-z 0-9 . - _ / # : and space, not starting with "AWS/")',
    ),
  };
  const parameterName = process.env.TRAINING_DATA_PARAMETER;
  const requiredPrefix = process.env.TRAINING_DATA_PREFIX;
  if (parameterName || requiredPrefix) {
    if (!parameterName || !/^(\/[A-Za-z0-9_.-]+){2,15}$/.test(parameterName)) {
      problems.push(
        `Environment variable TRAINING_DATA_PARAMETER is ${JSON.stringify(parameterName ?? '')}; expected an SSM parameter path such as ` +
          `/mlops/dev/models/churn/training-data-uri`,
      );
    }
    if (!requiredPrefix || !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^\s]+\/$/.test(requiredPrefix)) {
      problems.push(`Environment variable TRAINING_DATA_PREFIX is ${JSON.stringify(requiredPrefix ?? '')}; expected s3://<bucket>/<prefix>/`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid configuration of the retraining function: ${problems.join('; ')}`);
  return parameterName && requiredPrefix ? { ...config, trainingData: { parameterName, requiredPrefix } } : config;
}
