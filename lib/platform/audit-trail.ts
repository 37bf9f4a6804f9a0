import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { enableEventBridge, hardenedBucketProps, useBucketPolicyForLogDelivery } from '../private/hardened-bucket';
import { PropsProblems } from '../private/validation';
import { acknowledge } from '../compliance';

/** S3 Object Lock modes of the audit bucket. */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/** CloudTrail accepts at most this many data resources across a trail's basic event selectors. */
export const MAX_TRAIL_DATA_RESOURCES = 250;

/** Properties of {@link AuditTrail}. */
export interface AuditTrailProps {
  /**
   * Name of the trail. The trail is the one resource of the platform with a physical name: the
   * audit bucket's policy and the key policy restrict CloudTrail with `aws:SourceArn`, and building
   * that ARN from the trail's own attributes would make the trail depend on the policies that it
   * must itself wait for (a dependency cycle). A trail is never replaced by an update of this
   * construct, so the name blocks nothing.
   */
  readonly trailName: string;
  /** Key for the audit bucket, the trail's log files and its CloudWatch log group. */
  readonly encryptionKey: kms.Key;
  /** Where the audit bucket delivers its S3 server access logs. */
  readonly accessLogBucket: s3.IBucket;
  /** Object Lock mode of every audit record. */
  readonly objectLockMode: ObjectLockMode;
  /** How long every audit record is locked against deletion and overwrite. */
  readonly objectLockRetention: Duration;
  /**
   * How long CloudTrail events are kept in CloudWatch Logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Buckets whose object-level operations (S3 data events) are recorded. The audit bucket itself
   * is never among them: recording it would record the trail's own writes, a feedback loop.
   *
   * @default - management events only
   */
  readonly dataEventBuckets?: s3.IBucket[];
}

/**
 * The platform's audit trail: a multi-region CloudTrail trail with log file validation, KMS
 * encryption and CloudWatch Logs delivery, recording management events and S3 data events on the
 * given buckets, into an audit bucket under S3 Object Lock.
 *
 * The audit bucket is also where decision and lineage records go, so that every audit record
 * shares one retention rule. Everything here is retained when the stack is deleted.
 */
export class AuditTrail extends Construct {
  /** The Object Lock bucket holding trail logs and audit records. */
  public readonly bucket: s3.Bucket;
  /** The trail's CloudWatch log group. */
  public readonly logGroup: logs.LogGroup;
  /** The trail. */
  public readonly trail: cloudtrail.CfnTrail;
  /** The trail's ARN, built from its name. */
  public readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    useBucketPolicyForLogDelivery(this);
    const dataEventBuckets = props.dataEventBuckets ?? [];
    new PropsProblems(this, 'AuditTrail')
      .check(
        /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(props.trailName) && !/[._-]{2}/.test(props.trailName),
        'trailName',
        props.trailName,
        '3-128 letters, digits, periods, underscores or hyphens, starting with a letter or digit, without two separators in a row',
      )
      .days('objectLockRetention', props.objectLockRetention, 1, 36500)
      .check(
        dataEventBuckets.length <= MAX_TRAIL_DATA_RESOURCES,
        'dataEventBuckets',
        `${dataEventBuckets.length} buckets`,
        `at most ${MAX_TRAIL_DATA_RESOURCES}`,
      )
      .throwIfAny();

    const stack = Stack.of(this);
    this.trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: props.trailName });
    const cloudtrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const sourceArn = { 'aws:SourceArn': this.trailArn };
    const retentionDays = props.objectLockRetention.toDays();

    this.bucket = new s3.Bucket(this, 'Bucket', hardenedBucketProps({
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      objectLockDefaultRetention: props.objectLockMode === 'COMPLIANCE'
        ? s3.ObjectLockRetention.compliance(props.objectLockRetention)
        : s3.ObjectLockRetention.governance(props.objectLockRetention),
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'audit/',
      targetObjectKeyFormat: s3.TargetObjectKeyFormat.partitionedPrefix(s3.PartitionDateSource.EVENT_TIME),
      // Versions cannot be removed before their lock ends anyway; after it they are removed once
      // superseded, and current records stay.
      lifecycleRules: [{ id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(retentionDays) }],
    }));
    enableEventBridge(this.bucket);
    acknowledge(
      this.bucket.node.defaultChild as s3.CfnBucket,
      ['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled'],
      'Audit records are protected by Object Lock and log file validation in this region; a replica needs an operator-chosen destination region ' +
        'and account (an organisation trail is the usual place for that copy).',
    );

    // CloudTrail writes only to its own prefix, only for this trail (aws:SourceArn from the known name).
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailAclCheck',
      principals: [cloudtrailPrincipal],
      actions: ['s3:GetBucketAcl'],
      resources: [this.bucket.bucketArn],
      conditions: { StringEquals: sourceArn },
    }));
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailWrite',
      principals: [cloudtrailPrincipal],
      actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...sourceArn } },
    }));

    // Key policy for CloudTrail: encrypt log files of this account's trails, describe the key, and
    // decrypt (needed to create a trail on a bucket that uses an S3 Bucket Key).
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptLogs',
        principals: [cloudtrailPrincipal],
        actions: ['kms:GenerateDataKey*'],
        // In a key policy, "*" means this key.
        resources: ['*'],
        conditions: {
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': stack.formatArn({ service: 'cloudtrail', region: '*', resource: 'trail', resourceName: '*' }),
          },
          StringEquals: sourceArn,
        },
      }),
    );
    props.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailDescribeKey',
      principals: [cloudtrailPrincipal],
      actions: ['kms:DescribeKey'],
      // In a key policy, "*" means this key.
      resources: ['*'],
      conditions: { StringEquals: sourceArn },
    }));
    props.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailDecryptWithBucketKey',
      principals: [cloudtrailPrincipal],
      actions: ['kms:Decrypt'],
      // In a key policy, "*" means this key.
      resources: ['*'],
      conditions: { StringEquals: sourceArn },
    }));

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if ((props.logRetention ?? logs.RetentionDays.ONE_YEAR) < logs.RetentionDays.ONE_YEAR) {
      acknowledge(
        this.logGroup.node.defaultChild as logs.CfnLogGroup,
        ['cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check'],
        'The log group is a searchable copy of the trail, kept shorter by configuration to save cost; the system of record is the trail log files ' +
          'in the audit bucket under Object Lock.',
      );
    }
    // The key policy statement for CloudWatch Logs must exist before the log group.
    this.logGroup.node.addDependency(props.encryptionKey);

    const logsRole = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', { conditions: { StringEquals: sourceArn } }),
      description: 'Lets the audit trail deliver events to its CloudWatch log group',
    });
    const logsPolicy = new iam.ManagedPolicy(this, 'LogsPolicy', {
      description: 'Delivery of audit trail events to its log group',
      roles: [logsRole],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      })],
    });

    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: props.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      s3BucketName: this.bucket.bucketName,
      kmsKeyId: props.encryptionKey.keyArn,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: logsRole.roleArn,
      eventSelectors: [{
        readWriteType: 'All',
        includeManagementEvents: true,
        dataResources: dataEventBuckets.length > 0
          // Object ARNs need the trailing "/" to mean "every object in the bucket".
          ? [{ type: 'AWS::S3::Object', values: dataEventBuckets.map((b) => `${b.bucketArn}/`) }]
          : undefined,
      }],
    });
    // CloudTrail checks the bucket policy, the key policy and the role's policy when the trail is
    // created: every one of them must exist first.
    this.trail.node.addDependency(this.bucket.policy!);
    this.trail.node.addDependency(props.encryptionKey);
    this.trail.node.addDependency(logsRole, logsPolicy);
  }

  /** Grants the right to write audit records under `prefix` (e.g. `decisions/`). Records cannot be deleted while locked. */
  public grantWriteRecords(grantee: iam.IGrantable, prefix: string): iam.Grant {
    return this.bucket.grantPut(grantee, `${prefix}*`);
  }

  /** Grants read access to all audit records and trail logs. */
  public grantReadRecords(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grantRead(grantee);
  }
}
