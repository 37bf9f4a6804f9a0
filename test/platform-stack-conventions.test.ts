import { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp } from './helpers';
import { dev, devT, lakeBuckets, logicalIdOf, prod, Resource } from './platform-stack-fixture';

describe('PlatformStack', () => {
  test('API Gateway may write logs in this account and region: the account setting names a retained role', () => {
    const [accountId, account] = Object.entries(devT.findResources('AWS::ApiGateway::Account') as Record<string, Resource>)[0];
    const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0];
    const role = devT.toJSON().Resources[roleId] as Resource;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'apigateway.amazonaws.com' });
    expect(role.DeletionPolicy).toBe('Retain');
    expect(account.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ApiGatewayAccountPolicy/)]));
    void accountId;
    const { stacks } = buildTestApp({ env: 'dev' }, {
      config: { namespace: 'mlops', environments: { dev: { audit: { objectLockMode: 'GOVERNANCE', objectLockRetentionDays: 1 }, manageApiGatewayAccount: false } } },
    });
    expect(Template.fromStack(stacks.platform).findResources('AWS::ApiGateway::Account')).toEqual({});
  });

  test('no CloudFormation exports: consumers read SSM parameters', () => {
    expect(Object.values(devT.toJSON().Outputs).filter((o) => (o as { Export?: unknown }).Export !== undefined)).toEqual([]);
    const params = devT.findResources('AWS::SSM::Parameter') as Record<string, Resource>;
    const names = Object.values(params).map((p) => p.Properties.Name).sort();
    expect(names).toEqual([
      '/mlops/dev/platform/alarm-topic-arn', '/mlops/dev/platform/artifacts-bucket-arn', '/mlops/dev/platform/audit-bucket-arn',
      '/mlops/dev/platform/audit-key-arn', '/mlops/dev/platform/capture-bucket-arn', '/mlops/dev/platform/curated-bucket-arn',
      '/mlops/dev/platform/data-key-arn', '/mlops/dev/platform/features-bucket-arn', '/mlops/dev/platform/notification-key-arn',
      '/mlops/dev/platform/pipeline-topic-arn', '/mlops/dev/platform/raw-bucket-arn',
    ]);
  });

  test('no Lambda function reserves concurrency (new accounts cannot spare it)', () => {
    for (const fn of Object.values(devT.findResources('AWS::Lambda::Function') as Record<string, Resource>)) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  test('every stateful resource is retained on deletion and replacement', () => {
    const stateful = ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'];
    for (const [id, r] of Object.entries(devT.toJSON().Resources as Record<string, Resource>)) {
      if (!stateful.includes(r.Type)) continue;
      expect({ id, deletion: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({ id, deletion: 'Retain', replace: 'Retain' });
    }
  });

  test('env-agnostic by default, termination protection in production', () => {
    expect(dev.account).toEqual(expect.stringContaining('Token'));
    expect(dev.terminationProtection).toBe(false);
    expect(prod.terminationProtection).toBe(true);
  });

  test('tags from configuration and the environment tag', () => {
    const { stacks } = buildTestApp({ env: 'dev' }, {
      config: { namespace: 'acme', environments: { dev: { audit: { objectLockMode: 'GOVERNANCE', objectLockRetentionDays: 1 }, tags: { 'cost-center': 'ml-42' } } } },
    });
    Template.fromStack(stacks.platform).hasResourceProperties('AWS::S3::Bucket', {
      Tags: Match.arrayWith([{ Key: 'cost-center', Value: 'ml-42' }, { Key: 'mlops:environment', Value: 'dev' }]),
    });
    expect(stacks.platform.stackName).toBe('acme-dev-platform');
  });

  test('outputs name what people look up after a deploy: the lake and audit buckets, the auditor policy, the topics', () => {
    const outputs = devT.toJSON().Outputs as Record<string, { Value: unknown; Export?: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      'AlarmTopicArn', 'ArtifactsBucketName', 'AuditBucketName', 'AuditorPolicyArn', 'CaptureBucketName',
      'CuratedBucketName', 'FeaturesBucketName', 'PipelineTopicArn', 'RawBucketName',
    ]);
    const refOf = (type: string, match: (r: Resource) => boolean = () => true) => ({ Ref: logicalIdOf(devT, type, match) });
    expect(outputs.AuditBucketName.Value).toEqual(refOf('AWS::S3::Bucket', (r) => r.Properties.ObjectLockConfiguration?.Rule !== undefined));
    expect(outputs.AuditorPolicyArn.Value).toEqual(refOf('AWS::IAM::ManagedPolicy', (r) => JSON.stringify(r).includes('s3:GetObjectRetention')));
    const lake = ['Raw', 'Curated', 'Features', 'Artifacts', 'Capture'].map((area) => outputs[`${area}BucketName`].Value);
    expect(lake).toEqual(expect.arrayContaining(lakeBuckets(devT).map(([id]) => ({ Ref: id }))));
    expect(new Set(lake.map((v) => JSON.stringify(v))).size).toBe(5);
    expect(outputs.RawBucketName.Value).toEqual({ Ref: dev.getLogicalId(dev.dataLake.buckets.raw.node.defaultChild as CfnElement) });
  });
});
