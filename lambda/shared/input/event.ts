/** An event that does not have the expected shape: the message names the field, the value and the rule. */
export class InvalidEventError extends Error {
  constructor(field: string, value: unknown, expected: string) {
    super(`Invalid event: ${field} is ${JSON.stringify(value) ?? 'missing'}; expected ${expected}`);
    this.name = 'InvalidEventError';
  }
}

/** Splits `s3://bucket/key/prefix` into bucket and key; throws {@link InvalidEventError} naming `field` otherwise. */
export function parseS3Uri(field: string, value: unknown): { bucket: string; key: string } {
  const match = typeof value === 'string' ? /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/.exec(value) : null;
  if (!match) throw new InvalidEventError(field, value, 'an s3://bucket/key URI');
  return { bucket: match[1], key: match[2] };
}

/** The value of a required environment variable; a missing or empty one is a configuration error naming it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}
