import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApprovalDecision, ApprovalStatus, DecisionRecord, ENV } from '../../contracts/approval';
import { LinkParameters, SigningSecret } from '../../contracts/approval-link';
import { parseSecret, verifyLink } from '../shared/approval/links';
import { requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';
import { DeliveryContext, errorName, GateOutcome, RetryableFailure, settleDelivery, StoredApprovalRequest } from './delivery';
import {
  decidedWord, formatTime, MAX_COMMENT_LENGTH, renderConfirmationPage, renderEvidencePage, renderMessagePage, renderTimedOutPage,
  renderUndeliverablePage, renderUnknownOutcomePage,
} from './render';

export * from './render';
export { DELIVERY_LEASE_MS, DELIVERY_WAITS_MS } from './delivery';
export type { GateOutcome, StoredApprovalRequest } from './delivery';

/**
 * The approval gate's second half: the page an approver opens from their e-mail.
 *
 * API Gateway REST proxy integration (payload v1) on `/approvals/{requestId}`:
 * - `GET ?approver=..&expires=..&sig=..` verifies the link and renders the evidence and a form.
 * - `POST` (form-urlencoded `approver`, `expires`, `sig`, `decision` = approve|reject, `comment`)
 *   runs the same checks (the signature against a fresh read of the signing secret, so a revoked key
 *   decides nothing), claims the request once (DynamoDB conditional update PENDING ->
 *   APPROVED/REJECTED), writes the {@link DecisionRecord} to the audit bucket (`IfNoneMatch: *`),
 *   then delivers the {@link ApprovalDecision} to the waiting pipeline (`SendTaskSuccess`, by exactly
 *   one request at a time: see `delivery.ts`).
 *
 * The same approver submitting the same decision again (double click, retry after an error) redoes
 * the record write idempotently and reads the stored delivery outcome, or delivers when nobody has
 * yet, and gets the same answer. Every other refusal is an HTML page with a 4xx status and makes no
 * DynamoDB update, no S3 write and no Step Functions call. The task token is never rendered or
 * logged; neither is a link's signature.
 */

/** Bodies larger than this are refused before parsing (a full form is well under 20 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;
/** The signing secret is cached in the execution environment this long, for opening pages (never for decisions). */
export const SECRET_CACHE_MS = 5 * 60 * 1000;
/** A link that fails verification re-reads a cached secret older than this (it may have been rotated). */
export const SECRET_REFRESH_AFTER_MS = 30 * 1000;

export type Decision = 'approve' | 'reject';

/** The parsed form of a POST. */
export interface DecisionForm {
  readonly link: LinkParameters;
  readonly decision: Decision;
  readonly comment: string;
}

/** Headers of every response. */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export type RefusalStatus = 400 | 403 | 404 | 405 | 409 | 410;

const TITLES: Record<RefusalStatus, string> = {
  400: 'Request not understood',
  403: 'Link not valid',
  404: 'Approval request not found',
  405: 'Method not allowed',
  409: 'Already decided',
  410: 'Link expired',
};

/** A request the page refuses: rendered as an HTML page with its status, logged as a warning. */
export class Refusal extends Error {
  constructor(readonly statusCode: RefusalStatus, message: string, readonly reason: string) {
    super(message);
    this.name = 'Refusal';
  }
}

/** requestId: base64url, 22+ characters (request-approval makes 32). */
const REQUEST_ID = /^[A-Za-z0-9_-]{22,128}$/;
/** An e-mail address without spaces or control characters (C0, DEL, C1). */
// eslint-disable-next-line no-control-regex
const APPROVER = /^[^\s@\u0000-\u001f\u007f-\u009f]{1,64}@[^\s@\u0000-\u001f\u007f-\u009f]{1,189}$/;
/** Epoch seconds, canonical (no leading zero, no sign, no decimals). */
const EXPIRES = /^[1-9][0-9]{0,11}$/;
/** Base64url; an HMAC-SHA256 is 43 characters, other lengths are refused by the signature check. */
const SIG = /^[A-Za-z0-9_-]{1,128}$/;
/** Control characters (Unicode category Cc): C0 other than tab, line feed and carriage return, DEL, and C1 (U+0080-U+009F). */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({});
/** No SDK retries: every SendTaskSuccess attempt must be accounted for (delivery.ts retries throttling itself). */
const sfn = new SFNClient({ maxAttempts: 1 });
const secrets = new SecretsManagerClient({});

function header(headers: APIGatewayProxyEvent['headers'] | null | undefined, name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1] ?? undefined;
}

/** The path's requestId, or a 404 (no id) / 400 (not a request id). */
export function parseRequestId(value: string | undefined | null): string {
  if (value === undefined || value === null || value === '') throw new Refusal(404, 'There is no page here. Open the link exactly as it appears in your approval e-mail.', 'no-request-id');
  if (!REQUEST_ID.test(value)) throw new Refusal(400, 'This link is malformed: the request ID in its path is not valid. Open the link exactly as it appears in your approval e-mail.', 'malformed-request-id');
  return value;
}

/**
 * Checks `approver`, `expires` and `sig` (from the query of a GET or the form of a POST); a missing
 * or malformed one is a 400 naming it. `get(name)` returns every value of the parameter.
 */
export function parseLinkParameters(requestId: string, get: (name: string) => string[]): LinkParameters {
  const one = (name: string, pattern: RegExp, description: string): string => {
    const values = get(name);
    if (values.length === 0 || values[0] === '') {
      throw new Refusal(400, `This link is incomplete: the "${name}" parameter is missing. Open the link exactly as it appears in your approval e-mail.`, `missing-${name}`);
    }
    if (values.length > 1) throw new Refusal(400, `This link is malformed: the "${name}" parameter appears more than once.`, `duplicate-${name}`);
    if (!pattern.test(values[0])) throw new Refusal(400, `This link is malformed: the "${name}" parameter is not ${description}.`, `malformed-${name}`);
    return values[0];
  };
  const approver = one('approver', APPROVER, 'an e-mail address');
  if (approver.length > 254) throw new Refusal(400, 'This link is malformed: the "approver" parameter is not an e-mail address.', 'malformed-approver');
  const expires = Number(one('expires', EXPIRES, 'a time in epoch seconds'));
  const sig = one('sig', SIG, 'a base64url signature');
  return { requestId, approver, expires, sig };
}

/** The comment, trimmed: 1 to {@link MAX_COMMENT_LENGTH} characters without control characters, else a 400. */
export function validateComment(value: string | undefined): string {
  const comment = (value ?? '').trim();
  if (comment.length === 0) {
    throw new Refusal(400, `A comment is required: go back and explain why you approve or reject this model (1 to ${MAX_COMMENT_LENGTH} characters).`, 'empty-comment');
  }
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw new Refusal(400, `Your comment is ${comment.length} characters long; the limit is ${MAX_COMMENT_LENGTH}. Go back and shorten it.`, 'comment-too-long');
  }
  if (CONTROL_CHARACTERS.test(comment)) throw new Refusal(400, 'Your comment contains control characters. Go back and remove them.', 'comment-control-characters');
  return comment;
}

/** `approve` or `reject`, else a 400. */
export function validateDecision(value: string | undefined): Decision {
  if (value === 'approve' || value === 'reject') return value;
  throw new Refusal(400, 'The decision must be either Approve or Reject. Go back and press one of the two buttons.', 'unknown-decision');
}

/** The link parameters of a GET's query string. */
export function parseQuery(event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>, requestId: string): LinkParameters {
  const get = (name: string): string[] => {
    const multi = event.multiValueQueryStringParameters?.[name];
    if (multi && multi.length > 0) return multi;
    const single = event.queryStringParameters?.[name];
    return single === undefined || single === null ? [] : [single];
  };
  return parseLinkParameters(requestId, get);
}

/** The POST form: content type, size, link parameters, decision and comment, each a 400 when wrong. */
export function parseForm(event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>, requestId: string): DecisionForm {
  const contentType = (header(event.headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    throw new Refusal(400, 'The form could not be read: it must be sent as application/x-www-form-urlencoded, from the approval page.', 'bad-content-type');
  }
  if (typeof event.body !== 'string' || event.body.length === 0) {
    throw new Refusal(400, 'The form could not be read: it is empty. Go back to the approval page and submit it again.', 'empty-body');
  }
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new Refusal(400, 'The form could not be read: it is too large.', 'body-too-large');
  const text = bytes.toString('utf8');
  if (text.includes('\ufffd') || CONTROL_CHARACTERS.test(text)) throw new Refusal(400, 'The form could not be read: it is not URL-encoded text.', 'malformed-body');
  const form = new URLSearchParams(text);
  const link = parseLinkParameters(requestId, (name) => form.getAll(name));
  const single = (name: string): string | undefined => {
    const values = form.getAll(name);
    if (values.length > 1) throw new Refusal(400, `The form could not be read: the "${name}" field appears more than once.`, `duplicate-${name}`);
    return values[0];
  };
  const decision = validateDecision(single('decision'));
  const comment = validateComment(single('comment'));
  return { link, decision, comment };
}

/** The 409 refusal of a request someone already decided. */
export function alreadyDecided(request: StoredApprovalRequest, approver: string): Refusal {
  const by = request.decidedBy === approver ? 'you' : request.decidedBy ?? 'another approver';
  return new Refusal(409, `This request was already decided: ${decidedWord(request.status)} by ${by} at ${formatTime(request.decidedAt)}. Your link can no longer be used.`, 'already-decided');
}

// ---------------------------------------------------------------------------------------------
// I/O
// ---------------------------------------------------------------------------------------------

function respond(statusCode: number, body: string, extra: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...RESPONSE_HEADERS, ...extra }, body };
}

interface Settings {
  readonly tableName: string;
  readonly secretArn: string;
  readonly auditBucket: string;
  readonly decisionPrefix: string;
}

function settings(): Settings {
  return { tableName: requiredEnv(ENV.TABLE_NAME), secretArn: requiredEnv(ENV.SECRET_ARN), auditBucket: requiredEnv(ENV.AUDIT_BUCKET), decisionPrefix: requiredEnv(ENV.DECISION_PREFIX) };
}

let cachedSecret: { readonly arn: string; readonly secret: SigningSecret; readonly loadedAt: number } | undefined;

/** Forgets the cached signing secret (tests). */
export function clearSecretCache(): void {
  cachedSecret = undefined;
}

async function signingSecret(arn: string, maxAgeMs: number): Promise<SigningSecret> {
  const now = Date.now();
  if (cachedSecret && cachedSecret.arn === arn && now - cachedSecret.loadedAt < maxAgeMs) return cachedSecret.secret;
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  if (typeof out.SecretString !== 'string') throw new Error(`Signing secret ${arn} has no SecretString; expected JSON {"current": "<base64 key>"}`);
  const secret = parseSecret(out.SecretString);
  cachedSecret = { arn, secret, loadedAt: now };
  return secret;
}

/**
 * For a decision (`fresh`), verifies against the secret as it is now: a key an operator removed decides
 * nothing from that moment. To open a page, verifies with the cached secret and, on failure, re-reads a
 * copy older than 30 s once (a rotation).
 */
async function verified(arn: string, link: LinkParameters, fresh: boolean): Promise<boolean> {
  if (fresh) return verifyLink(await signingSecret(arn, 0), link);
  if (verifyLink(await signingSecret(arn, SECRET_CACHE_MS), link)) return true;
  if (!cachedSecret || Date.now() - cachedSecret.loadedAt < SECRET_REFRESH_AFTER_MS) return false;
  return verifyLink(await signingSecret(arn, 0), link);
}

async function loadRequest(config: Settings, requestId: string): Promise<StoredApprovalRequest | undefined> {
  const out = await ddb.send(new GetCommand({ TableName: config.tableName, Key: { requestId }, ConsistentRead: true }));
  return out.Item as StoredApprovalRequest | undefined;
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** Claims a pending request for this decision; returns the claimed item, or undefined when the condition failed. */
async function claim(config: Settings, request: StoredApprovalRequest, form: DecisionForm, status: ApprovalStatus, nowMs: number): Promise<StoredApprovalRequest | undefined> {
  const decidedAt = new Date(nowMs).toISOString();
  try {
    await ddb.send(new UpdateCommand({
      TableName: config.tableName,
      Key: { requestId: request.requestId },
      UpdateExpression: 'SET #status = :decided, decidedBy = :approver, decidedAt = :decidedAt, #comment = :comment',
      ConditionExpression: '#status = :pending AND expiresAt > :now',
      ExpressionAttributeNames: { '#status': 'status', '#comment': 'comment' },
      ExpressionAttributeValues: {
        ':decided': status, ':pending': 'PENDING', ':approver': form.link.approver, ':decidedAt': decidedAt,
        ':comment': form.comment, ':now': Math.floor(nowMs / 1000),
      },
    }));
  } catch (error) {
    if (errorName(error) === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
  return { ...request, status, decidedBy: form.link.approver, decidedAt, comment: form.comment };
}

/** Writes the decision record once: a 412 means an earlier attempt wrote it (it is append-only). */
async function writeRecord(config: Settings, key: string, record: DecisionRecord): Promise<void> {
  try {
    await s3.send(new PutObjectCommand({
      Bucket: config.auditBucket,
      Key: key,
      Body: JSON.stringify(record, null, 2),
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
      IfNoneMatch: '*',
    }));
  } catch (error) {
    if (errorName(error) === 'PreconditionFailed' || httpStatusOf(error) === 412) return;
    logger.error('could not write the decision record', { requestId: record.requestId, recordUri: record.recordUri, errorName: errorName(error) });
    throw new RetryableFailure('Your decision is saved, but its audit record could not be written yet. Submit the form again (it is safe: your decision will not be duplicated).', 'record-write-failed');
  }
}

async function decide(config: Settings, request: StoredApprovalRequest, form: DecisionForm, nowMs: number): Promise<APIGatewayProxyResult> {
  const { approver } = form.link;
  const status: ApprovalStatus = form.decision === 'approve' ? 'APPROVED' : 'REJECTED';
  const sameDecision = (r: StoredApprovalRequest): boolean => r.status === status && r.decidedBy === approver;

  let claimed: StoredApprovalRequest | undefined;
  let retry = false;
  if (request.status === 'PENDING') {
    if (request.expiresAt <= Math.floor(nowMs / 1000)) throw new Refusal(410, `This request expired at ${formatTime(request.expiresAt)}: the approval gate has stopped waiting for a decision.`, 'request-expired');
    claimed = await claim(config, request, form, status, nowMs);
    if (!claimed) {
      // Someone (or this approver's other click) decided in between, or the request just expired.
      const current = await loadRequest(config, request.requestId);
      if (!current) throw new Refusal(404, 'There is no approval request with this ID. It may have been removed after it expired.', 'unknown-request');
      if (current.status === 'PENDING') throw new Refusal(410, `This request expired at ${formatTime(current.expiresAt)}: the approval gate has stopped waiting for a decision.`, 'request-expired');
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
    requestId: claimed.requestId, model: claimed.model, environment: claimed.environment, executionArn: claimed.executionArn,
    modelPackageArn: claimed.modelPackageArn, decision: decision.decision, approver, decidedAt: decision.decidedAt,
    recordUri: decision.recordUri, gateOutcome: outcome, retry,
  });
  return answer(outcome, claimed, decision);
}

function deliveryContext(config: Settings): DeliveryContext {
  return { ddb, sfn, tableName: config.tableName };
}

/** The page for a stored (or just learned) delivery outcome: the same for every submission of the decision. */
function answer(outcome: GateOutcome, request: StoredApprovalRequest, decision: ApprovalDecision): APIGatewayProxyResult {
  switch (outcome) {
    case 'delivered': return respond(200, renderConfirmationPage(request, decision));
    case 'timed-out': return respond(410, renderTimedOutPage(request, decision));
    case 'unknown': return respond(202, renderUnknownOutcomePage(request, decision));
    default: return respond(500, renderUndeliverablePage(request, decision));
  }
}

async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const method = event.httpMethod;
  if (method !== 'GET' && method !== 'POST') {
    throw new Refusal(405, 'This page only accepts GET (to open a request) and POST (to submit a decision).', 'method-not-allowed');
  }
  const requestId = parseRequestId(event.pathParameters?.requestId);
  const form = method === 'POST' ? parseForm(event, requestId) : undefined;
  const link = form?.link ?? parseQuery(event, requestId);

  const config = settings();
  if (!(await verified(config.secretArn, link, form !== undefined))) {
    throw new Refusal(403, 'This link is not valid: it was altered or was not issued by the approval gate. Open the link exactly as it appears in your approval e-mail.', 'bad-signature');
  }
  const nowMs = Date.now();
  if (link.expires <= Math.floor(nowMs / 1000)) {
    throw new Refusal(410, `This link expired at ${formatTime(link.expires)}: the approval gate has stopped waiting for a decision.`, 'link-expired');
  }
  const request = await loadRequest(config, requestId);
  if (!request) throw new Refusal(404, 'There is no approval request with this ID. It may have been removed after it expired.', 'unknown-request');
  if (!Array.isArray(request.approvers) || !request.approvers.includes(link.approver)) {
    throw new Refusal(403, 'This link was not issued to an approver of this request.', 'not-an-approver');
  }
  if (form) return decide(config, request, form, nowMs);

  if (request.status !== 'PENDING') throw alreadyDecided(request, link.approver);
  if (request.expiresAt <= Math.floor(nowMs / 1000)) {
    throw new Refusal(410, `This request expired at ${formatTime(request.expiresAt)}: the approval gate has stopped waiting for a decision.`, 'request-expired');
  }
  return respond(200, renderEvidencePage(request, link));
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  try {
    return await route(event);
  } catch (error) {
    if (error instanceof Refusal) {
      // Neither the signature nor the task token is logged; the request ID is logged only when well-formed.
      const requestId = event?.pathParameters?.requestId;
      logger.warn('approval page request refused', {
        statusCode: error.statusCode, reason: error.reason, method: event?.httpMethod,
        requestId: typeof requestId === 'string' && REQUEST_ID.test(requestId) ? requestId : undefined,
      });
      return respond(error.statusCode, renderMessagePage(error.statusCode, TITLES[error.statusCode], error.message), error.statusCode === 405 ? { Allow: 'GET, POST' } : {});
    }
    if (error instanceof RetryableFailure) {
      return respond(503, renderMessagePage(503, 'Decision not finished', error.message), { 'Retry-After': '5' });
    }
    // Step Functions errors never get here (delivery.ts handles them), so no message can echo the task token.
    logger.error('approval page failed', { errorName: errorName(error), errorMessage: error instanceof Error ? error.message : String(error), method: event?.httpMethod });
    return respond(500, renderMessagePage(500, 'Something went wrong', 'The approval page could not process this request. Try again in a minute (submitting a decision again is safe); contact the platform team if it persists.'));
  }
}
