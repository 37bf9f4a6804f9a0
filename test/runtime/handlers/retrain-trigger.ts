/**
 * Calls of `lambda/retrain-trigger`: the guardrails' table (idempotency item, cooldown and daily-count transaction,
 * their undo), the pipeline's executions, the decision metric, the team's training data pointer (an SSM String parameter, no
 * key). Everything comes from the function's environment.
 */
import { HandlerCallInput, HandlerCallTable, RuntimeCall } from '../types';
import { arnOf, tableArn, variable } from './common';

const table = (input: HandlerCallInput) => tableArn(input, variable(input, 'TABLE_NAME'));
const item =
  (action: string, why: string) =>
  (input: HandlerCallInput): RuntimeCall[] => [{ action, resource: table(input), why }];

export const RETRAIN_TRIGGER_CALLS: HandlerCallTable = {
  PutCommand: item('dynamodb:PutItem', 'PutCommand (claims the event once: idempotency)'),
  DeleteCommand: item('dynamodb:DeleteItem', "DeleteCommand (releases the event's claim after a failed start)"),
  UpdateCommand: item('dynamodb:UpdateItem', "UpdateCommand (undoes the cooldown and the day's count after a failed start)"),
  // TransactWriteItems is authorized per item, as the item's own action; both items are Updates.
  TransactWriteCommand: (input) => [
    {
      action: 'dynamodb:UpdateItem',
      resource: table(input),
      context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' },
      why: 'TransactWriteCommand (takes the cooldown and a start of the day, two Update items)',
    },
  ],
  ListExecutionsCommand: (input) => [
    { action: 'states:ListExecutions', resource: variable(input, 'STATE_MACHINE_ARN'), why: 'ListExecutionsCommand (is a run in progress?)' },
  ],
  StartExecutionCommand: (input) => [
    { action: 'states:StartExecution', resource: variable(input, 'STATE_MACHINE_ARN'), why: 'StartExecutionCommand (starts the training pipeline)' },
  ],
  // The parameter ARN has the name without its leading slash.
  GetParameterCommand: (input) => [
    {
      action: 'ssm:GetParameter',
      resource: arnOf(input.aws, 'ssm', `parameter${variable(input, 'TRAINING_DATA_PARAMETER')}`),
      why: 'GetParameterCommand (the training data the team chose)',
    },
  ],
  // PutMetricData has no resource type; the namespace is a condition key.
  PutMetricDataCommand: (input) => [
    {
      action: 'cloudwatch:PutMetricData',
      resource: '*',
      context: { 'cloudwatch:namespace': variable(input, 'METRIC_NAMESPACE') },
      why: 'PutMetricDataCommand (counts the retraining decision)',
    },
  ],
};
