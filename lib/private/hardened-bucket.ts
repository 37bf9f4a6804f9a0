import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Bucket properties every bucket of the blueprint shares: versioned, public access blocked,
 * TLS 1.2+ only, ACLs disabled, Object Lock enabled (so that legal holds can be placed on the
 * exact object versions an approved model was trained on), retained on stack deletion and
 * replacement, and incomplete multipart uploads cleaned up.
 */
export function hardenedBucketProps(overrides: s3.BucketProps): s3.BucketProps {
  return {
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    objectLockEnabled: true,
    removalPolicy: RemovalPolicy.RETAIN,
    ...overrides,
    lifecycleRules: [
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ...(overrides.lifecycleRules ?? []),
    ],
  };
}

/** The feature flag that makes CDK grant S3 log delivery by bucket policy instead of an ACL. */
export const LOGS_BY_BUCKET_POLICY_FLAG = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

/**
 * Turns on, for every bucket created below `scope`, log delivery granted by bucket policy
 * (`logging.s3.amazonaws.com`) instead of the `LogDeliveryWrite` ACL, which ACL-disabled buckets
 * reject. Set here rather than trusted to the app's cdk.json, so the constructs are safe in any app.
 * Call it first in a constructor, before any child exists.
 */
export function useBucketPolicyForLogDelivery(scope: Construct): void {
  scope.node.setContext(LOGS_BY_BUCKET_POLICY_FLAG, true);
}

/**
 * Sends the bucket's object events to the default EventBridge bus, through the bucket's own
 * `NotificationConfiguration` rather than CDK's notifications custom resource (which would add a
 * Lambda function to every stack with a bucket).
 */
export function enableEventBridge(bucket: s3.Bucket): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}
