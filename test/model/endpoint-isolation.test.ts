import { Template } from 'aws-cdk-lib/assertions';
import { models } from '../fixtures/config';
import { buildTestApp, defaultConfig } from '../helpers';
import { iamPatternMatches } from '../runtime/evaluate';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Environments sharing one account: the IAM of a model's endpoint cleanup and idle check, synthesized for one
 * environment, never reaches a resource of another. Each model stack's ARN patterns are resolved with a fixed
 * account and region and matched against the concrete ARNs of every other environment's runtime resources.
 */
const PARTITION = 'aws';
const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const sagemakerArn = (resource: string) => `arn:${PARTITION}:sagemaker:${REGION}:${ACCOUNT}:${resource}`;

/** Pairs that look alike: dev/prod, dev/dev2, namespaces ml / ml-x / x-ml (`ml-dev-churn--` is inside `x-ml-dev-churn--...`). */
const ENVIRONMENTS = [
  { namespace: 'mlops', environment: 'dev' },
  { namespace: 'mlops', environment: 'prod' },
  { namespace: 'ml', environment: 'dev' },
  { namespace: 'ml', environment: 'dev2' },
  { namespace: 'ml-x', environment: 'dev' },
  { namespace: 'x-ml', environment: 'dev' },
];

interface Synthesized {
  readonly label: string;
  readonly ssmPrefix: string;
  readonly template: Template;
  /** The endpoint name the model stack gives its cleanup: the qualified name. */
  readonly qualifiedName: string;
  /** The cleanup's and the idle check's policy statements. */
  readonly statements: Any[];
}

function synthesize(namespace: string, environment: string): Synthesized {
  const config = defaultConfig();
  config.namespace = namespace;
  config.environments[environment] ??= JSON.parse(JSON.stringify(config.environments.dev));
  const { stacks } = buildTestApp(
    { env: environment },
    { config, configSource: 'test', models: models.filter((m) => m.name === 'churn'), modelsSource: 'test' },
  );
  const template = Template.fromStack(stacks.models.churn);
  const cleanups = Object.values(template.findResources('Custom::MlopsEndpointCleanup') as Record<string, Any>);
  expect(cleanups).toHaveLength(1);
  const qualifiedName: string = cleanups[0].Properties.EndpointName;
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy') as Record<string, Any>).filter((p) =>
    String(p.Properties.Description).startsWith(`Deletes endpoint ${qualifiedName} `),
  );
  expect(policies).toHaveLength(environment === 'prod' ? 1 : 2);
  return {
    label: `${namespace}/${environment}`,
    ssmPrefix: `/${namespace}/${environment}/`,
    template,
    qualifiedName,
    statements: policies.flatMap((p) => p.Properties.PolicyDocument.Statement),
  };
}

const synthesized = ENVIRONMENTS.map((e) => synthesize(e.namespace, e.environment));

/** A resource of a statement: a concrete ARN pattern, a resource of the same stack, or an SSM-resolved value. */
type Resolved = { kind: 'arn'; value: string } | { kind: 'own'; value: string } | { kind: 'ssm'; value: string };

function resolve(value: unknown, template: Template): Resolved {
  const pseudo: Record<string, string> = { 'AWS::Partition': PARTITION, 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT };
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Any;
    if (o?.Ref && pseudo[o.Ref]) return pseudo[o.Ref];
    if (o?.['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(text).join(o['Fn::Join'][0]);
    throw new Error(`Unresolvable part ${JSON.stringify(v)}`);
  };
  const o = value as Any;
  const logicalId = o?.['Fn::GetAtt']?.[0] ?? (o?.Ref && !pseudo[o.Ref] ? o.Ref : undefined);
  if (logicalId) {
    expect(Object.keys(template.toJSON().Resources)).toContain(logicalId);
    return { kind: 'own', value: logicalId };
  }
  const s = text(value);
  const ssm = /^\{\{resolve:ssm:([^}]+)\}\}$/.exec(s);
  return ssm ? { kind: 'ssm', value: ssm[1] } : { kind: 'arn', value: s };
}

/**
 * IAM's wildcards in a Resource ARN (`*` any run of characters, `?` one character). Matching `*` across every separator
 * is at least as broad as IAM, so "never matches" here holds in IAM too.
 */
const matches = (pattern: string, arn: string): boolean => iamPatternMatches(pattern, arn);

/** Concrete ARNs of what an environment's model creates at run time, named as the pipeline names them. */
function runtimeArns(qualifiedName: string): string[] {
  return [
    sagemakerArn(`endpoint/${qualifiedName}`),
    ...['c', 'p', 't', 'e'].map((letter) => sagemakerArn(`endpoint-config/${qualifiedName}--${letter}0123456789ab`)),
    sagemakerArn(`model/${qualifiedName}--m0123456789ab`),
    sagemakerArn(`training-job/${qualifiedName}--t0123456789ab`),
    sagemakerArn(`processing-job/${qualifiedName}--p0123456789ab`),
  ];
}

const SCALABLE_TARGETS = `arn:${PARTITION}:application-autoscaling:${REGION}:${ACCOUNT}:scalable-target/*`;
const ON_ANY_RESOURCE = [
  'sagemaker:ListEndpointConfigs',
  'sagemaker:ListModels',
  'cloudwatch:GetMetricData',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
];

describe('endpoint cleanup and idle check: environments sharing an account', () => {
  test('the qualified names are distinct and none is a "--" prefix of another', () => {
    const names = synthesized.map((s) => s.qualifiedName);
    expect(names).toEqual(['mlops-dev-churn', 'mlops-prod-churn', 'ml-dev-churn', 'ml-dev2-churn', 'ml-x-dev-churn', 'x-ml-dev-churn']);
    for (const a of names) for (const b of names) if (a !== b) expect(`${b}--c0123456789ab`.startsWith(`${a}--`)).toBe(false);
  });

  test.each(synthesized.map((s) => [s.label, s]))(
    "%s: every ARN pattern misses every other environment's endpoint, models, configurations and jobs",
    (_label, mine) => {
      const others = synthesized.filter((s) => s !== mine).flatMap((s) => runtimeArns(s.qualifiedName));
      const reaches: string[] = [];
      const patterns: string[] = [];
      for (const statement of mine.statements) {
        expect(statement.Effect).toBe('Allow');
        const actions: string[] = [statement.Action].flat();
        for (const resource of [statement.Resource].flat()) {
          if (resource === '*') {
            // No resource-level permissions exist for these: they read lists, metrics or write traces, never delete.
            for (const action of actions) expect(ON_ANY_RESOURCE).toContain(action);
            continue;
          }
          const r = resolve(resource, mine.template);
          if (r.kind === 'ssm') expect(r.value.startsWith(mine.ssmPrefix)).toBe(true);
          if (r.kind !== 'arn') continue;
          if (r.value === SCALABLE_TARGETS) {
            // A scalable target's ARN ends in a generated ID, not a name: limited by condition keys instead (docs/serving.md).
            expect(actions).toEqual(['application-autoscaling:DeregisterScalableTarget']);
            expect(statement.Condition.StringEquals['application-autoscaling:service-namespace']).toBe('sagemaker');
            continue;
          }
          patterns.push(r.value);
          for (const arn of others) if (matches(r.value, arn)) reaches.push(`${actions.join(',')} on ${r.value} matches ${arn}`);
        }
      }
      expect(reaches).toEqual([]);
      // The check is not vacuous: the same patterns do match this environment's own endpoint, configurations and models.
      const own = runtimeArns(mine.qualifiedName).filter((arn) => !/:(training|processing)-job\//.test(arn));
      for (const arn of own) expect(patterns.some((p) => matches(p, arn))).toBe(true);
    },
  );

  test('the matcher treats "--" as the boundary that it is: without it, ml-dev-churn* would reach ml-dev-churn2--...', () => {
    expect(matches(sagemakerArn('model/ml-dev-churn*'), sagemakerArn('model/ml-dev-churn2--m0123456789ab'))).toBe(true);
    expect(matches(sagemakerArn('model/ml-dev-churn--*'), sagemakerArn('model/ml-dev-churn2--m0123456789ab'))).toBe(false);
    expect(matches(sagemakerArn('model/ml-dev-churn--*'), sagemakerArn('model/x-ml-dev-churn--m0123456789ab'))).toBe(false);
    expect(matches(sagemakerArn('model/ml-dev-churn--?0123456789ab'), sagemakerArn('model/ml-dev-churn--m0123456789ab'))).toBe(true);
  });
});
