import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../shared/logging/logger';
import { decide, loadRequest, settings } from './decide';
import { errorName, RetryableFailure } from './delivery';
import { formatTime } from './format';
import { alreadyDecided, parseForm, parseQuery, parseRequestId, Refusal, REFUSAL_TITLES, REQUEST_ID } from './parse';
import { renderEvidencePage, renderMessagePage } from './render';
import { respond } from './response';
import { verified } from './secret';

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
    throw new Refusal(
      403,
      'This link is not valid: it was altered or was not issued by the approval gate. Open the link exactly as it appears in your approval e-mail.',
      'bad-signature',
    );
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
    throw new Refusal(
      410,
      `This request expired at ${formatTime(request.expiresAt)}: the approval gate has stopped waiting for a decision.`,
      'request-expired',
    );
  }
  return respond(200, renderEvidencePage(request, link));
}

/** The approval page's Lambda handler (API Gateway REST proxy integration, payload v1). */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  try {
    return await route(event);
  } catch (error) {
    if (error instanceof Refusal) {
      // Neither the signature nor the task token is logged; the request ID is logged only when well-formed.
      const requestId = event?.pathParameters?.requestId;
      logger.warn('approval page request refused', {
        statusCode: error.statusCode,
        reason: error.reason,
        method: event?.httpMethod,
        requestId: typeof requestId === 'string' && REQUEST_ID.test(requestId) ? requestId : undefined,
      });
      return respond(
        error.statusCode,
        renderMessagePage(error.statusCode, REFUSAL_TITLES[error.statusCode], error.message),
        error.statusCode === 405 ? { Allow: 'GET, POST' } : {},
      );
    }
    if (error instanceof RetryableFailure) {
      return respond(503, renderMessagePage(503, 'Decision not finished', error.message), { 'Retry-After': '5' });
    }
    // Step Functions errors never get here (delivery.ts handles them), so no message can echo the task token.
    logger.error('approval page failed', {
      errorName: errorName(error),
      errorMessage: error instanceof Error ? error.message : String(error),
      method: event?.httpMethod,
    });
    return respond(
      500,
      renderMessagePage(
        500,
        'Something went wrong',
        'The approval page could not process this request. Try again in a minute (submitting a decision again is safe); contact the platform ' +
          'team if it persists.',
      ),
    );
  }
}
