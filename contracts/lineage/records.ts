import type { TriggerType } from '../trigger';
import type { Milestone } from './milestones';

/*
 * The shapes of lineage records, schema version 1 (where they are written and how the schema evolves: milestones.ts).
 * Types and type guards only.
 */

/**
 * Where to find one API call in CloudTrail. Management events are in the event history
 * (`LookupEvents`, 90 days) and in the trail's log files and log group; S3 data events
 * (`dataEvent: true`) only in the trail's log files and log group.
 */
export interface CloudTrailReference {
  /** The event's `eventSource`, e.g. `sagemaker.amazonaws.com`. */
  readonly eventSource: string;
  /** The event's `eventName`, e.g. `CreateTrainingJob`. */
  readonly eventName: string;
  /** The name or ARN the call was about, as it appears in the event's `requestParameters` (or `resources`). */
  readonly resourceName: string;
  /** The best known time of the call; search around it. */
  readonly eventTime?: string;
  /** Where {@link eventTime} comes from, e.g. `training job CreationTime`; says how close to the call it is. */
  readonly timeSource?: string;
  /** The call's request ID (the event's `requestID`), when known: the recorder knows those of its own reads. */
  readonly requestId?: string;
  /** An S3 data event: not in the event history, only in the trail's log files and CloudWatch log group. */
  readonly dataEvent?: boolean;
}

/** The execution's trigger, from the execution input's free-form `trigger`. */
export interface LineageTrigger {
  /** `manual`, `schedule` or `drift` as the input says; `unspecified` when the input has no (known) type. */
  readonly type: TriggerType;
  /** The CloudWatch alarm that started a drift retraining (`trigger.alarmName`, or `trigger.alarm` / `.alarm.name`). */
  readonly alarmName?: string;
  /** That alarm's ARN, when given. */
  readonly alarmArn?: string;
  /** The triggering event's ID (EventBridge `id`), when given. */
  readonly eventId?: string;
  /** The triggering event's time as given (`trigger.eventTime` or `trigger.time`). */
  readonly eventTime?: string;
  /** Every other field of the input's trigger, verbatim (at most 8 KiB of JSON, else a note that it was left out). */
  readonly details?: Record<string, unknown>;
}

/** The pipeline execution a record belongs to. */
export interface LineageExecution {
  /** The execution ARN (`$$.Execution.Id`). */
  readonly arn: string;
  /** The execution name: the last part of the ARN, and the run folder's name in the artifacts bucket. */
  readonly name: string;
  /** When the execution started (`$$.Execution.StartTime`), when the pipeline passes it. */
  readonly startTime?: string;
}

/** Fields every record has. */
export interface LineageRecordBase<M extends Milestone> {
  /** Always {@link LINEAGE_SCHEMA_VERSION}. */
  readonly schemaVersion: 1;
  /** Which milestone this record is about. */
  readonly milestone: M;
  /** When the record was written. */
  readonly recordedAt: string;
  /** This record's own `s3://` URI. */
  readonly recordUri: string;
  /** The model's name, e.g. `churn`. */
  readonly model: string;
  /** The environment's name, e.g. `prod`. */
  readonly environment: string;
  /** The execution that reached the milestone. */
  readonly execution: LineageExecution;
  /** The candidate model package of the execution (`$.registration.modelPackageArn`). */
  readonly modelPackageArn: string;
  /** The API calls behind this milestone, to find in CloudTrail. */
  readonly cloudTrail: readonly CloudTrailReference[];
  /** What the recorder could not find out, and why (e.g. a resource already deleted); absent when nothing. */
  readonly warnings?: readonly string[];
  /** The recorder's Lambda function and request ID: its log lines carry the request ID. */
  readonly recordedBy?: { readonly functionName?: string; readonly awsRequestId?: string };
}

/** The training data of a registered candidate. */
export interface LineageData {
  /** The training data prefix (`$.trainingDataUri`). */
  readonly trainingDataUri: string;
  /** The manifest of the exact object versions trained on (`$.dataSnapshot.manifestUri`). */
  readonly manifestUri: string;
  /** The manifest's own S3 version ID (`$.dataSnapshot.manifestVersionId`): the manifest read back is exactly the one written. */
  readonly manifestVersionId?: string;
  /** Objects in the manifest (`$.dataSnapshot.objectCount`). */
  readonly objectCount?: number;
  /** Their total size in bytes (`$.dataSnapshot.totalBytes`). */
  readonly totalBytes?: number;
  /** The held-out evaluation data prefix (`$.evaluationDataUri`); not snapshotted. */
  readonly evaluationDataUri?: string;
}

/** The training job of a registered candidate, from the state and `DescribeTrainingJob`. */
export interface LineageTraining {
  /** The job's name (`$.training.jobName`). */
  readonly jobName: string;
  /** The job's ARN (`$.training.jobArn`). */
  readonly jobArn: string;
  /** `TrainingJobStatus` when read. */
  readonly status?: string;
  /** The training image URI (`AlgorithmSpecification.TrainingImage`). */
  readonly image?: string;
  /** The image's digest (`sha256:...`) when the URI pins one; SageMaker does not report it for tagged URIs. */
  readonly imageDigest?: string;
  /** The job's hyperparameters, as SageMaker stores them (strings). */
  readonly hyperparameters: Readonly<Record<string, string>>;
  /** Every input channel and its S3 URI, the training script's `code` channel included. */
  readonly inputChannels: ReadonlyArray<{ readonly name: string; readonly s3Uri?: string }>;
  /** `ResourceConfig.InstanceType`. */
  readonly instanceType?: string;
  /** `ResourceConfig.InstanceCount`. */
  readonly instanceCount?: number;
  /** Whether managed spot training was used. */
  readonly spot?: boolean;
  /** The IAM role the job ran as. */
  readonly roleArn?: string;
  /** The model artifact (`$.training.modelArtifactUri`, or `ModelArtifacts.S3ModelArtifacts`). */
  readonly modelArtifactUri?: string;
  /** `CreationTime`: the `CreateTrainingJob` call. */
  readonly creationTime?: string;
  /** `TrainingStartTime`. */
  readonly startTime?: string;
  /** `TrainingEndTime`. */
  readonly endTime?: string;
  /** `TrainingTimeInSeconds`. */
  readonly trainingSeconds?: number;
  /** `BillableTimeInSeconds`. */
  readonly billableSeconds?: number;
}

/** The model package as `DescribeModelPackage` described it. */
export interface LineageModelPackage {
  /** The package ARN. */
  readonly arn: string;
  /** The package group (the model's registry): `<namespace>-<env>-<model>`. */
  readonly group?: string;
  /** The version within the group. */
  readonly version?: number;
  /** `ModelApprovalStatus` when read. */
  readonly approvalStatus?: string;
  /** `ApprovalDescription` when read (who, when, why, and the decision record's URI). */
  readonly approvalDescription?: string;
  /** `CreationTime`: the `CreateModelPackage` call. */
  readonly creationTime?: string;
  /** `LastModifiedTime`: for an approval or rejection, the `UpdateModelPackage` call. */
  readonly lastModifiedTime?: string;
  /** The IAM identity of the last change (`LastModifiedBy.IamIdentity.Arn`), when SageMaker reports it. */
  readonly lastModifiedBy?: string;
  /** The inference container's image URI. */
  readonly inferenceImage?: string;
  /** The inference image's digest as SageMaker resolved it at registration (`ImageDigest`). */
  readonly inferenceImageDigest?: string;
  /** The model artifact the package serves. */
  readonly modelDataUrl?: string;
}

/** Recorded after `RegisterModel`: where the candidate came from. */
export interface RegisteredRecord extends LineageRecordBase<'registered'> {
  /** Why the execution ran. */
  readonly trigger: LineageTrigger;
  /** The data it was trained and evaluated on. */
  readonly data: LineageData;
  /** The model's feature group (its offline store is not what training reads: the manifest is). */
  readonly featureGroupName?: string;
  /** The training job. */
  readonly training: LineageTraining;
  /** The held-out evaluation. */
  readonly evaluation: {
    /** Every metric of the report (`$.evaluation.report.metrics`); `null` where the script could not compute one. */
    readonly metrics: Readonly<Record<string, number | null>>;
    /** The report (the package's `ModelMetrics.ModelQuality.Statistics.S3Uri`). */
    readonly reportUri?: string;
  };
  /** The drift baseline (`$.baseline.baselineUri`), when the pipeline computes one. */
  readonly baselineUri?: string;
  /** The registered package. */
  readonly modelPackage: LineageModelPackage;
}

/** Recorded after `MarkApproved` / `MarkRejected`: the gate's decision. */
export interface DecisionMilestoneRecord extends LineageRecordBase<'approved' | 'rejected'> {
  /** The decision (`$.approval`). */
  readonly decision: {
    readonly decision: 'approved' | 'rejected';
    /** An approver's address, `automatic approval (environment <env>)`, or `nobody` (timeout). */
    readonly approver: string;
    readonly decidedAt: string;
    readonly comment: string;
    /** The decision record the gate wrote under `decisions/` of the audit bucket. */
    readonly recordUri: string;
    /** The approval request's ID, for human decisions. */
    readonly requestId?: string;
  };
  /** The package after the status change. */
  readonly modelPackage: LineageModelPackage;
}

/** One production variant of a deployed endpoint configuration. */
export interface LineageVariant {
  readonly name: string;
  readonly modelName?: string;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  /** Serverless variants: memory and concurrency. */
  readonly serverless?: { readonly memorySizeMb?: number; readonly maxConcurrency?: number };
  /** Images the endpoint runs for this variant, each with the digest SageMaker resolved (`DeployedImages`). */
  readonly images?: ReadonlyArray<{ readonly specified?: string; readonly resolved?: string; readonly resolvedAt?: string }>;
}

/** Recorded after a deployment step: what the endpoint serves (or kept serving). */
export interface DeploymentMilestoneRecord extends LineageRecordBase<'deployed' | 'rollback' | 'deployment-failed'> {
  readonly deployment: {
    /** The endpoint (`$.deployment.endpointName`). */
    readonly endpointName: string;
    readonly endpointArn?: string;
    /** The configuration the execution deployed (`$.deployment.endpointConfigName`). */
    readonly endpointConfigName: string;
    /** The SageMaker model it created from the package (`$.deployment.modelName`). */
    readonly modelName: string;
    /** The configuration served before (`$.deployment.previous.name`); absent for a first deployment. */
    readonly previousEndpointConfigName?: string;
    /** The configuration the endpoint served when recorded (`DescribeEndpoint`): the new one once deployed, the previous one after a rollback. */
    readonly servingEndpointConfigName?: string;
    /** `EndpointStatus` when recorded. */
    readonly endpointStatus?: string;
    /** The endpoint's `LastModifiedTime` when recorded: when the change finished. */
    readonly deployedAt?: string;
    /** SageMaker's `FailureReason`, when there is one. */
    readonly failureReason?: string;
    /** What went wrong, for a failed or rolled back deployment (`$.deploymentProblem`, or a caught `$.error`). */
    readonly error?: { readonly error?: string; readonly cause?: string };
    /** The SageMaker model's package, from `DescribeModel` (should be the record's `modelPackageArn`). */
    readonly modelPackageName?: string;
    /** The configuration's variants (`DescribeEndpointConfig`) with the images the endpoint runs (`DescribeEndpoint`). */
    readonly variants?: readonly LineageVariant[];
    /** The configuration's `CreationTime`: the `CreateEndpointConfig` call. */
    readonly endpointConfigCreationTime?: string;
    /** The model's `CreationTime`: the `CreateModel` call. */
    readonly modelCreationTime?: string;
  };
}

/** Any lineage record. */
export type LineageRecord = RegisteredRecord | DecisionMilestoneRecord | DeploymentMilestoneRecord;

/** Whether `record` is an approval or rejection record. */
export function isDecisionRecord(record: LineageRecord): record is DecisionMilestoneRecord {
  return record.milestone === 'approved' || record.milestone === 'rejected';
}

/** Whether `record` is a deployment, rollback or failed-deployment record. */
export function isDeploymentRecord(record: LineageRecord): record is DeploymentMilestoneRecord {
  return record.milestone === 'deployed' || record.milestone === 'rollback' || record.milestone === 'deployment-failed';
}
