import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of {@link PlatformKeys}. */
export interface PlatformKeysProps {
  /**
   * How often AWS KMS rotates the key material.
   *
   * @default Duration.days(365)
   */
  readonly rotationPeriod?: Duration;
  /**
   * Waiting period before a key scheduled for deletion is deleted (7-30 days).
   * The keys are retained on stack deletion; this only matters when an operator
   * schedules deletion by hand.
   *
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
}

/**
 * The platform's customer-managed KMS keys, one per trust boundary:
 *
 * - `dataKey` encrypts the data lake, the feature store and SageMaker volumes and outputs;
 * - `auditKey` encrypts the audit bucket, CloudTrail log files and the trail's log group;
 * - `notificationKey` encrypts the SNS topics, and lets CloudWatch alarms and EventBridge
 *   rules publish to them (without that grant, deliveries fail silently).
 *
 * Every key rotates automatically and is retained when the stack is deleted or the key replaced:
 * deleting a key makes everything encrypted with it unreadable.
 */
export class PlatformKeys extends Construct {
  /** Encrypts data lake buckets, the feature store and SageMaker jobs. */
  public readonly dataKey: kms.Key;
  /** Encrypts audit records: trail log files, the trail's log group, decision and lineage records. */
  public readonly auditKey: kms.Key;
  /** Encrypts SNS topics that alarms and EventBridge rules publish to. */
  public readonly notificationKey: kms.Key;

  constructor(scope: Construct, id: string, props: PlatformKeysProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const common: kms.KeyProps = {
      enableKeyRotation: true,
      rotationPeriod: props.rotationPeriod ?? Duration.days(365),
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.dataKey = new kms.Key(this, 'DataKey', { ...common, description: 'MLOps data lake, feature store and SageMaker encryption' });
    this.auditKey = new kms.Key(this, 'AuditKey', { ...common, description: 'MLOps audit trail encryption' });
    this.notificationKey = new kms.Key(this, 'NotificationKey', { ...common, description: 'MLOps notification topics encryption' });

    // Grants may only be created by AWS services acting for a principal (SageMaker, Feature Store,
    // EBS), never handed out directly: a grant outlives the IAM policy that allowed it.
    for (const key of [this.dataKey, this.auditKey, this.notificationKey]) {
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DenyGrantsNotForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        // In a key policy, "*" means this key.
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }));
    }

    // Alarm actions and EventBridge targets publish to the encrypted topics. SNS calls KMS on the
    // publisher's behalf, so the publishing services must be allowed to use the key. EventBridge
    // deliveries fail when this statement carries aws:SourceArn/aws:SourceAccount conditions, so
    // it has none; the topic policy restricts who may publish.
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      this.notificationKey.addToResourcePolicy(new iam.PolicyStatement({
        sid: `AllowPublishFrom${service.split('.')[0]}`,
        principals: [new iam.ServicePrincipal(service)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy, "*" means this key.
        resources: ['*'],
      }));
    }

    // The model stacks' dead-letter queues are encrypted with the data key. SQS calls KMS on the
    // sender's behalf, and the account-root statement does not cover service principals: without this
    // statement, events that EventBridge cannot deliver (drift-triggered retraining) never reach the
    // queue. Limited to use through SQS; no aws:SourceArn condition, as for the topics above.
    this.dataKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeDeadLetters',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // In a key policy, "*" means this key.
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
    }));

    // CloudWatch Logs encrypts log groups with the audit key (the trail's log group) and the data
    // key (pipeline and function logs of the model stacks); without the regional service principal
    // the log groups fail to create.
    for (const key of [this.auditKey, this.dataKey]) {
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchLogs',
          principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          // In a key policy, "*" means this key.
          resources: ['*'],
          conditions: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
                service: 'logs',
                resource: 'log-group',
                resourceName: '*',
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            },
          },
        }),
      );
    }
  }
}
