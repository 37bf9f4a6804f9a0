import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PublishCommand } from '@aws-sdk/client-sns';
import 'aws-sdk-client-mock-jest';
import { handler, requestIdOf } from '../../lambda/request-approval';
import {
  APPROVED_PACKAGE, ddb, DEPLOYMENT, EVENT, EVIDENCE, EXECUTION, expectValidLink, EXPIRES, linkIn, NOW, PACKAGE, publishes, REQUEST_ID,
  SECRET_ARN, secrets, sns, STORED_TRIGGER, TOKEN, TOPIC_ARN, useRequestApprovalFixture,
} from './request-approval-fixture';

useRequestApprovalFixture();

describe('request-approval', () => {
  test('stores the request with its token, PENDING, conditionally; publishes one message per approver with their own signed link', async () => {
    const result = await handler(EVENT);

    expect(result).toEqual({ requestId: REQUEST_ID, expiresAt: EXPIRES, notified: 2 });
    expect(requestIdOf(TOKEN)).toBe(REQUEST_ID);
    expect(REQUEST_ID).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });

    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    const put = ddb.commandCalls(PutCommand)[0].args[0].input;
    expect(put.TableName).toBe('mlops-dev-approvals');
    expect(put.ConditionExpression).toBe('attribute_not_exists(requestId)');
    expect(put.Item).toEqual({
      requestId: REQUEST_ID,
      taskToken: TOKEN,
      executionArn: EXECUTION,
      model: 'churn',
      environment: 'dev',
      modelPackageArn: PACKAGE,
      approvers: ['alice@example.com', 'bob@example.org'],
      evidence: EVIDENCE,
      // The execution input is reduced to its trigger; the deployment target is stored as sent.
      evaluationDataUri: 's3://curated-bucket/churn/test/',
      trigger: STORED_TRIGGER,
      deployment: DEPLOYMENT,
      requestedAt: new Date(NOW * 1000).toISOString(),
      expiresAt: EXPIRES,
      ttl: EXPIRES + 30 * 24 * 3600,
      status: 'PENDING',
    });

    const sent = publishes();
    expect(sent).toHaveLength(2);
    for (const [i, approver] of ['alice@example.com', 'bob@example.org'].entries()) {
      expect(sent[i].TopicArn).toBe(TOPIC_ARN);
      expect(sent[i].MessageAttributes).toEqual({ approver: { DataType: 'String', StringValue: approver } });
      expect(sent[i].Subject).toBe('Approval needed: churn (dev) auc 0.91');
      expectValidLink(linkIn(sent[i].Message), approver);
    }
    expect(linkIn(sent[0].Message)).not.toBe(linkIn(sent[1].Message));
    expect(sent[0].Message).not.toContain('bob@example.org');
    expect(sent[1].Message).not.toContain('alice@example.com');

    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'mlops-dev-approvals', Key: { requestId: REQUEST_ID }, UpdateExpression: 'SET notifiedAt = :now', ConditionExpression: 'attribute_exists(requestId)',
    });
    // notifiedAt is written only after every message is out.
    expect(ddb.commandCalls(UpdateCommand)[0].calledAfter(sns.commandCalls(PublishCommand)[1])).toBe(true);
  });

  test('the message is plain text with all the evidence and the link', async () => {
    await handler({ ...EVENT, approvers: ['alice@example.com'] });
    const link = linkIn(publishes()[0].Message);
    expect(publishes()[0].Message).toBe([
      'A candidate model is waiting for your approval before the pipeline continues.',
      '',
      'Model: churn',
      'Environment: dev',
      `Candidate model package: ${PACKAGE}`,
      'auc: candidate 0.91 vs approved 0.89 (delta +0.02)',
      `Approved model package: ${APPROVED_PACKAGE}`,
      '',
      'All metrics of the candidate:',
      '  accuracy: 0.8',
      '  auc: 0.91',
      '  rmse: 0.3',
      '  samples: 1000',
      '',
      'Approving deploys to: endpoint mlops-dev-churn (real-time, 2 x ml.m5.large, canary 25 %)',
      'Triggered by: drift (alarm mlops-dev-churn-drift)',
      'Evaluation data: s3://curated-bucket/churn/test/',
      'Training data: s3://curated-bucket/churn/2026-11-22/',
      'Training data manifest: s3://artifacts-bucket/models/churn/runs/run-42/data-manifest.json',
      'Training job: arn:aws:sagemaker:eu-west-1:111122223333:training-job/churn-t1234',
      `Pipeline execution: ${EXECUTION}`,
      `Requested at: ${new Date(NOW * 1000).toISOString()}`,
      `Expires at: ${new Date(EXPIRES * 1000).toISOString()} (the pipeline stops waiting then)`,
      '',
      'Review the evidence and approve or reject (a comment is required):',
      link,
      '',
      'This link is for alice@example.com only and is valid until the expiry above: do not forward it.',
      `Request ID: ${REQUEST_ID}`,
    ].join('\n'));
  });

  test('a candidate worse than the approved model shows a negative delta', async () => {
    await handler({ ...EVENT, approvers: ['alice@example.com'], evidence: { ...EVIDENCE, metric: 'rmse', candidateValue: 0.3, approvedValue: 0.35 } });
    expect(publishes()[0].Subject).toBe('Approval needed: churn (dev) rmse 0.3');
    expect(publishes()[0].Message).toContain('rmse: candidate 0.3 vs approved 0.35 (delta -0.05)');
  });

  test('first-time evidence without an approved model says "no approved model yet"', async () => {
    const { metric, candidateValue, metrics, trainingDataUri, trainingDataManifestUri, trainingJobArn } = EVIDENCE;
    const firstTime = { metric, candidateValue, metrics, trainingDataUri, trainingDataManifestUri, trainingJobArn };
    const result = await handler({ ...EVENT, evidence: firstTime });
    expect(result.notified).toBe(2);
    for (const message of publishes().map((p) => p.Message)) {
      expect(message).toContain('auc: candidate 0.91, no approved model yet');
      expect(message).toContain('Approved model package: none (no approved model yet)');
      expect(message).not.toMatch(/delta|undefined|NaN/);
    }
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item?.evidence).toEqual(firstTime);
  });

  test('an undefined (null) metric of the report is left out of the evidence, not refused', async () => {
    const result = await handler({ ...EVENT, evidence: { ...EVIDENCE, metrics: { ...EVIDENCE.metrics, rmse: null } } });
    expect(result.notified).toBe(2);
    expect(Object.keys(ddb.commandCalls(PutCommand)[0].args[0].input.Item?.evidence.metrics)).not.toContain('rmse');
  });

  test('a long subject (longest valid model, environment and metric names) is cut to fewer than 100 characters', async () => {
    const metric = `m${'a'.repeat(63)}`;
    await handler({
      ...EVENT, model: 'a-very-long-model-name-x', environment: 'production-eu-01', approvers: ['alice@example.com'],
      evidence: { ...EVIDENCE, metric, candidateValue: 0.123456789, metrics: { [metric]: 0.123456789 } },
    });
    const subject = publishes()[0].Subject ?? '';
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^Approval needed: a-very-long-model-name-x \(production-eu-01\) maaa+\.\.\.$/);
    expect(publishes()[0].Message).toContain(`${metric}: candidate 0.123457 vs approved 0.89 (delta -0.766543)`);
  });

  test('the task token appears in no message, no result and no logged output', async () => {
    const output: string[] = [];
    const capture = (chunk: unknown): boolean => { output.push(String(chunk)); return true; };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => { output.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')); });
    }

    const first = await handler(EVENT);
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { ...ddb.commandCalls(PutCommand)[0].args[0].input.Item } });
    const retried = await handler(EVENT);
    ddb.on(GetCommand).resolves({ Item: { ...ddb.commandCalls(PutCommand)[0].args[0].input.Item, notifiedAt: '2026-11-18T00:00:01.000Z' } });
    const skipped = await handler(EVENT);
    const failed = await handler({ ...EVENT, timeoutSeconds: 1 }).catch((e: Error) => e.message);

    expect(output.join('\n')).toContain(REQUEST_ID); // the spies do see the logger's output
    const haystacks = [
      output.join('\n'),
      JSON.stringify([first, retried, skipped, failed]),
      JSON.stringify(publishes()),
    ];
    expect(publishes()).toHaveLength(4);
    for (const text of haystacks) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('TOKEN-SECRET-MARKER');
      expect(text).not.toContain(TOKEN.slice(0, 40));
    }
  });
});
