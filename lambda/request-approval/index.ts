import { createHash } from 'crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ApprovalRequest, ENV, StoredApprovalRequest } from '../../contracts/approval';
import { buildLink } from '../../contracts/approval-link';
import { decodeKey, parseSecret, signLink } from '../shared/approval/links';
import { requiredEnv } from '../shared/input/event';
import { isObject } from '../shared/input/json';
import { logger } from '../shared/logging/logger';
import { TTL_AFTER_EXPIRY_SECONDS, validate } from './event';
import { messageOf, subjectOf } from './message';

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

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const sns = new SNSClient({});
const secrets = new SecretsManagerClient({});

/** The deterministic request id of a task token: base64url of its SHA-256, first 32 characters (192 bits). */
export function requestIdOf(taskToken: string): string {
  return createHash('sha256').update(taskToken, 'utf8').digest('base64url').slice(0, 32);
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

/** Whether a DynamoDB error is a failed condition. */
function isConditionalCheckFailed(error: unknown): boolean {
  return isObject(error) && error.name === 'ConditionalCheckFailedException';
}

async function signingKey(secretArn: string): Promise<Buffer> {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (typeof secret.SecretString !== 'string')
    throw new Error(`Signing secret ${secretArn} has no SecretString; expected JSON {"current": "<base64 key>"}`);
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
  logger.info('approval request already stored: retry of the same task', {
    requestId: item.requestId,
    status: stored.status,
    notifiedAt: stored.notifiedAt,
  });
  return stored;
}

/** The request function's Lambda handler (see the module comment). */
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
    const link = buildLink(config.baseUrl, {
      requestId,
      approver,
      expires: request.expiresAt,
      sig: signLink(key, requestId, approver, request.expiresAt),
    });
    await sns.send(
      new PublishCommand({
        TopicArn: config.topicArn,
        Subject: subject,
        Message: messageOf(request, approver, link),
        MessageAttributes: { approver: { DataType: 'String', StringValue: approver } },
      }),
    );
  }
  await ddb.send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: { requestId },
      UpdateExpression: 'SET notifiedAt = :now',
      ConditionExpression: 'attribute_exists(requestId)',
      ExpressionAttributeValues: { ':now': new Date().toISOString() },
    }),
  );
  logger.info('approval requested', {
    requestId,
    model: request.model,
    environment: request.environment,
    executionArn: request.executionArn,
    approvers: request.approvers.length,
    expiresAt: request.expiresAt,
  });
  return { requestId, expiresAt: request.expiresAt, notified: request.approvers.length };
}
