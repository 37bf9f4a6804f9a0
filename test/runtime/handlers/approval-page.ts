/**
 * Calls of `lambda/approval-page`: verifies links with the signing key, claims and settles requests in the table,
 * writes the decision record, answers the gate's task token.
 *
 * `SendTaskSuccess`: the Service Authorization Reference lists no resource type, but IAM evaluates the call against
 * the state machine that issued the token (AWS's AccessDenied messages name `...:stateMachine:<name>`, and aws-cdk's
 * `grantTaskResponse` grants on the state machine). The token never leaves the table, so the state machine comes from
 * the requests the page decides: its events must include the stored requests (`executionArn`, `taskToken`), i.e. the
 * events of the gate's request-approval function.
 */
import { HandlerCallInput, HandlerCallTable, RuntimeCall } from '../types';
import { distinct, objectEvents, s3Write, variable } from './common';
import { requestIdOf, secretRead, tableCall } from './approval';

/** The requests the page decides: events with an execution ARN. */
function requests(input: HandlerCallInput, command: string): Array<Record<string, unknown>> {
  const found = objectEvents(input, command,
    'the stored approval requests (executionArn, taskToken)').filter((e) => typeof e.executionArn === 'string');
  if (found.length === 0) {
    throw new Error(`call table of ${input.functionName}: ${command} needs the stored approval requests (executionArn, taskToken) `
      + 'among the page\'s events; none has an executionArn');
  }
  return found;
}

function sendTaskSuccess(input: HandlerCallInput): RuntimeCall[] {
  return distinct(requests(input, 'SendTaskSuccessCommand').map((e) => {
    const match = /^(arn:[^:]+:states:[^:]+:\d{12}):execution:([^:]+):[^:]+$/.exec(String(e.executionArn));
    if (!match) {
      throw new Error(`call table of ${input.functionName}: executionArn ${JSON.stringify(e.executionArn)} is not a Step Functions execution ARN`);
    }
    const stateMachine = `${match[1]}:stateMachine:${match[2]}`;
    if (input.keyOf(stateMachine)) {
      throw new Error(`call table of ${input.functionName}: state machine ${stateMachine} has a customer managed key, `
        + 'whose calls this table does not model');
    }
    return { action: 'states:SendTaskSuccess', resource: stateMachine,
      why: 'SendTaskSuccessCommand (delivers the decision to the waiting pipeline)' };
  }));
}

export const APPROVAL_PAGE_CALLS: HandlerCallTable = {
  GetSecretValueCommand: (input) => secretRead(input, 'GetSecretValueCommand (verifies the approver\'s signed link)'),
  GetCommand: (input) => tableCall(input, 'dynamodb:GetItem', 'GetCommand (reads the request and its delivery state)'),
  UpdateCommand: (input) => tableCall(input, 'dynamodb:UpdateItem',
    'UpdateCommand (claims the request, takes and releases the delivery lease, stores the outcome)'),
  PutObjectCommand: (input) => {
    const bucket = variable(input, 'AUDIT_BUCKET_NAME');
    const prefix = variable(input, 'DECISION_PREFIX');
    return distinct(requests(input, 'PutObjectCommand').flatMap((e) => {
      const requestId = typeof e.requestId === 'string' ? e.requestId : requestIdOf(String(e.taskToken));
      return s3Write(input, bucket, `${prefix}${requestId}.json`, 'PutObjectCommand (the decision record, written once with If-None-Match)');
    }));
  },
  SendTaskSuccessCommand: sendTaskSuccess,
};
