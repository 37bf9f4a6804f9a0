/**
 * The scenarios the workflows are run through for the run-time permission check, and the plausible AWS response
 * each Task integration gives in a scenario (chosen by integration, not by state name, so new states need no entry).
 */
import { JsonValue } from '../helpers/sfn';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One scenario: the world as the Tasks see it. */
export interface Scenario {
  readonly name: string;
  readonly input: Json;
  /** An approved package exists already. */
  readonly approvedExists: boolean;
  /** The endpoint exists already. */
  readonly endpointExists: boolean;
  /** The approver's decision (human gates). */
  readonly decision: 'approved' | 'rejected';
  /** Status DescribeEndpoint reports (terminal: the local runs do not wait). */
  readonly endpointStatus: string;
  /** DescribeEndpoint reports the previous configuration after an update (deployment guardrails rolled back). */
  readonly rolledBack?: boolean;
  /** The first Task whose integration matches fails with this error. */
  readonly failing?: { readonly integration: string; readonly error: string };
}

/** An execution name as the retraining trigger writes them (underscores, longer than SageMaker names allow). */
export const EXECUTION_NAME = 'drift_2026-12-06T00_15_00Z_0123456789abcdef0123456789abcdef01234567';

/** Calls of one Task state in one run beyond which the run is stopped as a loop. */
export const LOOP_GUARD = 25;

const BASE: Omit<Scenario, 'name' | 'input'> = { approvedExists: false, endpointExists: false, decision: 'approved', endpointStatus: 'InService' };

/** Scenarios that together enter every Task state of the shipped pipelines. */
export const SCENARIOS: readonly Scenario[] = [
  { ...BASE, name: 'first model, first endpoint', input: {} },
  { ...BASE, name: 'better model, existing endpoint', input: {}, approvedExists: true, endpointExists: true },
  { ...BASE, name: 'redeployment', input: { redeploy: true }, approvedExists: true },
  { ...BASE, name: 'rejected', input: {}, decision: 'rejected' },
  { ...BASE, name: 'endpoint fails to create', input: {}, endpointStatus: 'Failed' },
  { ...BASE, name: 'rollout rolled back', input: {}, approvedExists: true, endpointExists: true, rolledBack: true },
  { ...BASE, name: 'endpoint not updatable', input: {}, approvedExists: true, endpointExists: true, endpointStatus: 'Failed' },
  { ...BASE, name: 'nobody decides in time', input: {}, failing: { integration: 'lambda:invoke.waitForTaskToken', error: 'States.Timeout' } },
  {
    ...BASE,
    name: 'training fails',
    input: {},
    failing: { integration: 'sagemaker:createTrainingJob.sync', error: 'SageMaker.AmazonSageMakerException' },
  },
  {
    ...BASE,
    name: 'tuning fails',
    input: {},
    failing: { integration: 'sagemaker:createHyperParameterTuningJob.sync', error: 'SageMaker.AmazonSageMakerException' },
  },
];

/** The locations a function answers with where it wrote them (the snapshot's manifest, the baseline), as the handlers do. */
export function echoed(payload: Json): Json {
  return Object.fromEntries(['manifestUri', 'baselineUri'].filter((k) => typeof payload[k] === 'string').map((k) => [k, payload[k]]));
}

/** What the responders remember during one run: the endpoint configuration the endpoint was last asked to use. */
export interface RunMemory {
  endpointConfig?: string;
  /** A configuration an earlier run created: the name of this run's with another suffix. */
  previousConfig?: string;
  /** The model package group the run lists and registers in. */
  group?: string;
  /** Where the tuning job's training jobs write their models. */
  tuningOutput?: string;
  /** The run's configuration is serverless: the endpoint's current one is too (same serving, an earlier model). */
  serverless?: JsonValue;
}

/** A plausible response of each integration, for the scenario. */
export function respond(
  integration: string,
  input: Json,
  s: Scenario,
  aws: { partition: string; region: string; account: string },
  memory: RunMemory,
): JsonValue {
  const sm = (type: string, name: string) => `arn:${aws.partition}:sagemaker:${aws.region}:${aws.account}:${type}/${name.toLowerCase()}`;
  const metrics = { auc: 0.97, accuracy: 0.97, f1: 0.97, precision: 0.97, recall: 0.97, rmse: 0.01, mae: 0.01, mse: 0.0001, r2: 0.97 };
  memory.group = input.ModelPackageGroupName ?? memory.group;
  const packageArn = sm('model-package', `${memory.group ?? 'unknown-group'}/1`);
  const metadata = {
    // The approved model is a little worse on every metric: lower where higher is better, higher for the errors.
    ...Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, String(['rmse', 'mae', 'mse'].includes(k) ? v + 0.1 : v - 0.1)])),
    baselineUri: 's3://placeholder/baseline.json',
  };
  const decision = {
    decision: s.decision,
    approver: 'approver@example.com',
    comment: 'ok',
    decidedAt: '2026-12-06T00:00:00Z',
    recordUri: 's3://placeholder/record.json',
  };
  const lambdaPayload = {
    manifestUri: 's3://placeholder/manifest.json',
    objectCount: 3,
    baselineUri: 's3://placeholder/baseline.json',
    versionId: 'v1',
    ...decision,
  };
  switch (integration) {
    case 'sagemaker:createTrainingJob.sync':
      return {
        TrainingJobName: input.TrainingJobName,
        TrainingJobArn: sm('training-job', input.TrainingJobName),
        TrainingJobStatus: 'Completed',
        ModelArtifacts: { S3ModelArtifacts: `${input.OutputDataConfig.S3OutputPath}${input.TrainingJobName}/output/model.tar.gz` },
      };
    case 'sagemaker:createHyperParameterTuningJob.sync': {
      const name = String(input.HyperParameterTuningJobName);
      memory.tuningOutput = input.TrainingJobDefinition.OutputDataConfig.S3OutputPath;
      return {
        HyperParameterTuningJobName: name,
        HyperParameterTuningJobArn: sm('hyper-parameter-tuning-job', name),
        HyperParameterTuningJobStatus: 'Completed',
        BestTrainingJob: { TrainingJobName: `${name}-001-0123abcd`, TrainingJobArn: sm('training-job', `${name}-001-0123abcd`) },
      };
    }
    case 'aws-sdk:sagemaker:describeTrainingJob':
      return {
        TrainingJobName: input.TrainingJobName,
        TrainingJobArn: sm('training-job', input.TrainingJobName),
        TrainingJobStatus: 'Completed',
        ModelArtifacts: { S3ModelArtifacts: `${memory.tuningOutput ?? 's3://placeholder/'}${input.TrainingJobName}/output/model.tar.gz` },
      };
    case 'sagemaker:createProcessingJob.sync':
      return {
        ProcessingJobName: input.ProcessingJobName,
        ProcessingJobArn: sm('processing-job', input.ProcessingJobName),
        ProcessingJobStatus: 'Completed',
      };
    case 'aws-sdk:s3:getObject':
      return { Body: JSON.stringify({ metrics }) };
    case 'aws-sdk:sagemaker:listModelPackages':
      return { ModelPackageSummaryList: s.approvedExists ? [{ ModelPackageArn: packageArn }] : [] };
    case 'aws-sdk:sagemaker:describeModelPackage':
      return { ModelPackageArn: input.ModelPackageName, CustomerMetadataProperties: metadata, ModelApprovalStatus: 'Approved' };
    case 'aws-sdk:sagemaker:createModelPackage':
      return { ModelPackageArn: packageArn };
    case 'aws-sdk:sagemaker:createModel':
      return { ModelArn: sm('model', input.ModelName) };
    case 'aws-sdk:sagemaker:createEndpointConfig':
      memory.serverless = input.ProductionVariants?.[0]?.ServerlessConfig;
      memory.previousConfig = `${String(input.EndpointConfigName).slice(0, -6)}000000`;
      return { EndpointConfigArn: sm('endpoint-config', input.EndpointConfigName) };
    case 'aws-sdk:sagemaker:listEndpoints':
      return { Endpoints: s.endpointExists ? [{ EndpointName: input.NameContains, EndpointStatus: 'InService' }] : [] };
    case 'aws-sdk:sagemaker:describeEndpoint': {
      // A rolled-back rollout ends InService on the previous configuration.
      const config = s.rolledBack ? memory.previousConfig : (memory.endpointConfig ?? memory.previousConfig);
      return {
        EndpointName: input.EndpointName,
        EndpointArn: sm('endpoint', input.EndpointName),
        EndpointStatus: s.endpointStatus,
        EndpointConfigName: config ?? null,
        ...(s.endpointStatus === 'InService' ? {} : { FailureReason: 'capacity' }),
      };
    }
    case 'aws-sdk:sagemaker:describeEndpointConfig':
      return {
        EndpointConfigName: input.EndpointConfigName,
        ProductionVariants: [
          memory.serverless
            ? { VariantName: 'AllTraffic', ServerlessConfig: memory.serverless }
            : { VariantName: 'AllTraffic', InstanceType: 'ml.placeholder.large' },
        ],
      };
    case 'aws-sdk:sagemaker:createEndpoint':
    case 'aws-sdk:sagemaker:updateEndpoint':
      memory.endpointConfig = input.EndpointConfigName;
      return { EndpointArn: sm('endpoint', input.EndpointName) };
    case 'aws-sdk:applicationautoscaling:describeScalableTargets':
      return { ScalableTargets: [] };
    case 'aws-sdk:applicationautoscaling:putScalingPolicy':
      return { PolicyARN: 'arn:placeholder', Alarms: [] };
    case 'sns:publish':
      return { MessageId: '00000000-0000-0000-0000-000000000000' };
    case 'lambda:invoke':
      return { StatusCode: 200, Payload: { ...lambdaPayload, ...echoed(input.Payload ?? {}) } };
    case 'lambda:invoke.waitForTaskToken':
      return decision;
    case 'lambda:function':
      return { ...lambdaPayload, ...echoed(input) };
    default:
      return {};
  }
}
