import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { CfnDynamicReference, CfnDynamicReferenceService } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DATA_LAKE_AREAS, DataLakeArea } from './data-lake';

/** What per-model stacks need from an environment's platform. */
export interface IPlatform {
  /** The installation's namespace (prefix of stack names and parameter paths). */
  readonly namespace: string;
  /** The environment's name. */
  readonly environmentName: string;
  /** Key of the data lake, feature store and SageMaker jobs. */
  readonly dataKey: kms.IKey;
  /** Key of the audit records. */
  readonly auditKey: kms.IKey;
  /** Key of the notification topics. */
  readonly notificationKey: kms.IKey;
  /** The data lake's buckets by area. */
  readonly lakeBuckets: Readonly<Record<DataLakeArea, s3.IBucket>>;
  /** The Object Lock bucket of audit records. */
  readonly auditBucket: s3.IBucket;
  /** Topic for pipeline notifications. */
  readonly pipelineTopic: sns.ITopic;
  /** Topic for alarms. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The data key's ARN as a plain string for log groups' `KmsKeyId`: the Control Tower check
   * CT.CLOUDWATCH.PR.3 accepts only a string or a key of the same template there (and the
   * cfn-guard plugin crashes on a reference to a template parameter).
   */
  readonly logsKeyArn: string;
}

/** Identifies an environment's platform. */
export interface PlatformLocator {
  /** The installation's namespace. */
  readonly namespace: string;
  /** The environment's name. */
  readonly environmentName: string;
}

/** The SSM parameter path under which a platform publishes one attribute. */
export function platformParameterName(locator: PlatformLocator, attribute: string): string {
  return `/${locator.namespace}/${locator.environmentName}/platform/${attribute}`;
}

interface Attribute {
  readonly name: string;
  readonly read: (p: IPlatform) => string;
}

const ATTRIBUTES: readonly Attribute[] = [
  { name: 'data-key-arn', read: (p) => p.dataKey.keyArn },
  { name: 'audit-key-arn', read: (p) => p.auditKey.keyArn },
  { name: 'notification-key-arn', read: (p) => p.notificationKey.keyArn },
  ...DATA_LAKE_AREAS.map((area) => ({ name: `${area}-bucket-arn`, read: (p: IPlatform) => p.lakeBuckets[area].bucketArn })),
  { name: 'audit-bucket-arn', read: (p) => p.auditBucket.bucketArn },
  { name: 'pipeline-topic-arn', read: (p) => p.pipelineTopic.topicArn },
  { name: 'alarm-topic-arn', read: (p) => p.alarmTopic.topicArn },
];

/**
 * Publishes a platform's attributes as SSM parameters, one per attribute, under
 * `/<namespace>/<environment>/platform/`. Consumers read them with {@link PlatformReference}.
 *
 * SSM parameters instead of CloudFormation exports: an export locks its producer ("Export ...
 * cannot be deleted as it is in use"), so every change of a shared resource would need a
 * two-step deployment. Parameter paths are physical names on purpose: they are the contract
 * between the platform stack and the model stacks.
 */
export function publishPlatformParameters(scope: Construct, platform: IPlatform): ssm.StringParameter[] {
  const group = new Construct(scope, 'Parameters');
  return ATTRIBUTES.map((attribute) => new ssm.StringParameter(group, attribute.name, {
    parameterName: platformParameterName(platform, attribute.name),
    stringValue: attribute.read(platform),
    description: `MLOps platform ${platform.environmentName}: ${attribute.name}`,
  }));
}

/**
 * A platform imported by reading its SSM parameters at deployment time (no CloudFormation exports).
 * Use it from any stack, in this app or another one.
 */
export class PlatformReference extends Construct implements IPlatform {
  public readonly namespace: string;
  public readonly environmentName: string;
  private readonly cache = new Map<string, unknown>();

  constructor(scope: Construct, id: string, private readonly locator: PlatformLocator) {
    super(scope, id);
    this.namespace = locator.namespace;
    this.environmentName = locator.environmentName;
  }

  public get dataKey(): kms.IKey { return this.key('DataKey', 'data-key-arn'); }
  public get auditKey(): kms.IKey { return this.key('AuditKey', 'audit-key-arn'); }
  public get notificationKey(): kms.IKey { return this.key('NotificationKey', 'notification-key-arn'); }

  public get lakeBuckets(): Readonly<Record<DataLakeArea, s3.IBucket>> {
    // Each bucket is imported on first use, so a stack reads only the parameters it needs
    // (an unused template parameter is a CloudFormation validation warning).
    const buckets = {} as Record<DataLakeArea, s3.IBucket>;
    for (const area of DATA_LAKE_AREAS) {
      Object.defineProperty(buckets, area, { enumerable: true, get: () => this.bucket(`${area}Bucket`, `${area}-bucket-arn`, () => this.dataKey) });
    }
    return buckets;
  }

  public get auditBucket(): s3.IBucket { return this.bucket('AuditBucket', 'audit-bucket-arn', () => this.auditKey); }

  /** `{{resolve:ssm:...}}`: a string in the template, resolved by CloudFormation at deployment. */
  public get logsKeyArn(): string {
    return new CfnDynamicReference(CfnDynamicReferenceService.SSM, platformParameterName(this.locator, 'data-key-arn')).toString();
  }
  public get pipelineTopic(): sns.ITopic { return this.topic('PipelineTopic', 'pipeline-topic-arn'); }
  public get alarmTopic(): sns.ITopic { return this.topic('AlarmTopic', 'alarm-topic-arn'); }

  private once<T>(id: string, make: () => T): T {
    if (!this.cache.has(id)) this.cache.set(id, make());
    return this.cache.get(id) as T;
  }

  private value(attribute: string): string {
    return ssm.StringParameter.valueForStringParameter(this, platformParameterName(this.locator, attribute));
  }

  private key(id: string, attribute: string): kms.IKey {
    return this.once(id, () => kms.Key.fromKeyArn(this, id, this.value(attribute)));
  }

  private bucket(id: string, attribute: string, key: () => kms.IKey): s3.IBucket {
    return this.once(id, () => s3.Bucket.fromBucketAttributes(this, id, { bucketArn: this.value(attribute), encryptionKey: key() }));
  }

  private topic(id: string, attribute: string): sns.ITopic {
    return this.once(id, () => sns.Topic.fromTopicAttributes(this, id, { topicArn: this.value(attribute), keyArn: this.notificationKey.keyArn }));
  }
}
