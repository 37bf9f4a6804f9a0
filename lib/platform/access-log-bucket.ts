import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance';
import { hardenedBucketProps, useBucketPolicyForLogDelivery } from '../private/hardened-bucket';
import { validateDays } from '../private/validation';

/** Properties of {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  /**
   * How long access log records are kept.
   *
   * @default Duration.days(365)
   */
  readonly expiration?: Duration;
}

/**
 * The target of every S3 server access log of the platform.
 *
 * S3 cannot deliver access logs to a bucket encrypted with SSE-KMS, so this bucket (alone) uses
 * SSE-S3. Log delivery is granted by bucket policy to `logging.s3.amazonaws.com` (no ACL; the
 * `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag must be on), and Object Lock has no
 * default retention, which S3 log delivery does not support.
 */
export class AccessLogBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    useBucketPolicyForLogDelivery(this);
    const expiration = props.expiration ?? Duration.days(365);
    validateDays(this, [{ field: 'expiration', value: expiration, min: 1, max: 3650 }]);

    this.bucket = new s3.Bucket(this, 'Bucket', hardenedBucketProps({
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration, noncurrentVersionExpiration: Duration.days(1) },
      ],
    }));

    const cfn = this.bucket.node.defaultChild as s3.CfnBucket;
    acknowledge(cfn, [
      'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
    ], 'This is the access-log target bucket; logging it to itself would create a delivery loop and another bucket would only move the problem.');
    acknowledge(cfn, [
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
    ], 'S3 server access log delivery does not support SSE-KMS target buckets; SSE-S3 is the only encryption that keeps the logs flowing.');
    acknowledge(cfn, [
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'HIPAA.Security-S3BucketReplicationEnabled',
    ], 'Access logs are operational records with a limited lifetime; cross-region replication would double their cost without a recovery need.');
    acknowledge(cfn, [
      'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
    ], 'Access-log objects are written by S3 itself and no process reacts to them, so event notifications would have no consumer.');
  }
}
