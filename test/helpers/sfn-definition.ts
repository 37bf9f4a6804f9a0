/** Template -> ASL: the state machine definition of a synthesized template, intrinsics resolved with fixed test values. */
import { Template } from 'aws-cdk-lib/assertions';
import { IntrinsicScope, isRecord, resolveIntrinsics } from './intrinsics';
import type { AslDefinition } from './sfn-types';

/** The fixed environment intrinsics resolve to. */
export const TEST_ENV = {
  partition: 'aws',
  region: 'eu-west-1',
  account: '111122223333',
  urlSuffix: 'amazonaws.com',
  stackName: 'TestStack',
} as const;

const P = TEST_ENV.partition;
const R = TEST_ENV.region;
const A = TEST_ENV.account;

export interface ResolveOptions {
  /** Values for `Ref`s, by logical id or parameter name, used before the defaults. */
  readonly refs?: Record<string, string>;
  /** Values for `Fn::GetAtt`s, by `"<LogicalId>.<Attribute>"`, used before the defaults. */
  readonly getAtts?: Record<string, string>;
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Parameters?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': P,
  'AWS::Region': R,
  'AWS::AccountId': A,
  'AWS::URLSuffix': TEST_ENV.urlSuffix,
  'AWS::StackName': TEST_ENV.stackName,
  'AWS::StackId': `arn:${P}:cloudformation:${R}:${A}:stack/${TEST_ENV.stackName}/00000000-0000-0000-0000-000000000000`,
};

/** SageMaker names resources in lower case in its ARNs. */
const sageMakerArn = (kind: string) => (id: string) => `arn:${P}:sagemaker:${R}:${A}:${kind}/${id.toLowerCase()}`;

/** Fake `Ref` values for resource types whose `Ref` is not simply a name. */
const REF_BY_TYPE: Record<string, (id: string) => string> = {
  'AWS::Lambda::Function': (id) => `arn:${P}:lambda:${R}:${A}:function:${id}`,
  'AWS::Lambda::Alias': (id) => `arn:${P}:lambda:${R}:${A}:function:${id}:live`,
  'AWS::Lambda::Version': (id) => `arn:${P}:lambda:${R}:${A}:function:${id}:1`,
  'AWS::SNS::Topic': (id) => `arn:${P}:sns:${R}:${A}:${id}`,
  'AWS::SQS::Queue': (id) => `https://sqs.${R}.${TEST_ENV.urlSuffix}/${A}/${id}`,
  'AWS::StepFunctions::StateMachine': (id) => `arn:${P}:states:${R}:${A}:stateMachine:${id}`,
  'AWS::StepFunctions::Activity': (id) => `arn:${P}:states:${R}:${A}:activity:${id}`,
  'AWS::SecretsManager::Secret': (id) => `arn:${P}:secretsmanager:${R}:${A}:secret:${id}`,
  'AWS::SageMaker::Model': sageMakerArn('model'),
  'AWS::SageMaker::Endpoint': sageMakerArn('endpoint'),
  'AWS::SageMaker::EndpointConfig': sageMakerArn('endpoint-config'),
  'AWS::SageMaker::ModelPackageGroup': sageMakerArn('model-package-group'),
};

/** Fake `Arn` attributes by resource type (other types get `arn:aws:<service>:eu-west-1:111122223333:<kind>/<id>`). */
const ARN_BY_TYPE: Record<string, (id: string) => string> = {
  'AWS::Lambda::Function': (id) => `arn:${P}:lambda:${R}:${A}:function:${id}`,
  'AWS::SNS::Topic': (id) => `arn:${P}:sns:${R}:${A}:${id}`,
  'AWS::SQS::Queue': (id) => `arn:${P}:sqs:${R}:${A}:${id}`,
  'AWS::IAM::Role': (id) => `arn:${P}:iam::${A}:role/${id}`,
  'AWS::IAM::ManagedPolicy': (id) => `arn:${P}:iam::${A}:policy/${id}`,
  'AWS::S3::Bucket': (id) => `arn:${P}:s3:::${id.toLowerCase()}`,
  'AWS::DynamoDB::Table': (id) => `arn:${P}:dynamodb:${R}:${A}:table/${id}`,
  'AWS::StepFunctions::StateMachine': (id) => `arn:${P}:states:${R}:${A}:stateMachine:${id}`,
  'AWS::StepFunctions::Activity': (id) => `arn:${P}:states:${R}:${A}:activity:${id}`,
  'AWS::KMS::Key': (id) => `arn:${P}:kms:${R}:${A}:key/${id}`,
  'AWS::Events::EventBus': (id) => `arn:${P}:events:${R}:${A}:event-bus/${id}`,
  'AWS::Events::Rule': (id) => `arn:${P}:events:${R}:${A}:rule/${id}`,
  'AWS::Logs::LogGroup': (id) => `arn:${P}:logs:${R}:${A}:log-group:${id}:*`,
  'AWS::SecretsManager::Secret': (id) => `arn:${P}:secretsmanager:${R}:${A}:secret:${id}`,
  'AWS::ECR::Repository': (id) => `arn:${P}:ecr:${R}:${A}:repository/${id.toLowerCase()}`,
};

/** Fake values of other well-known attributes, by resource type then attribute. */
const ATTRIBUTE_BY_TYPE: Record<string, Record<string, (id: string) => string>> = {
  'AWS::SNS::Topic': { TopicArn: ARN_BY_TYPE['AWS::SNS::Topic'], TopicName: (id) => id },
  'AWS::SQS::Queue': { QueueUrl: REF_BY_TYPE['AWS::SQS::Queue'], QueueName: (id) => id },
  'AWS::IAM::Role': { RoleId: (id) => `AROA${id.toUpperCase()}` },
  'AWS::S3::Bucket': {
    DomainName: (id) => `${id.toLowerCase()}.s3.${TEST_ENV.urlSuffix}`,
    RegionalDomainName: (id) => `${id.toLowerCase()}.s3.${R}.${TEST_ENV.urlSuffix}`,
  },
  'AWS::DynamoDB::Table': { StreamArn: (id) => `arn:${P}:dynamodb:${R}:${A}:table/${id}/stream/1970-01-01T00:00:00.000` },
  'AWS::StepFunctions::StateMachine': { Name: (id) => id },
  'AWS::KMS::Key': { KeyId: (id) => id },
  'AWS::Events::EventBus': { Name: (id) => id },
  'AWS::SageMaker::Model': { ModelName: (id) => id.toLowerCase() },
  'AWS::SageMaker::Endpoint': { EndpointName: (id) => id.toLowerCase() },
  'AWS::SageMaker::EndpointConfig': { EndpointConfigName: (id) => id.toLowerCase() },
  'AWS::SageMaker::ModelPackageGroup': { ModelPackageGroupArn: sageMakerArn('model-package-group') },
};

function genericArn(type: string, id: string): string {
  const [, service, kind] = type.split('::');
  return `arn:${P}:${(service ?? 'unknown').toLowerCase()}:${R}:${A}:${(kind ?? 'resource').toLowerCase()}/${id}`;
}

/** Resolves CloudFormation intrinsics in a value, with the fixed values of `TEST_ENV`. */
class IntrinsicResolver implements IntrinsicScope {
  readonly conditionIsIntrinsic = true;
  readonly mappings: CfnTemplate['Mappings'];

  constructor(
    private readonly template: CfnTemplate,
    private readonly options: ResolveOptions,
  ) {
    this.mappings = template.Mappings;
  }

  resolve(value: unknown, where: string): unknown {
    return resolveIntrinsics(this, value, where);
  }

  fail(name: string, args: unknown, where: string, why: string): never {
    throw new Error(
      `resolveDefinition: cannot resolve ${JSON.stringify({ [name]: args })} at ${where}: ${why}. ` +
        'Pass a value in resolveDefinition(template, logicalId, { refs, getAtts }) or extend test/helpers/sfn-definition.ts.',
    );
  }

  ref(id: string, where: string): string {
    const given = this.options.refs?.[id];
    if (given !== undefined) return given;
    const pseudo = PSEUDO_PARAMETERS[id];
    if (pseudo !== undefined) return pseudo;
    if (this.template.Parameters && id in this.template.Parameters) return `param-${id}`;
    const resource = this.template.Resources?.[id];
    if (!resource) return this.fail('Ref', id, where, `"${id}" is neither a resource, a parameter nor a supported pseudo parameter`);
    return REF_BY_TYPE[resource.Type]?.(id) ?? id;
  }

  getAtt(id: string, attribute: string, where: string): string {
    const given = this.options.getAtts?.[`${id}.${attribute}`];
    if (given !== undefined) return given;
    const resource = this.template.Resources?.[id];
    if (!resource) return this.fail('Fn::GetAtt', [id, attribute], where, `"${id}" is not a resource of the template`);
    const known = ATTRIBUTE_BY_TYPE[resource.Type]?.[attribute];
    if (known) return known(id);
    if (attribute === 'Arn') return (ARN_BY_TYPE[resource.Type] ?? ((x: string) => genericArn(resource.Type, x)))(id);
    return this.fail('Fn::GetAtt', [id, attribute], where, `no fake value for attribute "${attribute}" of ${resource.Type}`);
  }
}

/**
 * The ASL definition of the state machine of a synthesized template (`Template` or `Template.toJSON()`): the only
 * `AWS::StepFunctions::StateMachine`, or the one with logical id `logicalId`. Intrinsics resolve to fixed test
 * values: partition `aws`, region `eu-west-1`, account `111122223333`; `Ref` of a Lambda function / SNS topic /
 * state machine... -> a fake ARN built from its logical id (other resources: the logical id); `Fn::GetAtt [id, Arn]`
 * -> a fake ARN by resource type; `Ref` of a template parameter (e.g. an SSM parameter) -> `param-<name>`.
 * `DefinitionSubstitutions` are applied. Throws, naming it, on an intrinsic it cannot resolve.
 */
export function resolveDefinition(template: object | Template, logicalId?: string, options: ResolveOptions = {}): AslDefinition {
  const cfn = (template instanceof Template ? template.toJSON() : template) as CfnTemplate;
  const machines = Object.entries(cfn.Resources ?? {}).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine');
  let found: [string, CfnResource] | undefined;
  if (logicalId !== undefined) {
    found = machines.find(([id]) => id === logicalId);
    if (!found) {
      throw new Error(`resolveDefinition: no AWS::StepFunctions::StateMachine "${logicalId}"; the template has: ${machines.map(([id]) => id).join(', ') || 'none'}`);
    }
  } else if (machines.length === 1) {
    found = machines[0];
  } else {
    throw new Error(
      `resolveDefinition: expected exactly one AWS::StepFunctions::StateMachine, found ${machines.length}` +
        (machines.length ? ` (${machines.map(([id]) => id).join(', ')}); pass its logical id` : ''),
    );
  }
  const [id, resource] = found;
  const properties = resource.Properties ?? {};
  const resolver = new IntrinsicResolver(cfn, options);
  const where = `${id}.Properties`;

  const substitutions: Record<string, string> = {};
  const rawSubstitutions = properties.DefinitionSubstitutions;
  if (isRecord(rawSubstitutions)) {
    for (const [key, value] of Object.entries(rawSubstitutions)) {
      const resolved = resolver.resolve(value, `${where}.DefinitionSubstitutions.${key}`);
      substitutions[key] = typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    }
  }
  const substitute = (text: string): string =>
    text.replace(/\$\{([^}]+)\}/g, (match, key: string) => (key in substitutions ? substitutions[key] : match));

  if (properties.DefinitionString !== undefined) {
    const text = resolver.resolve(properties.DefinitionString, `${where}.DefinitionString`);
    if (typeof text !== 'string') throw new Error(`resolveDefinition: DefinitionString of ${id} did not resolve to a string`);
    return JSON.parse(substitute(text)) as AslDefinition;
  }
  if (properties.Definition !== undefined) {
    const resolved = resolver.resolve(properties.Definition, `${where}.Definition`);
    return JSON.parse(substitute(JSON.stringify(resolved))) as AslDefinition;
  }
  throw new Error(`resolveDefinition: ${id} has no DefinitionString or Definition (DefinitionS3Location is not supported)`);
}
