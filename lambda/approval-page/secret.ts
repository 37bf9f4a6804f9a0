import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LinkParameters, SigningSecret } from '../../contracts/approval-link';
import { parseSecret, verifyLink } from '../shared/approval/links';

/*
 * Verifying a link against the signing secret, cached in the execution environment for opening pages and read fresh
 * for every decision.
 */

/** The signing secret is cached in the execution environment this long, for opening pages (never for decisions). */
export const SECRET_CACHE_MS = 5 * 60 * 1000;
/** A link that fails verification re-reads a cached secret older than this (it may have been rotated). */
export const SECRET_REFRESH_AFTER_MS = 30 * 1000;

const secrets = new SecretsManagerClient({});

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
export async function verified(arn: string, link: LinkParameters, fresh: boolean): Promise<boolean> {
  if (fresh) return verifyLink(await signingSecret(arn, 0), link);
  if (verifyLink(await signingSecret(arn, SECRET_CACHE_MS), link)) return true;
  if (!cachedSecret || Date.now() - cachedSecret.loadedAt < SECRET_REFRESH_AFTER_MS) return false;
  return verifyLink(await signingSecret(arn, 0), link);
}
