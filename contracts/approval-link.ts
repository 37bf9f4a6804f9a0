/**
 * The signed approval link: what request-approval signs, one link per approver, and approval-page verifies
 * (signing and verifying, with Node's crypto, are in lambda/shared/approval/links.ts). Types, constants and
 * pure functions only.
 *
 * A link is `${baseUrl}/approvals/${requestId}?approver=..&expires=..&sig=..` where `sig` is the
 * base64url (unpadded) HMAC-SHA256 of `${requestId}\n${approver}\n${expires}` under the secret's
 * `current` key. Changing any of the three values (another request, another approver's name,
 * a later expiry) invalidates the signature.
 */

/**
 * The HMAC key material, as JSON in Secrets Manager. Links are signed with `current`; a link signed
 * with `previous` still verifies, so rotating the secret (current -> previous, new current) does
 * not break links already sent.
 */
export interface SigningSecret {
  /** Base64 of at least 32 random bytes. */
  readonly current: string;
  /** Base64 of the key before the last rotation. */
  readonly previous?: string;
}

/** Query parameters of a link: `/approvals/{requestId}?approver=..&expires=..&sig=..`. */
export interface LinkParameters {
  readonly requestId: string;
  readonly approver: string;
  /** Epoch seconds. */
  readonly expires: number;
  /** Base64url HMAC-SHA256 of `${requestId}\n${approver}\n${expires}`. */
  readonly sig: string;
}

/** Keys shorter than this are refused: HMAC-SHA256 wants at least its output size (32 bytes). */
export const MIN_KEY_BYTES = 32;

/** The exact text that is signed. */
export function signedText(requestId: string, approver: string, expires: number): string {
  return `${requestId}\n${approver}\n${expires}`;
}

/** `${baseUrl}/approvals/${requestId}?approver=..&expires=..&sig=..`, every value URL-encoded. */
export function buildLink(baseUrl: string, params: LinkParameters): string {
  const base = baseUrl.replace(/\/+$/, '');
  const query =
    `approver=${encodeURIComponent(params.approver)}&expires=${encodeURIComponent(String(params.expires))}` +
    `&sig=${encodeURIComponent(params.sig)}`;
  return `${base}/approvals/${encodeURIComponent(params.requestId)}?${query}`;
}
