/** The dev and prod platform stacks, synthesized once per test file, and lookups into their templates. */
import { Template } from 'aws-cdk-lib/assertions';
import { buildTestApp } from './helpers';

// GIVEN the default configuration, WHEN the dev and prod platforms synthesize...
export const dev = buildTestApp({ env: 'dev' }).stacks.platform;
export const prod = buildTestApp({ env: 'prod' }).stacks.platform;
export const devT = Template.fromStack(dev);
export const prodT = Template.fromStack(prod);

export type Resource = {
  Type: string;
  Properties: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

export function logicalIdOf(template: Template, type: string, match: (r: Resource) => boolean): string {
  const found = Object.entries(template.findResources(type) as Record<string, Resource>).filter(([, r]) => match(r));
  expect(found).toHaveLength(1);
  return found[0][0];
}

export function keyStatements(template: Template, keyId: string): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (template.toJSON().Resources[keyId] as Resource).Properties.KeyPolicy.Statement;
}

export function keyIdByDescription(template: Template, text: string): string {
  return logicalIdOf(template, 'AWS::KMS::Key', (r) => String(r.Properties.Description).includes(text));
}

export const lakeBuckets = (t: Template) => Object.entries(t.findResources('AWS::S3::Bucket') as Record<string, Resource>)
  .filter(([, r]) => r.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm === 'aws:kms' && !r.Properties.ObjectLockConfiguration?.Rule);
