import type { ApprovalEvidence, ApprovalRequest, RequestApprovalEvent } from '../../contracts/approval';
import { ENVIRONMENT_NAME, MODEL_NAME } from '../../contracts/names';
import { InvalidEventError, parseS3Uri } from '../shared/input/event';
import { isObject } from '../shared/input/json';
import { deploymentOf, triggerOf } from './context';

/*
 * The request function's event ({@link RequestApprovalEvent}), checked field by field.
 */

/** Shortest gate timeout, in seconds. */
export const MIN_TIMEOUT_SECONDS = 60;
/** One year. */
export const MAX_TIMEOUT_SECONDS = 31_536_000;
/** Most approvers of one model in one environment. */
export const MAX_APPROVERS = 20;
/** DynamoDB TTL: the item is kept this long after the links expire. */
export const TTL_AFTER_EXPIRY_SECONDS = 30 * 24 * 3600;
/** SNS subjects must be shorter than 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;
/** Step Functions accepts task tokens of 1 to 2048 characters. */
const MAX_TASK_TOKEN_LENGTH = 2048;
const MAX_METRICS = 100;

/** As the approvers' addresses in lib/config/model-schema.ts (applied after lower-casing). */
const EMAIL = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/;
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[A-Za-z0-9_-]{1,80}:[^\s:]{1,80}(:[^\s:]+)?$/;
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[A-Za-z0-9-]{1,63}(\/\d+)?$/;
const TRAINING_JOB_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:training-job\/[A-Za-z0-9-]{1,63}$/;

function matching(field: string, value: unknown, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new InvalidEventError(field, value, expected);
  return value;
}

function finite(field: string, value: unknown): number {
  // NaN and Infinity are shown as such (JSON would show them as null).
  if (typeof value === 'number' && !Number.isFinite(value)) throw new InvalidEventError(field, String(value), 'a finite number');
  if (typeof value !== 'number') throw new InvalidEventError(field, value, 'a finite number');
  return value;
}

function s3Uri(field: string, value: unknown): string {
  parseS3Uri(field, value);
  return value as string;
}

function validateTaskToken(value: unknown): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_TASK_TOKEN_LENGTH && value.trim() === value) return value;
  // The value itself is never echoed: a malformed token may still be a real one.
  const shown = typeof value === 'string' ? `<redacted string of ${value.length} characters>` : value;
  throw new InvalidEventError(
    'taskToken',
    shown,
    `a task token ($$.Task.Token): a string of 1 to ${MAX_TASK_TOKEN_LENGTH} characters without surrounding whitespace`,
  );
}

function validateApprovers(value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_APPROVERS) {
    throw new InvalidEventError('approvers', value, `an array of 1 to ${MAX_APPROVERS} e-mail addresses`);
  }
  const approvers = value.map((v, i) =>
    matching(`approvers[${i}]`, typeof v === 'string' ? v.toLowerCase() : v, EMAIL, 'an e-mail address such as "alice@example.com"'),
  );
  approvers.forEach((a, i) => {
    if (approvers.indexOf(a) !== i)
      throw new InvalidEventError(
        `approvers[${i}]`,
        value[i],
        `an address not already listed (duplicate of approvers[${approvers.indexOf(a)}], compared lower-case)`,
      );
  });
  return approvers;
}

function validateEvidence(value: unknown): ApprovalEvidence {
  if (!isObject(value))
    throw new InvalidEventError(
      'evidence',
      value,
      'an object with metric, candidateValue, metrics, trainingDataUri, trainingDataManifestUri and trainingJobArn',
    );
  const metrics = value.metrics;
  if (!isObject(metrics) || Object.keys(metrics).length > MAX_METRICS) {
    throw new InvalidEventError('evidence.metrics', metrics, `an object of at most ${MAX_METRICS} metric names to finite numbers`);
  }
  const validMetrics: Record<string, number> = {};
  for (const [name, metricValue] of Object.entries(metrics)) {
    matching('evidence.metrics key', name, METRIC_NAME, 'a metric name: a letter, then up to 63 letters, digits or _ . : -');
    // An undefined metric (evaluate.py writes null, e.g. auc of a one-class set) is left out of the evidence.
    if (metricValue === null) continue;
    validMetrics[name] = finite(`evidence.metrics.${name}`, metricValue);
  }
  return {
    metric: matching('evidence.metric', value.metric, METRIC_NAME, 'a metric name: a letter, then up to 63 letters, digits or _ . : -'),
    candidateValue: finite('evidence.candidateValue', value.candidateValue),
    approvedValue: value.approvedValue === undefined ? undefined : finite('evidence.approvedValue', value.approvedValue),
    approvedModelPackageArn:
      value.approvedModelPackageArn === undefined
        ? undefined
        : matching(
            'evidence.approvedModelPackageArn',
            value.approvedModelPackageArn,
            MODEL_PACKAGE_ARN,
            'a SageMaker model package ARN (or no field)',
          ),
    metrics: validMetrics,
    trainingDataUri: s3Uri('evidence.trainingDataUri', value.trainingDataUri),
    trainingDataManifestUri: s3Uri('evidence.trainingDataManifestUri', value.trainingDataManifestUri),
    trainingJobArn: matching('evidence.trainingJobArn', value.trainingJobArn, TRAINING_JOB_ARN, 'a SageMaker training job ARN'),
  };
}

/** The validated event: the execution input reduced to its normalised trigger. */
export type ValidatedEvent = Omit<RequestApprovalEvent, 'executionInput'> & Pick<ApprovalRequest, 'trigger'>;

/** Checks every field; returns the event with approvers lower-cased and unknown fields dropped. */
export function validate(event: unknown): ValidatedEvent {
  if (!isObject(event)) {
    throw new InvalidEventError(
      'event',
      event,
      'an object with taskToken, executionArn, model, environment, modelPackageArn, approvers, ' +
        'timeoutSeconds, evidence, evaluationDataUri, executionInput and deployment',
    );
  }
  const taskToken = validateTaskToken(event.taskToken);
  const executionArn = matching('executionArn', event.executionArn, EXECUTION_ARN, 'a Step Functions execution ARN ($$.Execution.Id)');
  const model = matching(
    'model',
    event.model,
    MODEL_NAME,
    'a model name: lower-case letters, digits and single hyphens, starting with a letter, at most 24 characters',
  );
  const environment = matching(
    'environment',
    event.environment,
    ENVIRONMENT_NAME,
    'an environment name: lower-case letters, digits and hyphens, starting with a letter, at most 16 characters',
  );
  const modelPackageArn = matching('modelPackageArn', event.modelPackageArn, MODEL_PACKAGE_ARN, 'a SageMaker model package ARN');
  const approvers = validateApprovers(event.approvers);
  const timeoutSeconds = event.timeoutSeconds;
  if (
    typeof timeoutSeconds !== 'number' ||
    !Number.isInteger(timeoutSeconds) ||
    timeoutSeconds < MIN_TIMEOUT_SECONDS ||
    timeoutSeconds > MAX_TIMEOUT_SECONDS
  ) {
    throw new InvalidEventError('timeoutSeconds', timeoutSeconds, `an integer from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS} (one year)`);
  }
  const evidence = validateEvidence(event.evidence);
  // The run's context is checked when present; absent (a run started on a pipeline definition from before it was sent,
  // reaching the gate after an update of this function), the page says it was not recorded rather than the run failing.
  const evaluationDataUri = event.evaluationDataUri === undefined ? undefined : s3Uri('evaluationDataUri', event.evaluationDataUri);
  const deployment = event.deployment === undefined ? undefined : deploymentOf(event.deployment);
  const trigger = 'executionInput' in event ? triggerOf(event.executionInput) : undefined;
  return {
    taskToken,
    executionArn,
    model,
    environment,
    modelPackageArn,
    approvers,
    timeoutSeconds,
    evidence,
    evaluationDataUri,
    trigger,
    deployment,
  };
}
