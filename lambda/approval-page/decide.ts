import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ApprovalDecision, ApprovalStatus, DecisionRecord, ENV, StoredApprovalRequest } from '../../contracts/approval';
import { requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';
import { DeliveryContext, errorName, RetryableFailure, settleDelivery } from './delivery';
import { formatTime } from './format';
import { alreadyDecided, DecisionForm, Refusal } from './parse';
import { answer } from './response';

/*
 * A decision, once the link is verified: claim the request once (DynamoDB conditional update PENDING -> APPROVED/REJECTED),
 * write the decision record to the audit bucket, deliver the decision to the waiting pipeline (delivery.ts).
 */

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({});
/** No SDK retries: every SendTaskSuccess attempt must be accounted for (delivery.ts retries throttling itself). */
const sfn = new SFNClient({ maxAttempts: 1 });

/** The function's settings, from its environment. */
export interface Settings {
  readonly tableName: string;
  readonly secretArn: string;
  readonly auditBucket: string;
  readonly decisionPrefix: string;
}

/** The function's settings; a missing variable is a configuration error naming it. */
export function settings(): Settings {
  return {
    tableName: requiredEnv(ENV.TABLE_NAME),
    secretArn: requiredEnv(ENV.SECRET_ARN),
    auditBucket: requiredEnv(ENV.AUDIT_BUCKET),
    decisionPrefix: requiredEnv(ENV.DECISION_PREFIX),
  };
}

/** The stored request, read consistently. */
export async function loadRequest(config: Settings, requestId: string): Promise<StoredApprovalRequest | undefined> {
  const out = await ddb.send(new GetCommand({ TableName: config.tableName, Key: { requestId }, ConsistentRead: true }));
  return out.Item as StoredApprovalRequest | undefined;
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** Claims a pending request for this decision; returns the claimed item, or undefined when the condition failed. */
async function claim(
  config: Settings,
  request: StoredApprovalRequest,
  form: DecisionForm,
  status: ApprovalStatus,
  nowMs: number,
): Promise<StoredApprovalRequest | undefined> {
  const decidedAt = new Date(nowMs).toISOString();
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: { requestId: request.requestId },
        UpdateExpression: 'SET #status = :decided, decidedBy = :approver, decidedAt = :decidedAt, #comment = :comment',
        ConditionExpression: '#status = :pending AND expiresAt > :now',
        ExpressionAttributeNames: { '#status': 'status', '#comment': 'comment' },
        ExpressionAttributeValues: {
          ':decided': status,
          ':pending': 'PENDING',
          ':approver': form.link.approver,
          ':decidedAt': decidedAt,
          ':comment': form.comment,
          ':now': Math.floor(nowMs / 1000),
        },
      }),
    );
  } catch (error) {
    if (errorName(error) === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
  return { ...request, status, decidedBy: form.link.approver, decidedAt, comment: form.comment };
}

/** Writes the decision record once: a 412 means an earlier attempt wrote it (it is append-only). */
async function writeRecord(config: Settings, key: string, record: DecisionRecord): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: config.auditBucket,
        Key: key,
        Body: JSON.stringify(record, null, 2),
        ContentType: 'application/json',
        ChecksumAlgorithm: 'SHA256',
        IfNoneMatch: '*',
      }),
    );
  } catch (error) {
    if (errorName(error) === 'PreconditionFailed' || httpStatusOf(error) === 412) return;
    logger.error('could not write the decision record', { requestId: record.requestId, recordUri: record.recordUri, errorName: errorName(error) });
    throw new RetryableFailure(
      'Your decision is saved, but its audit record could not be written yet. Submit the form again (it is safe: your decision will not be ' +
        'duplicated).',
      'record-write-failed',
    );
  }
}

/** Claims, records and delivers a decision; the page answers the delivery outcome (the same for every submission). */
export async function decide(config: Settings, request: StoredApprovalRequest, form: DecisionForm, nowMs: number): Promise<APIGatewayProxyResult> {
  const { approver } = form.link;
  const status: ApprovalStatus = form.decision === 'approve' ? 'APPROVED' : 'REJECTED';
  const sameDecision = (r: StoredApprovalRequest): boolean => r.status === status && r.decidedBy === approver;

  let claimed: StoredApprovalRequest | undefined;
  let retry = false;
  if (request.status === 'PENDING') {
    if (request.expiresAt <= Math.floor(nowMs / 1000))
      throw new Refusal(
        410,
        `This request expired at ${formatTime(request.expiresAt)}: the approval gate has stopped waiting for a decision.`,
        'request-expired',
      );
    claimed = await claim(config, request, form, status, nowMs);
    if (!claimed) {
      // Someone (or this approver's other click) decided in between, or the request just expired.
      const current = await loadRequest(config, request.requestId);
      if (!current)
        throw new Refusal(404, 'There is no approval request with this ID. It may have been removed after it expired.', 'unknown-request');
      if (current.status === 'PENDING')
        throw new Refusal(
          410,
          `This request expired at ${formatTime(current.expiresAt)}: the approval gate has stopped waiting for a decision.`,
          'request-expired',
        );
      if (!sameDecision(current)) throw alreadyDecided(current, approver);
      claimed = current;
      retry = true;
    }
  } else if (sameDecision(request)) {
    claimed = request;
    retry = true;
  } else {
    throw alreadyDecided(request, approver);
  }

  const key = `${config.decisionPrefix}${claimed.requestId}.json`;
  const decision: ApprovalDecision = {
    decision: status === 'APPROVED' ? 'approved' : 'rejected',
    approver,
    comment: claimed.comment ?? form.comment,
    decidedAt: claimed.decidedAt ?? new Date(nowMs).toISOString(),
    requestId: claimed.requestId,
    recordUri: `s3://${config.auditBucket}/${key}`,
  };
  const record: DecisionRecord = {
    schemaVersion: 1,
    ...decision,
    executionArn: claimed.executionArn,
    model: claimed.model,
    environment: claimed.environment,
    modelPackageArn: claimed.modelPackageArn,
    requestedAt: claimed.requestedAt,
    evidence: claimed.evidence,
  };
  await writeRecord(config, key, record);
  const outcome = await settleDelivery(deliveryContext(config), claimed, decision);
  logger.info('approval decision recorded', {
    requestId: claimed.requestId,
    model: claimed.model,
    environment: claimed.environment,
    executionArn: claimed.executionArn,
    modelPackageArn: claimed.modelPackageArn,
    decision: decision.decision,
    approver,
    decidedAt: decision.decidedAt,
    recordUri: decision.recordUri,
    gateOutcome: outcome,
    retry,
  });
  return answer(outcome, claimed, decision);
}

function deliveryContext(config: Settings): DeliveryContext {
  return { ddb, sfn, tableName: config.tableName };
}
