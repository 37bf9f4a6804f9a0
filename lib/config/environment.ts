import { ENVIRONMENT_NAME, NAMESPACE } from '../../contracts/names';
import { EMAIL_ADDRESS } from '../private/validation';
import { arrayOf, bool, int, obj, oneOf, optional, recordOf, refine, Schema, show, str } from './schema';

/** CloudWatch Logs accepts only these retention periods, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Settings of the versioned S3 data lake. */
export interface DataLakeSettings {
  /**
   * Days after which a noncurrent (overwritten or deleted) object version is removed.
   * Current data never expires.
   *
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after which current objects move to S3 Intelligent-Tiering.
   *
   * @default - objects stay in S3 Standard
   */
  readonly intelligentTieringAfterDays?: number;
  /**
   * Days the S3 server access logs are kept.
   *
   * @default 365
   */
  readonly accessLogExpirationDays?: number;
}

/** Settings of the audit trail. */
export interface AuditSettings {
  /**
   * S3 Object Lock mode of the audit bucket. `COMPLIANCE` cannot be shortened or lifted by anyone,
   * the root user included; `GOVERNANCE` can be by principals with `s3:BypassGovernanceRetention`.
   */
  readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
  /** Days every audit record (CloudTrail log files, decision and lineage records) is locked. */
  readonly objectLockRetentionDays: number;
  /**
   * Days CloudTrail events are kept in CloudWatch Logs (one of the values CloudWatch Logs accepts).
   *
   * @default 365
   */
  readonly cloudWatchLogsRetentionDays?: number;
}

/** Who is told about pipeline runs and alarms. */
export interface NotificationSettings {
  /**
   * E-mail addresses subscribed to the pipeline topic (runs started, succeeded, failed).
   *
   * @default - no subscriptions
   */
  readonly pipelineEmails?: string[];
  /**
   * E-mail addresses subscribed to the alarm topic (drift, endpoint health, failed deliveries).
   *
   * @default - no subscriptions
   */
  readonly alarmEmails?: string[];
}

/** How the approval gate after model registration works in an environment. */
export interface ApprovalSettings {
  /**
   * `human`: the pipeline waits for one of the model's approvers to decide on the approval page.
   * `auto`: the pipeline approves by itself and records that it did (for development environments).
   */
  readonly mode: 'human' | 'auto';
  /**
   * Hours the gate waits for a decision; no decision by then means rejected (and notified).
   *
   * @default 72
   */
  readonly timeoutHours?: number;
}

/** Existing subnets and security groups that SageMaker jobs run in. */
export interface SageMakerVpcSettings {
  /**
   * Private subnets (1-16), e.g. `subnet-0123456789abcdef0`. They need a route to S3 (a gateway endpoint) and to ECR,
   * CloudWatch Logs and SageMaker (interface endpoints or NAT).
   */
  readonly subnetIds: string[];
  /** Security groups (1-5), e.g. `sg-0123456789abcdef0`. */
  readonly securityGroupIds: string[];
}

/** One deployment environment (dev, prod, ...). */
export interface EnvironmentConfig {
  /**
   * AWS account ID the environment deploys to.
   *
   * @default - environment-agnostic: the account of the credentials used by `cdk deploy`
   */
  readonly account?: string;
  /**
   * AWS region the environment deploys to.
   *
   * @default - environment-agnostic: the region of the credentials used by `cdk deploy`
   */
  readonly region?: string;
  /**
   * Whether this is a production environment: its stacks get termination protection.
   *
   * @default false
   */
  readonly production?: boolean;
  /** Data lake settings. @default - see {@link DataLakeSettings} */
  readonly dataLake?: DataLakeSettings;
  /** Audit trail settings. */
  readonly audit: AuditSettings;
  /** Notification subscriptions. @default - topics without subscriptions */
  readonly notifications?: NotificationSettings;
  /**
   * Set this account and region's API Gateway CloudWatch Logs role (a singleton setting that the
   * approval page's logging needs). Set `false` where the organisation already manages it.
   *
   * @default true
   */
  readonly manageApiGatewayAccount?: boolean;
  /**
   * The approval gate.
   *
   * @default - human approval, 72 hours
   */
  readonly approval?: ApprovalSettings;
  /**
   * Run SageMaker jobs (processing, training) inside these existing subnets.
   *
   * @default - jobs run in SageMaker's own network, without a VPC (nothing costs money while idle)
   */
  readonly sagemakerVpc?: SageMakerVpcSettings;
  /**
   * Tags applied to every resource of the environment.
   *
   * @default - only the blueprint's own `mlops:environment` tag
   */
  readonly tags?: Record<string, string>;
}

/** The whole platform configuration: a namespace and its environments. */
export interface PlatformConfig {
  /**
   * Prefix of stack names, SSM parameter paths and run-time SageMaker names, so that two installations can
   * share an account. Lower-case letters, digits and single hyphens, starting with a letter, not ending with
   * a hyphen, at most 20 characters.
   */
  readonly namespace: string;
  /** The environments, by name (the value of `-c env=NAME`). */
  readonly environments: Record<string, EnvironmentConfig>;
}

const email = str({ pattern: EMAIL_ADDRESS, expected: 'an e-mail address' });

/** The shape of an AWS region name (whether AWS has it, and the blueprint's images, is checked in `deployment-checks.ts`). */
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export const dataLakeSchema: Schema<DataLakeSettings> = obj<DataLakeSettings>({
  noncurrentVersionExpirationDays: optional(int(1, 3650)),
  intelligentTieringAfterDays: optional(int(0, 3650)),
  accessLogExpirationDays: optional(int(1, 3650)),
});

export const auditSchema: Schema<AuditSettings> = obj<AuditSettings>({
  objectLockMode: oneOf('GOVERNANCE', 'COMPLIANCE'),
  objectLockRetentionDays: int(1, 36500),
  cloudWatchLogsRetentionDays: optional(int(1, 3653, LOG_RETENTION_DAYS)),
});

export const notificationSchema: Schema<NotificationSettings> = obj<NotificationSettings>({
  pipelineEmails: optional(arrayOf(email, { unique: true })),
  alarmEmails: optional(arrayOf(email, { unique: true })),
});

export const sagemakerVpcSchema: Schema<SageMakerVpcSettings> = obj<SageMakerVpcSettings>({
  subnetIds: arrayOf(str({ pattern: /^subnet-[0-9a-f]{8,17}$/, expected: 'a subnet ID such as "subnet-0123456789abcdef0"' }), {
    minItems: 1,
    maxItems: 16,
    unique: true,
  }),
  securityGroupIds: arrayOf(str({ pattern: /^sg-[0-9a-f]{8,17}$/, expected: 'a security group ID such as "sg-0123456789abcdef0"' }), {
    minItems: 1,
    maxItems: 5,
    unique: true,
  }),
});

export const approvalSchema: Schema<ApprovalSettings> = obj<ApprovalSettings>({
  mode: oneOf('human', 'auto'),
  timeoutHours: optional(int(1, 24 * 365)),
});

/** Tags the blueprint sets itself on every resource. */
export const BLUEPRINT_TAG_KEYS: readonly string[] = ['mlops:environment', 'mlops:model'];
/** AWS resources take at most 50 tags (SageMaker, S3, IAM, Lambda, KMS); the blueprint sets two of them. */
export const MAX_ENVIRONMENT_TAGS = 50 - BLUEPRINT_TAG_KEYS.length;

const tagKey = refine(
  str({ pattern: /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, maxLength: 128, expected: 'a tag key (not starting with "aws:")' }),
  (key, path) =>
    BLUEPRINT_TAG_KEYS.includes(key)
      ? [{ path, got: show(key), expected: `a tag key other than the blueprint's own (${BLUEPRINT_TAG_KEYS.join(', ')})` }]
      : [],
);
const tagValue = str({ pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, minLength: 0, maxLength: 256, expected: 'a tag value' });

export const environmentSchema: Schema<EnvironmentConfig> = obj<EnvironmentConfig>({
  account: optional(str({ pattern: /^\d{12}$/, expected: 'a 12-digit AWS account ID' })),
  region: optional(str({ pattern: REGION, expected: 'an AWS region such as "eu-west-1"' })),
  production: optional(bool()),
  dataLake: optional(dataLakeSchema),
  audit: auditSchema,
  notifications: optional(notificationSchema),
  manageApiGatewayAccount: optional(bool()),
  approval: optional(approvalSchema),
  sagemakerVpc: optional(sagemakerVpcSchema),
  tags: optional(refine(recordOf(tagKey, tagValue), (tags, path) => (Object.keys(tags).length > MAX_ENVIRONMENT_TAGS
    ? [{
      path,
      got: `${Object.keys(tags).length} tags`,
      expected: `at most ${MAX_ENVIRONMENT_TAGS} tags (AWS resources take 50; the blueprint sets ${BLUEPRINT_TAG_KEYS.length})`,
    }]
    : []))),
});

// The naming rules of environments and namespaces (contracts/names.ts), re-exported.
export { ENVIRONMENT_NAME, NAMESPACE };

/** The namespace (see {@link NAMESPACE}). */
export const namespaceSchema: Schema<string> = str({
  pattern: NAMESPACE,
  expected: 'lower-case letters, digits and single hyphens, starting with a letter, not ending with a hyphen, at most 20 characters',
});

/** An environment's name (see {@link ENVIRONMENT_NAME}). */
export const environmentNameSchema: Schema<string> = str({
  pattern: ENVIRONMENT_NAME,
  expected: 'an environment name of lower-case letters, digits and single hyphens, starting with a letter, not ending with a hyphen, '
    + 'at most 16 characters',
});

export const platformSchema: Schema<PlatformConfig> = obj<PlatformConfig>({
  namespace: namespaceSchema,
  environments: recordOf(
    environmentNameSchema,
    environmentSchema,
    { minKeys: 1 },
  ),
});
