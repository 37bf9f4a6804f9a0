/** Calls of `lambda/request-approval`: the signing key, the requests table, one message per approver. */
import { HandlerCallTable } from '../types';
import { kmsCalls, variable } from './common';
import { secretRead, tableCall } from './approval';

export const REQUEST_APPROVAL_CALLS: HandlerCallTable = {
  GetSecretValueCommand: (input) => secretRead(input, 'GetSecretValueCommand (the links\' signing key)'),
  PutCommand: (input) => tableCall(input, 'dynamodb:PutItem', 'PutCommand (stores the request once)'),
  GetCommand: (input) => tableCall(input, 'dynamodb:GetItem', 'GetCommand (reads back the request a retry finds)'),
  UpdateCommand: (input) => tableCall(input, 'dynamodb:UpdateItem', 'UpdateCommand (marks the approvers notified)'),
  // Publishing to an encrypted topic: SNS generates and decrypts the data key with the publisher's rights.
  PublishCommand: (input) => {
    const topic = variable(input, 'APPROVAL_TOPIC_ARN');
    const why = 'PublishCommand (one approval message per approver)';
    return [
      { action: 'sns:Publish', resource: topic, why },
      ...kmsCalls(input, topic, ['kms:GenerateDataKey', 'kms:Decrypt'], 'sns', why, { 'kms:EncryptionContext:aws:sns:topicArn': topic }),
    ];
  },
};
