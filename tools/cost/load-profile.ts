/**
 * The stated load: what "at load" means in the estimate. Every field has a documented default and a
 * command-line flag (`--requests 250000`), listed by `npm run cost -- --help` and in docs/cost.md.
 */

/** The load the estimate prices, per environment and month unless said otherwise. */
export interface LoadProfile {
  /** Inference requests per model per month. */
  readonly requestsPerMonth: number;
  /** Average time one inference takes, in milliseconds. */
  readonly inferenceMs: number;
  /** Average request plus response size, in KB (serverless data processing, data capture). */
  readonly payloadKb: number;
  /** Percent of real-time requests captured to the lake when the serving metadata does not say. */
  readonly capturePercent: number;
  /** Share of an instance's time that serving may keep busy before another instance is added (0-1). */
  readonly targetUtilization: number;
  /** Hours per day a real-time endpoint that may scale to zero is up at load. */
  readonly activeHoursPerDay: number;
  /** Training pipeline runs per model per month. */
  readonly trainingRunsPerMonth: number;
  /** Discount of managed spot training against on-demand (0-1). */
  readonly spotDiscount: number;
  /** Data held in the lake's data buckets, in GB. */
  readonly lakeGb: number;
  /** Object-level S3 requests on the data buckets per month (also CloudTrail data events). */
  readonly lakeRequestsPerMonth: number;
  /** CloudTrail management events per month (delivered to the trail's log group). */
  readonly managementEventsPerMonth: number;
  /** GB ingested per month by each log group without a better estimate. */
  readonly logGbPerGroup: number;
  /** Months of logs and audit files accumulated when pricing their storage (capped by retention). */
  readonly retainedMonths: number;
  /** Invocations per month of a Lambda function that no schedule drives. */
  readonly lambdaInvocations: number;
  /** Average duration of one Lambda invocation, in seconds. */
  readonly lambdaSeconds: number;
  /** Requests per month to each API Gateway REST API. */
  readonly apiRequests: number;
  /** Messages published per month to each SNS topic. */
  readonly snsPublishes: number;
  /** Requests (send, receive, delete) per month to each SQS queue. */
  readonly sqsRequests: number;
  /** Write request units per month per DynamoDB table. */
  readonly dynamoWrites: number;
  /** Read request units per month per DynamoDB table. */
  readonly dynamoReads: number;
  /** GB stored per DynamoDB table. */
  readonly dynamoGb: number;
  /** Feature Store online-store writes per feature group per month. */
  readonly featureWrites: number;
  /** GB held per online feature group. */
  readonly featureGb: number;
  /** GB processed per month by each NAT gateway. */
  readonly natGb: number;
  /** GB processed per month by each interface VPC endpoint. */
  readonly endpointGb: number;
  /** Age of the KMS keys in months (rotations add to the key price). */
  readonly keyAgeMonths: number;
}

/** One field of the load profile: its flag, default and meaning. */
export interface LoadField {
  readonly key: keyof LoadProfile;
  readonly flag: string;
  readonly default: number;
  readonly unit: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
}

/** Every field, in the order the help and the report list them. */
export const LOAD_FIELDS: readonly LoadField[] = [
  {
    key: 'requestsPerMonth',
    flag: 'requests',
    default: 100_000,
    unit: 'requests/model/month',
    description: 'inference requests per model (about 2.3 a minute)',
    min: 0,
    max: 1e12,
  },
  { key: 'inferenceMs', flag: 'inference-ms', default: 100, unit: 'ms', description: 'average inference time', min: 1, max: 3_600_000 },
  { key: 'payloadKb', flag: 'payload-kb', default: 4, unit: 'KB', description: 'request plus response size', min: 0, max: 6_144 },
  {
    key: 'capturePercent',
    flag: 'capture-percent',
    default: 25,
    unit: '%',
    description: 'requests captured to the lake (real-time) when the metadata does not say',
    min: 0,
    max: 100,
  },
  {
    key: 'targetUtilization',
    flag: 'utilization',
    default: 0.5,
    unit: 'share',
    description: 'busy share of an instance before autoscaling adds one',
    min: 0.01,
    max: 1,
  },
  {
    key: 'activeHoursPerDay',
    flag: 'active-hours',
    default: 24,
    unit: 'h/day',
    description: 'hours a scale-to-zero real-time endpoint is up at load',
    min: 0,
    max: 24,
  },
  {
    key: 'trainingRunsPerMonth',
    flag: 'training-runs',
    default: 4,
    unit: 'runs/model/month',
    description: 'training pipeline runs (weekly retraining)',
    min: 0,
    max: 10_000,
  },
  {
    key: 'spotDiscount',
    flag: 'spot-discount',
    default: 0.7,
    unit: 'share',
    description: 'managed spot training discount against on-demand (AWS quotes up to 90%)',
    min: 0,
    max: 0.95,
  },
  { key: 'lakeGb', flag: 'lake-gb', default: 50, unit: 'GB', description: "data in the lake's data buckets", min: 0, max: 1e9 },
  {
    key: 'lakeRequestsPerMonth',
    flag: 'lake-requests',
    default: 1_000_000,
    unit: 'requests/month',
    description: "S3 object requests on the data buckets (20% writes); also the trail's S3 data events",
    min: 0,
    max: 1e13,
  },
  {
    key: 'managementEventsPerMonth',
    flag: 'management-events',
    default: 100_000,
    unit: 'events/month',
    description: "CloudTrail management events delivered to the trail's log group",
    min: 0,
    max: 1e12,
  },
  {
    key: 'logGbPerGroup',
    flag: 'log-gb',
    default: 0.1,
    unit: 'GB/log group/month',
    description: 'ingestion of each other log group',
    min: 0,
    max: 1e7,
  },
  {
    key: 'retainedMonths',
    flag: 'retained-months',
    default: 12,
    unit: 'months',
    description: 'months of logs and audit files stored (capped by retention)',
    min: 1,
    max: 120,
  },
  {
    key: 'lambdaInvocations',
    flag: 'lambda-invocations',
    default: 1_000,
    unit: 'invocations/function/month',
    description: 'invocations of a function no schedule drives',
    min: 0,
    max: 1e12,
  },
  { key: 'lambdaSeconds', flag: 'lambda-seconds', default: 1, unit: 's', description: 'average Lambda duration', min: 0.001, max: 900 },
  {
    key: 'apiRequests',
    flag: 'api-requests',
    default: 1_000,
    unit: 'requests/API/month',
    description: 'requests to each REST API',
    min: 0,
    max: 1e12,
  },
  {
    key: 'snsPublishes',
    flag: 'sns-publishes',
    default: 1_000,
    unit: 'messages/topic/month',
    description: 'messages published to each topic (each also e-mailed to its e-mail subscribers)',
    min: 0,
    max: 1e12,
  },
  {
    key: 'sqsRequests',
    flag: 'sqs-requests',
    default: 1_000,
    unit: 'requests/queue/month',
    description: 'requests to each SQS queue (dead-letter queues stay near zero)',
    min: 0,
    max: 1e13,
  },
  {
    key: 'dynamoWrites',
    flag: 'ddb-writes',
    default: 10_000,
    unit: 'WRU/table/month',
    description: 'DynamoDB write request units per table',
    min: 0,
    max: 1e13,
  },
  {
    key: 'dynamoReads',
    flag: 'ddb-reads',
    default: 10_000,
    unit: 'RRU/table/month',
    description: 'DynamoDB read request units per table',
    min: 0,
    max: 1e13,
  },
  { key: 'dynamoGb', flag: 'ddb-gb', default: 0.1, unit: 'GB/table', description: 'DynamoDB data per table', min: 0, max: 1e7 },
  {
    key: 'featureWrites',
    flag: 'feature-writes',
    default: 100_000,
    unit: 'writes/group/month',
    description: 'online feature store writes per feature group (reads: one per inference request)',
    min: 0,
    max: 1e13,
  },
  {
    key: 'featureGb',
    flag: 'feature-gb',
    default: 1,
    unit: 'GB/group',
    description: 'online feature store data per feature group',
    min: 0,
    max: 1e7,
  },
  { key: 'natGb', flag: 'nat-gb', default: 10, unit: 'GB/gateway/month', description: 'data through each NAT gateway', min: 0, max: 1e9 },
  {
    key: 'endpointGb',
    flag: 'endpoint-gb',
    default: 10,
    unit: 'GB/endpoint/month',
    description: 'data through each interface VPC endpoint',
    min: 0,
    max: 1e9,
  },
  {
    key: 'keyAgeMonths',
    flag: 'key-age-months',
    default: 0,
    unit: 'months',
    description: 'age of the KMS keys (each of the first two rotations adds $1/month)',
    min: 0,
    max: 1200,
  },
];

/** The defaults of every field. */
export const DEFAULT_LOAD: LoadProfile = Object.freeze(Object.fromEntries(LOAD_FIELDS.map((f) => [f.key, f.default])) as unknown as LoadProfile);

/** The defaults with `overrides` applied. */
export function loadProfile(overrides: Partial<LoadProfile> = {}): LoadProfile {
  return { ...DEFAULT_LOAD, ...overrides };
}
