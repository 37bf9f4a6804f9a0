import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type DecisionRecord, ENV, type RecordDecisionEvent } from '../../contracts/approval';
import { InvalidEventError, requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';

const s3 = new S3Client({});

function requireString(event: Record<string, unknown>, field: string): string {
  const value = event[field];
  if (typeof value !== 'string' || value.length === 0) throw new InvalidEventError(field, value, 'a non-empty string');
  return value;
}

/**
 * Writes the decision records that no person writes, to the audit bucket, so that every model
 * version has a record of how it was approved or why it was not:
 *
 * - `kind: 'automatic'` (default): an environment whose approval mode is `auto` approved it;
 * - `kind: 'timeout'`: nobody decided before the gate timed out, so it was rejected
 *   (`comment` says after how long).
 *
 * Input: `{ executionArn, model, environment, modelPackageArn, evidence, kind?, comment? }` from the
 * pipeline. Output: `{ recordUri, decidedAt, approver, decision, comment }`. The key is derived from
 * the execution and the kind, so a retry rewrites the same record (a new, equally locked version
 * under Object Lock). The event is a {@link RecordDecisionEvent}, each field checked.
 */
export async function handler(event: unknown): Promise<Pick<DecisionRecord, 'recordUri' | 'decidedAt' | 'approver' | 'decision' | 'comment'>> {
  if (typeof event !== 'object' || event === null) throw new InvalidEventError('event', event, 'an object');
  const e = event as { readonly [K in keyof RecordDecisionEvent]?: unknown };
  const executionArn = requireString(e, 'executionArn');
  const model = requireString(e, 'model');
  const environment = requireString(e, 'environment');
  const modelPackageArn = requireString(e, 'modelPackageArn');
  if (typeof e.evidence !== 'object' || e.evidence === null) throw new InvalidEventError('evidence', e.evidence, 'an object');
  const bucket = requiredEnv(ENV.AUDIT_BUCKET);
  const prefix = requiredEnv(ENV.DECISION_PREFIX);

  const kind = e.kind ?? 'automatic';
  if (kind !== 'automatic' && kind !== 'timeout') throw new InvalidEventError('kind', kind, '"automatic" or "timeout"');
  const timeoutComment = kind === 'timeout' ? requireString(e, 'comment') : undefined;
  const executionName = executionArn.split(':').pop() ?? executionArn;
  const requestId = `${kind === 'timeout' ? 'timeout' : 'auto'}-${executionName}`;
  const key = `${prefix}${requestId}.json`;
  const decidedAt = new Date().toISOString();
  const record: DecisionRecord = {
    schemaVersion: 1,
    decision: kind === 'timeout' ? 'rejected' : 'approved',
    approver: kind === 'timeout' ? 'nobody' : `automatic approval (environment ${environment})`,
    comment: timeoutComment ?? `Environment ${environment} approves automatically: the candidate passed the quality gate.`,
    decidedAt,
    requestId,
    recordUri: `s3://${bucket}/${key}`,
    executionArn,
    model,
    environment,
    modelPackageArn,
    requestedAt: decidedAt,
    evidence: e.evidence as DecisionRecord['evidence'],
  };
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'application/json', Body: JSON.stringify(record) }));
  logger.info('decision recorded', { kind, decision: record.decision, model, environment, modelPackageArn, recordUri: record.recordUri });
  return { recordUri: record.recordUri, decidedAt, approver: record.approver, decision: record.decision, comment: record.comment };
}
