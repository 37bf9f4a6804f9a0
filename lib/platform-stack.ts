import { CfnOutput, Duration, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EnvironmentConfig } from './config/environment';
import { AccessLogBucket } from './platform/access-log-bucket';
import { AuditorAccess } from './platform/auditor-access';
import { ApiGatewayAccount } from './platform/api-gateway-account';
import { AuditTrail } from './platform/audit-trail';
import { DATA_LAKE_AREAS, DataLake, DataLakeArea } from './platform/data-lake';
import { Notifications } from './platform/notifications';
import { PlatformKeys } from './platform/platform-keys';
import { IPlatform, publishPlatformParameters } from './platform/platform-reference';

/** Properties of {@link PlatformStack}. */
export interface PlatformStackProps extends StackProps {
  /** Prefix of stack names, the trail name and SSM parameter paths. */
  readonly namespace: string;
  /** The environment's name (dev, prod, ...). */
  readonly environmentName: string;
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
}

/**
 * One environment's shared platform: KMS keys, the data lake, the access-log bucket, the audit
 * trail and the notification topics. Per-model stacks find it through SSM parameters
 * (`PlatformReference`), never through CloudFormation exports.
 */
export class PlatformStack extends Stack implements IPlatform {
  public readonly namespace: string;
  public readonly environmentName: string;
  public readonly keys: PlatformKeys;
  public readonly accessLogs: AccessLogBucket;
  public readonly dataLake: DataLake;
  public readonly audit: AuditTrail;
  public readonly notifications: Notifications;
  /** The account's API Gateway logging role setting, when this environment manages it. */
  public readonly apiGatewayAccount?: ApiGatewayAccount;
  /** The auditors' read-only managed policy (docs/auditing.md). */
  public readonly auditorAccess: AuditorAccess;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.namespace = props.namespace;
    this.environmentName = props.environmentName;
    const config = props.config;
    Tags.of(this).add('mlops:environment', props.environmentName);
    for (const [key, value] of Object.entries(config.tags ?? {})) Tags.of(this).add(key, value);

    this.keys = new PlatformKeys(this, 'Keys');
    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      expiration: days(config.dataLake?.accessLogExpirationDays),
    });
    this.dataLake = new DataLake(this, 'DataLake', {
      encryptionKey: this.keys.dataKey,
      accessLogBucket: this.accessLogs.bucket,
      noncurrentVersionExpiration: days(config.dataLake?.noncurrentVersionExpirationDays),
      intelligentTieringAfter: days(config.dataLake?.intelligentTieringAfterDays),
    });
    this.audit = new AuditTrail(this, 'Audit', {
      trailName: `${props.namespace}-${props.environmentName}-audit`,
      encryptionKey: this.keys.auditKey,
      accessLogBucket: this.accessLogs.bucket,
      objectLockMode: config.audit.objectLockMode,
      objectLockRetention: Duration.days(config.audit.objectLockRetentionDays),
      logRetention: (config.audit.cloudWatchLogsRetentionDays ?? 365) as logs.RetentionDays,
      dataEventBuckets: Object.values(this.dataLake.buckets),
    });
    this.notifications = new Notifications(this, 'Notifications', {
      encryptionKey: this.keys.notificationKey,
      pipelineEmails: config.notifications?.pipelineEmails,
      alarmEmails: config.notifications?.alarmEmails,
    });
    if (config.manageApiGatewayAccount ?? true) this.apiGatewayAccount = new ApiGatewayAccount(this, 'ApiGatewayAccount');
    publishPlatformParameters(this, this);
    // Read-only access for auditors and the `mlops-audit` command (docs/auditing.md).
    this.auditorAccess = new AuditorAccess(this, 'Auditors', { platform: this });
    this.addOutputs();
  }

  /** What people look up after a deploy (README, docs/teardown.md); outputs only, never exports. */
  private addOutputs(): void {
    for (const area of DATA_LAKE_AREAS) {
      const id = `${area[0].toUpperCase()}${area.slice(1)}BucketName`;
      new CfnOutput(this, id, { value: this.dataLake.buckets[area].bucketName, description: `The data lake's ${area} bucket` });
    }
    new CfnOutput(this, 'AuditBucketName', {
      value: this.audit.bucket.bucketName,
      description: 'The Object Lock audit bucket (trail, decisions, lineage)',
    });
    new CfnOutput(this, 'AuditorPolicyArn', {
      value: this.auditorAccess.managedPolicy.managedPolicyArn,
      description: "The auditors' read-only managed policy",
    });
    new CfnOutput(this, 'PipelineTopicArn', { value: this.notifications.pipelineTopic.topicArn, description: 'Pipeline notifications (SNS)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.notifications.alarmTopic.topicArn, description: 'Alarm notifications (SNS)' });
  }

  public get dataKey(): kms.IKey { return this.keys.dataKey; }
  public get auditKey(): kms.IKey { return this.keys.auditKey; }
  public get notificationKey(): kms.IKey { return this.keys.notificationKey; }
  public get lakeBuckets(): Readonly<Record<DataLakeArea, s3.IBucket>> { return this.dataLake.buckets; }
  public get auditBucket(): s3.IBucket { return this.audit.bucket; }
  public get pipelineTopic(): sns.ITopic { return this.notifications.pipelineTopic; }
  public get alarmTopic(): sns.ITopic { return this.notifications.alarmTopic; }
  public get logsKeyArn(): string { return this.keys.dataKey.keyArn; }
}

function days(value: number | undefined): Duration | undefined {
  return value === undefined ? undefined : Duration.days(value);
}
