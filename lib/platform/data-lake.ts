import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance';
import { enableEventBridge, hardenedBucketProps, useBucketPolicyForLogDelivery } from '../private/hardened-bucket';
import { PropsProblems } from '../private/validation';

/** The areas of the data lake, one bucket each. */
export const DATA_LAKE_AREAS = ['raw', 'curated', 'features', 'artifacts', 'capture'] as const;

/** One area of the data lake. */
export type DataLakeArea = (typeof DATA_LAKE_AREAS)[number];

const AREA_IDS: Record<DataLakeArea, string> = {
  raw: 'RawBucket',
  curated: 'CuratedBucket',
  features: 'FeaturesBucket',
  artifacts: 'ArtifactsBucket',
  capture: 'CaptureBucket',
};

/** Properties of {@link DataLake}. */
export interface DataLakeProps {
  /** The KMS key that encrypts every bucket of the lake (SSE-KMS with S3 Bucket Keys). */
  readonly encryptionKey: kms.IKey;
  /** Where the buckets deliver their S3 server access logs (an SSE-S3 bucket). */
  readonly accessLogBucket: s3.IBucket;
  /**
   * How long a noncurrent (overwritten or deleted) object version is kept. Current data never expires.
   *
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * Age at which current objects move to S3 Intelligent-Tiering.
   *
   * @default - objects stay in S3 Standard
   */
  readonly intelligentTieringAfter?: Duration;
}

/**
 * The versioned, encrypted S3 data lake: one bucket per area.
 *
 * - `raw`: data as it arrives; `curated`: cleaned and joined data sets;
 * - `features`: the SageMaker Feature Store offline store;
 * - `artifacts`: training outputs, evaluation reports, baselines and model artifacts;
 * - `capture`: endpoint request/response capture for drift statistics.
 *
 * Every bucket is versioned, SSE-KMS with an S3 Bucket Key, public access blocked, TLS-only,
 * logged to the access-log bucket, emits object events to EventBridge, keeps noncurrent versions
 * for a bounded time (current data never expires) and is retained on stack deletion.
 */
export class DataLake extends Construct {
  /** The lake's buckets by area. */
  public readonly buckets: Readonly<Record<DataLakeArea, s3.Bucket>>;
  /** The key that encrypts the lake. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    useBucketPolicyForLogDelivery(this);
    const noncurrent = props.noncurrentVersionExpiration ?? Duration.days(90);
    new PropsProblems(this, 'DataLake')
      .days('noncurrentVersionExpiration', noncurrent, 1, 3650)
      .days('intelligentTieringAfter', props.intelligentTieringAfter, 0, 3650)
      .throwIfAny();
    this.encryptionKey = props.encryptionKey;

    const lifecycleRules: s3.LifecycleRule[] = [
      { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: noncurrent },
    ];
    if (props.intelligentTieringAfter) {
      lifecycleRules.push({
        id: 'intelligent-tiering',
        transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: props.intelligentTieringAfter }],
      });
    }

    const buckets = {} as Record<DataLakeArea, s3.Bucket>;
    for (const area of DATA_LAKE_AREAS) {
      const bucket = new s3.Bucket(this, AREA_IDS[area], hardenedBucketProps({
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: props.encryptionKey,
        bucketKeyEnabled: true,
        serverAccessLogsBucket: props.accessLogBucket,
        serverAccessLogsPrefix: `${area}/`,
        targetObjectKeyFormat: s3.TargetObjectKeyFormat.partitionedPrefix(s3.PartitionDateSource.EVENT_TIME),
        lifecycleRules,
      }));
      enableEventBridge(bucket);
      acknowledge(
        bucket.node.defaultChild as s3.CfnBucket,
        ['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled'],
        'The blueprint is single-region by design; versioning, Object Lock and retention on deletion protect the data, and cross-region ' +
          'replication needs a destination region and bucket that only the operator can choose.',
      );
      buckets[area] = bucket;
    }
    this.buckets = buckets;
  }
}
