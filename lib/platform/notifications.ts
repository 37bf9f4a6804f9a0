import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { EMAIL_ADDRESS, PropsProblems } from '../private/validation';


/** Properties of {@link Notifications}. */
export interface NotificationsProps {
  /**
   * Key that encrypts both topics. Its policy must let `cloudwatch.amazonaws.com` and
   * `events.amazonaws.com` use it (see `PlatformKeys.notificationKey`).
   */
  readonly encryptionKey: kms.IKey;
  /**
   * E-mail addresses subscribed to the pipeline topic.
   *
   * @default - no subscriptions
   */
  readonly pipelineEmails?: string[];
  /**
   * E-mail addresses subscribed to the alarm topic.
   *
   * @default - no subscriptions
   */
  readonly alarmEmails?: string[];
}

/**
 * The platform's SNS topics: `pipelineTopic` for pipeline runs and approvals, `alarmTopic` for
 * alarms. Both are KMS-encrypted, TLS-only, and accept publications from CloudWatch alarms and
 * EventBridge rules of this account only.
 */
export class Notifications extends Construct {
  /** Pipeline runs: started, succeeded, failed, waiting for approval. */
  public readonly pipelineTopic: sns.Topic;
  /** Alarms: drift, endpoint health, failed deliveries. */
  public readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const problems = new PropsProblems(this, 'Notifications');
    for (const [field, list] of [['pipelineEmails', props.pipelineEmails], ['alarmEmails', props.alarmEmails]] as const) {
      (list ?? []).forEach((e, i) => problems.check(EMAIL_ADDRESS.test(e), `${field}[${i}]`, e, 'an e-mail address'));
    }
    problems.throwIfAny();

    this.pipelineTopic = this.topic('PipelineTopic', 'MLOps pipeline notifications', props.encryptionKey, props.pipelineEmails ?? []);
    this.alarmTopic = this.topic('AlarmTopic', 'MLOps alarms', props.encryptionKey, props.alarmEmails ?? []);
  }

  private topic(id: string, displayName: string, key: kms.IKey, emails: string[]): sns.Topic {
    const topic = new sns.Topic(this, id, { displayName, masterKey: key, enforceSSL: true });
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      topic.addToResourcePolicy(new iam.PolicyStatement({
        sid: `AllowPublishFrom${service.split('.')[0]}`,
        principals: [new iam.ServicePrincipal(service)],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }));
    }
    for (const email of emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }
}
