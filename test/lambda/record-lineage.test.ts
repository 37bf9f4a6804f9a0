import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler, normaliseTrigger } from '../../lambda/record-lineage';
import { validateLineageRecord } from '../../contracts/lineage';
import { pipelineRun, PipelineRun, prodHistory } from '../../scripts/audit-samples/lineage-history';

const s3 = mockClient(S3Client);
const sagemaker = mockClient(SageMakerClient);

/** Environment of the recorder in the run's environment, as the model stack would set it. */
function environmentOf(run: PipelineRun): void {
  Object.assign(process.env, {
    AUDIT_BUCKET_NAME: run.buckets.audit,
    LINEAGE_PREFIX: run.lineagePrefix,
    MODEL_NAME: 'churn',
    ENVIRONMENT_NAME: run.params.environment,
    FEATURE_GROUP_NAME: run.qualified,
  });
}

/** SageMaker answers about the run's resources, as they were at `milestone`. */
function sageMakerOf(run: PipelineRun, milestone: 'registered' | 'approved' | 'deployment'): void {
  sagemaker.on(DescribeTrainingJobCommand, { TrainingJobName: run.jobName }).resolves(run.describe.trainingJob('registered'));
  sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: run.packageArn }).resolves(run.describe.package(milestone === 'registered' ? 'registered' : 'approved'));
  sagemaker.on(DescribeEndpointCommand, { EndpointName: run.endpointName }).resolves(run.describe.endpoint);
  sagemaker.on(DescribeEndpointConfigCommand, { EndpointConfigName: run.endpointConfigName }).resolves(run.describe.endpointConfig);
  sagemaker.on(DescribeModelCommand, { ModelName: run.modelName }).resolves(run.describe.model);
}

const CONTEXT = (run: PipelineRun) => ({ functionName: `mlops-${run.params.environment}-model-churn-RecordLineage`, awsRequestId: `lambda-${run.params.version}` });

/** Invokes the recorder as the pipeline would at `milestone`, with the clock at that milestone's recording time. */
async function record(run: PipelineRun, milestone: 'registered' | 'approved' | 'deployed' | 'rollback', now: string) {
  jest.setSystemTime(new Date(now));
  const state = milestone === 'registered' ? run.state.registered : milestone === 'approved' ? run.state.approved : run.state.deployment;
  return handler({ milestone, executionArn: run.executionArn, executionStartTime: run.times.start, model: 'churn', environment: run.params.environment, state }, CONTEXT(run));
}

function written(index = 0) {
  const input = s3.commandCalls(PutObjectCommand)[index].args[0].input;
  return { input, body: JSON.parse(String(input.Body)) };
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  s3.reset();
  sagemaker.reset();
  s3.on(PutObjectCommand).resolves({ VersionId: 'record-v1' });
});

afterEach(() => jest.useRealTimers());

describe('record-lineage: records from realistic pipeline states', () => {
  test('a clean run in prod: registered, approved by a person, deployed; each record exactly as the audit expects it', async () => {
    // GIVEN the v14 run of the production history (replacing v12 on the endpoint)
    const { v14 } = prodHistory();
    environmentOf(v14);

    // WHEN the pipeline reaches each milestone
    sageMakerOf(v14, 'registered');
    const registered = await record(v14, 'registered', v14.times.registeredRecord);
    sagemaker.reset();
    sageMakerOf(v14, 'approved');
    const approved = await record(v14, 'approved', v14.times.approvedRecord);
    sagemaker.reset();
    sageMakerOf(v14, 'deployment');
    const deployed = await record(v14, 'deployed', v14.times.deployedRecord);

    // THEN each record is written to its fixed key, and is the record the audit fixtures read back
    expect([registered, approved, deployed]).toEqual([
      { recordUri: v14.records.registered.recordUri, versionId: 'record-v1' },
      { recordUri: v14.records.approved.recordUri, versionId: 'record-v1' },
      { recordUri: v14.records.deployment.recordUri, versionId: 'record-v1' },
    ]);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
      'lineage/mlops-prod-churn/churn-2026-11-22/10-registered.json',
      'lineage/mlops-prod-churn/churn-2026-11-22/20-approved.json',
      'lineage/mlops-prod-churn/churn-2026-11-22/30-deployed.json',
    ]);
    expect(written(0).body).toEqual(v14.records.registered);
    expect(written(1).body).toEqual(v14.records.approved);
    expect(written(2).body).toEqual(v14.records.deployment);
    for (const i of [0, 1, 2]) {
      expect(written(i).input).toEqual(expect.objectContaining({ Bucket: v14.buckets.audit, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }));
      expect(validateLineageRecord(written(i).body)).toEqual(expect.objectContaining({ valid: true }));
    }
  });

  test('registered: the data versions, training job (image, hyperparameters, times), metrics, package and CloudTrail pointers', async () => {
    const { v14 } = prodHistory();
    environmentOf(v14);
    sageMakerOf(v14, 'registered');
    await record(v14, 'registered', v14.times.registeredRecord);
    const body = written().body;

    expect(body.data).toEqual({
      trainingDataUri: v14.trainingDataUri, manifestUri: v14.manifestUri, manifestVersionId: v14.manifestVersionId, objectCount: 3, totalBytes: 3144,
      evaluationDataUri: `s3://${v14.buckets.curated}/churn/test/`,
    });
    expect(body.training).toEqual(expect.objectContaining({
      jobName: v14.jobName, image: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1',
      hyperparameters: { objective: 'binary:logistic', num_round: '200', eval_metric: 'auc' }, instanceType: 'ml.m5.xlarge', spot: true,
      creationTime: '2026-11-22T08:01:10.000Z', trainingSeconds: 2280,
    }));
    expect(body.training.imageDigest).toBeUndefined(); // a tagged URI has no digest; the package's inference image has one
    expect(body.modelPackage).toEqual(expect.objectContaining({ version: 14, group: 'mlops-prod-churn', approvalStatus: 'PendingManualApproval', inferenceImageDigest: expect.stringMatching(/^sha256:/) }));
    expect(body.evaluation).toEqual({ metrics: v14.metrics, reportUri: expect.stringMatching(/runs\/churn-2026-11-22\/evaluation\/evaluation\.json$/) });
    expect(body.cloudTrail.map((r: { eventName: string }) => r.eventName)).toEqual(['StartExecution', 'CreateTrainingJob', 'PutObject', 'CreateModelPackage', 'DescribeTrainingJob', 'DescribeModelPackage']);
    expect(body.cloudTrail[4]).toEqual(expect.objectContaining({ requestId: 'DescribeTrainingJob-14-registered-0a1b2c3d', timeSource: 'read by the lineage recorder' }));
    expect(sagemaker).toHaveReceivedCommandWith(DescribeTrainingJobCommand, { TrainingJobName: v14.jobName });
    expect(sagemaker).not.toHaveReceivedCommand(DescribeEndpointCommand);
  });

  test('an automatic approval in dev: the decision, the package after MarkApproved, no request ID', async () => {
    const run = pipelineRun({ environment: 'dev', version: 7, day: '2026-11-22' });
    environmentOf(run);
    sageMakerOf(run, 'approved');
    const result = await record(run, 'approved', run.times.approvedRecord);

    expect(result.recordUri).toBe(`s3://${run.buckets.audit}/lineage/mlops-dev-churn/churn-2026-11-22/20-approved.json`);
    expect(written().body).toEqual(run.records.approved);
    expect(written().body.decision).toEqual({
      decision: 'approved', approver: 'automatic approval (environment dev)', decidedAt: '2026-11-22T11:02:13.412Z',
      comment: 'Environment dev approves automatically: the candidate passed the quality gate.',
      recordUri: `s3://${run.buckets.audit}/decisions/mlops-dev-churn/auto-churn-2026-11-22.json`,
    });
    expect(written().body.modelPackage).toEqual(expect.objectContaining({ approvalStatus: 'Approved', lastModifiedTime: '2026-11-22T11:02:15.000Z' }));
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeModelPackageCommand, 1);
    expect(sagemaker).not.toHaveReceivedCommand(DescribeTrainingJobCommand);
  });

  test('a rollback: the attempted configuration, the one still serving, the caught error; and a drift trigger normalised', async () => {
    const { v15 } = prodHistory();
    environmentOf(v15);
    sageMakerOf(v15, 'deployment');
    const result = await record(v15, 'rollback', v15.times.deployedRecord);

    expect(result.recordUri).toMatch(/churn-2026-11-29\/31-rollback\.json$/);
    const body = written().body;
    expect(body).toEqual(v15.records.deployment);
    const { v14 } = prodHistory();
    expect(body.deployment).toEqual(expect.objectContaining({
      endpointConfigName: v15.endpointConfigName,
      previousEndpointConfigName: v14.endpointConfigName,
      servingEndpointConfigName: v14.endpointConfigName,
      error: { error: 'RolloutRolledBack', cause: expect.stringContaining('SageMaker rolled back') },
    }));

    sagemaker.reset();
    sageMakerOf(v15, 'registered');
    await record(v15, 'registered', v15.times.registeredRecord);
    expect(written(1).body.trigger).toEqual({
      type: 'drift', alarmName: 'mlops-prod-churn-drift-psi', eventId: '7bf73129-1428-4cd3-a780-95db273d1602', eventTime: '2026-11-29T07:58:41Z',
      details: { feature: 'monthly_charges', psi: 0.31 },
    });
    expect(written(1).body).toEqual(v15.records.registered);
  });

  test('a deployment problem caught into $.error, and the previous configuration under its first name, are read too', async () => {
    const { v15 } = prodHistory();
    environmentOf(v15);
    sageMakerOf(v15, 'deployment');
    const state: Record<string, unknown> = {
      ...v15.state.deployment,
      deployment: { endpointName: v15.endpointName, endpointConfigName: v15.endpointConfigName, modelName: v15.modelName, previousEndpointConfigName: 'churn--cprevious' },
      error: { Error: 'States.TaskFailed', Cause: 'UpdateEndpoint failed' },
    };
    delete state.deploymentProblem;
    jest.setSystemTime(new Date(v15.times.deployedRecord));
    await handler({ milestone: 'deployment-failed', executionArn: v15.executionArn, model: 'churn', environment: 'prod', state });
    expect(written().input.Key).toBe('lineage/mlops-prod-churn/churn-2026-11-29/32-deployment-failed.json');
    expect(written().body.deployment).toEqual(expect.objectContaining({ previousEndpointConfigName: 'churn--cprevious', error: { error: 'States.TaskFailed', cause: 'UpdateEndpoint failed' } }));
  });

  test('a retry writes the same key again (Object Lock keeps both versions)', async () => {
    const { v14 } = prodHistory();
    environmentOf(v14);
    sageMakerOf(v14, 'approved');
    await record(v14, 'approved', v14.times.approvedRecord);
    await record(v14, 'approved', v14.times.approvedRecord);
    const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys).toEqual([keys[0], keys[0]]);
  });

  test('a resource SageMaker no longer finds is a warning in the record, not a failure', async () => {
    const { v14 } = prodHistory();
    environmentOf(v14);
    sageMakerOf(v14, 'deployment');
    sagemaker.on(DescribeModelCommand).rejects(Object.assign(new Error(`Could not find model "${v14.modelName}".`), { name: 'ValidationException' }));
    await record(v14, 'deployed', v14.times.deployedRecord);
    const body = written().body;
    expect(body.warnings).toEqual([`DescribeModel ${v14.modelName}: Could not find model "${v14.modelName}".`]);
    expect(body.deployment.modelCreationTime).toBeUndefined();
    expect(validateLineageRecord(body).valid).toBe(true);
  });

  test('any other SageMaker error fails the invocation (the pipeline retries), and nothing is written', async () => {
    const { v14 } = prodHistory();
    environmentOf(v14);
    sagemaker.on(DescribeTrainingJobCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(record(v14, 'registered', v14.times.registeredRecord)).rejects.toThrow('Rate exceeded');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });
});

describe('record-lineage: malformed events are refused before any call', () => {
  const { v14 } = prodHistory();
  const base = { milestone: 'registered', executionArn: v14.executionArn, model: 'churn', environment: 'prod', state: v14.state.registered };
  const withoutSnapshot: Record<string, unknown> = { ...v14.state.registered };
  delete withoutSnapshot.dataSnapshot;

  beforeEach(() => environmentOf(v14));

  test.each([
    ['not an object', null, /event is null; expected an object/],
    ['an unknown milestone', { ...base, milestone: 'trained' }, /milestone is "trained"; expected one of registered, approved, rejected, deployed, rollback, deployment-failed/],
    ['an execution name instead of its ARN', { ...base, executionArn: 'churn-2026-11-22' }, /executionArn is "churn-2026-11-22"; expected a Step Functions execution ARN/],
    ['another model', { ...base, model: 'fraud-dl' }, /model is "fraud-dl"; expected "churn": this function records only its own model/],
    ['another environment', { ...base, environment: 'dev' }, /environment is "dev"; expected "prod"/],
    ['a state that is not an object', { ...base, state: 'x' }, /state is "x"; expected the pipeline state/],
    ['registered without dataSnapshot', { ...base, state: withoutSnapshot }, /state\.dataSnapshot\.manifestUri is missing; expected a non-empty string/],
    ['a training data URI that is not s3://', { ...base, state: { ...v14.state.registered, trainingDataUri: 'https://example.com/x' } }, /state\.trainingDataUri is "https:\/\/example.com\/x"; expected an s3:\/\/bucket\/key URI/],
    ['rejected with an approved decision', { ...base, milestone: 'rejected', state: v14.state.approved }, /state\.approval\.decision is "approved"; expected "rejected" for the milestone rejected/],
    ['deployed without the deployment fields', { ...base, milestone: 'deployed', state: v14.state.approved }, /state\.deployment\.endpointName is missing/],
    ['a start time that is not a time', { ...base, executionStartTime: 'yesterday' }, /executionStartTime is "yesterday"; expected an ISO 8601 time/],
  ])('%s', async (_name, event, message) => {
    await expect(handler(event)).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('a missing environment variable is named', async () => {
    delete process.env.LINEAGE_PREFIX;
    await expect(handler(base)).rejects.toThrow('Missing environment variable LINEAGE_PREFIX');
  });
});

describe('normaliseTrigger', () => {
  test.each([
    [undefined, { type: 'unspecified' }],
    [{ type: 'manual' }, { type: 'manual' }],
    [{ type: 'schedule', id: 'evt-1', time: '2026-11-22T06:00:00Z' }, { type: 'schedule', eventId: 'evt-1', eventTime: '2026-11-22T06:00:00Z' }],
    [{ type: 'drift', alarm: { name: 'a', arn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a', state: 'ALARM' } },
      { type: 'drift', alarmName: 'a', alarmArn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a', details: { alarm: { state: 'ALARM' } } }],
    [{ type: 'drift', alarm: 'b' }, { type: 'drift', alarmName: 'b' }],
    [{ type: 'cron', who: 'x' }, { type: 'unspecified', details: { who: 'x', type: 'cron' } }],
    [{ type: 'manual', blob: 'x'.repeat(9000) }, { type: 'manual', details: { omitted: expect.stringContaining('exceed 8192') } }],
  ])('%#: %p', (input, expected) => {
    expect(normaliseTrigger(input)).toEqual(expected);
  });
});
