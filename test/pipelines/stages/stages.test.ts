/**
 * Each workflow stage in a bare stack: the statements it returns for the pipeline role (actions and resources)
 * and the states it adds, wired as the workflow expects.
 */
import { Duration } from 'aws-cdk-lib';
import { approvalStage } from '../../../pipelines/stages/approval';
import { dataStage } from '../../../pipelines/stages/data';
import { evaluationStage } from '../../../pipelines/stages/evaluation';
import { gateStage } from '../../../pipelines/stages/gate';
import { inputStage } from '../../../pipelines/stages/input';
import { registrationStage } from '../../../pipelines/stages/registration';
import { trainingStage } from '../../../pipelines/stages/training';
import { ON_DEMAND_TRAINING } from './workflow-props';
import { ACCOUNT, actionsOf, allows, bareStack, grantsOf, PREFIX, statesOf } from './bare-stack';

const ARN = `eu-west-1:${ACCOUNT}`;
const sagemaker = (type: string, name: string) => `arn:\${AWS::Partition}:sagemaker:${ARN}:${type}/${name}`;
const PROCESSING = {
  image: 'img',
  instanceType: 'ml.m5.large',
  maxRuntimeSeconds: 600,
  scriptUri: 's3://assets/evaluate.py',
  volumeKmsAllowed: true,
};
const GATE = { metric: 'auc', direction: 'maximize' as const, threshold: 0.7 };

describe('input stage', () => {
  test('validates both URIs, fills in the defaults, continues; no task, no permission', () => {
    const b = bareStack();
    const stage = inputStage(b.scope, {
      defaultTrainingDataUri: 's3://curated/churn/train/',
      defaultEvaluationDataUri: 's3://curated/churn/test/',
      next: b.next,
    });
    expect(stage.statements).toEqual([]);
    const states = statesOf(b.stack, stage.start);
    expect(Object.keys(states)).toEqual(
      expect.arrayContaining(['ValidateInput', 'UseDefaultTrainingData', 'ValidateEvaluationInput', 'InvalidInput', 'Next']),
    );
    expect(states.UseDefaultEvaluationData).toMatchObject({ Result: 's3://curated/churn/test/', ResultPath: '$.evaluationDataUri', Next: 'Next' });
    expect(states.InvalidEvaluationInput).toMatchObject({ Type: 'Fail', Error: 'InvalidInput' });
  });
});

describe('data stage', () => {
  test('snapshots the data, may invoke the snapshot function only', () => {
    const b = bareStack();
    const stage = dataStage(b.scope, { snapshotFunction: b.fn('snapshot'), run: b.run, jobs: b.jobs, onFailure: b.failure, next: b.next });
    expect(grantsOf(b.stack, stage)).toEqual([{ actions: ['lambda:InvokeFunction'], resources: [`arn:aws:lambda:${ARN}:function:snapshot`] }]);
    const states = statesOf(b.stack, stage.start);
    expect(states.SnapshotTrainingData).toMatchObject({ Next: 'Next', ResultPath: '$.dataSnapshot' });
    expect(states.Preprocess).toBeUndefined();
    expect(b.jobs.permissions(b.scope).statements).toEqual([]);
  });

  test('with preprocessing, runs a processing job the job permissions then cover', () => {
    const b = bareStack();
    const stage = dataStage(b.scope, {
      snapshotFunction: b.fn('snapshot'),
      run: b.run,
      jobs: b.jobs,
      preprocessing: PROCESSING,
      onFailure: b.failure,
      next: b.next,
    });
    const states = statesOf(b.stack, stage.start);
    expect(states.SnapshotTrainingData.Next).toBe('Preprocess');
    expect(states.Preprocess).toMatchObject({ Resource: 'arn:${AWS::Partition}:states:::sagemaker:createProcessingJob.sync', Next: 'Next' });
    const jobs = grantsOf(b.stack, b.jobs.permissions(b.scope));
    expect(allows(jobs, 'sagemaker:CreateProcessingJob', sagemaker('processing-job', `${PREFIX}--*`))).toBe(true);
    expect(actionsOf(jobs)).not.toContain('sagemaker:CreateTrainingJob');
  });
});

describe('training stage', () => {
  test('runs the training job as the job role; the job permissions cover it', () => {
    const b = bareStack();
    const training = ON_DEMAND_TRAINING;
    const stage = trainingStage(b.scope, { training, jobs: b.jobs, run: b.run, trainingInputUri: '$.trainingDataUri', onFailure: b.failure });
    expect(stage.statements).toEqual([]);
    const states = statesOf(b.stack, stage.start);
    expect(states.Train).toMatchObject({ Resource: 'arn:${AWS::Partition}:states:::sagemaker:createTrainingJob.sync', ResultPath: '$.training' });
    expect((states.Train.Parameters as Record<string, unknown>).RoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/job`);
    expect(Object.keys(states)).toEqual(expect.arrayContaining(['TrainThrottled', 'TrainBackoff', 'Failure']));
    const jobs = grantsOf(b.stack, b.jobs.permissions(b.scope));
    expect(allows(jobs, 'sagemaker:CreateTrainingJob', sagemaker('training-job', `${PREFIX}--*`))).toBe(true);
    expect(allows(jobs, 'sagemaker:ListTags', sagemaker('training-job', `${PREFIX}--*`))).toBe(true);
    expect(allows(jobs, 'events:PutRule', `arn:\${AWS::Partition}:events:${ARN}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule`)).toBe(true);
    const passRole = jobs.find((g) => g.actions.includes('iam:PassRole'));
    expect(passRole).toEqual({
      actions: ['iam:PassRole'],
      resources: [`arn:aws:iam::${ACCOUNT}:role/job`],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(allows(jobs, 'kms:CreateGrant', `arn:aws:kms:${ARN}:key/data`)).toBe(true);
  });
});

describe('evaluation stage', () => {
  test('evaluates, reads the report, computes the baseline; reads run objects only', () => {
    const b = bareStack();
    const stage = evaluationStage(b.scope, {
      evaluation: PROCESSING,
      jobs: b.jobs,
      run: b.run,
      dataKey: b.dataKey,
      baselineFunction: b.fn('baseline'),
      onFailure: b.failure,
      next: b.next,
    });
    const states = statesOf(b.stack, stage.start);
    expect(states.Evaluate.Next).toBe('ReadMetrics');
    expect(states.ReadMetrics).toMatchObject({ Resource: 'arn:${AWS::Partition}:states:::aws-sdk:s3:getObject', Next: 'ComputeBaseline' });
    expect(states.ComputeBaseline.Next).toBe('Next');
    const grants = grantsOf(b.stack, stage);
    expect(allows(grants, 's3:GetObject', 'arn:${AWS::Partition}:s3:::artifacts/models/churn/runs/*')).toBe(true);
    expect(allows(grants, 'kms:Decrypt', `arn:aws:kms:${ARN}:key/data`)).toBe(true);
    expect(allows(grants, 'lambda:InvokeFunction', `arn:aws:lambda:${ARN}:function:baseline`)).toBe(true);
    expect(actionsOf(grants)).toEqual(['kms:Decrypt', 'lambda:InvokeFunction', 's3:GetObject']);
  });
});

describe('quality gate stage', () => {
  test('compares with the threshold and the approved package; lists and describes packages only', () => {
    const b = bareStack();
    const stage = gateStage(b.scope, { gate: GATE, registry: b.registry, onFailure: b.failure, next: b.next });
    const states = statesOf(b.stack, stage.start);
    expect(states.MeetsThreshold.Type).toBe('Choice');
    expect(states.FindApprovedModel.Resource).toBe('arn:${AWS::Partition}:states:::aws-sdk:sagemaker:listModelPackages');
    expect(states.EvidenceFirstModel.Next).toBe('Next');
    expect(states.BelowThreshold.Next).toBe('Failure');
    const grants = grantsOf(b.stack, stage);
    expect(allows(grants, 'sagemaker:DescribeModelPackage', b.registry.packageArnPattern)).toBe(true);
    expect(allows(grants, 'sagemaker:ListModelPackages', '*')).toBe(true);
    expect(actionsOf(grants)).toEqual(['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages']);
  });
});

describe('registration stage', () => {
  test('registers the package and records lineage before the approval', () => {
    const b = bareStack();
    const stage = registrationStage(b.scope, {
      registry: b.registry,
      inferenceImage: 'img',
      metric: 'auc',
      run: b.run,
      lineage: b.lineage,
      onFailure: b.failure,
      next: b.next,
    });
    const states = statesOf(b.stack, stage.start);
    expect(states.RegisterModel).toMatchObject({
      Resource: 'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:createModelPackage',
      Next: 'RecordRegistered',
    });
    expect(states.RecordRegistered.Next).toBe('Next');
    const grants = grantsOf(b.stack, stage);
    expect(allows(grants, 'sagemaker:CreateModelPackage', b.registry.groupArn)).toBe(true);
    expect(allows(grants, 'sagemaker:AddTags', b.registry.packageArnPattern)).toBe(true);
    expect(allows(grants, 'lambda:InvokeFunction', `arn:aws:lambda:${ARN}:function:lineage`)).toBe(true);
  });
});

describe('approval stage', () => {
  const props = (b: ReturnType<typeof bareStack>) => ({
    registry: b.registry,
    lineage: b.lineage,
    notifications: b.notifications,
    deploymentTarget: { endpointName: PREFIX },
    onFailure: b.failure,
  });

  test('automatic: records, marks approved, records lineage, hands off', () => {
    const b = bareStack();
    const stage = approvalStage(b.scope, { ...props(b), approval: { mode: 'auto', recordFunction: b.fn('record') } });
    stage.approved.next(b.next);
    const states = statesOf(b.stack, stage.start);
    expect(states.RecordAutomaticApproval.Next).toBe('ApprovalComplete');
    expect(states.MarkApproved).toMatchObject({
      Resource: 'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:updateModelPackage',
      Next: 'RecordApproved',
    });
    expect(states.DeploymentHandOff.Next).toBe('Next');
    expect(states.MarkRejected).toBeUndefined();
    const grants = grantsOf(b.stack, stage);
    expect(allows(grants, 'sagemaker:UpdateModelPackage', b.registry.packageArnPattern)).toBe(true);
    expect(allows(grants, 'lambda:InvokeFunction', `arn:aws:lambda:${ARN}:function:record`)).toBe(true);
    expect(actionsOf(grants)).not.toContain('sns:Publish');
  });

  test('human: waits for a decision, notifies rejections', () => {
    const b = bareStack();
    const approval = {
      mode: 'human' as const,
      requestFunction: b.fn('request'),
      recordFunction: b.fn('record'),
      approvers: ['a@example.com'],
      timeout: Duration.hours(2),
    };
    const stage = approvalStage(b.scope, { ...props(b), approval });
    const states = statesOf(b.stack, stage.start);
    expect(states.RequestApproval).toMatchObject({ Resource: 'arn:${AWS::Partition}:states:::lambda:invoke.waitForTaskToken', TimeoutSeconds: 7200 });
    expect(states.MarkRejected.Next).toBe('RecordRejected');
    expect(states.NotifyRejected.Next).toBe('ModelRejected');
    const grants = grantsOf(b.stack, stage);
    for (const name of ['request', 'record']) expect(allows(grants, 'lambda:InvokeFunction', `arn:aws:lambda:${ARN}:function:${name}`)).toBe(true);
    expect(allows(grants, 'sns:Publish', `arn:aws:sns:${ARN}:pipeline`)).toBe(true);
    expect(allows(grants, 'kms:GenerateDataKey', `arn:aws:kms:${ARN}:key/notifications`)).toBe(true);
  });
});
