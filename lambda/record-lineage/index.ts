import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  DescribeEndpointConfigCommandOutput,
  DescribeModelCommand,
  DescribeModelCommandOutput,
  DescribeModelPackageCommand,
  DescribeModelPackageCommandOutput,
  DescribeTrainingJobCommand,
  DescribeTrainingJobCommandOutput,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Context } from 'aws-lambda';
import {
  CloudTrailReference, DecisionMilestoneRecord, DeploymentMilestoneRecord, lineageKey, LineageModelPackage, LineageRecord, LineageTrigger, LineageVariant, Milestone, MILESTONES, RegisteredRecord, validateLineageRecord,
} from '../../contracts/lineage';
import { TRIGGER_TYPES, TriggerType } from '../../contracts/trigger';
import { InvalidEventError, parseS3Uri, requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';

/**
 * Writes one lineage record (`lambda/shared/lineage.ts`) per pipeline milestone to the Object Lock
 * audit bucket, so that an auditor can follow any deployed model back to its data.
 *
 * Input (invoked synchronously by the training pipeline):
 * `{ milestone, executionArn, executionStartTime?, model, environment, state }` where `state` is the
 * pipeline state (`$`). What each milestone reads of it ({@link LineagePipelineState}):
 *
 * | milestone | required | optional |
 * | --- | --- | --- |
 * | `registered` | `trainingDataUri`, `dataSnapshot.manifestUri`, `training.jobName`, `training.jobArn`, `registration.modelPackageArn` | `trigger`, `evaluationDataUri`, `dataSnapshot.manifestVersionId` / `objectCount` / `totalBytes`, `training.modelArtifactUri`, `evaluation.report.metrics`, `baseline.baselineUri` |
 * | `approved`, `rejected` | `registration.modelPackageArn`, `approval.decision` (matching the milestone), `approval.approver`, `approval.decidedAt`, `approval.comment`, `approval.recordUri` | `approval.requestId` |
 * | `deployed`, `rollback`, `deployment-failed` | `registration.modelPackageArn`, `deployment.endpointName`, `deployment.endpointConfigName`, `deployment.modelName` | `deployment.previous.name` (or `deployment.previousEndpointConfigName`), `deploymentProblem` (`error`, `cause`; or a caught `error`: `Error`, `Cause`) |
 *
 * It adds what SageMaker knows: `registered` reads `DescribeTrainingJob` and `DescribeModelPackage`;
 * `approved`/`rejected` read `DescribeModelPackage` (status, description, who changed it and when);
 * the deployment milestones read `DescribeEndpoint`, `DescribeEndpointConfig` and `DescribeModel`.
 * A resource SageMaker no longer finds is noted in the record's `warnings`; any other error fails
 * the invocation (the pipeline retries it).
 *
 * Output: `{ recordUri, versionId }`. The key is
 * `<LINEAGE_PREFIX><execution name>/<nn>-<milestone>.json` with `nn` fixed per milestone, so a retry
 * rewrites the same key: Object Lock keeps every version, the first one included.
 *
 * Environment: `AUDIT_BUCKET_NAME`, `LINEAGE_PREFIX` (e.g. `lineage/mlops-prod-churn/`),
 * `MODEL_NAME` and `ENVIRONMENT_NAME` (an event for another model or environment is refused),
 * optional `FEATURE_GROUP_NAME`.
 */
export interface RecordLineageEvent {
  readonly milestone: Milestone;
  /** `$$.Execution.Id`. */
  readonly executionArn: string;
  /** `$$.Execution.StartTime`. */
  readonly executionStartTime?: string;
  readonly model: string;
  readonly environment: string;
  /** The pipeline state (`$`). */
  readonly state: LineagePipelineState;
}

/** The fields of the pipeline state the recorder reads (the rest is ignored). */
export interface LineagePipelineState {
  readonly trigger?: unknown;
  readonly trainingDataUri?: string;
  readonly evaluationDataUri?: string;
  readonly dataSnapshot?: { readonly manifestUri?: string; readonly manifestVersionId?: string; readonly objectCount?: number; readonly totalBytes?: number };
  readonly training?: { readonly jobName?: string; readonly jobArn?: string; readonly modelArtifactUri?: string };
  readonly evaluation?: { readonly report?: { readonly metrics?: Record<string, unknown> } };
  readonly baseline?: { readonly baselineUri?: string };
  readonly registration?: { readonly modelPackageArn?: string };
  readonly approval?: { readonly decision?: string; readonly approver?: string; readonly comment?: string; readonly decidedAt?: string; readonly recordUri?: string; readonly requestId?: string };
  /** Written by the deployment step (`PrepareDeployment`, `RememberPreviousConfig`). */
  readonly deployment?: {
    readonly endpointName?: string;
    readonly endpointConfigName?: string;
    readonly modelName?: string;
    /** The configuration served before the update (absent for a first deployment). */
    readonly previous?: { readonly name?: string };
    /** The same, under the name of the recorder's first design. */
    readonly previousEndpointConfigName?: string;
  };
  /** The deployment step's described problem (`RolloutRolledBack`, `EndpointUpdateFailed`, ...). */
  readonly deploymentProblem?: { readonly error?: string; readonly cause?: string };
  /** A caught error (`Catch` with `ResultPath: $.error`). */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export interface RecordLineageResult {
  readonly recordUri: string;
  readonly versionId?: string;
}

const s3 = new S3Client({});
const sagemaker = new SageMakerClient({});

const EXECUTION_ARN = /^arn:([a-z-]+):states:[a-z0-9-]+:\d{12}:execution:[^:]+:([^:/]+)$/;
/** Trigger details above this size (JSON) are left out of the record. */
const MAX_TRIGGER_DETAILS = 8192;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const iso = (d: Date | undefined): string | undefined => (d ? d.toISOString() : undefined);

function field(state: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), state);
}

function requiredText(state: Json, path: string): string {
  const value = field(state, path);
  if (typeof value !== 'string' || value.length === 0) throw new InvalidEventError(`state.${path}`, value, 'a non-empty string');
  return value;
}

function optionalText(state: Json, path: string): string | undefined {
  const value = field(state, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new InvalidEventError(`state.${path}`, value, 'a non-empty string when present');
  return value;
}

function optionalCount(state: Json, path: string): number | undefined {
  const value = field(state, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new InvalidEventError(`state.${path}`, value, 'a whole number, 0 or more');
  return value;
}

function requiredS3Uri(state: Json, path: string): string {
  const value = requiredText(state, path);
  parseS3Uri(`state.${path}`, value);
  return value;
}

function optionalS3Uri(state: Json, path: string): string | undefined {
  const value = optionalText(state, path);
  if (value !== undefined) parseS3Uri(`state.${path}`, value);
  return value;
}

/** Checks the event's envelope; the milestone's own state fields are checked when its record is built. */
export function validate(event: unknown): RecordLineageEvent & { executionName: string; partition: string } {
  if (!isObject(event)) throw new InvalidEventError('event', event, 'an object with milestone, executionArn, model, environment and state');
  const milestone = MILESTONES.find((m) => m === event.milestone);
  if (!milestone) throw new InvalidEventError('milestone', event.milestone, `one of ${MILESTONES.join(', ')}`);
  const match = typeof event.executionArn === 'string' ? EXECUTION_ARN.exec(event.executionArn) : null;
  if (!match) throw new InvalidEventError('executionArn', event.executionArn, 'a Step Functions execution ARN');
  for (const name of ['model', 'environment'] as const) {
    if (typeof event[name] !== 'string' || (event[name] as string).length === 0) throw new InvalidEventError(name, event[name], 'a non-empty string');
  }
  if (event.executionStartTime !== undefined && (typeof event.executionStartTime !== 'string' || Number.isNaN(Date.parse(event.executionStartTime)))) {
    throw new InvalidEventError('executionStartTime', event.executionStartTime, 'an ISO 8601 time when present');
  }
  if (!isObject(event.state)) throw new InvalidEventError('state', event.state, 'the pipeline state (an object)');
  return { ...(event as unknown as RecordLineageEvent), milestone, partition: match[1], executionName: match[2] };
}

/** The execution input's free-form `trigger`, normalised ({@link LineageTrigger}). */
export function normaliseTrigger(input: unknown): LineageTrigger {
  if (!isObject(input)) return { type: 'unspecified' };
  const { type, alarm, alarmName, alarmArn, eventId, id, eventTime, time, ...rest } = input;
  const known = TRIGGER_TYPES.find((t) => t === type && t !== 'unspecified');
  const alarmObject = isObject(alarm) ? alarm : undefined;
  const pick = (...values: unknown[]): string | undefined => values.find((v): v is string => typeof v === 'string' && v.length > 0);
  const details: Json = { ...rest };
  if (type !== undefined && !known) details.type = type;
  if (alarmObject) {
    const alarmRest: Json = { ...alarmObject };
    for (const k of ['name', 'arn', 'alarmName', 'alarmArn']) delete alarmRest[k];
    if (Object.keys(alarmRest).length > 0) details.alarm = alarmRest;
  }
  const detailsJson = JSON.stringify(details);
  const trigger: LineageTrigger = {
    type: (known ?? 'unspecified') as TriggerType,
    alarmName: pick(alarmName, alarm, alarmObject?.name, alarmObject?.alarmName),
    alarmArn: pick(alarmArn, alarmObject?.arn, alarmObject?.alarmArn),
    eventId: pick(eventId, id),
    eventTime: pick(eventTime, time),
    details: Object.keys(details).length === 0 ? undefined
      : detailsJson.length > MAX_TRIGGER_DETAILS ? { omitted: `the trigger's other fields (${detailsJson.length} characters of JSON) exceed ${MAX_TRIGGER_DETAILS}` }
        : details,
  };
  return dropUndefined(trigger);
}

/** Removes `undefined` values (deeply), so records hold only what is known. */
function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T;
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
  return out as T;
}

/** `sha256:<hex>` when an image URI pins its digest. */
function digestOf(image: string | undefined): string | undefined {
  return image ? /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1] : undefined;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (e?.name === 'ValidationException' || e?.name === 'ResourceNotFound') && /could not find|does not exist|not found/i.test(e.message ?? '');
}

/** Collects the recorder's own reads (their request IDs are CloudTrail events too) and what it could not read. */
class Reads {
  public readonly references: CloudTrailReference[] = [];
  public readonly warnings: string[] = [];

  public async describe<T extends { $metadata: { requestId?: string } }>(eventName: string, resourceName: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await call();
      this.references.push(dropUndefined({
        eventSource: 'sagemaker.amazonaws.com', eventName, resourceName, eventTime: new Date().toISOString(),
        timeSource: 'read by the lineage recorder', requestId: result.$metadata.requestId,
      }));
      return result;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.warnings.push(`${eventName} ${resourceName}: ${(error as Error).message}`);
      return undefined;
    }
  }
}

function packageFacts(arn: string, described: DescribeModelPackageCommandOutput | undefined): LineageModelPackage {
  const fromArn = /:model-package\/([^/]+)\/(\d+)$/.exec(arn);
  const container = described?.InferenceSpecification?.Containers?.[0];
  return dropUndefined({
    arn,
    group: described?.ModelPackageGroupName ?? fromArn?.[1],
    version: described?.ModelPackageVersion ?? (fromArn ? Number(fromArn[2]) : undefined),
    approvalStatus: described?.ModelApprovalStatus,
    approvalDescription: described?.ApprovalDescription,
    creationTime: iso(described?.CreationTime),
    lastModifiedTime: iso(described?.LastModifiedTime),
    lastModifiedBy: described?.LastModifiedBy?.IamIdentity?.Arn,
    inferenceImage: container?.Image,
    inferenceImageDigest: container?.ImageDigest,
    modelDataUrl: container?.ModelDataUrl,
  });
}

interface Context0 {
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
  const job: DescribeTrainingJobCommandOutput | undefined = await reads.describe('DescribeTrainingJob', jobName,
    () => sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName })));
  const pkg = await reads.describe('DescribeModelPackage', modelPackageArn,
    () => sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn })));
  const image = job?.AlgorithmSpecification?.TrainingImage;
  const manifest = parseS3Uri('state.dataSnapshot.manifestUri', data.manifestUri);
  const modelPackage = packageFacts(modelPackageArn, pkg);
  const references: CloudTrailReference[] = [
    { eventSource: 'states.amazonaws.com', eventName: 'StartExecution', resourceName: event.executionArn, eventTime: event.executionStartTime, timeSource: 'execution start time' },
    { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateTrainingJob', resourceName: jobName, eventTime: iso(job?.CreationTime), timeSource: 'training job CreationTime' },
    { eventSource: 's3.amazonaws.com', eventName: 'PutObject', resourceName: `arn:${event.partition}:s3:::${manifest.bucket}/${manifest.key}`, dataEvent: true },
    { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateModelPackage', resourceName: modelPackage.group ?? modelPackageArn, eventTime: modelPackage.creationTime, timeSource: 'model package CreationTime' },
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
  if (decision !== event.milestone) throw new InvalidEventError('state.approval.decision', decision, `"${event.milestone}" for the milestone ${event.milestone}`);
  const decidedAt = requiredText(state, 'approval.decidedAt');
  if (Number.isNaN(Date.parse(decidedAt))) throw new InvalidEventError('state.approval.decidedAt', decidedAt, 'an ISO 8601 time');
  const comment = field(state, 'approval.comment');
  if (typeof comment !== 'string') throw new InvalidEventError('state.approval.comment', comment, 'a string');
  const pkg = await reads.describe('DescribeModelPackage', modelPackageArn,
    () => sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn })));
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
      { eventSource: 'sagemaker.amazonaws.com', eventName: 'UpdateModelPackage', resourceName: modelPackageArn, eventTime: modelPackage.lastModifiedTime, timeSource: 'model package LastModifiedTime' },
    ],
  };
}

async function deployment({ state, reads }: Context0): Promise<Omit<DeploymentMilestoneRecord, Common>> {
  const endpointName = requiredText(state, 'deployment.endpointName');
  const endpointConfigName = requiredText(state, 'deployment.endpointConfigName');
  const modelName = requiredText(state, 'deployment.modelName');
  const previousEndpointConfigName = optionalText(state, 'deployment.previous.name') ?? optionalText(state, 'deployment.previousEndpointConfigName');
  const endpoint: DescribeEndpointCommandOutput | undefined = await reads.describe('DescribeEndpoint', endpointName,
    () => sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })));
  const config: DescribeEndpointConfigCommandOutput | undefined = await reads.describe('DescribeEndpointConfig', endpointConfigName,
    () => sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName })));
  const model: DescribeModelCommandOutput | undefined = await reads.describe('DescribeModel', modelName,
    () => sagemaker.send(new DescribeModelCommand({ ModelName: modelName })));
  const served = new Map((endpoint?.ProductionVariants ?? []).map((v) => [v.VariantName, v]));
  const variants: LineageVariant[] = (config?.ProductionVariants ?? []).map((v) => ({
    name: v.VariantName ?? '',
    modelName: v.ModelName,
    instanceType: v.InstanceType,
    instanceCount: v.InitialInstanceCount,
    serverless: v.ServerlessConfig ? { memorySizeMb: v.ServerlessConfig.MemorySizeInMB, maxConcurrency: v.ServerlessConfig.MaxConcurrency } : undefined,
    images: served.get(v.VariantName)?.DeployedImages?.map((i) => ({ specified: i.SpecifiedImage, resolved: i.ResolvedImage, resolvedAt: iso(i.ResolutionTime) })),
  }));
  const problem = field(state, 'deploymentProblem');
  const caught = field(state, 'error');
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const error = isObject(problem) ? { error: text(problem.error), cause: text(problem.cause) }
    : isObject(caught) ? { error: text(caught.Error), cause: text(caught.Cause) } : undefined;
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
      { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateModel', resourceName: modelName, eventTime: iso(model?.CreationTime), timeSource: 'model CreationTime' },
      { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateEndpointConfig', resourceName: endpointConfigName, eventTime: iso(config?.CreationTime), timeSource: 'endpoint configuration CreationTime' },
      {
        eventSource: 'sagemaker.amazonaws.com', eventName: previousEndpointConfigName ? 'UpdateEndpoint' : 'CreateEndpoint', resourceName: endpointName,
        eventTime: iso(endpoint?.LastModifiedTime), timeSource: 'endpoint LastModifiedTime: the call precedes it by the rollout\'s duration',
      },
    ],
  };
}

type Common = 'schemaVersion' | 'milestone' | 'recordedAt' | 'recordUri' | 'model' | 'environment' | 'execution' | 'modelPackageArn' | 'warnings' | 'recordedBy';

const BUILDERS: Record<Milestone, (c: Context0) => Promise<Omit<LineageRecord, Common>>> = {
  registered,
  approved: decided,
  rejected: decided,
  deployed: deployment,
  rollback: deployment,
  'deployment-failed': deployment,
};

export async function handler(rawEvent: unknown, context?: Pick<Context, 'functionName' | 'awsRequestId'>): Promise<RecordLineageResult> {
  const event = validate(rawEvent);
  const bucket = requiredEnv('AUDIT_BUCKET_NAME');
  const prefix = requiredEnv('LINEAGE_PREFIX');
  const modelName = requiredEnv('MODEL_NAME');
  const environmentName = requiredEnv('ENVIRONMENT_NAME');
  if (event.model !== modelName) throw new InvalidEventError('model', event.model, `"${modelName}": this function records only its own model`);
  if (event.environment !== environmentName) throw new InvalidEventError('environment', event.environment, `"${environmentName}": this function records only its own environment`);
  const state = event.state as unknown as Json;
  const modelPackageArn = requiredText(state, 'registration.modelPackageArn');
  const reads = new Reads();
  const body = await BUILDERS[event.milestone]({ event, state, reads, modelPackageArn });

  const key = lineageKey(prefix, event.executionName, event.milestone);
  const recordUri = `s3://${bucket}/${key}`;
  const record = dropUndefined({
    schemaVersion: 1,
    milestone: event.milestone,
    recordedAt: new Date().toISOString(),
    recordUri,
    model: event.model,
    environment: event.environment,
    execution: { arn: event.executionArn, name: event.executionName, startTime: event.executionStartTime ? new Date(event.executionStartTime).toISOString() : undefined },
    modelPackageArn,
    ...body,
    cloudTrail: [...body.cloudTrail, ...reads.references].map(dropUndefined),
    warnings: reads.warnings.length > 0 ? reads.warnings : undefined,
    recordedBy: context ? { functionName: context.functionName, awsRequestId: context.awsRequestId } : undefined,
  }) as unknown as LineageRecord;
  // The record must be readable by the auditor's command: a record that fails the schema is a bug here.
  const validation = validateLineageRecord(record);
  if (!validation.valid) throw new Error(`Lineage record for ${event.milestone} does not match schema version 1: ${validation.problems.join('; ')}`);

  const written = await s3.send(new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: JSON.stringify(record, null, 2),
    ContentType: 'application/json',
    ChecksumAlgorithm: 'SHA256',
  }));
  logger.info('lineage recorded', {
    milestone: event.milestone, model: event.model, environment: event.environment, executionArn: event.executionArn,
    modelPackageArn, recordUri, versionId: written.VersionId, warnings: reads.warnings.length,
  });
  return { recordUri, versionId: written.VersionId };
}
