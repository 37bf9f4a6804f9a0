import { Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { AccessLogBucket } from '../../lib/platform/access-log-bucket';
import { AuditTrail } from '../../lib/platform/audit-trail';
import { DataLake } from '../../lib/platform/data-lake';
import { Notifications } from '../../lib/platform/notifications';

function setup() {
  const stack = new Stack();
  const key = new kms.Key(stack, 'Key');
  const logs = new s3.Bucket(stack, 'Logs');
  return { stack, key, logs };
}

describe('construct validation', () => {
  test('DataLake reports every bad duration at once', () => {
    const { stack, key, logs } = setup();
    expect(() => new DataLake(stack, 'Lake', {
      encryptionKey: key, accessLogBucket: logs,
      noncurrentVersionExpiration: Duration.days(0),
      intelligentTieringAfter: Duration.hours(36),
    })).toThrow(/Invalid DataLake at Default\/Lake:\n {2}- noncurrentVersionExpiration: got 0 days; expected whole days from 1 to 3650\n {2}- intelligentTieringAfter: got 1.5 days; expected whole days from 0 to 3650/);
  });

  test('AuditTrail rejects a bad trail name and retention together', () => {
    const { stack, key, logs } = setup();
    expect(() => new AuditTrail(stack, 'Audit', {
      trailName: 'a__b', encryptionKey: key, accessLogBucket: logs, objectLockMode: 'GOVERNANCE', objectLockRetention: Duration.days(40000),
    })).toThrow(/trailName: got "a__b"; expected 3-128 letters.*\n {2}- objectLockRetention: got 40000 days; expected whole days from 1 to 36500/);
  });

  test('AuditTrail without data event buckets records management events only', () => {
    const { stack, key, logs } = setup();
    new AuditTrail(stack, 'Audit', { trailName: 'audit', encryptionKey: key, accessLogBucket: logs, objectLockMode: 'GOVERNANCE', objectLockRetention: Duration.days(1) });
    const trail = Object.values(Template.fromStack(stack).findResources('AWS::CloudTrail::Trail'))[0];
    expect(trail.Properties.EventSelectors).toEqual([{ IncludeManagementEvents: true, ReadWriteType: 'All' }]);
  });

  test('AccessLogBucket rejects an expiration beyond ten years', () => {
    const { stack } = setup();
    expect(() => new AccessLogBucket(stack, 'AccessLogs', { expiration: Duration.days(4000) })).toThrow(/expiration: got 4000 days/);
  });

  test('Notifications rejects every malformed e-mail', () => {
    const { stack, key } = setup();
    expect(() => new Notifications(stack, 'N', { encryptionKey: key, pipelineEmails: ['ok@example.com', 'nope'], alarmEmails: ['also nope'] }))
      .toThrow(/pipelineEmails\[1\]: got "nope"; expected an e-mail address\n {2}- alarmEmails\[0\]: got "also nope"/);
  });

  test('log delivery by bucket policy is forced, whatever the app context says', () => {
    const stack = new Stack();
    stack.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', false);
    const key = new kms.Key(stack, 'Key');
    const logs = new AccessLogBucket(stack, 'AccessLogs');
    new DataLake(stack, 'Lake', { encryptionKey: key, accessLogBucket: logs.bucket });
    const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
    for (const b of Object.values(buckets)) expect(b.Properties.AccessControl).toBeUndefined();
  });
});
