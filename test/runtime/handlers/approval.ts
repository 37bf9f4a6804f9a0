/** What the approval gate's two functions share: the signing secret's read and the requests table. */
import { createHash } from 'crypto';
import { HandlerCallInput, RuntimeCall } from '../types';
import { kmsCalls, tableArn, variable } from './common';

/** GetSecretValue, and the key's kms:Decrypt that Secrets Manager makes for the caller (context `SecretARN`). */
export function secretRead(input: HandlerCallInput, why: string): RuntimeCall[] {
  const secret = variable(input, 'APPROVAL_SECRET_ARN');
  return [
    { action: 'secretsmanager:GetSecretValue', resource: secret, why },
    ...kmsCalls(input, secret, ['kms:Decrypt'], 'secretsmanager', why, { 'kms:EncryptionContext:SecretARN': secret }),
  ];
}

/**
 * One item action on the requests table. DynamoDB makes no KMS call with the caller's rights: it uses the grant it
 * created with the table (AWS KMS guide, "How Amazon DynamoDB uses AWS KMS").
 */
export function tableCall(input: HandlerCallInput, action: string, why: string): RuntimeCall[] {
  return [{ action, resource: tableArn(input, variable(input, 'APPROVAL_TABLE_NAME')), why }];
}

/** The request id request-approval derives from a task token (sha256, base64url, 32 characters). */
export function requestIdOf(taskToken: string): string {
  return createHash('sha256').update(taskToken, 'utf8').digest('base64url').slice(0, 32);
}
