import {
  DescribeEndpointCommand,
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  DescribeEndpointConfigCommandOutput,
  DescribeModelCommand,
  DescribeModelCommandOutput,
  DescribeModelPackageCommand,
  DescribeTrainingJobCommand,
  DescribeTrainingJobCommandOutput,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type {
  CloudTrailReference,
  DecisionMilestoneRecord,
  DeploymentMilestoneRecord,
  LineageRecord,
  LineageVariant,
  Milestone,
  RegisteredRecord,
} from '../../contracts/lineage';
import { field, Json, normaliseTrigger, optionalCount, optionalS3Uri, optionalText, requiredS3Uri, requiredText, validate } from './event';
import { InvalidEventError, parseS3Uri } from '../shared/input/event';
import { isObject } from '../shared/input/json';
import { digestOf, iso, packageFacts, Reads } from './reads';

/*
 * The body of each milestone's lineage record: what the pipeline state says, completed with what SageMaker knows.
 */

const sagemaker = new SageMakerClient({});

/** What a milestone's builder works from. */
export interface Context0 {
  readonly event: ReturnType<typeof validate>;
  readonly state: Json;
  readonly reads: Reads;
  readonly modelPackageArn: string;
}

async function registered({ event, state, reads, modelPackageArn }: Context0): Promise<Omit<RegisteredRecord, Common>> {
  const jobName = requiredText(state, 'training.jobName');
  const jobArn = requiredText(state, 'training.jobArn');
  const data = {
    trainingDataUri: requiredS3Uri(state, 'trainingDataUri'),
    manifestUri: requiredS3Uri(state, 'dataSnapshot.manifestUri'),
    manifestVersionId: optionalText(state, 'dataSnapshot.manifestVersionId'),
    objectCount: optionalCount(state, 'dataSnapshot.objectCount'),
    totalBytes: optionalCount(state, 'dataSnapshot.totalBytes'),
    evaluationDataUri: optionalS3Uri(state, 'evaluationDataUri'),
  };
  const metricsIn = field(state, 'evaluation.report.metrics');
  const metrics: Record<string, number | null> = {};
  if (isObject(metricsIn)) {
    for (const [name, value] of Object.entries(metricsIn)) metrics[name] = typeof value === 'number' && Number.isFinite(value) ? value : null;
  }
  const job: DescribeTrainingJobCommandOutput | undefined = await reads.describe('DescribeTrainingJob', jobName, () =>
    sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName })),
  );
  const pkg = await reads.describe('DescribeModelPackage', modelPackageArn, () =>
    sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn })),
  );
  const image = job?.AlgorithmSpecification?.TrainingImage;
  const manifest = parseS3Uri('state.dataSnapshot.manifestUri', data.manifestUri);
  const modelPackage = packageFacts(modelPackageArn, pkg);
  const references: CloudTrailReference[] = [
    {
      eventSource: 'states.amazonaws.com',
      eventName: 'StartExecution',
      resourceName: event.executionArn,
      eventTime: event.executionStartTime,
      timeSource: 'execution start time',
    },
    {
      eventSource: 'sagemaker.amazonaws.com',
      eventName: 'CreateTrainingJob',
      resourceName: jobName,
      eventTime: iso(job?.CreationTime),
      timeSource: 'training job CreationTime',
    },
    {
      eventSource: 's3.amazonaws.com',
      eventName: 'PutObject',
      resourceName: `arn:${event.partition}:s3:::${manifest.bucket}/${manifest.key}`,
      dataEvent: true,
    },
    {
      eventSource: 'sagemaker.amazonaws.com',
      eventName: 'CreateModelPackage',
      resourceName: modelPackage.group ?? modelPackageArn,
      eventTime: modelPackage.creationTime,
      timeSource: 'model package CreationTime',
    },
  ];
  return {
    trigger: normaliseTrigger(state.trigger),
    data,
    featureGroupName: process.env.FEATURE_GROUP_NAME || undefined,
    training: {
      jobName,
      jobArn,
      status: job?.TrainingJobStatus,
      image,
      imageDigest: digestOf(image),
      hyperparameters: job?.HyperParameters ?? {},
      inputChannels: (job?.InputDataConfig ?? []).map((c) => ({ name: c.ChannelName ?? '', s3Uri: c.DataSource?.S3DataSource?.S3Uri })),
      instanceType: job?.ResourceConfig?.InstanceType,
      instanceCount: job?.ResourceConfig?.InstanceCount,
      spot: job?.EnableManagedSpotTraining,
      roleArn: job?.RoleArn,
      modelArtifactUri: optionalS3Uri(state, 'training.modelArtifactUri') ?? job?.ModelArtifacts?.S3ModelArtifacts,
      creationTime: iso(job?.CreationTime),
      startTime: iso(job?.TrainingStartTime),
      endTime: iso(job?.TrainingEndTime),
      trainingSeconds: job?.TrainingTimeInSeconds,
      billableSeconds: job?.BillableTimeInSeconds,
    },
    evaluation: { metrics, reportUri: pkg?.ModelMetrics?.ModelQuality?.Statistics?.S3Uri },
    baselineUri: optionalS3Uri(state, 'baseline.baselineUri'),
    modelPackage,
    cloudTrail: references,
  };
}

async function decided({ event, state, reads, modelPackageArn }: Context0): Promise<Omit<DecisionMilestoneRecord, Common>> {
  const decision = requiredText(state, 'approval.decision');
  if (decision !== event.milestone)
    throw new InvalidEventError('state.approval.decision', decision, `"${event.milestone}" for the milestone ${event.milestone}`);
  const decidedAt = requiredText(state, 'approval.decidedAt');
  if (Number.isNaN(Date.parse(decidedAt))) throw new InvalidEventError('state.approval.decidedAt', decidedAt, 'an ISO 8601 time');
  const comment = field(state, 'approval.comment');
  if (typeof comment !== 'string') throw new InvalidEventError('state.approval.comment', comment, 'a string');
  const pkg = await reads.describe('DescribeModelPackage', modelPackageArn, () =>
    sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn })),
  );
  const modelPackage = packageFacts(modelPackageArn, pkg);
  return {
    decision: {
      decision: decision as 'approved' | 'rejected',
      approver: requiredText(state, 'approval.approver'),
      decidedAt: new Date(decidedAt).toISOString(),
      comment,
      recordUri: requiredS3Uri(state, 'approval.recordUri'),
      requestId: optionalText(state, 'approval.requestId'),
    },
    modelPackage,
    cloudTrail: [
      {
        eventSource: 'sagemaker.amazonaws.com',
        eventName: 'UpdateModelPackage',
        resourceName: modelPackageArn,
        eventTime: modelPackage.lastModifiedTime,
        timeSource: 'model package LastModifiedTime',
      },
    ],
  };
}

async function deployment({ state, reads }: Context0): Promise<Omit<DeploymentMilestoneRecord, Common>> {
  const endpointName = requiredText(state, 'deployment.endpointName');
  const endpointConfigName = requiredText(state, 'deployment.endpointConfigName');
  const modelName = requiredText(state, 'deployment.modelName');
  const previousEndpointConfigName = optionalText(state, 'deployment.previous.name') ?? optionalText(state, 'deployment.previousEndpointConfigName');
  const endpoint: DescribeEndpointCommandOutput | undefined = await reads.describe('DescribeEndpoint', endpointName, () =>
    sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })),
  );
  const config: DescribeEndpointConfigCommandOutput | undefined = await reads.describe('DescribeEndpointConfig', endpointConfigName, () =>
    sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName })),
  );
  const model: DescribeModelCommandOutput | undefined = await reads.describe('DescribeModel', modelName, () =>
    sagemaker.send(new DescribeModelCommand({ ModelName: modelName })),
  );
  const served = new Map((endpoint?.ProductionVariants ?? []).map((v) => [v.VariantName, v]));
  const variants: LineageVariant[] = (config?.ProductionVariants ?? []).map((v) => ({
    name: v.VariantName ?? '',
    modelName: v.ModelName,
    instanceType: v.InstanceType,
    instanceCount: v.InitialInstanceCount,
    serverless: v.ServerlessConfig
      ? { memorySizeMb: v.ServerlessConfig.MemorySizeInMB, maxConcurrency: v.ServerlessConfig.MaxConcurrency }
      : undefined,
    images: served
      .get(v.VariantName)
      ?.DeployedImages?.map((i) => ({ specified: i.SpecifiedImage, resolved: i.ResolvedImage, resolvedAt: iso(i.ResolutionTime) })),
  }));
  const problem = field(state, 'deploymentProblem');
  const caught = field(state, 'error');
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const error = isObject(problem)
    ? { error: text(problem.error), cause: text(problem.cause) }
    : isObject(caught)
      ? { error: text(caught.Error), cause: text(caught.Cause) }
      : undefined;
  const containers = [model?.PrimaryContainer, ...(model?.Containers ?? [])];
  return {
    deployment: {
      endpointName,
      endpointArn: endpoint?.EndpointArn,
      endpointConfigName,
      modelName,
      previousEndpointConfigName,
      servingEndpointConfigName: endpoint?.EndpointConfigName,
      endpointStatus: endpoint?.EndpointStatus,
      deployedAt: iso(endpoint?.LastModifiedTime),
      failureReason: endpoint?.FailureReason,
      error,
      modelPackageName: containers.find((c) => c?.ModelPackageName)?.ModelPackageName,
      variants: config ? variants : undefined,
      endpointConfigCreationTime: iso(config?.CreationTime),
      modelCreationTime: iso(model?.CreationTime),
    },
    cloudTrail: [
      {
        eventSource: 'sagemaker.amazonaws.com',
        eventName: 'CreateModel',
        resourceName: modelName,
        eventTime: iso(model?.CreationTime),
        timeSource: 'model CreationTime',
      },
      {
        eventSource: 'sagemaker.amazonaws.com',
        eventName: 'CreateEndpointConfig',
        resourceName: endpointConfigName,
        eventTime: iso(config?.CreationTime),
        timeSource: 'endpoint configuration CreationTime',
      },
      {
        eventSource: 'sagemaker.amazonaws.com',
        eventName: previousEndpointConfigName ? 'UpdateEndpoint' : 'CreateEndpoint',
        resourceName: endpointName,
        eventTime: iso(endpoint?.LastModifiedTime),
        timeSource: "endpoint LastModifiedTime: the call precedes it by the rollout's duration",
      },
    ],
  };
}

/** The fields the handler fills in for every milestone. */
export type Common =
  | 'schemaVersion'
  | 'milestone'
  | 'recordedAt'
  | 'recordUri'
  | 'model'
  | 'environment'
  | 'execution'
  | 'modelPackageArn'
  | 'warnings'
  | 'recordedBy';

/** The builder of each milestone's record body. */
export const BUILDERS: Record<Milestone, (c: Context0) => Promise<Omit<LineageRecord, Common>>> = {
  registered,
  approved: decided,
  rejected: decided,
  deployed: deployment,
  rollback: deployment,
  'deployment-failed': deployment,
};
