import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/request-approval';
import {
  ddb, EVENT, EVIDENCE, EXECUTION, expectValidLink, EXPIRES, linkIn, PACKAGE, publishes, REQUEST_ID, sns, TOKEN, useRequestApprovalFixture,
} from './request-approval-fixture';

useRequestApprovalFixture();

describe('request-approval', () => {
  describe('a retry of the same task (same token)', () => {
    const stored = (extra: Record<string, unknown>) => ({
      requestId: REQUEST_ID, taskToken: TOKEN, executionArn: EXECUTION, model: 'churn', environment: 'dev', modelPackageArn: PACKAGE,
      approvers: ['alice@example.com', 'bob@example.org'], evidence: EVIDENCE, requestedAt: '2026-11-18T00:00:00.000Z',
      expiresAt: EXPIRES - 120, ttl: EXPIRES - 120 + 30 * 24 * 3600, status: 'PENDING', ...extra,
    });
    beforeEach(() => {
      ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    });

    test('derives the same requestId, and publishes nothing again once notifiedAt is set', async () => {
      ddb.on(GetCommand).resolves({ Item: stored({ notifiedAt: '2026-11-18T00:00:01.000Z' }) });
      const result = await handler(EVENT);
      expect(result).toEqual({ requestId: REQUEST_ID, expiresAt: EXPIRES - 120, notified: 0 });
      expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(requestId)' });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'mlops-dev-approvals', Key: { requestId: REQUEST_ID }, ConsistentRead: true });
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
      expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    });

    test('publishes (with the stored expiry in the links) when the first attempt did not finish notifying', async () => {
      ddb.on(GetCommand).resolves({ Item: stored({}) });
      const result = await handler(EVENT);
      expect(result).toEqual({ requestId: REQUEST_ID, expiresAt: EXPIRES - 120, notified: 2 });
      expect(publishes()).toHaveLength(2);
      expectValidLink(linkIn(publishes()[0].Message), 'alice@example.com', EXPIRES - 120);
      expectValidLink(linkIn(publishes()[1].Message), 'bob@example.org', EXPIRES - 120);
      expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });

    test('publishes nothing for a request already decided', async () => {
      ddb.on(GetCommand).resolves({ Item: stored({ status: 'APPROVED', decidedBy: 'alice@example.com' }) });
      await expect(handler(EVENT)).resolves.toEqual({ requestId: REQUEST_ID, expiresAt: EXPIRES - 120, notified: 0 });
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
    });

    test('an item that cannot be read back, or holds another token, is an error and nothing is published', async () => {
      ddb.on(GetCommand).resolves({});
      await expect(handler(EVENT)).rejects.toThrow(`Approval request ${REQUEST_ID} already exists but could not be read back`);
      ddb.on(GetCommand).resolves({ Item: stored({ taskToken: 'another-token' }) });
      await expect(handler(EVENT)).rejects.toThrow(`Approval request ${REQUEST_ID} belongs to another task token`);
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
    });
  });

  test('another DynamoDB error is not taken for a retry', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(handler(EVENT)).rejects.toThrow('Throughput exceeded');
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  test('a failed publish leaves notifiedAt unset, so a retry notifies again', async () => {
    sns.on(PublishCommand).resolvesOnce({ MessageId: 'm-1' }).rejectsOnce(new Error('SNS throttled'));
    await expect(handler(EVENT)).rejects.toThrow('SNS throttled');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});
