/**
 * Building blocks of the handlers' call tables: ARNs in the deployed account and region, S3 reads and writes with the
 * KMS calls S3 makes for the caller, the KMS calls of other services, and the events a table needs.
 *
 * KMS, per service documentation:
 * - S3 (SSE-KMS): a write needs `kms:GenerateDataKey`, a read `kms:Decrypt`. Every customer-managed-key bucket of the
 *   blueprint enables S3 Bucket Keys, so the encryption context is the bucket ARN (`aws:s3:arn`), not the object's.
 * - Secrets Manager: reading a secret needs `kms:Decrypt` with the context `SecretARN`.
 * - SNS (SSE): publishing needs `kms:GenerateDataKey` and `kms:Decrypt`.
 * - DynamoDB: none for the caller; the service uses the grant it created with the table.
 */
import { AwsEnv, CallContext, HandlerCallInput, RuntimeCall } from '../types';

/** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function arnOf(aws: AwsEnv, service: string, resource: string): string {
  return `arn:${aws.partition}:${service}:${aws.region}:${aws.account}:${resource}`;
}

/** A SageMaker ARN: SageMaker lower-cases names in the ARNs IAM evaluates. */
export function sagemakerArn(aws: AwsEnv, type: string, name: string): string {
  return arnOf(aws, 'sagemaker', `${type}/${name.toLowerCase()}`);
}

/** Bucket and key of an `s3://bucket/key` URI; throws naming the handler's field otherwise. */
export function parseS3(field: string, uri: unknown): { bucket: string; key: string } {
  const match = typeof uri === 'string' ? /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) : null;
  if (!match) throw new Error(`call table: ${field} is ${JSON.stringify(uri)}; expected an s3://bucket/key URI`);
  return { bucket: match[1], key: match[2] };
}

export const bucketArn = (aws: AwsEnv, bucket: string) => `arn:${aws.partition}:s3:::${bucket}`;

/** A required environment variable of the function; throws naming it. */
export function variable(input: HandlerCallInput, name: string): string {
  const value = input.variables[name];
  if (!value) throw new Error(`call table of ${input.functionName}: environment variable ${name} is missing`);
  return value;
}

/** The events that are objects; throws when none is, naming what the command needs from them. */
export function objectEvents(input: HandlerCallInput, command: string, needs: string): Array<Record<string, unknown>> {
  const events = input.events.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && !Array.isArray(e));
  if (events.length === 0) {
    throw new Error(`call table of ${input.functionName}: ${command} needs ${needs} from the function's events, and it received none`);
  }
  return events;
}

/** The value at a dotted path of an object, or undefined. */
export function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** The KMS calls a service makes with the caller's rights on the key of `resourceArn` (none without a customer managed key). */
export function kmsCalls(input: Pick<HandlerCallInput, 'aws' | 'keyOf'>, resourceArn: string, actions: string[], service: string, why: string,
  encryptionContext: CallContext = {}): RuntimeCall[] {
  const key = input.keyOf(resourceArn);
  if (!key) return [];
  const context: CallContext = {
    'kms:ViaService': `${service}.${input.aws.region}.amazonaws.com`, 'kms:CallerAccount': input.aws.account, ...encryptionContext,
  };
  return actions.map((action) => ({ action, resource: key, context, why: `${why} (${service} uses the key for the caller)` }));
}

/** Reading an object: `s3:GetObject`, or `s3:GetObjectVersion` when a version is named; the key's `kms:Decrypt`. */
export function s3Read(input: HandlerCallInput, bucket: string, key: string, why: string, versioned = false): RuntimeCall[] {
  const object = `${bucketArn(input.aws, bucket)}/${key}`;
  return [
    { action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', resource: object, why },
    ...kmsCalls(input, object, ['kms:Decrypt'], 's3', why, { 'kms:EncryptionContext:aws:s3:arn': bucketArn(input.aws, bucket) }),
  ];
}

/** Writing an object (single PUT): `s3:PutObject`; the key's `kms:GenerateDataKey`. */
export function s3Write(input: HandlerCallInput, bucket: string, key: string, why: string): RuntimeCall[] {
  const object = `${bucketArn(input.aws, bucket)}/${key}`;
  return [
    { action: 's3:PutObject', resource: object, why },
    ...kmsCalls(input, object, ['kms:GenerateDataKey'], 's3', why, { 'kms:EncryptionContext:aws:s3:arn': bucketArn(input.aws, bucket) }),
  ];
}

/** Listing a bucket under a prefix: `s3:ListBucket` (ListObjectsV2) or `s3:ListBucketVersions` (ListObjectVersions), with `s3:prefix`. */
export function s3List(input: HandlerCallInput, bucket: string, prefix: string, why: string, versions = false): RuntimeCall {
  return { action: versions ? 's3:ListBucketVersions' : 's3:ListBucket', resource: bucketArn(input.aws, bucket), context: { 's3:prefix': prefix },
    why };
}

/** A DynamoDB table's ARN from its name. */
export const tableArn = (input: HandlerCallInput, name: string) => arnOf(input.aws, 'dynamodb', `table/${name}`);

/** Distinct calls (same principal when they name one, action, resource and context), first kept. */
export function distinct<T extends RuntimeCall & { readonly principal?: string }>(calls: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const call of calls) {
    const key = JSON.stringify([call.principal ?? '', call.action, call.resource, call.context ?? {}]);
    if (!seen.has(key)) seen.set(key, call);
  }
  return [...seen.values()];
}
