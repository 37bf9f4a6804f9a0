import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { defaultAppTemplates } from './helpers/default-app';

/**
 * Stateful resources are retained, so a changed logical id (a renamed construct) or a changed
 * physical name (a replacement-only property) does not move them: CloudFormation creates a new,
 * empty resource and orphans the old one, or fails because the custom name is taken. This test
 * pins both, and the deletion policy; a deliberate change updates test/stateful-resources.json (run
 * with UPDATE_STATEFUL=1) and says in the commit how the data moves.
 */
const STATEFUL_TYPES = [
  'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::CloudTrail::Trail',
  'AWS::SageMaker::FeatureGroup', 'AWS::SageMaker::ModelPackageGroup',
];
const NAME_PROPERTIES = ['TrailName', 'FeatureGroupName', 'ModelPackageGroupName'];
const FILE = join(__dirname, 'stateful-resources.json');

/** The property that gives each resource type an explicit physical name. */
const NAME_PROPERTY_OF: Record<string, string> = {
  'AWS::SageMaker::FeatureGroup': 'FeatureGroupName',
  'AWS::SageMaker::ModelPackageGroup': 'ModelPackageGroupName',
  'AWS::CloudTrail::Trail': 'TrailName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
};

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

function templates(env: 'dev' | 'prod'): Array<[string, Record<string, Resource>]> {
  return Object.entries(defaultAppTemplates(env)).map(([stackName, template]) => [stackName, template.Resources as Record<string, Resource>]);
}

const dev = templates('dev');

test('stateful resources keep their logical ids, physical names and deletion policies', () => {
  const actual: Record<string, Record<string, string>> = {};
  for (const [stackName, resources] of dev) {
    actual[stackName] = Object.fromEntries(Object.entries(resources)
      .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
      .map(([id, r]) => [id, [
        r.Type,
        ...NAME_PROPERTIES.filter((p) => r.Properties?.[p] !== undefined).map((p) => `${p}=${String(r.Properties![p])}`),
        `DeletionPolicy=${r.DeletionPolicy ?? 'Delete'}`,
      ].join(' ')]));
  }
  if (process.env.UPDATE_STATEFUL === '1') writeFileSync(FILE, `${JSON.stringify(actual, null, 2)}\n`);
  const expected = JSON.parse(readFileSync(FILE, 'utf8'));
  expect(actual).toEqual(expected);
});

describe('a failed first create can be retried: retained resources with an explicit name are not kept after a failed create', () => {
  const prod = templates('prod');
  const named = (all: Array<[string, Record<string, Resource>]>) => all.flatMap(([stackName, resources]) => Object.entries(resources)
    .filter(([, r]) => NAME_PROPERTY_OF[r.Type] !== undefined && r.Properties?.[NAME_PROPERTY_OF[r.Type]] !== undefined)
    .map(([id, r]) => ({ where: `${stackName}/${id} (${r.Type} ${String(r.Properties![NAME_PROPERTY_OF[r.Type]])})`, resource: r })));

  test.each([['dev', dev], ['prod', prod]])('%s: every named retained resource is RetainExceptOnCreate, kept on replacement', (_env, all) => {
    const retained = named(all).filter(({ resource }) => resource.DeletionPolicy !== undefined && resource.DeletionPolicy !== 'Delete');
    expect(retained.filter(({ resource }) => resource.DeletionPolicy !== 'RetainExceptOnCreate').map(({ where }) => where)).toEqual([]);
    expect(retained.filter(({ resource }) => resource.UpdateReplacePolicy !== 'Retain').map(({ where }) => where)).toEqual([]);
  });

  test('the feature group and the model package group of every model are among them', () => {
    const groups = [['AWS::SageMaker::FeatureGroup', 'FeatureGroupName'], ['AWS::SageMaker::ModelPackageGroup', 'ModelPackageGroupName']];
    for (const [type, name] of groups) {
      for (const [stackName, resources] of [...dev, ...prod].filter(([s]) => s.includes('-model-'))) {
        const group = Object.values(resources).find((r) => r.Type === type);
        expect({ stackName, type, name: group?.Properties?.[name], policy: group?.DeletionPolicy, replace: group?.UpdateReplacePolicy })
          .toEqual({ stackName, type, name: expect.stringMatching(/^mlops-(dev|prod)-/), policy: 'RetainExceptOnCreate', replace: 'Retain' });
      }
    }
  });
});
