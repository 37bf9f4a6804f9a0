/** Why an audit could not run (exit code 2): each kind has its own advice. */
export type AuditErrorKind = 'credentials' | 'access-denied' | 'unknown-model' | 'unknown-endpoint' | 'configuration' | 'aws';

/** An audit that cannot run: the message says what failed and what to do; the exit code is 2. */
export class AuditError extends Error {
  constructor(
    public readonly kind: AuditErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}

interface AwsErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/** The error's name as the SDK reports it (`AccessDenied`, `ValidationException`, `NotFound`...). */
export function errorName(error: unknown): string {
  const e = error as AwsErrorShape;
  return e?.name ?? e?.Code ?? 'Error';
}

/** The HTTP status of an AWS error, when there was a response. */
export function httpStatus(error: unknown): number | undefined {
  return (error as AwsErrorShape)?.$metadata?.httpStatusCode;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'Forbidden',
  'AuthorizationError',
]);
const EXPIRED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);

/**
 * Turns an SDK error of one call into an {@link AuditError} that names the IAM action and the
 * resource (access denied), or says how to get credentials; any other error keeps AWS's message.
 */
export function explain(error: unknown, action: string, resource: string): AuditError {
  if (error instanceof AuditError) return error;
  const name = errorName(error);
  const message = (error as AwsErrorShape)?.message ?? String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new AuditError(
      'credentials',
      'No AWS credentials found. Sign in first (for example `aws sso login --profile <auditor ' +
        'profile>` and `export AWS_PROFILE=<auditor profile>`, ' +
        `or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then run the command again. (${message})`,
    );
  }
  if (EXPIRED.has(name)) {
    return new AuditError(
      'credentials',
      `Your AWS credentials were refused (${name}): they are expired or invalid. Sign in again ` +
        `(for example \`aws sso login\`) and run the command again.`,
    );
  }
  if (/Region is missing|region.*not.*(set|configured)/i.test(message)) {
    return new AuditError('configuration', 'No AWS region: pass --region (for example --region eu-west-1) or set AWS_REGION.');
  }
  if (ACCESS_DENIED.has(name) || httpStatus(error) === 403) {
    const detail = message && message !== name && !/^UnknownError$/.test(message) ? ` AWS said: ${message}` : '';
    return new AuditError(
      'access-denied',
      `Access denied: ${action} on ${resource}.${detail} ` +
        'The auditor policy (docs/auditing.md, "Getting access") grants every action the command ' +
        'needs; ask your platform team to attach it to your role.',
    );
  }
  return new AuditError('aws', `${action} on ${resource} failed: ${name}: ${message}`);
}
