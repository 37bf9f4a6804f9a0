import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApprovalDecision, ApprovalEvidence, ApprovalRequest, ApprovalStatus, DecisionRecord, ENV, LinkParameters, SigningSecret } from '../shared/approval-contract';
import { parseSecret, verifyLink } from '../shared/approval-links';
import { logger, requiredEnv } from '../shared/logger';

/**
 * The approval gate's second half: the page an approver opens from their e-mail.
 *
 * API Gateway REST proxy integration (payload v1) on `/approvals/{requestId}`:
 * - `GET ?approver=..&expires=..&sig=..` verifies the link and renders the evidence and a form.
 * - `POST` (form-urlencoded `approver`, `expires`, `sig`, `decision` = approve|reject, `comment`)
 *   runs the same checks, claims the request once (DynamoDB conditional update PENDING ->
 *   APPROVED/REJECTED), writes the {@link DecisionRecord} to the audit bucket (`IfNoneMatch: *`),
 *   then sends the {@link ApprovalDecision} to the waiting pipeline (`SendTaskSuccess`).
 *
 * The same approver submitting the same decision again (double click, retry after an error) redoes
 * the record write and SendTaskSuccess idempotently and gets the same confirmation page. Every other
 * refusal is an HTML page with a 4xx status and makes no DynamoDB update, no S3 write and no Step
 * Functions call. The task token is never rendered or logged; neither is a link's signature.
 *
 * Beyond the contract the handler stores `gateOutcome` on the item after trying SendTaskSuccess
 * ('delivered' | 'timed-out' | 'undeliverable'), so that a retry can tell "the pipeline already
 * received this decision" from "the gate had timed out" when Step Functions answers TaskTimedOut.
 */

/** Comment length limits, after trimming (UTF-16 code units, as the textarea's maxlength counts). */
/** The comment goes into the model package's ApprovalDescription (at most 1024 characters with the approver, time and record URI). */
export const MAX_COMMENT_LENGTH = 500;
/** Bodies larger than this are refused before parsing (a full form is well under 20 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;
/** The signing secret is cached in the execution environment this long. */
export const SECRET_CACHE_MS = 5 * 60 * 1000;
/** A link that fails verification re-reads a cached secret older than this (it may have been rotated). */
export const SECRET_REFRESH_AFTER_MS = 30 * 1000;

/** What happened when the decision was sent to the pipeline; stored on the item as `gateOutcome`. */
export type GateOutcome = 'delivered' | 'timed-out' | 'undeliverable';
/** The stored item: the contract's request plus fields other writers add. */
export type StoredApprovalRequest = ApprovalRequest & { readonly gateOutcome?: GateOutcome; readonly notifiedAt?: string };

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

/** A failure after the request was claimed: submitting again is safe and finishes the work. */
class RetryableFailure extends Error {
  constructor(message: string, readonly reason: string) {
    super(message);
    this.name = 'RetryableFailure';
  }
}

/** requestId: base64url, 22+ characters (request-approval makes 32). */
const REQUEST_ID = /^[A-Za-z0-9_-]{22,128}$/;
const APPROVER = /^[^\s@]{1,64}@[^\s@]{1,189}$/;
/** Epoch seconds, canonical (no leading zero, no sign, no decimals). */
const EXPIRES = /^[1-9][0-9]{0,11}$/;
/** Base64url; an HMAC-SHA256 is 43 characters, other lengths are refused by the signature check. */
const SIG = /^[A-Za-z0-9_-]{1,128}$/;
/** C0 controls other than tab, line feed and carriage return, and DEL. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Step Functions' answers meaning the task is no longer waiting for a result. */
const TASK_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({});
const sfn = new SFNClient({});
const secrets = new SecretsManagerClient({});

// ---------------------------------------------------------------------------------------------
// Pure helpers: escaping, formatting, validation
// ---------------------------------------------------------------------------------------------

/** Escapes `& < > " '` so that any value is inert in HTML text and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Up to 6 significant digits, without floating-point noise (as in the approval e-mail). */
export function formatNumber(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
}

/** `+0.02 (+2.25 %)`: the candidate's change from the approved value; `n/a` when there is none. */
export function formatDelta(candidate: number, approved: number | undefined): string {
  if (typeof approved !== 'number' || !Number.isFinite(approved) || !Number.isFinite(candidate)) return 'n/a';
  // Differences below the operands' floating-point resolution are noise (0.3 - (0.1 + 0.2)): zero.
  const raw = candidate - approved;
  const delta = Math.abs(raw) < Math.max(Math.abs(candidate), Math.abs(approved)) * 1e-12 ? 0 : Number(raw.toPrecision(6));
  const sign = delta > 0 ? '+' : '';
  const absolute = `${sign}${formatNumber(delta)}`;
  if (approved === 0) return absolute;
  const relative = Number(((delta / Math.abs(approved)) * 100).toFixed(2));
  return `${absolute} (${relative > 0 ? '+' : ''}${relative} %)`;
}

/** `2026-11-22 09:00:00 UTC` from an ISO time or epoch seconds. */
export function formatTime(value: string | number | undefined): string {
  if (value === undefined) return 'unknown';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

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
  if (CONTROL.test(comment)) throw new Refusal(400, 'Your comment contains control characters. Go back and remove them.', 'comment-control-characters');
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
  if (text.includes('\ufffd') || CONTROL.test(text)) throw new Refusal(400, 'The form could not be read: it is not URL-encoded text.', 'malformed-body');
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

// ---------------------------------------------------------------------------------------------
// Pure helpers: rendering
// ---------------------------------------------------------------------------------------------

const CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--ok:#116329;--bad:#a40e26;--warn:#7d4e00}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#f6f8fa}
main{max-width:58rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem 1.25rem;margin:0 0 1rem}
h1{font-size:1.5rem;margin:.25rem 0 .75rem}
h2{font-size:1.1rem;margin:0 0 .75rem}
p{margin:.5rem 0}
.lead{color:var(--muted)}
.banner{border-left:4px solid var(--warn);background:#fff8c5;padding:.5rem .75rem;border-radius:4px}
.banner.ok{border-color:var(--ok);background:#dafbe1}
.banner.bad{border-color:var(--bad);background:#ffebe9}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.85rem;color:var(--muted);font-weight:600}
td.num{font-variant-numeric:tabular-nums}
tr.gate th,tr.gate td{font-weight:700}
dl{display:grid;grid-template-columns:minmax(9rem,max-content) 1fr;gap:.35rem 1rem;margin:0}
dt{color:var(--muted)}
dd{margin:0;min-width:0}
code{font:0.9em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:0 0 .35rem}
.hint{color:var(--muted);font-size:.9rem;margin:.25rem 0 .75rem}
textarea{width:100%;min-height:7rem;padding:.5rem;font:inherit;border:1px solid #8c959f;border-radius:6px}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:.75rem}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border-radius:6px;border:1px solid transparent;color:#fff;cursor:pointer}
button.approve{background:var(--ok)}
button.reject{background:var(--bad)}
button:focus-visible,textarea:focus-visible{outline:3px solid #0969da;outline-offset:2px}
.comment{white-space:pre-wrap;overflow-wrap:anywhere}
footer{color:var(--muted);font-size:.85rem}
`;

/** A complete, self-contained HTML document (no scripts, no external resources). */
export function renderDocument(title: string, main: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<main>${main}</main>`,
    '</body>',
    '</html>',
  ].join('\n');
}

function code(value: unknown): string {
  return `<code>${escapeHtml(value)}</code>`;
}

function definitions(rows: ReadonlyArray<readonly [string, string]>): string {
  return `<dl>${rows.map(([term, html]) => `<dt>${escapeHtml(term)}</dt><dd>${html}</dd>`).join('')}</dl>`;
}

function decidedWord(status: ApprovalStatus | 'approved' | 'rejected'): string {
  return status === 'APPROVED' || status === 'approved' ? 'approved' : status === 'REJECTED' || status === 'rejected' ? 'rejected' : 'pending';
}

function gateTable(evidence: ApprovalEvidence): string {
  const approved = typeof evidence.approvedValue === 'number' ? formatNumber(evidence.approvedValue) : 'none (no approved model yet)';
  return [
    '<table aria-describedby="gate-heading">',
    '<thead><tr><th scope="col">Gate metric</th><th scope="col">Candidate</th><th scope="col">Currently approved</th><th scope="col">Change</th></tr></thead>',
    `<tbody><tr class="gate"><th scope="row">${escapeHtml(evidence.metric)}</th>`,
    `<td class="num">${escapeHtml(formatNumber(evidence.candidateValue))}</td>`,
    `<td class="num">${escapeHtml(approved)}</td>`,
    `<td class="num">${escapeHtml(formatDelta(evidence.candidateValue, evidence.approvedValue))}</td></tr></tbody>`,
    '</table>',
  ].join('');
}

function metricsTable(evidence: ApprovalEvidence): string {
  const names = Object.keys(evidence.metrics ?? {}).sort();
  if (names.length === 0) return '<p>No metrics were reported.</p>';
  const rows = names.map((name) => {
    const gate = name === evidence.metric;
    return `<tr${gate ? ' class="gate"' : ''}><th scope="row">${escapeHtml(name)}${gate ? ' (gate)' : ''}</th><td class="num">${escapeHtml(formatNumber(evidence.metrics[name]))}</td></tr>`;
  });
  return `<table aria-describedby="metrics-heading"><thead><tr><th scope="col">Metric</th><th scope="col">Candidate value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The evidence and the decision form of a pending request, for the approver of a verified link. */
export function renderEvidencePage(request: ApprovalRequest, link: LinkParameters): string {
  const { evidence } = request;
  const title = `Approve ${request.model} for ${request.environment}?`;
  const main = [
    `<h1>Approve model ${code(request.model)} for ${code(request.environment)}?</h1>`,
    `<p class="banner">Waiting for your decision as <strong>${escapeHtml(link.approver)}</strong>. The pipeline waits until ${escapeHtml(formatTime(request.expiresAt))}; after that this link expires and the candidate is not promoted.</p>`,
    '<section class="card" aria-labelledby="gate-heading">',
    '<h2 id="gate-heading">Quality gate</h2>',
    gateTable(evidence),
    '</section>',
    '<section class="card" aria-labelledby="request-heading">',
    '<h2 id="request-heading">Request</h2>',
    definitions([
      ['Model', code(request.model)],
      ['Environment', code(request.environment)],
      ['Candidate model package', code(request.modelPackageArn)],
      ['Approved model package', evidence.approvedModelPackageArn ? code(evidence.approvedModelPackageArn) : 'none (no approved model yet)'],
      ['Requested at', escapeHtml(formatTime(request.requestedAt))],
      ['Expires at', escapeHtml(formatTime(request.expiresAt))],
      ['You are', `${escapeHtml(link.approver)}`],
      ['Approvers', (Array.isArray(request.approvers) ? request.approvers : []).map((a) => escapeHtml(a)).join(', ')],
      ['Request ID', code(request.requestId)],
    ]),
    '</section>',
    '<section class="card" aria-labelledby="metrics-heading">',
    '<h2 id="metrics-heading">All metrics of the candidate</h2>',
    metricsTable(evidence),
    '</section>',
    '<section class="card" aria-labelledby="provenance-heading">',
    '<h2 id="provenance-heading">Provenance</h2>',
    definitions([
      ['Training data', code(evidence.trainingDataUri)],
      ['Training data manifest', code(evidence.trainingDataManifestUri)],
      ['Training job', code(evidence.trainingJobArn)],
      ['Pipeline execution', code(request.executionArn)],
    ]),
    '</section>',
    '<section class="card" aria-labelledby="decision-heading">',
    '<h2 id="decision-heading">Your decision</h2>',
    // Relative action: the same path (with its stage or custom-domain prefix), without the query string.
    `<form method="post" action="./${escapeHtml(encodeURIComponent(request.requestId))}">`,
    `<input type="hidden" name="approver" value="${escapeHtml(link.approver)}">`,
    `<input type="hidden" name="expires" value="${escapeHtml(link.expires)}">`,
    `<input type="hidden" name="sig" value="${escapeHtml(link.sig)}">`,
    '<label for="comment">Comment (required)</label>',
    `<p class="hint" id="comment-hint">Why do you approve or reject this candidate? 1 to ${MAX_COMMENT_LENGTH} characters, recorded in the audit trail with your address.</p>`,
    `<textarea id="comment" name="comment" required minlength="1" maxlength="${MAX_COMMENT_LENGTH}" rows="5" aria-describedby="comment-hint"></textarea>`,
    '<div class="actions">',
    '<button type="submit" name="decision" value="approve" class="approve">Approve</button>',
    '<button type="submit" name="decision" value="reject" class="reject">Reject</button>',
    '</div>',
    '<p class="hint">The first decision is final: once an approver decides, the other approvers\' links show who decided.</p>',
    '</form>',
    '</section>',
    '<footer><p>This link is personal: do not forward it.</p></footer>',
  ].join('\n');
  return renderDocument(title, main);
}

function decisionSummary(request: ApprovalRequest, decision: ApprovalDecision): string {
  return definitions([
    ['Decision', `<strong>${escapeHtml(decidedWord(decision.decision))}</strong>`],
    ['Decided by', escapeHtml(decision.approver)],
    ['Decided at', escapeHtml(formatTime(decision.decidedAt))],
    ['Comment', `<span class="comment">${escapeHtml(decision.comment)}</span>`],
    ['Model', code(request.model)],
    ['Environment', code(request.environment)],
    ['Candidate model package', code(request.modelPackageArn)],
    ['Pipeline execution', code(request.executionArn)],
    ['Audit record', code(decision.recordUri)],
    ['Request ID', code(request.requestId)],
  ]);
}

/** The page after a decision reached the pipeline. */
export function renderConfirmationPage(request: ApprovalRequest, decision: ApprovalDecision): string {
  const word = decidedWord(decision.decision);
  const next = decision.decision === 'approved'
    ? 'The pipeline received your approval and continues with this candidate.'
    : 'The pipeline received your rejection: this candidate will not be promoted.';
  const main = [
    `<h1>You ${escapeHtml(word)} ${code(request.model)} for ${code(request.environment)}</h1>`,
    `<p class="banner ok" role="status">Decision recorded. ${escapeHtml(next)}</p>`,
    `<section class="card" aria-labelledby="decision-heading"><h2 id="decision-heading">Decision</h2>${decisionSummary(request, decision)}</section>`,
    '<footer><p>You can close this page. The decision is final and is kept in the audit trail.</p></footer>',
  ].join('\n');
  return renderDocument(`Decision recorded: ${word} ${request.model} (${request.environment})`, main);
}

/** The page when the gate had stopped waiting before the first decision reached it (410). */
export function renderTimedOutPage(request: ApprovalRequest, decision: ApprovalDecision): string {
  const word = decidedWord(decision.decision);
  const main = [
    `<h1>The approval gate timed out before your decision</h1>`,
    `<p class="banner bad" role="alert">The pipeline had stopped waiting before your decision arrived, so it did not receive it. Your decision (${escapeHtml(word)}) and comment are recorded in the audit trail, but the candidate was not promoted by it. Run the pipeline again to request a new approval.</p>`,
    `<section class="card" aria-labelledby="decision-heading"><h2 id="decision-heading">Your recorded decision</h2>${decisionSummary(request, decision)}</section>`,
  ].join('\n');
  return renderDocument('The approval gate timed out before your decision', main);
}

/** A refusal or error: a heading and one clear sentence. */
export function renderMessagePage(statusCode: number, title: string, message: string): string {
  const main = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="banner bad" role="alert">${escapeHtml(message)}</p>`,
    `<footer><p>HTTP ${escapeHtml(statusCode)}. If you think this is wrong, contact the platform team with the time of this message.</p></footer>`,
  ].join('\n');
  return renderDocument(title, main);
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

/** Verifies with the cached secret; on failure re-reads a secret older than 30 s once (rotation). */
async function verified(arn: string, link: LinkParameters): Promise<boolean> {
  if (verifyLink(await signingSecret(arn, SECRET_CACHE_MS), link)) return true;
  if (!cachedSecret || Date.now() - cachedSecret.loadedAt < SECRET_REFRESH_AFTER_MS) return false;
  return verifyLink(await signingSecret(arn, 0), link);
}

async function loadRequest(config: Settings, requestId: string): Promise<StoredApprovalRequest | undefined> {
  const out = await ddb.send(new GetCommand({ TableName: config.tableName, Key: { requestId }, ConsistentRead: true }));
  return out.Item as StoredApprovalRequest | undefined;
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : 'Error';
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

async function recordGateOutcome(config: Settings, request: StoredApprovalRequest, outcome: GateOutcome): Promise<void> {
  if (request.gateOutcome === outcome) return;
  try {
    await ddb.send(new UpdateCommand({
      TableName: config.tableName,
      Key: { requestId: request.requestId },
      UpdateExpression: 'SET gateOutcome = :outcome',
      ConditionExpression: 'attribute_exists(requestId)',
      ExpressionAttributeValues: { ':outcome': outcome },
    }));
  } catch (error) {
    // Bookkeeping only: the decision itself is claimed, recorded and sent.
    logger.warn('could not store the gate outcome', { requestId: request.requestId, outcome, errorName: errorName(error) });
  }
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

/** Sends the decision to the waiting pipeline; interprets "the task is gone" on a retry as already delivered. */
async function deliver(config: Settings, request: StoredApprovalRequest, decision: ApprovalDecision, retry: boolean): Promise<'delivered' | 'timed-out'> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken: request.taskToken, output: JSON.stringify(decision) }));
    await recordGateOutcome(config, request, 'delivered');
    return 'delivered';
  } catch (error) {
    // Only the error's name is ever logged: Step Functions messages are not echoed anywhere.
    const name = errorName(error);
    if (retry && TASK_GONE.has(name)) {
      if (request.gateOutcome === 'timed-out') return 'timed-out';
      if (request.gateOutcome !== 'undeliverable') return 'delivered';
    } else if (!retry && (name === 'TaskTimedOut' || name === 'TaskDoesNotExist')) {
      await recordGateOutcome(config, request, 'timed-out');
      return 'timed-out';
    } else if (!retry && name === 'InvalidToken') {
      await recordGateOutcome(config, request, 'undeliverable');
    }
    logger.error('could not send the decision to the pipeline', { requestId: request.requestId, executionArn: request.executionArn, errorName: name });
    throw new RetryableFailure('Your decision is saved, but it could not be sent to the pipeline. Submit the form again (it is safe); if this persists, contact the platform team.', 'delivery-failed');
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
  const outcome = await deliver(config, claimed, decision, retry);
  logger.info('approval decision recorded', {
    requestId: claimed.requestId, model: claimed.model, environment: claimed.environment, executionArn: claimed.executionArn,
    modelPackageArn: claimed.modelPackageArn, decision: decision.decision, approver, decidedAt: decision.decidedAt,
    recordUri: decision.recordUri, gateOutcome: outcome, retry,
  });
  return outcome === 'delivered'
    ? respond(200, renderConfirmationPage(claimed, decision))
    : respond(410, renderTimedOutPage(claimed, decision));
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
  if (!(await verified(config.secretArn, link))) {
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
    // Step Functions errors never get here (deliver() handles them), so no message can echo the task token.
    logger.error('approval page failed', { errorName: errorName(error), errorMessage: error instanceof Error ? error.message : String(error), method: event?.httpMethod });
    return respond(500, renderMessagePage(500, 'Something went wrong', 'The approval page could not process this request. Try again in a minute (submitting a decision again is safe); contact the platform team if it persists.'));
  }
}
