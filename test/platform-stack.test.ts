import { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp } from './helpers';

// GIVEN the default configuration, WHEN the dev and prod platforms synthesize...
const dev = buildTestApp({ env: 'dev' }).stacks.platform;
const prod = buildTestApp({ env: 'prod' }).stacks.platform;
const devT = Template.fromStack(dev);
const prodT = Template.fromStack(prod);

type Resource = { Type: string; Properties: any; DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

function logicalIdOf(template: Template, type: string, match: (r: Resource) => boolean): string {
  const found = Object.entries(template.findResources(type) as Record<string, Resource>).filter(([, r]) => match(r));
  expect(found).toHaveLength(1);
  return found[0][0];
}

function keyStatements(template: Template, keyId: string): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (template.toJSON().Resources[keyId] as Resource).Properties.KeyPolicy.Statement;
}

function keyIdByDescription(template: Template, text: string): string {
  return logicalIdOf(template, 'AWS::KMS::Key', (r) => String(r.Properties.Description).includes(text));
}

const lakeBuckets = (t: Template) => Object.entries(t.findResources('AWS::S3::Bucket') as Record<string, Resource>)
  .filter(([, r]) => r.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm === 'aws:kms' && !r.Properties.ObjectLockConfiguration?.Rule);

describe('PlatformStack', () => {
  test('three rotating customer-managed keys, retained, that only AWS services may create grants on', () => {
    const keys = devT.findResources('AWS::KMS::Key') as Record<string, Resource>;
    expect(Object.keys(keys)).toHaveLength(3);
    for (const [id, key] of Object.entries(keys)) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
      expect(keyStatements(devT, id)).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Action: 'kms:CreateGrant', Principal: { AWS: '*' },
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }));
    }
  });

  test('data lake: five buckets, versioned, SSE-KMS with bucket keys, TLS-only, logged, lifecycle that never expires current data, retained', () => {
    const buckets = lakeBuckets(devT);
    expect(buckets).toHaveLength(5);
    const dataKey = keyIdByDescription(devT, 'data lake');
    const prefixes = buckets.map(([, b]) => b.Properties.LoggingConfiguration.LogFilePrefix).sort();
    expect(prefixes).toEqual(['artifacts/', 'capture/', 'curated/', 'features/', 'raw/']);
    for (const [id, b] of buckets) {
      expect(b.DeletionPolicy).toBe('Retain');
      expect(b.UpdateReplacePolicy).toBe('Retain');
      expect(b.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [dataKey, 'Arn'] } },
      });
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(b.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
      const rules = b.Properties.LifecycleConfiguration.Rules;
      expect(rules).toContainEqual(expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }));
      expect(rules).toContainEqual(expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }));
      for (const rule of rules) expect(rule.ExpirationInDays).toBeUndefined();
      expect(b.Properties.AccessControl).toBeUndefined();
      // TLS only, in the bucket policy.
      const policy = Object.values(devT.findResources('AWS::S3::BucketPolicy') as Record<string, Resource>).find((p) => p.Properties.Bucket.Ref === id)!;
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
  });

  test('prod: intelligent tiering and a longer noncurrent expiration from the configuration', () => {
    for (const [, b] of lakeBuckets(prodT)) {
      expect(b.Properties.LifecycleConfiguration.Rules).toEqual(expect.arrayContaining([
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 365 } }),
        expect.objectContaining({ Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 90 }] }),
      ]));
    }
  });

  test('access-log bucket: SSE-S3, no ACL, delivery by bucket policy to logging.s3.amazonaws.com, logs expire', () => {
    const id = logicalIdOf(devT, 'AWS::S3::Bucket', (r) => r.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm === 'AES256');
    const bucket = devT.toJSON().Resources[id] as Resource;
    expect(bucket.Properties.AccessControl).toBeUndefined();
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ ExpirationInDays: 90 }));
    expect(bucket.DeletionPolicy).toBe('Retain');
    devT.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logging.s3.amazonaws.com' },
      })]) },
    });
  });

  describe('audit trail', () => {
    const t = devT.toJSON();
    const trailId = logicalIdOf(devT, 'AWS::CloudTrail::Trail', () => true);
    const trail = t.Resources[trailId] as Resource;
    const auditBucketId = logicalIdOf(devT, 'AWS::S3::Bucket', (r) => Boolean(r.Properties.ObjectLockConfiguration?.Rule));
    const auditKeyId = keyIdByDescription(devT, 'audit');

    test('multi-region, validated, encrypted, delivered to CloudWatch Logs', () => {
      expect(trail.Properties).toEqual(expect.objectContaining({
        TrailName: 'mlops-dev-audit',
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        KMSKeyId: { 'Fn::GetAtt': [auditKeyId, 'Arn'] },
        S3BucketName: { Ref: auditBucketId },
      }));
      expect(trail.Properties.CloudWatchLogsLogGroupArn).toBeDefined();
      expect(trail.Properties.CloudWatchLogsRoleArn).toBeDefined();
    });

    test('S3 data events on every lake bucket, object ARNs with a trailing slash, never on the audit bucket, basic selectors only', () => {
      expect(trail.Properties.AdvancedEventSelectors).toBeUndefined();
      const [selector] = trail.Properties.EventSelectors;
      expect(selector.IncludeManagementEvents).toBe(true);
      expect(selector.ReadWriteType).toBe('All');
      const values = selector.DataResources[0].Values;
      expect(selector.DataResources[0].Type).toBe('AWS::S3::Object');
      expect(values).toHaveLength(5);
      const lakeIds = lakeBuckets(devT).map(([id]) => id).sort();
      expect(values.map((v: any) => v['Fn::Join'][1][0]['Fn::GetAtt'][0]).sort()).toEqual(lakeIds); // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const v of values) expect(v['Fn::Join'][1][1]).toBe('/');
      expect(JSON.stringify(values)).not.toContain(auditBucketId);
    });

    test('the trail waits for the bucket policy, the key policy and the role policy', () => {
      const policyId = logicalIdOf(devT, 'AWS::S3::BucketPolicy', (r) => r.Properties.Bucket.Ref === auditBucketId);
      const managedPolicyId = logicalIdOf(devT, 'AWS::IAM::ManagedPolicy', (r) => /audit trail events/.test(r.Properties.Description));
      const roleId = logicalIdOf(devT, 'AWS::IAM::Role', (r) => /audit trail deliver/.test(r.Properties.Description));
      expect(trail.DependsOn).toEqual(expect.arrayContaining([policyId, auditKeyId, managedPolicyId, roleId]));
    });

    test('bucket policy lets CloudTrail write only for this trail, by an ARN built from its name (no GetAtt cycle)', () => {
      const policyId = logicalIdOf(devT, 'AWS::S3::BucketPolicy', (r) => r.Properties.Bucket.Ref === auditBucketId);
      const statements = (t.Resources[policyId] as Resource).Properties.PolicyDocument.Statement;
      const write = statements.find((s: { Sid?: string }) => s.Sid === 'CloudTrailWrite');
      expect(write.Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
      const sourceArn = JSON.stringify(write.Condition.StringEquals['aws:SourceArn']);
      expect(sourceArn).toContain(':trail/mlops-dev-audit');
      expect(sourceArn).not.toContain('GetAtt');
      expect(statements.find((s: { Sid?: string }) => s.Sid === 'CloudTrailAclCheck').Action).toBe('s3:GetBucketAcl');
    });

    test('audit key policy: CloudTrail may generate data keys (trail encryption context), describe and decrypt; CloudWatch Logs by regional principal', () => {
      const statements = keyStatements(devT, auditKeyId);
      const bySid = (sid: string) => statements.find((s: { Sid?: string }) => s.Sid === sid);
      expect(bySid('CloudTrailEncryptLogs')).toEqual(expect.objectContaining({
        Action: 'kms:GenerateDataKey*', Principal: { Service: 'cloudtrail.amazonaws.com' },
      }));
      expect(JSON.stringify(bySid('CloudTrailEncryptLogs').Condition.StringLike['kms:EncryptionContext:aws:cloudtrail:arn'])).toContain(':trail/*');
      expect(bySid('CloudTrailDescribeKey').Action).toBe('kms:DescribeKey');
      expect(bySid('CloudTrailDecryptWithBucketKey').Action).toBe('kms:Decrypt');
      const logsStatement = bySid('AllowCloudWatchLogs');
      expect(logsStatement.Principal.Service).toEqual({ 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] });
      expect(logsStatement.Action).toEqual(expect.arrayContaining(['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*']));
    });

    test('the data key also admits the regional CloudWatch Logs principal (model stacks encrypt their log groups with it)', () => {
      const dataKey = keyIdByDescription(devT, 'data lake');
      const statement = keyStatements(devT, dataKey).find((s: { Sid?: string }) => s.Sid === 'AllowCloudWatchLogs');
      expect(statement.Principal.Service).toEqual({ 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] });
    });

    test('the data key lets EventBridge deliver to the encrypted dead-letter queues, through SQS only', () => {
      const dataKey = keyIdByDescription(devT, 'data lake');
      const statement = keyStatements(devT, dataKey).find((s: { Sid?: string }) => s.Sid === 'AllowEventBridgeDeadLetters');
      expect(statement).toEqual(expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }));
      expect(statement.Condition).toEqual({ StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } });
    });

    test('every encrypted log group uses a key whose policy admits the regional CloudWatch Logs principal', () => {
      for (const [, group] of Object.entries(devT.findResources('AWS::Logs::LogGroup') as Record<string, Resource>)) {
        const keyId = group.Properties.KmsKeyId['Fn::GetAtt'][0];
        expect(JSON.stringify(keyStatements(devT, keyId))).toContain('"logs.",{"Ref":"AWS::Region"},".amazonaws.com"');
        expect(group.DeletionPolicy).toBe('Retain');
      }
    });

    test('audit bucket: Object Lock from configuration, created with the bucket, never auto-deleted', () => {
      const bucket = t.Resources[auditBucketId] as Resource;
      expect(bucket.Properties.ObjectLockEnabled).toBe(true);
      expect(bucket.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(devT.findResources('Custom::S3AutoDeleteObjects')).toEqual({});
      const prodBucket = Object.values(prodT.findResources('AWS::S3::Bucket') as Record<string, Resource>).find((b) => b.Properties.ObjectLockConfiguration?.Rule)!;
      expect(prodBucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 2557 });
    });

    test('log group retention from configuration', () => {
      devT.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
      prodT.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    });
  });

  describe('notifications', () => {
    const topics = devT.findResources('AWS::SNS::Topic') as Record<string, Resource>;
    const notificationKeyId = keyIdByDescription(devT, 'notification');

    test('two topics, encrypted with the notification key', () => {
      expect(Object.keys(topics)).toHaveLength(2);
      for (const topic of Object.values(topics)) expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [notificationKeyId, 'Arn'] });
    });

    test('an alarm action or EventBridge rule can reach each topic: key admits cloudwatch and events without source conditions', () => {
      const statements = keyStatements(devT, notificationKeyId);
      for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
        const s = statements.find((x: { Principal?: { Service?: string } }) => x.Principal?.Service === service);
        expect(s.Effect).toBe('Allow');
        expect(s.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
        expect(s.Condition).toBeUndefined();
      }
    });

    test('topic policies: TLS only, publish from cloudwatch and events of this account', () => {
      for (const topicId of Object.keys(topics)) {
        devT.hasResourceProperties('AWS::SNS::TopicPolicy', {
          Topics: [{ Ref: topicId }],
          PolicyDocument: { Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
            Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }),
          ]) },
        });
      }
    });

    test('e-mail subscriptions from configuration', () => {
      const { stacks } = buildTestApp({ env: 'dev' }, {
        config: { namespace: 'mlops', environments: { dev: { audit: { objectLockMode: 'GOVERNANCE', objectLockRetentionDays: 1 }, notifications: { alarmEmails: ['ops@example.com'], pipelineEmails: ['ml@example.com', 'lead@example.com'] } } } },
      });
      const t = Template.fromStack(stacks.platform);
      t.resourceCountIs('AWS::SNS::Subscription', 3);
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    });
  });

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

