/**
 * The deployment, redeploy, lineage and notification stages in a bare stack, the SDK-call helper, and the whole
 * workflow: every task's API action is granted by the statements its stages return.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RealtimeServing, ResolvedServing } from '../../../contracts/serving';
import { deploymentStage } from '../../../pipelines/stages/deployment';
import { lineagePermissions, recordMilestone } from '../../../pipelines/stages/lineage';
import { failureStage, successStage } from '../../../pipelines/stages/notifications';
import { redeployStage } from '../../../pipelines/stages/redeploy';
import { sdkCall } from '../../../pipelines/stages/sdk-call';
import { TrainingPipeline } from '../../../pipelines/training-pipeline';
import { ACCOUNT, actionsOf, allows, bareStack, Grant, grantsOf, PREFIX, statesOf } from './bare-stack';
import { TUNING } from './tuning-settings';
import { workflowProps } from './workflow-props';

const ARN = `eu-west-1:${ACCOUNT}`;
const REALTIME: RealtimeServing = {
  mode: 'realtime',
  instanceType: 'ml.m5.large',
  instanceCount: 1,
  gpu: false,
  volumeKmsAllowed: true,
  autoscaling: { minInstances: 1, maxInstances: 2, targetInvocationsPerInstance: 100, scaleInCooldownSeconds: 600, scaleOutCooldownSeconds: 60 },
  rollout: { strategy: 'canary', trafficPercent: 10, waitSeconds: 300, terminationWaitSeconds: 300, maximumExecutionTimeoutSeconds: 1800 },
  capture: { samplingPercent: 10 },
  startupHealthCheckTimeoutSeconds: 600,
  modelDataDownloadTimeoutSeconds: 600,
  latencyThresholdMs: 500,
  rollbackAlarmNames: ['extra-alarm'],
};
const SERVERLESS: ResolvedServing = { mode: 'serverless', memoryMb: 2048, maxConcurrency: 5, latencyThresholdMs: 1000 };

function deployment(serving: ResolvedServing) {
  const b = bareStack();
  const endpoint = {
    endpointName: PREFIX,
    endpointArn: `arn:aws:sagemaker:${ARN}:endpoint/${PREFIX}`,
    rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(b.stack, 'Errors', `arn:aws:cloudwatch:${ARN}:alarm:errors`)],
  };
  const stage = deploymentStage(b.scope, {
    modelName: 'churn',
    environmentName: 'dev',
    runtimeNamePrefix: PREFIX,
    serving,
    executionRole: b.jobRole,
    dataKey: b.dataKey,
    capture: { bucket: b.capture, prefix: 'churn/' },
    endpoint,
    servingRecord: { bucket: b.artifacts, prefix: 'models/churn/serving/' },
    notifications: b.notifications,
    lineage: b.lineage,
    onFailure: b.failure,
  });
  stage.deployed.next(b.next);
  return { b, stage, states: statesOf(b.stack, stage.start), grants: grantsOf(b.stack, stage) };
}

describe('deployment stage', () => {
  test('real-time: creates or updates the endpoint with guardrails, then autoscaling and the serving record', () => {
    const { states, grants } = deployment(REALTIME);
    expect(states.PrepareDeployment.Next).toBe('CreateModel');
    expect(states.CreateModel.Next).toBe('CreateEndpointConfig');
    expect(states.RememberPreviousConfig.Next).toBe('DescribeCurrentConfig');
    const update = states.UpdateEndpoint.Parameters as { DeploymentConfig: { AutoRollbackConfiguration: { Alarms: unknown[] } } };
    expect(update.DeploymentConfig.AutoRollbackConfiguration.Alarms).toEqual([{ AlarmName: 'errors' }, { AlarmName: 'extra-alarm' }]);
    expect(states.RegisterScalableTarget.Next).toBe('ScaleOnInvocations');
    expect(states.ScaleOnInvocations.Next).toBe('DescribeServing');
    expect(states.RecordServing.Next).toBe('RecordDeployed');
    expect(states.RecordDeployed.Next).toBe('Deployed');
    expect(states.Deployed.Next).toBe('Next');
    expect(states.DeploymentFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.deploymentProblem.error' });

    const perRun = (type: string) => `arn:\${AWS::Partition}:sagemaker:${ARN}:${type}/${PREFIX}--*`;
    expect(allows(grants, 'sagemaker:CreateModel', perRun('model'))).toBe(true);
    expect(allows(grants, 'sagemaker:CreateEndpointConfig', perRun('endpoint-config'))).toBe(true);
    expect(allows(grants, 'sagemaker:CreateEndpoint', perRun('endpoint-config'))).toBe(true);
    for (const action of ['CreateEndpoint', 'UpdateEndpoint', 'DescribeEndpoint', 'DeleteEndpoint', 'UpdateEndpointWeightsAndCapacities']) {
      expect(allows(grants, `sagemaker:${action}`, `arn:aws:sagemaker:${ARN}:endpoint/${PREFIX}`)).toBe(true);
    }
    expect(allows(grants, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/job`)).toBe(true);
    expect(allows(grants, 's3:PutObject', 'arn:${AWS::Partition}:s3:::artifacts/models/churn/serving/*')).toBe(true);
    expect(allows(grants, 'cloudwatch:DescribeAlarms', `arn:aws:cloudwatch:${ARN}:alarm:errors`)).toBe(true);
    expect(allows(grants, 'sagemaker:ListEndpoints', '*')).toBe(true);
    const scaling = grants.find((g) => g.actions.includes('application-autoscaling:RegisterScalableTarget'));
    expect(scaling?.conditions).toEqual({
      StringEquals: {
        'application-autoscaling:service-namespace': 'sagemaker',
        'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
      },
    });
    expect(allows(grants, 'sns:Publish', `arn:aws:sns:${ARN}:pipeline`)).toBe(true);
    expect(allows(grants, 'lambda:InvokeFunction', `arn:aws:lambda:${ARN}:function:lineage`)).toBe(true);
  });

  test('serverless: no autoscaling steps, no guardrails', () => {
    const { states } = deployment(SERVERLESS);
    expect(states.RegisterScalableTarget).toBeUndefined();
    expect(states.DescribeCurrentConfig).toBeUndefined();
    expect(states.RememberPreviousConfig.Next).toBe('UpdateEndpoint');
    expect((states.UpdateEndpoint.Parameters as Record<string, unknown>).DeploymentConfig).toBeUndefined();
  });
});

describe('redeploy stage', () => {
  test('starts the workflow: redeploys the approved package or trains', () => {
    const b = bareStack();
    const train = new sfn.Pass(b.scope, 'Train');
    const stage = redeployStage(b.scope, { registry: b.registry, metric: 'auc', onFailure: b.failure, train, deploy: b.next });
    const states = statesOf(b.stack, stage.start);
    expect(states.IsRedeploy).toMatchObject({ Type: 'Choice', Default: 'Train' });
    expect(states.PrepareRedeploy.Next).toBe('Next');
    expect(states.NothingToRedeploy).toMatchObject({ Type: 'Fail', Error: 'NothingToRedeploy' });
    expect(actionsOf(grantsOf(b.stack, stage))).toEqual(['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages']);
  });
});

describe('lineage stage', () => {
  test('a milestone record invokes the lineage function, its only permission', () => {
    const b = bareStack();
    const states = statesOf(b.stack, recordMilestone(b.scope, 'RecordDeployed', b.lineage, 'deployment-failed'));
    expect(states.RecordDeployed).toMatchObject({ ResultPath: '$.lineage.deploymentfailed', TimeoutSeconds: 120 });
    expect(grantsOf(b.stack, lineagePermissions(b.lineage))).toEqual([
      { actions: ['lambda:InvokeFunction'], resources: [`arn:aws:lambda:${ARN}:function:lineage`] },
    ]);
  });
});

describe('notifications', () => {
  test('failure path and success end publish to the encrypted topic', () => {
    const b = bareStack();
    const failure = failureStage(b.scope, { modelName: 'churn', notifications: b.notifications });
    const success = successStage(b.scope, {
      modelName: 'churn',
      environmentName: 'dev',
      notifications: b.notifications,
      metricPath: '$.m',
      onFailure: failure.start,
    });
    const states = statesOf(b.stack, success.start);
    expect(states.NotifySuccess).toMatchObject({ Next: 'Succeeded', Catch: [{ Next: 'DescribeFailure' }] });
    expect(states.DescribeFailure.Next).toBe('NotifyFailure');
    expect(states.NotifyFailure).toMatchObject({ Next: 'PipelineFailed', Catch: [{ Next: 'PipelineFailed' }] });
    for (const stage of [failure, success]) {
      const grants = grantsOf(b.stack, stage);
      expect(grants).toEqual([
        { actions: ['sns:Publish'], resources: [`arn:aws:sns:${ARN}:pipeline`] },
        { actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [`arn:aws:kms:${ARN}:key/notifications`] },
      ]);
    }
  });
});

describe('sdkCall', () => {
  test.each([
    ['sagemaker', 'SageMaker.ThrottlingException', 5],
    ['s3', 'S3.SlowDownException', 2],
    ['applicationautoscaling', 'ApplicationAutoScaling.ThrottlingException', 5],
  ] as const)('%s calls retry their transient errors', (service, error, interval) => {
    const b = bareStack();
    const state = statesOf(b.stack, sdkCall(b.scope, 'Call', { service, action: 'doIt', parameters: {}, resultPath: null })).Call;
    expect(state).toMatchObject({ Resource: `arn:\${AWS::Partition}:states:::aws-sdk:${service}:doIt`, ResultPath: null });
    expect(state.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: expect.arrayContaining([error]), IntervalSeconds: interval, JitterStrategy: 'FULL' }),
    ]);
  });
});

/** The IAM action of a Task state's resource (`...:states:::aws-sdk:sagemaker:listModelPackages`, `...:sagemaker:createTrainingJob.sync`). */
function iamActionOf(resource: string): string {
  // LambdaInvoke with payloadResponseOnly names the function itself.
  if (/^arn:aws:lambda:/.test(resource)) return 'lambda:InvokeFunction';
  const sdk = /:states:::aws-sdk:([a-z0-9]+):(\w+)$/.exec(resource);
  const optimized = /:states:::([a-z]+):(\w+?)(\.sync|\.waitForTaskToken)?$/.exec(resource);
  const [service, action] = sdk ? [sdk[1], sdk[2]] : [optimized![1], optimized![2]];
  const prefix = service === 'applicationautoscaling' ? 'application-autoscaling' : service;
  return `${prefix}:${service === 'lambda' && action === 'invoke' ? 'InvokeFunction' : action[0].toUpperCase() + action.slice(1)}`;
}

describe('the whole workflow', () => {
  test.each([
    ['auto', false],
    ['human', false],
    ['auto', true],
  ] as const)('every task action is granted by the statements of its stages (%s approval, tuning: %s)', (mode, tuned) => {
    const b = bareStack();
    const approval =
      mode === 'auto'
        ? { mode, recordFunction: b.fn('record') }
        : { mode, requestFunction: b.fn('request'), recordFunction: b.fn('record'), approvers: ['a@example.com'], timeout: Duration.hours(1) };
    const pipeline = new TrainingPipeline(b.stack, 'Workflow', workflowProps(b, REALTIME, {
      tuning: tuned ? TUNING : undefined,
      preprocessing: { image: 'img', instanceType: 'ml.m5.large', maxRuntimeSeconds: 600, scriptUri: 's3://a/p.py', volumeKmsAllowed: true },
      approval,
    }));
    const grants: Grant[] = grantsOf(b.stack, pipeline);
    const states = statesOf(b.stack, pipeline.startState);
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(25);
    expect(tasks.map(([id]) => id)).toEqual(expect.arrayContaining(tuned ? ['Tune', 'DescribeBestTrainingJob'] : ['Train']));
    const missing = tasks.map(([id, s]) => [id, iamActionOf(s.Resource!)]).filter(([, action]) => !grants.some((g) => g.actions.includes(action)));
    expect(missing).toEqual([]);
    // Every wildcard resource other than "*" is explained.
    const explained = new Set(pipeline.wildcards.flatMap((w) => w.resources.map((r) => JSON.stringify(b.stack.resolve(r)))));
    const wildcards = pipeline.statements.flatMap((s) => s.resources).filter((r) => r.includes('*'));
    expect(wildcards.filter((r) => !explained.has(JSON.stringify(b.stack.resolve(r))))).toEqual([]);
  });
});
