import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand,
  DescribeModelPackageCommand, DescribeTrainingJobCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../lambda/record-lineage';
import { validateLineageRecord } from '../../contracts/lineage';
import { defaultModelTemplate } from '../helpers/default-app';
import { JsonValue, resolveDefinition, runLocally, TaskOverride } from '../helpers/sfn';
import { platformRefs } from './fixtures';

// The record writer, fed with exactly what the pipeline sends it in a local run of the real definition.
const s3 = mockClient(S3Client);
const sagemaker = mockClient(SageMakerClient);
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const template = defaultModelTemplate('dev', 'churn');
const definition = resolveDefinition(template, undefined, { refs: platformRefs(template) });
const PACKAGE = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/3';
const JOB = 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/churn--t1';

test('a local run of the dev pipeline writes valid lineage records for registered, approved and deployed', async () => {
  Object.assign(process.env, { AUDIT_BUCKET_NAME: 'audit-bucket', LINEAGE_PREFIX: 'lineage/mlops-dev-churn/', MODEL_NAME: 'churn', ENVIRONMENT_NAME: 'dev', FEATURE_GROUP_NAME: 'mlops-dev-churn' });
  s3.on(PutObjectCommand).resolves({ VersionId: 'v1' });
  sagemaker.on(DescribeTrainingJobCommand).resolves({
    $metadata: { requestId: 'req-job' },
    TrainingJobName: 'churn--t1', TrainingJobArn: JOB, AlgorithmSpecification: { TrainingImage: '123.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1', TrainingInputMode: 'File' },
    HyperParameters: { num_round: '200' }, ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 }, CreationTime: new Date('2026-11-22T10:00:00Z'),
    TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: 's3://artifacts/model.tar.gz' }, StoppingCondition: {}, SecondaryStatus: 'Completed', RoleArn: 'arn:aws:iam::111122223333:role/job',
  } as never);
  sagemaker.on(DescribeModelPackageCommand).resolves({ $metadata: { requestId: 'req-x' }, ModelPackageArn: PACKAGE, ModelPackageName: 'mlops-dev-churn', ModelPackageGroupName: 'mlops-dev-churn', ModelPackageVersion: 3, ModelPackageStatus: 'Completed', ModelApprovalStatus: 'Approved', CreationTime: new Date('2026-11-22T11:00:00Z') } as never);
  sagemaker.on(DescribeEndpointCommand).resolves({ $metadata: { requestId: 'req-x' }, EndpointName: 'mlops-dev-churn', EndpointArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/mlops-dev-churn', EndpointConfigName: 'churn--c1', EndpointStatus: 'InService', CreationTime: new Date(), LastModifiedTime: new Date() } as never);
  sagemaker.on(DescribeEndpointConfigCommand).resolves({ $metadata: { requestId: 'req-x' }, EndpointConfigName: 'churn--c1', EndpointConfigArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint-config/churn--c1', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'churn--m1', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }], CreationTime: new Date() } as never);
  sagemaker.on(DescribeModelCommand).resolves({ $metadata: { requestId: 'req-x' }, ModelName: 'churn--m1', ModelArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model/churn--m1', PrimaryContainer: { ModelPackageName: PACKAGE }, CreationTime: new Date(), ExecutionRoleArn: 'arn:aws:iam::111122223333:role/job' } as never);

  const recorder: TaskOverride = async (input) => {
    const payload = input as Any;
    return (await handler(payload, { functionName: 'record-lineage', awsRequestId: 'r-1' })) as unknown as JsonValue;
  };
  let looks = 0;
  const result = await runLocally(definition, { trainingDataUri: 's3://curated/churn/2026-11-22/', trigger: { type: 'manual' } }, {
    context: { Execution: { Name: 'exec-1', Id: 'arn:aws:states:eu-west-1:111122223333:execution:churn:exec-1', StartTime: '2026-11-22T09:59:00.000Z' }, State: { EnteredTime: '2026-11-22T12:00:00.000Z' } },
    overrides: {
      SnapshotTrainingData: (input) => ({ manifestUri: (input as Any).manifestUri, manifestVersionId: 'mv-1', objectCount: 12, totalBytes: 4096 }),
      Train: { TrainingJobName: 'churn--t1', TrainingJobArn: JOB, ModelArtifacts: { S3ModelArtifacts: 's3://artifacts/model.tar.gz' } },
      Evaluate: {},
      ReadMetrics: { Body: JSON.stringify({ metrics: { auc: 0.9 } }) },
      ComputeBaseline: (input) => ({ baselineUri: (input as Any).baselineUri, rowCount: 10, featureCount: 4 }),
      FindApprovedModel: { ModelPackageSummaryList: [] },
      RegisterModel: { ModelPackageArn: PACKAGE },
      RecordAutomaticApproval: { decision: 'approved', approver: 'automatic approval (environment dev)', comment: 'passed the gate', decidedAt: '2026-11-22T11:30:00.000Z', recordUri: 's3://audit-bucket/decisions/mlops-dev-churn/auto-exec-1.json' },
      MarkApproved: {},
      CreateModel: {}, CreateEndpointConfig: {}, FindEndpoint: { Endpoints: [] }, CreateEndpoint: {},
      DescribeNewEndpoint: () => ({ EndpointStatus: ++looks < 2 ? 'Creating' : 'InService', EndpointConfigName: 'churn--c1' }),
      RegisterScalableTarget: {}, ScaleOnInvocations: {}, RecordServing: {}, NotifySuccess: {}, NotifyFailure: {},
      RecordRegistered: recorder, RecordApproved: recorder, RecordDeployed: recorder,
    },
  });
  expect(result.cause).toBeUndefined();
  expect(result.status).toBe('SUCCEEDED');
  const records = s3.commandCalls(PutObjectCommand).map((c) => ({ key: c.args[0].input.Key, body: JSON.parse(String(c.args[0].input.Body)) }));
  expect(records.map((r) => r.key)).toEqual([
    'lineage/mlops-dev-churn/exec-1/10-registered.json', 'lineage/mlops-dev-churn/exec-1/20-approved.json', 'lineage/mlops-dev-churn/exec-1/30-deployed.json',
  ]);
  for (const r of records) expect(validateLineageRecord(r.body).problems).toEqual([]);
  expect(JSON.stringify(records[0].body)).toContain('s3://curated/churn/2026-11-22/');
  expect(JSON.stringify(records[0].body)).toContain(JOB);
  expect(JSON.stringify(records[1].body)).toContain('automatic approval (environment dev)');
  expect(JSON.stringify(records[2].body)).toContain('mlops-dev-churn');
});
