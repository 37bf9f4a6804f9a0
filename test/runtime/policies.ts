/**
 * Who may do what in the world: identity policies of every role, resource policies of every resource (bucket, key,
 * topic, queue, function permissions, trust policies), and the customer managed key that encrypts each resource.
 */
import { World, WorldResource } from './world';

/** An IAM policy document, as JSON. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Array<Record<string, unknown>>;
}

export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** A role of the world: its ARN, where it is defined, its identity policies and trust policy. */
export interface RoleInfo {
  readonly arn: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly identityPolicies: NamedPolicy[];
  readonly trustPolicy: PolicyDocument;
}

/**
 * Resources outside the world that the system calls, with the resource policy AWS (or CDK's bootstrap) gives them.
 * Matched by ARN prefix.
 */
export interface ExternalResource {
  readonly arnPattern: RegExp;
  readonly policy?: PolicyDocument;
  readonly why: string;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The policies of a world, indexed by role ARN and resource ARN. */
export class PolicyIndex {
  readonly roles = new Map<string, RoleInfo>();
  private readonly bucketPolicies = new Map<string, PolicyDocument>();
  private readonly keyPolicies = new Map<string, PolicyDocument>();
  private readonly topicPolicies = new Map<string, PolicyDocument>();
  private readonly queuePolicies = new Map<string, PolicyDocument>();
  private readonly functionPolicies = new Map<string, PolicyDocument>();
  private readonly keys = new Map<string, string>();

  constructor(
    readonly world: World,
    private readonly external: readonly ExternalResource[] = [],
  ) {
    const { partition: p, region: r, account: a } = world.aws;
    const managed = new Map<string, NamedPolicy>();
    const attached = new Map<string, NamedPolicy[]>();
    const attach = (roleName: string, policy: NamedPolicy) => attached.set(roleName, [...(attached.get(roleName) ?? []), policy]);
    for (const res of world.resources('AWS::IAM::ManagedPolicy')) {
      const policy = { name: `${res.stack}/${res.logicalId}`, policy: res.properties.PolicyDocument as PolicyDocument };
      managed.set(world.ref(res.stack, res.logicalId), policy);
      for (const role of asArray(res.properties.Roles as string | string[])) attach(role, policy);
    }
    for (const res of world.resources('AWS::IAM::Policy')) {
      const policy = { name: `${res.stack}/${res.logicalId}`, policy: res.properties.PolicyDocument as PolicyDocument };
      for (const role of asArray(res.properties.Roles as string | string[])) attach(role, policy);
    }
    for (const res of world.resources('AWS::IAM::Role')) {
      const name = world.physicalName(res.stack, res.logicalId);
      const inline = asArray(res.properties.Policies as Array<{ PolicyName: string; PolicyDocument: PolicyDocument }>).map((p) => ({
        name: `${res.stack}/${res.logicalId}/${p.PolicyName}`,
        policy: p.PolicyDocument,
      }));
      const byArn = asArray(res.properties.ManagedPolicyArns as string[]).map((arn) => {
        const found = managed.get(arn);
        if (!found) throw new Error(`PolicyIndex: role ${res.stack}/${res.logicalId} uses managed policy ${arn}, which the check does not know`);
        return found;
      });
      const arn = world.getAtt(res.stack, res.logicalId, 'Arn');
      this.roles.set(arn, {
        arn,
        stack: res.stack,
        logicalId: res.logicalId,
        identityPolicies: [...inline, ...byArn, ...(attached.get(name) ?? [])],
        trustPolicy: res.properties.AssumeRolePolicyDocument as PolicyDocument,
      });
    }
    for (const res of world.resources('AWS::S3::BucketPolicy'))
      merge(this.bucketPolicies, String(res.properties.Bucket), res.properties.PolicyDocument);
    for (const res of world.resources('AWS::KMS::Key'))
      this.keyPolicies.set(world.getAtt(res.stack, res.logicalId, 'Arn'), res.properties.KeyPolicy as PolicyDocument);
    for (const res of world.resources('AWS::SNS::TopicPolicy')) {
      for (const topic of asArray(res.properties.Topics as string[])) merge(this.topicPolicies, topic, res.properties.PolicyDocument);
    }
    for (const res of world.resources('AWS::SQS::QueuePolicy')) {
      for (const url of asArray(res.properties.Queues as string[])) {
        const name = url.split('/').pop();
        merge(this.queuePolicies, `arn:${p}:sqs:${r}:${a}:${name}`, res.properties.PolicyDocument);
      }
    }
    for (const res of world.resources('AWS::Lambda::Permission')) this.addPermission(res);
    for (const res of world.resources()) this.indexKey(res);
  }

  /** The role with this ARN, or undefined. */
  role(arn: string): RoleInfo | undefined {
    return this.roles.get(arn);
  }

  /** The customer managed key (ARN) that encrypts the resource with this ARN, if any. */
  keyOf(resourceArn: string): string | undefined {
    const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(resourceArn);
    return this.keys.get(bucket ? `s3:${bucket[1]}` : resourceArn);
  }

  /** The resource policy the request crosses, or undefined when the resource has none. */
  resourcePolicy(action: string, resourceArn: string): PolicyDocument | undefined {
    if (action === 'sts:AssumeRole') return this.roles.get(resourceArn)?.trustPolicy;
    const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(resourceArn);
    if (bucket) {
      const local = this.bucketPolicies.get(bucket[1]);
      if (local) return local;
    }
    const own =
      this.keyPolicies.get(resourceArn) ??
      this.topicPolicies.get(resourceArn) ??
      this.queuePolicies.get(resourceArn) ??
      this.functionPolicies.get(resourceArn.replace(/^(arn:[^:]+:lambda:[^:]+:[^:]+:function:[^:]+):.*$/, '$1'));
    if (own) return own;
    return this.external.find((e) => e.arnPattern.test(resourceArn))?.policy;
  }

  /** Account that owns a resource ARN (S3 ARNs carry none: the world's account unless external). */
  ownerAccount(resourceArn: string): string {
    const account = resourceArn.split(':')[4];
    return account && /^\d{12}$/.test(account) ? account : this.world.aws.account;
  }

  private addPermission(res: WorldResource): void {
    const fn = String(res.properties.FunctionName);
    const { partition: p, region: r, account: a } = this.world.aws;
    const arn = fn.startsWith('arn:') ? fn : `arn:${p}:lambda:${r}:${a}:function:${fn}`;
    const principal = String(res.properties.Principal);
    const condition: Record<string, Record<string, string>> = {};
    if (res.properties.SourceArn) condition.ArnLike = { 'aws:SourceArn': String(res.properties.SourceArn) };
    if (res.properties.SourceAccount) condition.StringEquals = { 'aws:SourceAccount': String(res.properties.SourceAccount) };
    const statement = {
      Sid: res.logicalId,
      Effect: 'Allow',
      Principal: principal.includes('.amazonaws.com') ? { Service: principal } : { AWS: principal },
      Action: String(res.properties.Action),
      Resource: arn,
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
    };
    merge(this.functionPolicies, arn, { Version: '2012-10-17', Statement: [statement] });
  }

  private indexKey(res: WorldResource): void {
    const props = res.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const w = this.world;
    const keyArn = (id: unknown): string | undefined => (typeof id === 'string' && id !== '' ? this.keyArn(id) : undefined);
    switch (res.type) {
      case 'AWS::S3::Bucket': {
        const rule = props.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
        const key = rule?.SSEAlgorithm === 'aws:kms' ? keyArn(rule.KMSMasterKeyID) : undefined;
        if (key) this.keys.set(`s3:${w.physicalName(res.stack, res.logicalId)}`, key);
        break;
      }
      case 'AWS::SNS::Topic':
        setKey(this.keys, w.ref(res.stack, res.logicalId), keyArn(props.KmsMasterKeyId));
        break;
      case 'AWS::SQS::Queue':
        setKey(this.keys, w.getAtt(res.stack, res.logicalId, 'Arn'), keyArn(props.KmsMasterKeyId));
        break;
      case 'AWS::DynamoDB::Table':
        setKey(this.keys, w.getAtt(res.stack, res.logicalId, 'Arn'), keyArn(props.SSESpecification?.KMSMasterKeyId));
        break;
      case 'AWS::SecretsManager::Secret':
        setKey(this.keys, w.getAtt(res.stack, res.logicalId, 'Arn'), keyArn(props.KmsKeyId));
        break;
      case 'AWS::Logs::LogGroup':
        setKey(this.keys, w.getAtt(res.stack, res.logicalId, 'Arn').replace(/:\*$/, ''), keyArn(props.KmsKeyId));
        break;
      default:
    }
  }

  /** A key ARN from a key ARN, key id or `alias/aws/...` (AWS managed keys are not customer managed: undefined). */
  private keyArn(id: string): string | undefined {
    if (id.startsWith('alias/aws/')) return undefined;
    if (id.startsWith('arn:')) return id;
    const { partition: p, region: r, account: a } = this.world.aws;
    return `arn:${p}:kms:${r}:${a}:key/${id}`;
  }
}

function merge(map: Map<string, PolicyDocument>, key: string, document: unknown): void {
  const statements = asArray((document as PolicyDocument).Statement);
  const existing = map.get(key);
  map.set(key, { Version: '2012-10-17', Statement: [...(existing?.Statement ?? []), ...statements] });
}

function setKey(keys: Map<string, string>, arn: string, key: string | undefined): void {
  if (key) keys.set(arn, key);
}
