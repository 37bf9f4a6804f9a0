import { devT, keyIdByDescription, keyStatements, lakeBuckets, logicalIdOf, prodT, Resource } from './platform-stack-fixture';

describe('PlatformStack', () => {
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
      // Delivered to the log group encrypted with the audit key, through the role only CloudTrail may assume.
      const logGroupId = logicalIdOf(devT, 'AWS::Logs::LogGroup', (r) => r.Properties.KmsKeyId?.['Fn::GetAtt']?.[0] === auditKeyId);
      const trustsCloudTrail = (r: Resource) => r.Properties.AssumeRolePolicyDocument.Statement
        .some((s: Resource['Properties']) => s.Principal?.Service === 'cloudtrail.amazonaws.com');
      const roleId = logicalIdOf(devT, 'AWS::IAM::Role', trustsCloudTrail);
      expect(trail.Properties.CloudWatchLogsLogGroupArn).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
      expect(trail.Properties.CloudWatchLogsRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
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
});
