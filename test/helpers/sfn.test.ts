import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { lambdaResult, resolveDefinition, runLocally, SfnTaskError, TEST_ENV, validateAsl } from './sfn';

/** The feature flags of cdk.json, so the synthesized definition is the one the project would deploy. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/**
 * Train -> (accuracy >= 0.8 ?) -> RequestApproval (task token, 24 h) -> (approved ?) -> Deployed
 *   Train: Retry ThrottlingException (backoff), Catch all -> NotifyFailure (SNS) -> TrainingFailed (Fail)
 *   accuracy < 0.8 -> ModelRejected (Fail)
 *   RequestApproval: Catch States.Timeout -> ApprovalTimedOut (Fail); not approved -> ApprovalRejected (Fail)
 */
function synthesizeTrainingWorkflow(): { template: Template; trainFnId: string; approvalFnId: string; topicId: string } {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'SfnHarnessTest');
  const code = lambda.Code.fromInline('exports.handler = async () => ({});');
  const trainFn = new lambda.Function(stack, 'TrainFn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
  const approvalFn = new lambda.Function(stack, 'ApprovalFn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
  const topic = new sns.Topic(stack, 'AlertsTopic');

  const train = new tasks.LambdaInvoke(stack, 'Train', {
    lambdaFunction: trainFn,
    payload: sfn.TaskInput.fromObject({ modelName: sfn.JsonPath.stringAt('$.modelName') }),
    resultSelector: { 'accuracy.$': '$.Payload.accuracy' },
    resultPath: '$.train',
  });
  train.addRetry({ errors: ['ThrottlingException'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 3 });

  const trainingFailed = new sfn.Fail(stack, 'TrainingFailed', { error: 'TrainingFailed', cause: 'Training failed; operators notified' });
  const notifyFailure = new tasks.SnsPublish(stack, 'NotifyFailure', {
    topic,
    message: sfn.TaskInput.fromJsonPathAt('$.failure.Cause'),
    subject: 'Training failed',
    resultPath: sfn.JsonPath.DISCARD,
  }).next(trainingFailed);
  train.addCatch(notifyFailure, { resultPath: '$.failure' });

  const requestApproval = new tasks.LambdaInvoke(stack, 'RequestApproval', {
    lambdaFunction: approvalFn,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken, modelName: sfn.JsonPath.stringAt('$.modelName') }),
    taskTimeout: sfn.Timeout.duration(Duration.hours(24)),
    resultPath: '$.approval',
  });
  requestApproval.addCatch(new sfn.Fail(stack, 'ApprovalTimedOut', { error: 'ApprovalTimedOut', cause: 'No decision within 24 hours' }), {
    errors: [sfn.Errors.TIMEOUT],
    resultPath: '$.failure',
  });

  const decision = new sfn.Choice(stack, 'ApprovalDecision')
    .when(sfn.Condition.booleanEquals('$.approval.approved', true), new sfn.Succeed(stack, 'Deployed'))
    .otherwise(new sfn.Fail(stack, 'ApprovalRejected', { error: 'ApprovalRejected', cause: 'A reviewer rejected the model' }));

  const goodEnough = new sfn.Choice(stack, 'AccuracyGate')
    .when(sfn.Condition.numberGreaterThanEquals('$.train.accuracy', 0.8), requestApproval.next(decision))
    .otherwise(new sfn.Fail(stack, 'ModelRejected', { error: 'ModelBelowThreshold', cause: 'Accuracy below 0.8' }));

  new sfn.StateMachine(stack, 'TrainingWorkflow', { definitionBody: sfn.DefinitionBody.fromChainable(train.next(goodEnough)) });

  return {
    template: Template.fromStack(stack),
    trainFnId: stack.getLogicalId(trainFn.node.defaultChild as lambda.CfnFunction),
    approvalFnId: stack.getLogicalId(approvalFn.node.defaultChild as lambda.CfnFunction),
    topicId: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic),
  };
}

describe('Step Functions offline harness', () => {
  const { template, trainFnId, approvalFnId, topicId } = synthesizeTrainingWorkflow();
  const definition = resolveDefinition(template);
  const input = { modelName: 'churn-xgb' };
  const approve = { approved: true, reviewer: 'alice' };

  test('resolves the synthesized definition with fake, deterministic ARNs', () => {
    expect(definition.StartAt).toBe('Train');
    expect(definition.States.Train).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: `arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:${trainFnId}` },
    });
    expect(definition.States.RequestApproval).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: `arn:aws:lambda:eu-west-1:111122223333:function:${approvalFnId}` },
      TimeoutSeconds: 86_400,
    });
    expect(definition.States.NotifyFailure).toMatchObject({ Parameters: { TopicArn: `arn:aws:sns:eu-west-1:111122223333:${topicId}` } });
    // Same object from the Template and from its JSON.
    expect(resolveDefinition(template.toJSON())).toEqual(definition);
  });

  test('the synthesized definition is valid ASL', () => {
    expect(() => validateAsl(definition)).not.toThrow();
  });

  test('happy path: trains, passes the gate, gets approved, deploys', async () => {
    const run = await runLocally(definition, input, {
      overrides: {
        Train: lambdaResult({ accuracy: 0.93 }),
        RequestApproval: approve, // a task-token state's result is what SendTaskSuccess would send
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.visitedStates).toEqual(['Train', 'AccuracyGate', 'RequestApproval', 'ApprovalDecision', 'Deployed']);
    expect(run.output).toEqual({ modelName: 'churn-xgb', train: { accuracy: 0.93 }, approval: approve });
    expect(run.taskInputs.Train).toEqual([{ FunctionName: expect.stringContaining(trainFnId), Payload: { modelName: 'churn-xgb' } }]);
    expect(run.taskInputs.RequestApproval[0]).toMatchObject({ Payload: { token: 'local-task-token', modelName: 'churn-xgb' } });
  });

  test('throttled twice, then trains: the retried state runs three times without waiting for the backoff', async () => {
    const started = Date.now();
    const run = await runLocally(definition, input, {
      overrides: { Train: lambdaResult({ accuracy: 0.9 }), RequestApproval: approve },
      errors: { Train: { error: 'ThrottlingException', cause: 'Rate exceeded', times: 2 } },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.attempts.Train).toBe(3);
    expect(run.events.filter((event) => event.type === 'StateRetried')).toHaveLength(2);
    expect(run.visitedStates.filter((name) => name === 'Train')).toHaveLength(1); // retried in place: entered once
    expect(Date.now() - started).toBeLessThan(5_000); // 5 s + 10 s of backoff skipped
  });

  test('throttled beyond MaxAttempts: retries are exhausted, the Catch notifies and the Fail state ends the run', async () => {
    const run = await runLocally(definition, input, {
      overrides: { NotifyFailure: { MessageId: 'm-1' } },
      errors: { Train: { error: 'ThrottlingException', cause: 'Rate exceeded' } },
    });
    expect(run.attempts.Train).toBe(4); // 1 + MaxAttempts 3
    expect(run.visitedStates).toEqual(['Train', 'NotifyFailure', 'TrainingFailed']);
    expect(run.status).toBe('FAILED');
  });

  test('failure path: a non-retried error goes through the SNS Catch branch to the Fail state and its cause', async () => {
    const run = await runLocally(definition, input, {
      overrides: {
        Train: () => {
          throw new SfnTaskError('SageMaker.AmazonSageMakerException', 'ResourceLimitExceeded: ml.p4d.24xlarge');
        },
        NotifyFailure: { MessageId: 'm-1' },
      },
    });
    expect(run).toMatchObject({
      status: 'FAILED',
      error: 'TrainingFailed',
      cause: 'Training failed; operators notified',
      visitedStates: ['Train', 'NotifyFailure', 'TrainingFailed'],
      attempts: { Train: 1, NotifyFailure: 1 },
    });
    expect(run.taskInputs.NotifyFailure[0]).toMatchObject({ Message: 'ResourceLimitExceeded: ml.p4d.24xlarge', Subject: 'Training failed' });
  });

  test('Choice branches: below the accuracy gate ends in ModelRejected; a rejection ends in ApprovalRejected', async () => {
    const low = await runLocally(definition, input, { overrides: { Train: lambdaResult({ accuracy: 0.5 }) } });
    expect(low).toMatchObject({ status: 'FAILED', error: 'ModelBelowThreshold', cause: 'Accuracy below 0.8' });
    expect(low.visitedStates).toEqual(['Train', 'AccuracyGate', 'ModelRejected']);

    const rejected = await runLocally(definition, input, {
      overrides: { Train: lambdaResult({ accuracy: 0.95 }), RequestApproval: { approved: false } },
    });
    expect(rejected).toMatchObject({ status: 'FAILED', error: 'ApprovalRejected' });
    expect(rejected.visitedStates.at(-1)).toBe('ApprovalRejected');
  });

  test('task-token timeout: States.Timeout on the approval is caught and ends in ApprovalTimedOut', async () => {
    const run = await runLocally(definition, input, {
      overrides: { Train: lambdaResult({ accuracy: 0.95 }) },
      errors: { RequestApproval: { error: 'States.Timeout' } },
    });
    expect(run).toMatchObject({ status: 'FAILED', error: 'ApprovalTimedOut', cause: 'No decision within 24 hours' });
    expect(run.visitedStates).toEqual(['Train', 'AccuracyGate', 'RequestApproval', 'ApprovalTimedOut']);
    const caught = run.events.find((event) => event.type === 'StateCaught');
    expect(caught).toMatchObject({ state: { name: 'RequestApproval' }, catch: { catcher: { ErrorEquals: ['States.Timeout'] } } });
  });

  test('a simulated timeout behaves like AWS: States.TaskFailed does not catch it, and it needs a TimeoutSeconds', async () => {
    const machine = {
      StartAt: 'Wait for token',
      States: {
        'Wait for token': {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q', 'MessageBody.$': '$$.Task.Token' },
          TimeoutSeconds: 60,
          Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Succeed' },
      },
    };
    validateAsl(machine);
    const run = await runLocally(machine, {}, { errors: { 'Wait for token': { error: 'States.Timeout' } } });
    expect(run).toMatchObject({ status: 'FAILED', error: 'States.Timeout', visitedStates: ['Wait for token'] });

    const noTimeout: Record<string, unknown> = { ...machine.States['Wait for token'] };
    delete noTimeout.TimeoutSeconds;
    const withoutTimeout = { ...machine, States: { ...machine.States, 'Wait for token': noTimeout } };
    await expect(runLocally(withoutTimeout, {}, { errors: { 'Wait for token': { error: 'States.Timeout' } } })).rejects.toThrow(
      /"Wait for token" has no TimeoutSeconds or HeartbeatSeconds/,
    );
  });

  test('a reached Task without override fails the test, naming it, even under a States.ALL Catch', async () => {
    await expect(runLocally(definition, input, { overrides: { NotifyFailure: {} } })).rejects.toThrow(
      /Task state "Train" reached without an override/,
    );
    await expect(runLocally(definition, input, { overrides: { Trian: lambdaResult({}) } })).rejects.toThrow(
      /options.overrides names "Trian", which is not a Task state/,
    );
  });

  test('validateAsl rejects a broken definition, listing every error', () => {
    const broken = {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Next: 'Nowhere' },
        Second: { Type: 'Choice', Choices: [{ Variable: '$.x', BooleanEquals: true, Next: 'Elsewhere' }] },
      },
    };
    let message = '';
    try {
      validateAsl(broken);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'Invalid Amazon States Language definition (4 error(s)):',
      '  - MISSING_TRANSITION_TARGET: State Second is not reachable',
      "  - MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: Nowhere",
      "  - MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: Elsewhere",
      '  - MISSING_TERMINAL_STATE: State machine fsm1 is missing a terminal state',
    ]);
    expect(() => validateAsl({ StartAt: 'A', States: { A: { Type: 'Task', End: true } } })).toThrow(/SCHEMA_VALIDATION_FAILED/);
  });

  test('resolveDefinition: substitutions, Select/Split, parameters, and a clear error for unsupported intrinsics', () => {
    const asl = (resource: unknown) => ({
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function' },
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            DefinitionString: {
              'Fn::Join': ['', ['{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"', resource, '","Parameters":{"Image":"${Image}","Region":"', { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/eu-west-1/c'] }] }, '"},"End":true}}}']],
            },
            DefinitionSubstitutions: { Image: { Ref: 'ImageUriParam' } },
          },
        },
      },
      Parameters: { ImageUriParam: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/mlops/image' } },
    });
    expect(resolveDefinition(asl({ 'Fn::GetAtt': ['Fn', 'Arn'] }), 'Machine').States.A).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:Fn',
      Parameters: { Image: 'param-ImageUriParam', Region: 'eu-west-1' },
      End: true,
    });
    expect(() => resolveDefinition(asl({ 'Fn::ImportValue': 'SharedFnArn' }))).toThrow(/cannot resolve \{"Fn::ImportValue":"SharedFnArn"\}.*not supported/);
    expect(() => resolveDefinition(asl({ 'Fn::GetAtt': ['Fn', 'SnapStartResponse'] }))).toThrow(/Fn::GetAtt.*no fake value for attribute "SnapStartResponse"/);
    expect(() => resolveDefinition(asl({ Ref: 'Missing' }))).toThrow(/"Missing" is neither a resource, a parameter nor a supported pseudo parameter/);
    expect(() => resolveDefinition({ Resources: {} })).toThrow(/expected exactly one AWS::StepFunctions::StateMachine, found 0/);
  });
});
