import { TRIGGER_TYPES } from '../trigger';
import { DEPLOYMENT_MILESTONES, LINEAGE_SCHEMA_VERSION, type Milestone, MILESTONES } from './milestones';
import type { LineageRecord } from './records';

/*
 * Validation of lineage records (schema version 1): collects every problem, each naming the field path, the value and the
 * rule. Pure functions, no I/O: the recorder validates before writing, the auditor's command after reading.
 */

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

const text: Check = (v, p, pr) => {
  if (typeof v !== 'string' || v.length === 0) problem(pr, p, v, 'a non-empty string');
};
const time: Check = (v, p, pr) => {
  if (typeof v !== 'string' || !ISO_UTC.test(v) || Number.isNaN(Date.parse(v))) problem(pr, p, v, 'an ISO 8601 UTC time');
};
const s3Uri: Check = (v, p, pr) => {
  if (typeof v !== 'string' || !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/.test(v)) problem(pr, p, v, 'an s3://bucket/key URI');
};
const arn: Check = (v, p, pr) => {
  if (typeof v !== 'string' || !/^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/.test(v)) problem(pr, p, v, 'an ARN');
};
const count: Check = (v, p, pr) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) problem(pr, p, v, 'a whole number, 0 or more');
};
const seconds: Check = (v, p, pr) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problem(pr, p, v, 'a number, 0 or more');
};
const bool: Check = (v, p, pr) => {
  if (typeof v !== 'boolean') problem(pr, p, v, 'true or false');
};
const oneOf =
  (values: readonly string[]): Check =>
  (v, p, pr) => {
    if (typeof v !== 'string' || !values.includes(v)) problem(pr, p, v, `one of ${values.map((x) => `"${x}"`).join(', ')}`);
  };
const optional =
  (check: Check): Check =>
  (v, p, pr) => {
    if (v !== undefined) check(v, p, pr);
  };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const object =
  (fields: Record<string, Check>): Check =>
  (v, p, pr) => {
    if (!isObject(v)) return problem(pr, p, v, 'an object');
    for (const [name, check] of Object.entries(fields)) check(v[name], `${p}.${name}`, pr);
  };
const list =
  (item: Check): Check =>
  (v, p, pr) => {
    if (!Array.isArray(v)) return problem(pr, p, v, 'an array');
    v.forEach((x, i) => item(x, `${p}[${i}]`, pr));
  };
const mapOf =
  (value: Check): Check =>
  (v, p, pr) => {
    if (!isObject(v)) return problem(pr, p, v, 'an object');
    for (const [k, x] of Object.entries(v)) value(x, `${p}.${k}`, pr);
  };
const string: Check = (v, p, pr) => {
  if (typeof v !== 'string') problem(pr, p, v, 'a string');
};
const metric: Check = (v, p, pr) => {
  if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) problem(pr, p, v, 'a finite number or null');
};

const cloudTrailReference = object({
  eventSource: text,
  eventName: text,
  resourceName: text,
  eventTime: optional(time),
  timeSource: optional(text),
  requestId: optional(text),
  dataEvent: optional(bool),
});

const modelPackage = object({
  arn,
  group: optional(text),
  version: optional(count),
  approvalStatus: optional(text),
  approvalDescription: optional(string),
  creationTime: optional(time),
  lastModifiedTime: optional(time),
  lastModifiedBy: optional(text),
  inferenceImage: optional(text),
  inferenceImageDigest: optional(text),
  modelDataUrl: optional(s3Uri),
});

const base: Record<string, Check> = {
  schemaVersion: (v, p, pr) => {
    if (v !== LINEAGE_SCHEMA_VERSION) problem(pr, p, v, `${LINEAGE_SCHEMA_VERSION}`);
  },
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
      type: oneOf(TRIGGER_TYPES),
      alarmName: optional(text),
      alarmArn: optional(text),
      eventId: optional(text),
      eventTime: optional(text),
      details: optional(object({})),
    }),
    data: object({
      trainingDataUri: s3Uri,
      manifestUri: s3Uri,
      manifestVersionId: optional(text),
      objectCount: optional(count),
      totalBytes: optional(count),
      evaluationDataUri: optional(s3Uri),
    }),
    featureGroupName: optional(text),
    training: object({
      jobName: text,
      jobArn: arn,
      status: optional(text),
      image: optional(text),
      imageDigest: optional(text),
      hyperparameters: mapOf(string),
      inputChannels: list(object({ name: text, s3Uri: optional(s3Uri) })),
      instanceType: optional(text),
      instanceCount: optional(count),
      spot: optional(bool),
      roleArn: optional(arn),
      modelArtifactUri: optional(s3Uri),
      creationTime: optional(time),
      startTime: optional(time),
      endTime: optional(time),
      trainingSeconds: optional(seconds),
      billableSeconds: optional(seconds),
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
    decision: oneOf([decision]),
    approver: text,
    decidedAt: time,
    comment: string,
    recordUri: s3Uri,
    requestId: optional(text),
  }),
  modelPackage,
});
BY_MILESTONE.approved = decisionFields('approved');
BY_MILESTONE.rejected = decisionFields('rejected');

const deploymentFields: Record<string, Check> = {
  deployment: object({
    endpointName: text,
    endpointArn: optional(arn),
    endpointConfigName: text,
    modelName: text,
    previousEndpointConfigName: optional(text),
    servingEndpointConfigName: optional(text),
    endpointStatus: optional(text),
    deployedAt: optional(time),
    failureReason: optional(string),
    error: optional(object({ error: optional(string), cause: optional(string) })),
    modelPackageName: optional(text),
    endpointConfigCreationTime: optional(time),
    modelCreationTime: optional(time),
    variants: optional(
      list(
        object({
          name: text,
          modelName: optional(text),
          instanceType: optional(text),
          instanceCount: optional(count),
          serverless: optional(object({ memorySizeMb: optional(count), maxConcurrency: optional(count) })),
          images: optional(list(object({ specified: optional(text), resolved: optional(text), resolvedAt: optional(time) }))),
        }),
      ),
    ),
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
