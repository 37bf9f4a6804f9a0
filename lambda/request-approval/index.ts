import { createHash } from 'crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ApprovalEvidence, ApprovalRequest, ENV, RequestApprovalEvent, StoredApprovalRequest } from '../../contracts/approval';
import { buildLink } from '../../contracts/approval-link';
import { decodeKey, parseSecret, signLink } from '../shared/approval/links';
import { InvalidEventError, parseS3Uri, requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';
import { deploymentLine, deploymentOf, triggerLine, triggerOf } from './context';

/**
 * The approval gate's first half: invoked by the training pipeline's `RequestApproval` task
 * (`.waitForTaskToken`) with a {@link RequestApprovalEvent}.
 *
 * Validates the event, stores an {@link ApprovalRequest} (task token included) in DynamoDB, signs one
 * link per approver with the secret's `current` key and publishes one SNS message per approver, with
 * the message attribute `approver` (their e-mail subscription's filter policy matches on it, so each
 * approver receives only their own link). Returns `{ requestId, expiresAt, notified }`; the pipeline
 * then waits for approval-page to send the task token's result.
 *
 * Idempotent: `requestId` is derived from the task token, so a retry of the same task finds the item
 * it wrote (conditional put on `attribute_not_exists(requestId)`) and reuses it. Once every message is
 * published the item gets `notifiedAt`; a retry that finds `notifiedAt` (or a decided request)
 * publishes nothing. A retry after a partial publish publishes to every approver again.
 *
 * The task token never leaves the DynamoDB item: it is in no message, log line, error or result.
 */
export interface RequestApprovalResult {
  readonly requestId: string;
  /** Epoch seconds after which the links are refused. */
  readonly expiresAt: number;
  /** Messages published by this invocation (0 when a retry finds the approvers already notified). */
  readonly notified: number;
}

export const MIN_TIMEOUT_SECONDS = 60;
/** One year. */
export const MAX_TIMEOUT_SECONDS = 31_536_000;
export const MAX_APPROVERS = 20;
/** DynamoDB TTL: the item is kept this long after the links expire. */
export const TTL_AFTER_EXPIRY_SECONDS = 30 * 24 * 3600;
/** SNS subjects must be shorter than 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;
/** Step Functions accepts task tokens of 1 to 2048 characters. */
const MAX_TASK_TOKEN_LENGTH = 2048;
const MAX_METRICS = 100;

/** As `MODEL_NAME` in lib/config/model-schema.ts. */
const MODEL_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,23}(?<!-)$/;
/** As `ENVIRONMENT_NAME` in lib/config/environment.ts. */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,15}$/;
/** As the approvers' addresses in lib/config/model-schema.ts (applied after lower-casing). */
const EMAIL = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/;
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[A-Za-z0-9_-]{1,80}:[^\s:]{1,80}(:[^\s:]+)?$/;
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[A-Za-z0-9-]{1,63}(\/\d+)?$/;
const TRAINING_JOB_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:training-job\/[A-Za-z0-9-]{1,63}$/;

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const sns = new SNSClient({});
const secrets = new SecretsManagerClient({});

/** The deterministic request id of a task token: base64url of its SHA-256, first 32 characters (192 bits). */
export function requestIdOf(taskToken: string): string {
  return createHash('sha256').update(taskToken, 'utf8').digest('base64url').slice(0, 32);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
  throw new InvalidEventError('taskToken', shown, `a task token ($$.Task.Token): a string of 1 to ${MAX_TASK_TOKEN_LENGTH} characters without surrounding whitespace`);
}

function validateApprovers(value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_APPROVERS) {
    throw new InvalidEventError('approvers', value, `an array of 1 to ${MAX_APPROVERS} e-mail addresses`);
  }
  const approvers = value.map((v, i) => matching(`approvers[${i}]`, typeof v === 'string' ? v.toLowerCase() : v, EMAIL, 'an e-mail address such as "alice@example.com"'));
  approvers.forEach((a, i) => {
    if (approvers.indexOf(a) !== i) throw new InvalidEventError(`approvers[${i}]`, value[i], `an address not already listed (duplicate of approvers[${approvers.indexOf(a)}], compared lower-case)`);
  });
  return approvers;
}

function validateEvidence(value: unknown): ApprovalEvidence {
  if (!isObject(value)) throw new InvalidEventError('evidence', value, 'an object with metric, candidateValue, metrics, trainingDataUri, trainingDataManifestUri and trainingJobArn');
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
    approvedModelPackageArn: value.approvedModelPackageArn === undefined ? undefined
      : matching('evidence.approvedModelPackageArn', value.approvedModelPackageArn, MODEL_PACKAGE_ARN, 'a SageMaker model package ARN (or no field)'),
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
    throw new InvalidEventError('event', event, 'an object with taskToken, executionArn, model, environment, modelPackageArn, approvers, '
      + 'timeoutSeconds, evidence, evaluationDataUri, executionInput and deployment');
  }
  const taskToken = validateTaskToken(event.taskToken);
  const executionArn = matching('executionArn', event.executionArn, EXECUTION_ARN, 'a Step Functions execution ARN ($$.Execution.Id)');
  const model = matching('model', event.model, MODEL_NAME, 'a model name: lower-case letters, digits and single hyphens, starting with a letter, at most 24 characters');
  const environment = matching('environment', event.environment, ENVIRONMENT_NAME, 'an environment name: lower-case letters, digits and hyphens, starting with a letter, at most 16 characters');
  const modelPackageArn = matching('modelPackageArn', event.modelPackageArn, MODEL_PACKAGE_ARN, 'a SageMaker model package ARN');
  const approvers = validateApprovers(event.approvers);
  const timeoutSeconds = event.timeoutSeconds;
  if (typeof timeoutSeconds !== 'number' || !Number.isInteger(timeoutSeconds) || timeoutSeconds < MIN_TIMEOUT_SECONDS || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new InvalidEventError('timeoutSeconds', timeoutSeconds, `an integer from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS} (one year)`);
  }
  const evidence = validateEvidence(event.evidence);
  // The run's context is checked when present; absent (a run started on a pipeline definition from before it was sent,
  // reaching the gate after an update of this function), the page says it was not recorded rather than the run failing.
  const evaluationDataUri = event.evaluationDataUri === undefined ? undefined : s3Uri('evaluationDataUri', event.evaluationDataUri);
  const deployment = event.deployment === undefined ? undefined : deploymentOf(event.deployment);
  const trigger = 'executionInput' in event ? triggerOf(event.executionInput) : undefined;
  return {
    taskToken, executionArn, model, environment, modelPackageArn, approvers, timeoutSeconds, evidence, evaluationDataUri, trigger, deployment,
  };
}

interface Settings {
  readonly tableName: string;
  readonly secretArn: string;
  readonly topicArn: string;
  readonly baseUrl: string;
}

function settings(): Settings {
  const baseUrl = requiredEnv(ENV.BASE_URL);
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(baseUrl) || baseUrl.endsWith('/')) {
    throw new Error(`Environment variable ${ENV.BASE_URL} is ${JSON.stringify(baseUrl)}; expected an https:// URL without a trailing slash`);
  }
  return { tableName: requiredEnv(ENV.TABLE_NAME), secretArn: requiredEnv(ENV.SECRET_ARN), topicArn: requiredEnv(ENV.TOPIC_ARN), baseUrl };
}

/** Up to 6 significant digits, without floating-point noise: 0.1 + 0.2 -> "0.3". */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** `Approval needed: <model> (<environment>) <metric> <value>`, cut to fewer than 100 characters. */
export function subjectOf(request: Pick<ApprovalRequest, 'model' | 'environment' | 'evidence'>): string {
  const subject = `Approval needed: ${request.model} (${request.environment}) ${request.evidence.metric} ${formatNumber(request.evidence.candidateValue)}`;
  return subject.length <= MAX_SUBJECT_LENGTH ? subject : `${subject.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

/** The line comparing the candidate with the approved model. */
export function comparisonOf(evidence: ApprovalEvidence): string {
  const candidate = `${evidence.metric}: candidate ${formatNumber(evidence.candidateValue)}`;
  if (evidence.approvedValue === undefined) return `${candidate}, no approved model yet`;
  const delta = Number((evidence.candidateValue - evidence.approvedValue).toPrecision(6));
  return `${candidate} vs approved ${formatNumber(evidence.approvedValue)} (delta ${delta > 0 ? '+' : ''}${formatNumber(delta)})`;
}

/** The plain-text message of one approver. */
export function messageOf(request: ApprovalRequest, approver: string, link: string): string {
  const { evidence } = request;
  const metricNames = Object.keys(evidence.metrics).sort();
  return [
    `A candidate model is waiting for your approval before the pipeline continues.`,
    '',
    `Model: ${request.model}`,
    `Environment: ${request.environment}`,
    `Candidate model package: ${request.modelPackageArn}`,
    comparisonOf(evidence),
    `Approved model package: ${evidence.approvedModelPackageArn ?? 'none (no approved model yet)'}`,
    '',
    'All metrics of the candidate:',
    ...(metricNames.length > 0 ? metricNames.map((name) => `  ${name}: ${formatNumber(evidence.metrics[name])}`) : ['  (none reported)']),
    '',
    `Approving deploys to: ${deploymentLine(request)}`,
    `Triggered by: ${triggerLine(request)}`,
    `Evaluation data: ${request.evaluationDataUri ?? 'not recorded'}`,
    `Training data: ${evidence.trainingDataUri}`,
    `Training data manifest: ${evidence.trainingDataManifestUri}`,
    `Training job: ${evidence.trainingJobArn}`,
    `Pipeline execution: ${request.executionArn}`,
    `Requested at: ${request.requestedAt}`,
    `Expires at: ${new Date(request.expiresAt * 1000).toISOString()} (the pipeline stops waiting then)`,
    '',
    'Review the evidence and approve or reject (a comment is required):',
    link,
    '',
    `This link is for ${approver} only and is valid until the expiry above: do not forward it.`,
    `Request ID: ${request.requestId}`,
  ].join('\n');
}

function isConditionalCheckFailed(error: unknown): boolean {
  return isObject(error) && error.name === 'ConditionalCheckFailedException';
}

async function signingKey(secretArn: string): Promise<Buffer> {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (typeof secret.SecretString !== 'string') throw new Error(`Signing secret ${secretArn} has no SecretString; expected JSON {"current": "<base64 key>"}`);
  return decodeKey(parseSecret(secret.SecretString).current);
}

/** Writes the request, or on a retry loads the one the first attempt wrote. */
async function storeRequest(tableName: string, item: ApprovalRequest): Promise<StoredApprovalRequest> {
  try {
    await ddb.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(requestId)' }));
    return item;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  const existing = await ddb.send(new GetCommand({ TableName: tableName, Key: { requestId: item.requestId }, ConsistentRead: true }));
  const stored = existing.Item as StoredApprovalRequest | undefined;
  if (!stored) throw new Error(`Approval request ${item.requestId} already exists but could not be read back`);
  // Equal hashes of different tokens would be a SHA-256 collision; checked rather than assumed.
  if (stored.taskToken !== item.taskToken) throw new Error(`Approval request ${item.requestId} belongs to another task token`);
  logger.info('approval request already stored: retry of the same task', { requestId: item.requestId, status: stored.status, notifiedAt: stored.notifiedAt });
  return stored;
}

export async function handler(event: unknown): Promise<RequestApprovalResult> {
  const input = validate(event);
  const config = settings();
  const key = await signingKey(config.secretArn);

  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + input.timeoutSeconds;
  const request = await storeRequest(config.tableName, {
    requestId: requestIdOf(input.taskToken),
    taskToken: input.taskToken,
    executionArn: input.executionArn,
    model: input.model,
    environment: input.environment,
    modelPackageArn: input.modelPackageArn,
    approvers: input.approvers,
    evidence: input.evidence,
    evaluationDataUri: input.evaluationDataUri,
    trigger: input.trigger,
    deployment: input.deployment,
    requestedAt: new Date(now * 1000).toISOString(),
    expiresAt,
    ttl: expiresAt + TTL_AFTER_EXPIRY_SECONDS,
    status: 'PENDING',
  });
  const { requestId } = request;
  if (request.notifiedAt !== undefined || request.status !== 'PENDING') {
    logger.info('approvers already notified: nothing published', { requestId, status: request.status, notifiedAt: request.notifiedAt });
    return { requestId, expiresAt: request.expiresAt, notified: 0 };
  }

  // The stored request is the truth: on a retry its expiry (hence its links) is the first attempt's.
  const subject = subjectOf(request);
  for (const approver of request.approvers) {
    const link = buildLink(config.baseUrl, { requestId, approver, expires: request.expiresAt, sig: signLink(key, requestId, approver, request.expiresAt) });
    await sns.send(new PublishCommand({
      TopicArn: config.topicArn,
      Subject: subject,
      Message: messageOf(request, approver, link),
      MessageAttributes: { approver: { DataType: 'String', StringValue: approver } },
    }));
  }
  await ddb.send(new UpdateCommand({
    TableName: config.tableName,
    Key: { requestId },
    UpdateExpression: 'SET notifiedAt = :now',
    ConditionExpression: 'attribute_exists(requestId)',
    ExpressionAttributeValues: { ':now': new Date().toISOString() },
  }));
  logger.info('approval requested', {
    requestId, model: request.model, environment: request.environment, executionArn: request.executionArn,
    approvers: request.approvers.length, expiresAt: request.expiresAt,
  });
  return { requestId, expiresAt: request.expiresAt, notified: request.approvers.length };
}
