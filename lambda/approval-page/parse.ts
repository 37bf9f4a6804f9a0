import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { StoredApprovalRequest } from '../../contracts/approval';
import type { LinkParameters } from '../../contracts/approval-link';
import { formatTime } from './format';
import { decidedWord, MAX_COMMENT_LENGTH } from './render';

/*
 * What the approval page accepts: the request ID of the path, the link's parameters (query of a GET, form of a POST),
 * the decision and the comment. Anything else is a {@link Refusal}: an HTML page with a 4xx status. Pure functions.
 */

/** Bodies larger than this are refused before parsing (a full form is well under 20 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

/** What an approver decides on the form. */
export type Decision = 'approve' | 'reject';

/** The parsed form of a POST. */
export interface DecisionForm {
  readonly link: LinkParameters;
  readonly decision: Decision;
  readonly comment: string;
}

/** The statuses of refused requests. */
export type RefusalStatus = 400 | 403 | 404 | 405 | 409 | 410;

/** The page title of each refusal status. */
export const REFUSAL_TITLES: Record<RefusalStatus, string> = {
  400: 'Request not understood',
  403: 'Link not valid',
  404: 'Approval request not found',
  405: 'Method not allowed',
  409: 'Already decided',
  410: 'Link expired',
};

/** A request the page refuses: rendered as an HTML page with its status, logged as a warning. */
export class Refusal extends Error {
  constructor(
    readonly statusCode: RefusalStatus,
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

/** requestId: base64url, 22+ characters (request-approval makes 32). */
export const REQUEST_ID = /^[A-Za-z0-9_-]{22,128}$/;
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

function header(headers: APIGatewayProxyEvent['headers'] | null | undefined, name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1] ?? undefined;
}

/** The path's requestId, or a 404 (no id) / 400 (not a request id). */
export function parseRequestId(value: string | undefined | null): string {
  if (value === undefined || value === null || value === '')
    throw new Refusal(404, 'There is no page here. Open the link exactly as it appears in your approval e-mail.', 'no-request-id');
  if (!REQUEST_ID.test(value))
    throw new Refusal(
      400,
      'This link is malformed: the request ID in its path is not valid. Open the link exactly as it appears in your approval e-mail.',
      'malformed-request-id',
    );
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
      throw new Refusal(
        400,
        `This link is incomplete: the "${name}" parameter is missing. Open the link exactly as it appears in your approval e-mail.`,
        `missing-${name}`,
      );
    }
    if (values.length > 1) throw new Refusal(400, `This link is malformed: the "${name}" parameter appears more than once.`, `duplicate-${name}`);
    if (!pattern.test(values[0]))
      throw new Refusal(400, `This link is malformed: the "${name}" parameter is not ${description}.`, `malformed-${name}`);
    return values[0];
  };
  const approver = one('approver', APPROVER, 'an e-mail address');
  if (approver.length > 254)
    throw new Refusal(400, 'This link is malformed: the "approver" parameter is not an e-mail address.', 'malformed-approver');
  const expires = Number(one('expires', EXPIRES, 'a time in epoch seconds'));
  const sig = one('sig', SIG, 'a base64url signature');
  return { requestId, approver, expires, sig };
}

/** The comment, trimmed: 1 to {@link MAX_COMMENT_LENGTH} characters without control characters, else a 400. */
export function validateComment(value: string | undefined): string {
  const comment = (value ?? '').trim();
  if (comment.length === 0) {
    throw new Refusal(
      400,
      `A comment is required: go back and explain why you approve or reject this model (1 to ${MAX_COMMENT_LENGTH} characters).`,
      'empty-comment',
    );
  }
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw new Refusal(
      400,
      `Your comment is ${comment.length} characters long; the limit is ${MAX_COMMENT_LENGTH}. Go back and shorten it.`,
      'comment-too-long',
    );
  }
  if (CONTROL_CHARACTERS.test(comment))
    throw new Refusal(400, 'Your comment contains control characters. Go back and remove them.', 'comment-control-characters');
  return comment;
}

/** `approve` or `reject`, else a 400. */
export function validateDecision(value: string | undefined): Decision {
  if (value === 'approve' || value === 'reject') return value;
  throw new Refusal(400, 'The decision must be either Approve or Reject. Go back and press one of the two buttons.', 'unknown-decision');
}

/** The link parameters of a GET's query string. */
export function parseQuery(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
  requestId: string,
): LinkParameters {
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
    throw new Refusal(
      400,
      'The form could not be read: it must be sent as application/x-www-form-urlencoded, from the approval page.',
      'bad-content-type',
    );
  }
  if (typeof event.body !== 'string' || event.body.length === 0) {
    throw new Refusal(400, 'The form could not be read: it is empty. Go back to the approval page and submit it again.', 'empty-body');
  }
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new Refusal(400, 'The form could not be read: it is too large.', 'body-too-large');
  const text = bytes.toString('utf8');
  if (text.includes('\ufffd') || CONTROL_CHARACTERS.test(text))
    throw new Refusal(400, 'The form could not be read: it is not URL-encoded text.', 'malformed-body');
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
  const by = request.decidedBy === approver ? 'you' : (request.decidedBy ?? 'another approver');
  return new Refusal(
    409,
    `This request was already decided: ${decidedWord(request.status)} by ${by} at ${formatTime(request.decidedAt)}. Your link can no longer be used.`,
    'already-decided',
  );
}
