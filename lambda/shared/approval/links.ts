import { createHmac, timingSafeEqual } from 'crypto';
import { type LinkParameters, MIN_KEY_BYTES, type SigningSecret, signedText } from '../../../contracts/approval-link';

/**
 * Signing and verifying approval links (contracts/approval-link.ts): request-approval signs one link per
 * approver, approval-page verifies them. No I/O here.
 */

/** Standard base64 (with optional padding) or base64url. */
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+={0,2})$/;

/** Base64url (unpadded) HMAC-SHA256 of `${requestId}\n${approver}\n${expires}`. */
export function signLink(key: Buffer, requestId: string, approver: string, expires: number): string {
  if (key.length < MIN_KEY_BYTES) throw new Error(`Signing key is ${key.length} bytes; expected at least ${MIN_KEY_BYTES}`);
  return createHmac('sha256', key)
    .update(signedText(requestId, approver, expires), 'utf8')
    .digest('base64url');
}

/** Decodes one key of a {@link SigningSecret} (Node's base64 decoder also accepts base64url). */
export function decodeKey(value: string): Buffer {
  return Buffer.from(value, 'base64');
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  // The length of a valid signature is public (43 characters); only the content is compared in constant time.
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when `params.sig` is the signature of the link's requestId, approver and expires under the
 * secret's `current` key or, after a rotation, its `previous` key. Both keys are always checked, so
 * the time taken does not tell which one matched. Expiry is not checked here: the caller compares
 * `params.expires` with the clock.
 */
export function verifyLink(secret: SigningSecret, params: LinkParameters): boolean {
  if (typeof params.sig !== 'string' || !Number.isSafeInteger(params.expires)) return false;
  const keys = [secret.current, secret.previous].filter((k): k is string => typeof k === 'string' && k.length > 0);
  let valid = false;
  for (const key of keys) {
    const expected = signLink(decodeKey(key), params.requestId, params.approver, params.expires);
    if (sameSignature(expected, params.sig)) valid = true;
  }
  return valid;
}

function checkKey(field: string, value: unknown): string {
  const expected = `base64 of at least ${MIN_KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`)`;
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`Invalid signing secret: "${field}" is ${value === undefined ? 'missing' : `a ${typeof value}`}; expected ${expected}`);
  }
  // The key itself is never echoed in an error: errors end up in logs.
  if (!BASE64.test(value)) throw new Error(`Invalid signing secret: "${field}" is not base64; expected ${expected}`);
  const bytes = decodeKey(value).length;
  if (bytes < MIN_KEY_BYTES) throw new Error(`Invalid signing secret: "${field}" decodes to ${bytes} bytes; expected ${expected}`);
  return value;
}

/**
 * Parses the secret's JSON `{"current": "<base64>", "previous": "<base64>"}` (previous optional);
 * throws a clear error (never containing key material) when it is not JSON, a key is missing, not
 * base64, or shorter than {@link MIN_KEY_BYTES} bytes.
 */
export function parseSecret(json: string): SigningSecret {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('Invalid signing secret: not JSON; expected {"current": "<base64 key>", "previous": "<base64 key>"} (previous optional)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(
      'Invalid signing secret: not a JSON object; expected {"current": "<base64 key>", "previous": "<base64 key>"} (previous optional)',
    );
  }
  const { current, previous } = parsed as Record<string, unknown>;
  const secret: SigningSecret = { current: checkKey('current', current) };
  return previous === undefined || previous === null ? secret : { ...secret, previous: checkKey('previous', previous) };
}
