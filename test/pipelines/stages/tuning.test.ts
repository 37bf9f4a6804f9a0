/**
 * The tuning stage in a bare stack: the tuning job's configuration from the resolved tuning, its training jobs
 * defined like the training stage's job, the 32-character name, the best job read back, and the statements.
 */
import { SageMakerJobs } from '../../../pipelines/stages/jobs';
import { TuningStageProps, tuningStage } from '../../../pipelines/stages/tuning';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { tuningJobName, tuningNamePrefix } from '../../../pipelines/runtime-names';
import { runLocally } from '../../helpers/sfn';
import type { ResolvedTuning } from '../../../contracts/model-code';
import { TRAINING, TUNING } from './tuning-settings';
import { ACCOUNT, actionsOf, allows, bareStack, grantsOf, PREFIX, statesOf } from './bare-stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ARN = `eu-west-1:${ACCOUNT}`;
function stage(overrides: Partial<TuningStageProps> = {}, jobs?: (b: ReturnType<typeof bareStack>) => SageMakerJobs) {
  const b = bareStack();
  const props = { training: TRAINING, tuning: TUNING, run: b.run, trainingInputUri: '$.trainingDataUri', onFailure: b.failure, next: b.next };
  const s = tuningStage(b.scope, { ...props, jobs: jobs?.(b) ?? b.jobs, ...overrides });
  return { b, stage: s, states: statesOf(b.stack, s.start) };
}

describe('tuning stage', () => {
  test('tunes through the .sync integration: objective, limits, strategy and every kind of range', () => {
    const { states } = stage();
    expect(states.Tune).toMatchObject({
      Resource: 'arn:${AWS::Partition}:states:::sagemaker:createHyperParameterTuningJob.sync',
      ResultPath: '$.tuning',
      Next: 'HasBestTrainingJob',
    });
    const config = (states.Tune.Parameters as Json).HyperParameterTuningJobConfig;
    expect(config).toEqual({
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'val_auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 12, MaxParallelTrainingJobs: 3 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'lr', MinValue: '0.0001', MaxValue: '0.1', ScalingType: 'Logarithmic' }],
        IntegerParameterRanges: [{ Name: 'batch_size', MinValue: '32', MaxValue: '512', ScalingType: 'Auto' }],
        CategoricalParameterRanges: [{ Name: 'optimizer', Values: ['adam', 'sgd'] }],
      },
    });
    expect((states.Tune.Parameters as Json).Tags).toEqual([
      { Key: 'mlops:model', Value: 'churn' },
      { Key: 'mlops:environment', Value: 'dev' },
    ]);
  });

  test('its training jobs are defined like the training stage job, with the objective metric read from the logs', () => {
    const { states } = stage();
    const definition = (states.Tune.Parameters as Json).TrainingJobDefinition;
    expect(definition).toMatchObject({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/job`,
      AlgorithmSpecification: {
        TrainingImage: TRAINING.image,
        TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: 'val_auc', Regex: 'val_auc=([0-9.]+)' }],
      },
      OutputDataConfig: { KmsKeyId: `arn:aws:kms:${ARN}:key/data` },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30, VolumeKmsKeyId: `arn:aws:kms:${ARN}:key/data` },
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      EnableManagedSpotTraining: true,
      EnableInterContainerTrafficEncryption: true,
      Environment: { MLOPS_FRAMEWORK: 'pytorch' },
    });
    expect(definition.CheckpointConfig['S3Uri.$']).toContain('checkpoints/');
    expect(definition.InputDataConfig.map((c: Json) => c.ChannelName)).toEqual(['train', 'code']);
    // The tuned `lr` is not sent as a static value as well.
    expect(definition.StaticHyperParameters).toEqual({
      epochs: '20',
      sagemaker_program: 'mlops_train.py',
      sagemaker_submit_directory: '/opt/ml/input/data/code/0123abcd.tar.gz',
    });
    expect(definition.HyperParameters).toBeUndefined();
  });

  test('the built-in algorithm tunes on its own metric: no metric definitions', () => {
    const builtIn = { ...TRAINING, sourcePackage: undefined, environment: undefined, contentType: 'text/csv' };
    const { states } = stage({ training: builtIn, tuning: { ...TUNING, objective: { metric: 'validation:auc', direction: 'minimize' } } });
    const p = states.Tune.Parameters as Json;
    expect(p.TrainingJobDefinition.AlgorithmSpecification).toEqual({ TrainingImage: TRAINING.image, TrainingInputMode: 'File' });
    expect(p.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective).toEqual({ Type: 'Minimize', MetricName: 'validation:auc' });
  });

  test('the best training job is read back as $.training; the tuning job is summarized in $.tuning', () => {
    const { states } = stage();
    expect(states.HasBestTrainingJob).toMatchObject({ Type: 'Choice', Default: 'NoBestTrainingJob' });
    expect(states.NoBestTrainingJob).toMatchObject({ ResultPath: '$.error', Next: 'Failure' });
    expect(states.DescribeBestTrainingJob).toMatchObject({
      Resource: 'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:describeTrainingJob',
      Parameters: { 'TrainingJobName.$': '$.tuning.BestTrainingJob.TrainingJobName' },
      ResultSelector: { 'jobName.$': '$.TrainingJobName', 'jobArn.$': '$.TrainingJobArn', 'modelArtifactUri.$': '$.ModelArtifacts.S3ModelArtifacts' },
      ResultPath: '$.training',
      Next: 'SummarizeTuning',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failure' }],
    });
    expect(states.SummarizeTuning).toMatchObject({ ResultPath: '$.tuning', Next: 'Next' });
    expect(Object.keys(states)).toEqual(expect.arrayContaining(['TuneThrottled', 'TuneBackoff']));
  });

  test('the tuning job name fits 32 characters and keeps the model prefix when it can', () => {
    const { states } = stage();
    expect((states.Tune.Parameters as Json)['HyperParameterTuningJobName.$']).toBe(
      `States.Format('${PREFIX}--h{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))`,
    );
    expect(tuningNamePrefix(PREFIX)).toBe(PREFIX);
    // 21 characters: room for 8 hex digits only, the first group of the UUID.
    const { states: at21 } = stage({}, (bare) => new SageMakerJobs({ ...bare.jobs.settings, runtimeNamePrefix: 'mlops-staging-fraud-x' }));
    expect((at21.Tune.Parameters as Json)['HyperParameterTuningJobName.$']).toBe(
      "States.Format('mlops-staging-fraud-x--h{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0))",
    );
    // 48 characters: shortened to 12 characters and a hash, distinct per prefix and free of `--`.
    const long = `${'n'.repeat(19)}1-dev-${'m'.repeat(22)}2`;
    const short = tuningNamePrefix(long);
    expect(short).toMatch(/^n{12}-[0-9a-f]{8}$/);
    expect(short.length + '--h'.length + 8).toBeLessThanOrEqual(32);
    expect(tuningNamePrefix(`${long.slice(0, -1)}3`)).not.toBe(short);
    expect(tuningNamePrefix('abcdefghijk-lmnopqrstuv')).toMatch(/^abcdefghijk-[0-9a-f]{8}$/);
  });

  test.each([15, 17, 18, 21, 22, 48])('a name drawn at run time from a %i-character prefix is a valid tuning job name', async (length) => {
    const b = bareStack();
    const prefix = `${'a'.repeat(length - 3)}-b2`;
    const states = statesOf(b.stack, new sfn.Pass(b.scope, 'Name', { parameters: { name: tuningJobName(prefix) } }));
    const result = await runLocally({ StartAt: 'Name', States: states });
    const name = (result.output as Json).name as string;
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/);
    expect(name).toMatch(new RegExp(`^${tuningNamePrefix(prefix)}--h[0-9a-f]{${length <= 17 ? 12 : 8}}$`));
  });

  test('grants the tuning job, its rule and role, and reading the training jobs it launched', () => {
    const { b, stage: s } = stage();
    const own = grantsOf(b.stack, s);
    const launched = `arn:\${AWS::Partition}:sagemaker:${ARN}:training-job/${PREFIX}--*`;
    expect(own).toEqual([{ actions: ['sagemaker:DescribeTrainingJob'], resources: [launched] }]);
    expect(s.wildcards.map((w) => w.resources)).toEqual([s.statements[0].resources]);
    const jobs = grantsOf(b.stack, b.jobs.permissions(b.scope));
    const tuningJobs = `arn:\${AWS::Partition}:sagemaker:${ARN}:hyper-parameter-tuning-job/${PREFIX}--*`;
    const tuningActions = ['Create', 'Describe', 'Stop'].map((v) => `sagemaker:${v}HyperParameterTuningJob`);
    for (const action of [...tuningActions, 'sagemaker:AddTags', 'sagemaker:ListTags']) expect(allows(jobs, action, tuningJobs)).toBe(true);
    const rule = `arn:\${AWS::Partition}:events:${ARN}:rule/StepFunctionsGetEventsForSageMakerTuningJobsRule`;
    for (const action of ['events:PutTargets', 'events:PutRule', 'events:DescribeRule']) expect(allows(jobs, action, rule)).toBe(true);
    expect(jobs.find((g) => g.actions.includes('iam:PassRole'))).toEqual({
      actions: ['iam:PassRole'],
      resources: [`arn:aws:iam::${ACCOUNT}:role/job`],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(allows(jobs, 'kms:CreateGrant', `arn:aws:kms:${ARN}:key/data`)).toBe(true);
    expect(actionsOf(jobs)).not.toContain('sagemaker:CreateTrainingJob');
  });

  test('a shortened prefix scopes the tuning jobs and their training jobs alike', () => {
    const long = `${'n'.repeat(19)}1-dev-${'m'.repeat(22)}2`;
    const { b, stage: s } = stage({}, (bare) => new SageMakerJobs({ ...bare.jobs.settings, runtimeNamePrefix: long }));
    const short = tuningNamePrefix(long);
    expect(grantsOf(b.stack, s)[0].resources).toEqual([`arn:\${AWS::Partition}:sagemaker:${ARN}:training-job/${short}--*`]);
  });

  test('refuses ranges SageMaker would refuse', () => {
    const bad = (ranges: ResolvedTuning['ranges'], strategy: ResolvedTuning['strategy'] = 'Random') => () =>
      stage({ tuning: { ...TUNING, ranges, strategy } });
    expect(bad([{ name: 'sagemaker_x', type: 'categorical', values: ['a'] }])).toThrow(/reserved/);
    expect(bad([{ name: 'lr', type: 'categorical', values: ['a'] }, { name: 'lr', type: 'categorical', values: ['b'] }])).toThrow(/one range/);
    expect(bad([{ name: 'n', type: 'integer', min: 1, max: 9, scaling: 'ReverseLogarithmic' }])).toThrow(/continuous ranges only/);
    expect(bad([{ name: 'n', type: 'integer', min: 1, max: 9, scaling: 'Auto' }], 'Grid')).toThrow(/categorical ranges only/);
  });
});
