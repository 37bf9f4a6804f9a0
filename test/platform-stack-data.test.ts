import { Match } from 'aws-cdk-lib/assertions';
import { devT, keyIdByDescription, keyStatements, lakeBuckets, logicalIdOf, prodT, Resource } from './platform-stack-fixture';

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
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
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
});
