/**
 * The deployed system as the run-time permission check sees it: every stack of one or more synthesized apps, with
 * every intrinsic resolved to the value it will have once deployed in one fixed account and region.
 *
 * Physical names follow CloudFormation: an explicit name property wins; otherwise the name is generated from the
 * stack name and the logical id (as CloudFormation does, minus its random suffix), so two environments in one account
 * never resolve to the same generated name. SSM parameter references (`AWS::SSM::Parameter::Value<String>` parameters
 * and `{{resolve:ssm:NAME}}`) resolve to the value the platform stack writes to that parameter.
 */
import { createHash } from 'crypto';
import { generatedName, NAME_PROPERTY, token } from './physical-names';
import { AwsEnv } from './types';
import { IntrinsicScope, resolveIntrinsics, resolveString } from '../helpers/intrinsics';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/** One synthesized stack. */
export interface StackInput {
  readonly stackName: string;
  readonly template: CfnTemplate;
}

/** A resource of the world, with its resolved properties. */
export interface WorldResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** Properties with every intrinsic resolved. */
  readonly properties: Record<string, unknown>;
}


/** An SSM parameter value a model stack reads and no stack of the world writes (e.g. CDK's bootstrap version). */
const EXTERNAL_SSM: Record<string, string> = { '/cdk-bootstrap/hnb659fds/version': '21' };

/** All stacks of the world, resolved lazily and memoized. */
export class World {
  private readonly stacks = new Map<string, CfnTemplate>();
  private readonly memo = new Map<string, unknown>();
  private readonly resolving = new Set<string>();
  private readonly scopes = new Map<string, IntrinsicScope>();
  private ssmValues?: Map<string, string>;

  constructor(
    readonly aws: AwsEnv,
    inputs: readonly StackInput[],
  ) {
    for (const input of inputs) {
      if (this.stacks.has(input.stackName)) throw new Error(`World: two stacks named ${input.stackName}`);
      this.stacks.set(input.stackName, input.template);
    }
  }

  get stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  /** Every resource of every stack (of `type` when given), properties resolved. */
  resources(type?: string): WorldResource[] {
    const out: WorldResource[] = [];
    for (const [stack, template] of this.stacks) {
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        if (type && resource.Type !== type) continue;
        out.push({ stack, logicalId, type: resource.Type, properties: this.properties(stack, logicalId) });
      }
    }
    return out;
  }

  /** The raw (unresolved) template of a stack. */
  template(stack: string): CfnTemplate {
    const template = this.stacks.get(stack);
    if (!template) throw new Error(`World: no stack ${stack}`);
    return template;
  }

  /** The resolved properties of one resource. */
  properties(stack: string, logicalId: string): Record<string, unknown> {
    const resource = this.resource(stack, logicalId);
    return this.memoize(
      `props:${stack}/${logicalId}`,
      () => this.resolve(stack, resource.Properties ?? {}, `${stack}/${logicalId}`) as Record<string, unknown>,
    );
  }

  /** The physical name of a resource (explicit name property, or a generated one). */
  physicalName(stack: string, logicalId: string): string {
    const resource = this.resource(stack, logicalId);
    const nameProperty = NAME_PROPERTY[resource.Type];
    const explicit = nameProperty ? resource.Properties?.[nameProperty] : undefined;
    if (explicit !== undefined) return this.str(stack, explicit, `${stack}/${logicalId}.${nameProperty}`);
    return generatedName(stack, logicalId, resource.Type);
  }

  /** What `Ref` returns for a resource or parameter. */
  ref(stack: string, id: string, where = `${stack}`): string {
    const pseudo = this.pseudo(stack, id);
    if (pseudo !== undefined) return pseudo;
    const template = this.template(stack);
    const parameter = template.Parameters?.[id];
    if (parameter) return this.parameter(stack, id, parameter, where);
    const resource = template.Resources?.[id];
    if (!resource) throw new Error(`World: Ref ${id} at ${where} is neither a resource nor a parameter of ${stack}`);
    const name = this.physicalName(stack, id);
    const { partition: p, region: r, account: a } = this.aws;
    switch (resource.Type) {
      case 'AWS::KMS::Key':
        return this.keyId(stack, id);
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${p}:iam::${a}:policy/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:${p}:sns:${r}:${a}:${name}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${r}.amazonaws.com/${a}/${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${p}:states:${r}:${a}:stateMachine:${name}`;
      case 'AWS::SecretsManager::Secret':
        return this.getAtt(stack, id, 'Arn', where);
      case 'AWS::SageMaker::ModelPackageGroup':
        return this.getAtt(stack, id, 'ModelPackageGroupArn', where);
      default:
        return name;
    }
  }

  /** What `Fn::GetAtt` returns. */
  getAtt(stack: string, id: string, attribute: string, where = `${stack}`): string {
    const resource = this.resource(stack, id);
    const name = this.physicalName(stack, id);
    const { partition: p, region: r, account: a } = this.aws;
    const arn: Record<string, () => string> = {
      'AWS::S3::Bucket': () => `arn:${p}:s3:::${name}`,
      'AWS::KMS::Key': () => `arn:${p}:kms:${r}:${a}:key/${this.keyId(stack, id)}`,
      'AWS::IAM::Role': () => `arn:${p}:iam::${a}:role/${name}`,
      'AWS::Lambda::Function': () => `arn:${p}:lambda:${r}:${a}:function:${name}`,
      'AWS::SNS::Topic': () => `arn:${p}:sns:${r}:${a}:${name}`,
      'AWS::SQS::Queue': () => `arn:${p}:sqs:${r}:${a}:${name}`,
      'AWS::DynamoDB::Table': () => `arn:${p}:dynamodb:${r}:${a}:table/${name}`,
      'AWS::StepFunctions::StateMachine': () => `arn:${p}:states:${r}:${a}:stateMachine:${name}`,
      'AWS::Logs::LogGroup': () => `arn:${p}:logs:${r}:${a}:log-group:${name}:*`,
      'AWS::SecretsManager::Secret': () => `arn:${p}:secretsmanager:${r}:${a}:secret:${name}-${token(name, 6, 'abcdefABCDEF0123456789')}`,
      'AWS::Events::Rule': () => `arn:${p}:events:${r}:${a}:rule/${name}`,
      'AWS::Scheduler::Schedule': () => `arn:${p}:scheduler:${r}:${a}:schedule/default/${name}`,
      'AWS::CloudTrail::Trail': () => `arn:${p}:cloudtrail:${r}:${a}:trail/${name}`,
      'AWS::CloudWatch::Alarm': () => `arn:${p}:cloudwatch:${r}:${a}:alarm:${name}`,
      'AWS::SageMaker::FeatureGroup': () => `arn:${p}:sagemaker:${r}:${a}:feature-group/${name.toLowerCase()}`,
      'AWS::SageMaker::ModelPackageGroup': () => `arn:${p}:sagemaker:${r}:${a}:model-package-group/${name.toLowerCase()}`,
      'AWS::SSM::Parameter': () => `arn:${p}:ssm:${r}:${a}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
    };
    const byAttribute: Record<string, () => string> = {
      Arn: () => {
        const build = arn[resource.Type];
        if (!build) throw new Error(`World: no Arn for ${resource.Type} (${stack}/${id}) at ${where}`);
        return build();
      },
      TopicArn: () => arn['AWS::SNS::Topic'](),
      TopicName: () => name,
      QueueName: () => name,
      QueueUrl: () => this.ref(stack, id, where),
      KeyId: () => this.keyId(stack, id),
      Name: () => name,
      RoleId: () => `AROA${token(name, 17)}`,
      RootResourceId: () => token(`${stack}/${id}/root`, 10, 'abcdefghijklmnopqrstuvwxyz0123456789'),
      ModelPackageGroupArn: () => arn['AWS::SageMaker::ModelPackageGroup'](),
      FeatureGroupName: () => name,
      StreamArn: () => `${arn['AWS::DynamoDB::Table']()}/stream/1970-01-01T00:00:00.000`,
      DomainName: () => `${name}.s3.amazonaws.com`,
      RegionalDomainName: () => `${name}.s3.${r}.amazonaws.com`,
    };
    const build = byAttribute[attribute];
    if (!build) throw new Error(`World: no value for ${stack}/${id}.${attribute} (${resource.Type}) at ${where}`);
    return build();
  }

  /** Resolves every intrinsic in `value`, in the context of `stack`. */
  resolve(stack: string, value: unknown, where: string): unknown {
    return resolveIntrinsics(this.scope(stack), value, where);
  }

  /** Resolves `value` and requires a string. */
  str(stack: string, value: unknown, where: string): string {
    return resolveString(this.scope(stack), value, where);
  }

  /** Values the platform stacks write to SSM parameters, by parameter name. */
  ssm(name: string, where: string): string {
    if (!this.ssmValues) {
      this.ssmValues = new Map(Object.entries(EXTERNAL_SSM));
      for (const [stack, template] of this.stacks) {
        for (const [id, resource] of Object.entries(template.Resources ?? {})) {
          if (resource.Type !== 'AWS::SSM::Parameter') continue;
          this.ssmValues.set(this.physicalName(stack, id), this.str(stack, resource.Properties?.Value, `${stack}/${id}.Value`));
        }
      }
    }
    const value = this.ssmValues.get(name);
    if (value === undefined) throw new Error(`World: SSM parameter ${name} (read at ${where}) is written by no stack of the world`);
    return value;
  }

  private resource(stack: string, logicalId: string): CfnResource {
    const resource = this.template(stack).Resources?.[logicalId];
    if (!resource) throw new Error(`World: no resource ${logicalId} in ${stack}`);
    return resource;
  }

  private keyId(stack: string, logicalId: string): string {
    const hex = createHash('sha256').update(`${stack}/${logicalId}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }

  private pseudo(stack: string, id: string): string | undefined {
    const { partition: p, region: r, account: a } = this.aws;
    const values: Record<string, string> = {
      'AWS::Partition': p,
      'AWS::Region': r,
      'AWS::AccountId': a,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stack,
      'AWS::StackId': `arn:${p}:cloudformation:${r}:${a}:stack/${stack}/${token(stack, 8)}`,
      'AWS::NoValue': '',
    };
    return values[id];
  }

  private parameter(stack: string, id: string, parameter: { Type?: string; Default?: unknown }, where: string): string {
    if (parameter.Type?.startsWith('AWS::SSM::Parameter::Value<') && typeof parameter.Default === 'string') return this.ssm(parameter.Default, where);
    if (parameter.Default !== undefined) return String(parameter.Default);
    throw new Error(`World: parameter ${id} of ${stack} has no default (at ${where})`);
  }

  private dynamicReferences(text: string, where: string): string {
    return text.replace(/\{\{resolve:ssm:([^}:]+)(?::\d+)?\}\}/g, (_match, name: string) => this.ssm(name, where));
  }

  private memoize<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    if (this.resolving.has(key)) throw new Error(`World: circular reference while resolving ${key}`);
    this.resolving.add(key);
    try {
      const value = compute();
      this.memo.set(key, value);
      return value;
    } finally {
      this.resolving.delete(key);
    }
  }

  /** The intrinsics' view of one stack: its references, its Mappings, SSM dynamic references in its strings. */
  private scope(stack: string): IntrinsicScope {
    let scope = this.scopes.get(stack);
    if (!scope) {
      scope = {
        ref: (id, where) => this.ref(stack, id, where),
        getAtt: (id, attribute, where) => this.getAtt(stack, id, attribute, where),
        mappings: this.template(stack).Mappings,
        string: (text, where) => this.dynamicReferences(text, where),
        fail: (name, args, where, why) => {
          throw new Error(`World: cannot resolve ${JSON.stringify({ [name]: args })} at ${where}: ${why}`);
        },
      };
      this.scopes.set(stack, scope);
    }
    return scope;
  }
}
