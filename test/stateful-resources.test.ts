import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { models } from '../config/models';
import { buildTestApp } from './helpers';

/**
 * Stateful resources are retained, so a changed logical id (a renamed construct) or a changed
 * physical name (a replacement-only property) does not move them: CloudFormation creates a new,
 * empty resource and orphans the old one, or fails because the custom name is taken. This test
 * pins both; a deliberate change updates test/stateful-resources.json (run with UPDATE_STATEFUL=1)
 * and says in the commit how the data moves.
 */
const STATEFUL_TYPES = ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::CloudTrail::Trail', 'AWS::SageMaker::FeatureGroup', 'AWS::SageMaker::ModelPackageGroup'];
const NAME_PROPERTIES = ['TrailName', 'FeatureGroupName', 'ModelPackageGroupName'];
const FILE = join(__dirname, 'stateful-resources.json');

test('stateful resources keep their logical ids and physical names', () => {
  const { app } = buildTestApp({ env: 'dev' }, { models });
  const actual: Record<string, Record<string, string>> = {};
  for (const stack of app.node.children.filter((c): c is import('aws-cdk-lib').Stack => 'templateOptions' in c)) {
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    actual[stack.stackName] = Object.fromEntries(Object.entries(resources)
      .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
      .map(([id, r]) => [id, [r.Type, ...NAME_PROPERTIES.filter((p) => r.Properties?.[p] !== undefined).map((p) => `${p}=${String(r.Properties![p])}`)].join(' ')]));
  }
  if (process.env.UPDATE_STATEFUL === '1') writeFileSync(FILE, `${JSON.stringify(actual, null, 2)}\n`);
  const expected = JSON.parse(readFileSync(FILE, 'utf8'));
  expect(actual).toEqual(expected);
});
