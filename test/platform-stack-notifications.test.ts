import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildTestApp } from './helpers';
import { devT, keyIdByDescription, keyStatements, Resource } from './platform-stack-fixture';

describe('PlatformStack', () => {
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
});
