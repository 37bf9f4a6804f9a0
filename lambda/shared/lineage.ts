/**
 * The lineage record: what one training pipeline execution did at one milestone, written once per
 * milestone to the Object Lock audit bucket by `lambda/record-lineage`, and read back by the
 * auditor's command (`mlops-audit lineage`, `scripts/audit/`). Types, key scheme and validator
 * only: no I/O here, so both sides share exactly one definition.
 *
 * Where: `s3://<audit bucket>/lineage/<namespace>-<env>-<model>/<execution name>/<nn>-<milestone>.json`
 * ({@link lineageKey}). `nn` is fixed per milestone ({@link MILESTONE_NUMBERS}): a retried write
 * rewrites the same key, and Object Lock keeps every version it ever had.
 *
 * Versioning: `schemaVersion` is 1. Readers ignore fields they do not know; a change that removes
 * or redefines a field increments `schemaVersion`, and readers refuse versions they do not know.
 * Times are ISO 8601 UTC (`2026-11-22T10:00:00.000Z`).
 */

/** The schema version this module writes and reads. */
export const LINEAGE_SCHEMA_VERSION = 1;

/** The milestones of a pipeline execution that are recorded, in the order they can happen. */
export const MILESTONES = ['registered', 'approved', 'rejected', 'deployed', 'rollback', 'deployment-failed'] as const;

/** One recorded milestone. */
export type Milestone = (typeof MILESTONES)[number];

/**
 * The two-digit number that starts each milestone's key: fixed, so that a retry of the same
 * milestone writes the same key, and keys sort in milestone order within an execution's folder.
 * Gaps leave room for later milestones.
 */
export const MILESTONE_NUMBERS: Readonly<Record<Milestone, string>> = {
  registered: '10',
  approved: '20',
  rejected: '21',
  deployed: '30',
  rollback: '31',
  'deployment-failed': '32',
};

/** Milestones whose record has a {@link DecisionMilestoneRecord.decision}. */
export const DECISION_MILESTONES = ['approved', 'rejected'] as const;
/** Milestones whose record has a {@link DeploymentMilestoneRecord.deployment}. */
export const DEPLOYMENT_MILESTONES = ['deployed', 'rollback', 'deployment-failed'] as const;

/** How an execution was started, as far as its input says. */
export const TRIGGER_TYPES = ['manual', 'schedule', 'drift', 'unspecified'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** The key prefix of one model's lineage records: `lineage/<namespace>-<env>-<model>/`. */
export function lineagePrefix(namespace: string, environment: string, model: string): string {
  return `lineage/${namespace}-${environment}-${model}/`;
}

/** The key of one milestone's record: `<prefix><execution name>/<nn>-<milestone>.json`. */
export function lineageKey(prefix: string, executionName: string, milestone: Milestone): string {
  return `${prefix}${executionName}/${MILESTONE_NUMBERS[milestone]}-${milestone}.json`;
}

/** Reads a key written by {@link lineageKey} back into its execution name and milestone; `undefined` for any other key. */
export function parseLineageKey(prefix: string, key: string): { executionName: string; milestone: Milestone } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const match = /^([^/]+)\/(\d{2})-([a-z-]+)\.json$/.exec(key.slice(prefix.length));
  if (!match) return undefined;
  const milestone = MILESTONES.find((m) => m === match[3]);
  if (!milestone || MILESTONE_NUMBERS[milestone] !== match[2]) return undefined;
  return { executionName: match[1], milestone };
}

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

export function isDecisionRecord(record: LineageRecord): record is DecisionMilestoneRecord {
  return record.milestone === 'approved' || record.milestone === 'rejected';
}

export function isDeploymentRecord(record: LineageRecord): record is DeploymentMilestoneRecord {
  return record.milestone === 'deployed' || record.milestone === 'rollback' || record.milestone === 'deployment-failed';
}

// ---------------------------------------------------------------------------------------------
// Validation: collects every problem, each naming the field path, the value and the rule.

type Check = (value: unknown, path: string, problems: string[]) => void;

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function problem(problems: string[], path: string, value: unknown, rule: string): void {
  problems.push(`${path}: got ${show(value)}; expected ${rule}`);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

const text: Check = (v, p, pr) => { if (typeof v !== 'string' || v.length === 0) problem(pr, p, v, 'a non-empty string'); };
const time: Check = (v, p, pr) => {
  if (typeof v !== 'string' || !ISO_UTC.test(v) || Number.isNaN(Date.parse(v))) problem(pr, p, v, 'an ISO 8601 UTC time');
};
const s3Uri: Check = (v, p, pr) => { if (typeof v !== 'string' || !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/.test(v)) problem(pr, p, v, 'an s3://bucket/key URI'); };
const arn: Check = (v, p, pr) => { if (typeof v !== 'string' || !/^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/.test(v)) problem(pr, p, v, 'an ARN'); };
const count: Check = (v, p, pr) => { if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) problem(pr, p, v, 'a whole number, 0 or more'); };
const seconds: Check = (v, p, pr) => { if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problem(pr, p, v, 'a number, 0 or more'); };
const bool: Check = (v, p, pr) => { if (typeof v !== 'boolean') problem(pr, p, v, 'true or false'); };
const oneOf = (values: readonly string[]): Check => (v, p, pr) => {
  if (typeof v !== 'string' || !values.includes(v)) problem(pr, p, v, `one of ${values.map((x) => `"${x}"`).join(', ')}`);
};
const optional = (check: Check): Check => (v, p, pr) => { if (v !== undefined) check(v, p, pr); };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const object = (fields: Record<string, Check>): Check => (v, p, pr) => {
  if (!isObject(v)) return problem(pr, p, v, 'an object');
  for (const [name, check] of Object.entries(fields)) check(v[name], `${p}.${name}`, pr);
};
const list = (item: Check): Check => (v, p, pr) => {
  if (!Array.isArray(v)) return problem(pr, p, v, 'an array');
  v.forEach((x, i) => item(x, `${p}[${i}]`, pr));
};
const mapOf = (value: Check): Check => (v, p, pr) => {
  if (!isObject(v)) return problem(pr, p, v, 'an object');
  for (const [k, x] of Object.entries(v)) value(x, `${p}.${k}`, pr);
};
const string: Check = (v, p, pr) => { if (typeof v !== 'string') problem(pr, p, v, 'a string'); };
const metric: Check = (v, p, pr) => { if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) problem(pr, p, v, 'a finite number or null'); };

const cloudTrailReference = object({
  eventSource: text, eventName: text, resourceName: text, eventTime: optional(time), timeSource: optional(text),
  requestId: optional(text), dataEvent: optional(bool),
});

const modelPackage = object({
  arn, group: optional(text), version: optional(count), approvalStatus: optional(text), approvalDescription: optional(string),
  creationTime: optional(time), lastModifiedTime: optional(time), lastModifiedBy: optional(text), inferenceImage: optional(text),
  inferenceImageDigest: optional(text), modelDataUrl: optional(s3Uri),
});

const base: Record<string, Check> = {
  schemaVersion: (v, p, pr) => { if (v !== LINEAGE_SCHEMA_VERSION) problem(pr, p, v, `${LINEAGE_SCHEMA_VERSION}`); },
  recordedAt: time,
  recordUri: s3Uri,
  model: text,
  environment: text,
  execution: object({ arn, name: text, startTime: optional(time) }),
  modelPackageArn: arn,
  cloudTrail: list(cloudTrailReference),
  warnings: optional(list(text)),
  recordedBy: optional(object({ functionName: optional(text), awsRequestId: optional(text) })),
};

const BY_MILESTONE: Record<Milestone, Record<string, Check>> = {
  registered: {
    trigger: object({
      type: oneOf(TRIGGER_TYPES), alarmName: optional(text), alarmArn: optional(text), eventId: optional(text), eventTime: optional(text),
      details: optional(object({})),
    }),
    data: object({
      trainingDataUri: s3Uri, manifestUri: s3Uri, manifestVersionId: optional(text), objectCount: optional(count),
      totalBytes: optional(count), evaluationDataUri: optional(s3Uri),
    }),
    featureGroupName: optional(text),
    training: object({
      jobName: text, jobArn: arn, status: optional(text), image: optional(text), imageDigest: optional(text),
      hyperparameters: mapOf(string), inputChannels: list(object({ name: text, s3Uri: optional(s3Uri) })),
      instanceType: optional(text), instanceCount: optional(count), spot: optional(bool), roleArn: optional(arn),
      modelArtifactUri: optional(s3Uri), creationTime: optional(time), startTime: optional(time), endTime: optional(time),
      trainingSeconds: optional(seconds), billableSeconds: optional(seconds),
    }),
    evaluation: object({ metrics: mapOf(metric), reportUri: optional(s3Uri) }),
    baselineUri: optional(s3Uri),
    modelPackage,
  },
  approved: {},
  rejected: {},
  deployed: {},
  rollback: {},
  'deployment-failed': {},
};

const decisionFields = (decision: 'approved' | 'rejected'): Record<string, Check> => ({
  decision: object({
    decision: oneOf([decision]), approver: text, decidedAt: time, comment: string, recordUri: s3Uri, requestId: optional(text),
  }),
  modelPackage,
});
BY_MILESTONE.approved = decisionFields('approved');
BY_MILESTONE.rejected = decisionFields('rejected');

const deploymentFields: Record<string, Check> = {
  deployment: object({
    endpointName: text, endpointArn: optional(arn), endpointConfigName: text, modelName: text,
    previousEndpointConfigName: optional(text), servingEndpointConfigName: optional(text), endpointStatus: optional(text),
    deployedAt: optional(time), failureReason: optional(string), error: optional(object({ error: optional(string), cause: optional(string) })),
    modelPackageName: optional(text), endpointConfigCreationTime: optional(time), modelCreationTime: optional(time),
    variants: optional(list(object({
      name: text, modelName: optional(text), instanceType: optional(text), instanceCount: optional(count),
      serverless: optional(object({ memorySizeMb: optional(count), maxConcurrency: optional(count) })),
      images: optional(list(object({ specified: optional(text), resolved: optional(text), resolvedAt: optional(time) }))),
    }))),
  }),
};
for (const m of DEPLOYMENT_MILESTONES) BY_MILESTONE[m] = deploymentFields;

/** The outcome of {@link validateLineageRecord}. */
export type LineageValidation =
  | { readonly valid: true; readonly record: LineageRecord; readonly problems: readonly [] }
  | { readonly valid: false; readonly problems: readonly string[] };

/**
 * Checks that `value` is a lineage record of schema version 1: every field of its milestone, with
 * every problem listed (`training.jobArn: got "x"; expected an ARN`). Unknown fields are allowed.
 */
export function validateLineageRecord(value: unknown): LineageValidation {
  const problems: string[] = [];
  if (!isObject(value)) {
    problem(problems, 'record', value, 'an object');
    return { valid: false, problems };
  }
  if (value.schemaVersion !== LINEAGE_SCHEMA_VERSION) {
    problem(problems, 'schemaVersion', value.schemaVersion, `${LINEAGE_SCHEMA_VERSION} (this reader knows no other version)`);
    return { valid: false, problems };
  }
  const milestone = MILESTONES.find((m) => m === value.milestone);
  if (!milestone) {
    problem(problems, 'milestone', value.milestone, `one of ${MILESTONES.map((m) => `"${m}"`).join(', ')}`);
    return { valid: false, problems };
  }
  object({ ...base, ...BY_MILESTONE[milestone] })(value, 'record', problems);
  const cleaned = problems.map((p) => p.replace(/^record\./, ''));
  return cleaned.length === 0 ? { valid: true, record: value as unknown as LineageRecord, problems: [] } : { valid: false, problems: cleaned };
}
