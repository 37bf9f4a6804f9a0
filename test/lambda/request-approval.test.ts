import { createHash, createHmac, randomBytes } from 'crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler, requestIdOf } from '../../lambda/request-approval';
import { validate } from '../../lambda/request-approval/event';
import { MAX_TRIGGER_REASON } from '../../lambda/request-approval/context';
import { ENV } from '../../contracts/approval';
import { verifyLink } from '../../lambda/shared/approval/links';

const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);

const KEY = randomBytes(32);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:mlops-dev-approval-AbCdEf';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:mlops-dev-approvals';
const BASE_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
const TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAAU${'x'.repeat(300)}TOKEN-SECRET-MARKER`;
const NOW = 1_795_000_000; // 2026-11-18T...
const REQUEST_ID = createHash('sha256').update(TOKEN).digest('base64url').slice(0, 32);
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:mlops-dev-churn-training:run-42';
const PACKAGE = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/7';
const APPROVED_PACKAGE = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/6';
const EVIDENCE = {
  metric: 'auc',
  candidateValue: 0.91,
  approvedValue: 0.89,
  approvedModelPackageArn: APPROVED_PACKAGE,
  metrics: { auc: 0.91, accuracy: 0.8, rmse: 0.3, samples: 1000 },
  trainingDataUri: 's3://curated-bucket/churn/2026-11-22/',
  trainingDataManifestUri: 's3://artifacts-bucket/models/churn/runs/run-42/data-manifest.json',
  trainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/churn-t1234',
};
const DEPLOYMENT = {
  endpointName: 'mlops-dev-churn', mode: 'realtime', instanceType: 'ml.m5.large', instanceCount: 2,
  autoscaling: { minInstances: 2, maxInstances: 4 },
  rollout: { strategy: 'canary', trafficPercent: 25, waitSeconds: 600, terminationWaitSeconds: 300, maximumExecutionTimeoutSeconds: 3600 },
  rollbackAlarmNames: ['mlops-dev-churn-5xx', 'mlops-dev-churn-latency'],
};
const STORED_TRIGGER = {
  type: 'drift', alarmName: 'mlops-dev-churn-drift', reason: 'Threshold Crossed: 1 datapoint [0.31] was greater than the threshold (0.2).',
  time: '2026-11-22T08:55:00.000Z',
};
const EVENT = {
  taskToken: TOKEN,
  executionArn: EXECUTION,
  model: 'churn',
  environment: 'dev',
  modelPackageArn: PACKAGE,
  approvers: ['alice@example.com', 'Bob@Example.org'],
  timeoutSeconds: 86_400,
  evidence: EVIDENCE,
  evaluationDataUri: 's3://curated-bucket/churn/test/',
  executionInput: {
    trainingDataUri: 's3://curated-bucket/churn/2026-11-22/',
    trigger: { type: 'drift', alarmName: 'mlops-dev-churn-drift', alarmArn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:mlops-dev-churn-drift',
      reason: 'Threshold Crossed: 1 datapoint [0.31] was greater than the threshold (0.2).', time: '2026-11-22T08:55:00.000Z', eventId: 'e-1' },
  },
  deployment: DEPLOYMENT,
};
const EXPIRES = NOW + 86_400;

/** What a link must carry, per the contract: base64url HMAC-SHA256 of `requestId\napprover\nexpires`. */
function expectValidLink(link: string, approver: string, expires = EXPIRES): void {
  const url = new URL(link);
  expect(`${url.origin}${url.pathname}`).toBe(`${BASE_URL}/approvals/${REQUEST_ID}`);
  expect(url.searchParams.get('approver')).toBe(approver);
  expect(url.searchParams.get('expires')).toBe(String(expires));
  const expected = createHmac('sha256', KEY).update(`${REQUEST_ID}\n${approver}\n${expires}`).digest('base64url');
  expect(url.searchParams.get('sig')).toBe(expected);
  const params = { requestId: REQUEST_ID, approver, expires, sig: expected };
  expect(verifyLink({ current: KEY.toString('base64') }, params)).toBe(true);
  // Another approver's name (or another expiry) with this signature does not verify.
  expect(verifyLink({ current: KEY.toString('base64') }, { ...params, approver: `x${approver}` })).toBe(false);
  expect(verifyLink({ current: KEY.toString('base64') }, { ...params, expires: expires + 1 })).toBe(false);
}

const publishes = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
const linkIn = (message: string | undefined): string => {
  const links: string[] = (message ?? '').match(/https:\/\/\S+/g) ?? [];
  expect(links).toHaveLength(1);
  return links[0];
};
const noCalls = (): void => {
  expect(ddb.calls()).toHaveLength(0);
  expect(sns.calls()).toHaveLength(0);
  expect(secrets.calls()).toHaveLength(0);
};

beforeEach(() => {
  ddb.reset();
  sns.reset();
  secrets.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: KEY.toString('base64'), previous: randomBytes(32).toString('base64') }) });
  process.env[ENV.TABLE_NAME] = 'mlops-dev-approvals';
  process.env[ENV.SECRET_ARN] = SECRET_ARN;
  process.env[ENV.TOPIC_ARN] = TOPIC_ARN;
  process.env[ENV.BASE_URL] = BASE_URL;
  jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000 + 400);
});

afterEach(() => jest.restoreAllMocks());

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

  test.each<[string, Record<string, unknown> | unknown, RegExp]>([
    ['no event', undefined, /^Invalid event: event is missing; expected an object with taskToken, executionArn/],
    ['an array event', [EVENT], /event is \[.*\]; expected an object/],
    ['no task token', { ...EVENT, taskToken: undefined }, /taskToken is missing; expected a task token/],
    ['an empty task token', { ...EVENT, taskToken: '' }, /taskToken is "<redacted string of 0 characters>"; expected a task token \(\$\$\.Task\.Token\): a string of 1 to 2048 characters/],
    ['a numeric task token', { ...EVENT, taskToken: 42 }, /taskToken is 42; expected a task token/],
    ['a bad execution ARN', { ...EVENT, executionArn: 'run-42' }, /executionArn is "run-42"; expected a Step Functions execution ARN/],
    ['an upper-case model', { ...EVENT, model: 'Churn' }, /model is "Churn"; expected a model name: lower-case letters/],
    ['a missing environment', { ...EVENT, environment: undefined }, /environment is missing; expected an environment name/],
    ['a bad model package ARN', { ...EVENT, modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/x' }, /modelPackageArn is "arn:aws:sagemaker:eu-west-1:111122223333:model-package-group\/x"; expected a SageMaker model package ARN/],
    ['no approvers', { ...EVENT, approvers: [] }, /approvers is \[\]; expected an array of 1 to 20 e-mail addresses/],
    ['a string of approvers', { ...EVENT, approvers: 'alice@example.com' }, /approvers is "alice@example.com"; expected an array of 1 to 20 e-mail addresses/],
    ['21 approvers', { ...EVENT, approvers: Array.from({ length: 21 }, (_, i) => `a${i}@example.com`) }, /approvers is \[.*\]; expected an array of 1 to 20 e-mail addresses/],
    ['an approver that is not an address', { ...EVENT, approvers: ['alice@example.com', 'bob'] }, /approvers\[1\] is "bob"; expected an e-mail address/],
    ['an approver that is not a string', { ...EVENT, approvers: [{ email: 'a@b.co' }] }, /approvers\[0\] is \{"email":"a@b.co"\}; expected an e-mail address/],
    ['the same approver twice (any case)', { ...EVENT, approvers: ['alice@example.com', 'Alice@Example.com'] }, /approvers\[1\] is "Alice@Example.com"; expected an address not already listed \(duplicate of approvers\[0\]/],
    ['a timeout below a minute', { ...EVENT, timeoutSeconds: 59 }, /timeoutSeconds is 59; expected an integer from 60 to 31536000/],
    ['a timeout above a year', { ...EVENT, timeoutSeconds: 31_536_001 }, /timeoutSeconds is 31536001; expected an integer from 60 to 31536000/],
    ['a fractional timeout', { ...EVENT, timeoutSeconds: 3600.5 }, /timeoutSeconds is 3600.5; expected an integer/],
    ['a timeout as a string', { ...EVENT, timeoutSeconds: '3600' }, /timeoutSeconds is "3600"; expected an integer/],
    ['no evidence', { ...EVENT, evidence: undefined }, /evidence is missing; expected an object with metric, candidateValue/],
    ['no metric name', { ...EVENT, evidence: { ...EVIDENCE, metric: '' } }, /evidence\.metric is ""; expected a metric name/],
    ['a NaN candidate value', { ...EVENT, evidence: { ...EVIDENCE, candidateValue: NaN } }, /evidence\.candidateValue is "NaN"; expected a finite number/],
    ['an infinite approved value', { ...EVENT, evidence: { ...EVIDENCE, approvedValue: Infinity } }, /evidence\.approvedValue is "Infinity"; expected a finite number/],
    ['an approved value as a string', { ...EVENT, evidence: { ...EVIDENCE, approvedValue: '0.89' } }, /evidence\.approvedValue is "0.89"; expected a finite number/],
    ['a bad approved package ARN', { ...EVENT, evidence: { ...EVIDENCE, approvedModelPackageArn: 'model-6' } }, /evidence\.approvedModelPackageArn is "model-6"; expected a SageMaker model package ARN/],
    ['metrics as an array', { ...EVENT, evidence: { ...EVIDENCE, metrics: [0.9] } }, /evidence\.metrics is \[0.9\]; expected an object of at most 100 metric names to finite numbers/],
    ['a non-numeric metric', { ...EVENT, evidence: { ...EVIDENCE, metrics: { auc: 0.9, f1: 'high' } } }, /evidence\.metrics\.f1 is "high"; expected a finite number/],
    ['a bad metric name', { ...EVENT, evidence: { ...EVIDENCE, metrics: { 'a b': 1 } } }, /evidence\.metrics key is "a b"; expected a metric name/],
    ['a training data URL', { ...EVENT, evidence: { ...EVIDENCE, trainingDataUri: 'https://example.com/data' } }, /evidence\.trainingDataUri is "https:\/\/example.com\/data"; expected an s3:\/\/bucket\/key URI/],
    ['no manifest URI', { ...EVENT, evidence: { ...EVIDENCE, trainingDataManifestUri: undefined } }, /evidence\.trainingDataManifestUri is missing; expected an s3:\/\/bucket\/key URI/],
    ['a bad training job ARN', { ...EVENT, evidence: { ...EVIDENCE, trainingJobArn: 'churn-t1234' } }, /evidence\.trainingJobArn is "churn-t1234"; expected a SageMaker training job ARN/],
    ['an evaluation data URL', { ...EVENT, evaluationDataUri: 'https://example.com/test' },
      /evaluationDataUri is "https:\/\/example.com\/test"; expected an s3:\/\/bucket\/key URI/],
    ['a deployment target that is not an object', { ...EVENT, deployment: 'prod' },
      /deployment is "prod"; expected an object with endpointName and mode/],
    ['an unknown deployment mode', { ...EVENT, deployment: { ...DEPLOYMENT, mode: 'batch' } },
      /deployment\.mode is "batch"; expected "realtime" or "serverless"/],
    ['a bad endpoint name', { ...EVENT, deployment: { ...DEPLOYMENT, endpointName: 'a_b' } },
      /deployment\.endpointName is "a_b"; expected a SageMaker endpoint name/],
    ['an unknown rollout strategy', { ...EVENT, deployment: { ...DEPLOYMENT, rollout: { ...DEPLOYMENT.rollout, strategy: 'blue' } } },
      /deployment\.rollout\.strategy is "blue"; expected "canary", "linear", "all-at-once"/],
    ['a real-time target without instance count', { ...EVENT, deployment: { ...DEPLOYMENT, instanceCount: undefined } },
      /deployment\.instanceCount is missing; expected an integer from 1 to 1000/],
    ['alarm names that are not a list', { ...EVENT, deployment: { ...DEPLOYMENT, rollbackAlarmNames: 'x' } },
      /deployment\.rollbackAlarmNames is "x"; expected an array of at most 10/],
  ])('%s is refused with a clear message before any AWS call', async (_name, event, message) => {
    await expect(handler(event)).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
    noCalls();
  });

  test('an over-long task token is refused without echoing it', async () => {
    const long = `${TOKEN}${'y'.repeat(2048)}`;
    const error = await handler({ ...EVENT, taskToken: long }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InvalidEventError', message: expect.stringContaining(`taskToken is "<redacted string of ${long.length} characters>"`) });
    expect((error as Error).message).not.toContain('TOKEN-SECRET-MARKER');
    noCalls();
  });

  test.each([ENV.TABLE_NAME, ENV.SECRET_ARN, ENV.TOPIC_ARN, ENV.BASE_URL])('a missing %s is a clear error before any AWS call', async (name) => {
    delete process.env[name];
    await expect(handler(EVENT)).rejects.toThrow(`Missing environment variable ${name}`);
    noCalls();
  });

  test('a base URL with a trailing slash or without https is refused', async () => {
    process.env[ENV.BASE_URL] = `${BASE_URL}/`;
    await expect(handler(EVENT)).rejects.toThrow(`Environment variable APPROVAL_BASE_URL is "${BASE_URL}/"; expected an https:// URL without a trailing slash`);
    process.env[ENV.BASE_URL] = 'http://abc123.execute-api.eu-west-1.amazonaws.com/prod';
    await expect(handler(EVENT)).rejects.toThrow(/expected an https:\/\/ URL/);
    noCalls();
  });

  describe('a malformed signing secret is a clear error, before anything is stored or sent', () => {
    test.each<[string, Record<string, unknown>, RegExp]>([
      ['no SecretString (binary secret)', { SecretBinary: new Uint8Array([1, 2]) }, /Signing secret .* has no SecretString; expected JSON \{"current": "<base64 key>"\}/],
      ['not JSON', { SecretString: 'hunter2' }, /^Invalid signing secret: not JSON; expected \{"current": "<base64 key>"/],
      ['no current key', { SecretString: JSON.stringify({ previous: KEY.toString('base64') }) }, /^Invalid signing secret: "current" is missing; expected base64 of at least 32 random bytes/],
      ['a current key too short', { SecretString: JSON.stringify({ current: randomBytes(8).toString('base64') }) }, /^Invalid signing secret: "current" decodes to 8 bytes; expected base64 of at least 32 random bytes/],
    ])('%s', async (_name, secret, message) => {
      secrets.on(GetSecretValueCommand).resolves(secret);
      await expect(handler(EVENT)).rejects.toThrow(message);
      expect(ddb.calls()).toHaveLength(0);
      expect(sns.calls()).toHaveLength(0);
    });
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

describe('the run context approvers are shown', () => {
  test.each([
    ['no execution input', undefined, { type: 'unspecified' }],
    ['an input without trigger', { trainingDataUri: 's3://b/k/' }, { type: 'unspecified' }],
    ['a manual trigger', { trigger: { type: 'manual', reason: 'new features' } }, { type: 'manual', reason: 'new features' }],
    ['a schedule', { trigger: { type: 'schedule', reason: 'due at 2026-11-22T06:00:00Z', time: '2026-11-22T06:00:00Z', eventId: 'e' } },
      { type: 'schedule', reason: 'due at 2026-11-22T06:00:00Z', time: '2026-11-22T06:00:00Z' }],
    ['an alarm given as an object', { trigger: { type: 'drift', alarm: { name: 'a-drift' } } }, { type: 'drift', alarmName: 'a-drift' }],
    ['an unknown type, control characters in the reason', { trigger: { type: 'cron', reason: 'x\u0000\u0085y' } },
      { type: 'unspecified', reason: 'x y' }],
  ])('%s: the stored trigger keeps only what it says', (_name, executionInput, expected) => {
    expect(validate({ ...EVENT, executionInput }).trigger).toEqual(expected);
  });

  test('an event without the run context (a pipeline definition from before it was sent) is stored without it, not refused', async () => {
    const { evaluationDataUri, executionInput, deployment, ...older } = EVENT;
    expect([evaluationDataUri, executionInput, deployment].every(Boolean)).toBe(true);
    await handler({ ...older, approvers: ['alice@example.com'] });
    const item = ddb.commandCalls(PutCommand)[0].args[0].input.Item as Record<string, unknown>;
    expect([item.evaluationDataUri, item.trigger, item.deployment]).toEqual([undefined, undefined, undefined]);
    expect(publishes()[0].Message).toContain('Approving deploys to: not recorded\nTriggered by: not recorded\nEvaluation data: not recorded\n');
  });

  test('a long reason is cut, so one alarm cannot fill the item', () => {
    const reason = validate({ ...EVENT, executionInput: { trigger: { type: 'drift', reason: 'r'.repeat(5000) } } }).trigger?.reason;
    expect(reason).toHaveLength(MAX_TRIGGER_REASON);
    expect(reason?.endsWith('...')).toBe(true);
  });

  test('a serverless target keeps only its own fields; the message names it', async () => {
    const serverless = { endpointName: 'mlops-dev-churn', mode: 'serverless', memoryMb: 2048, maxConcurrency: 5, instanceType: 'ml.m5.large' };
    expect(validate({ ...EVENT, deployment: serverless }).deployment)
      .toEqual({ endpointName: 'mlops-dev-churn', mode: 'serverless', memoryMb: 2048, maxConcurrency: 5 });
    await handler({ ...EVENT, approvers: ['alice@example.com'], deployment: serverless, executionInput: {} });
    expect(publishes()[0].Message)
      .toContain('Approving deploys to: endpoint mlops-dev-churn (serverless, 2048 MB)\nTriggered by: not stated in the execution input\n');
  });

  test('the payload the synthesized prod pipeline sends passes validation with its trigger, evaluation data and deployment target', async () => {
    const { models } = await import('../fixtures/config');
    const { buildTestApp } = await import('../helpers');
    const { definitionOf, INPUT, overrides, run } = await import('../pipelines/fixtures');
    const prod = definitionOf(buildTestApp({ env: 'prod' }, { models, modelsSource: 'config/models.ts' }).stacks.models.churn);
    const input = { ...INPUT, trigger: { type: 'drift', alarmName: 'mlops-prod-churn-drift', time: '2026-11-22T08:55:00Z' } };
    const decided = {
      decision: 'rejected', approver: 'a@example.com', comment: 'no', decidedAt: '2026-11-22T12:00:00.000Z',
      requestId: 'r', recordUri: 's3://a/b.json',
    };
    const result = await run(prod, input, { overrides: { ...overrides(0.96), RequestApproval: decided } });
    const payload = (result.taskInputs.RequestApproval[0] as { Payload: Record<string, unknown> }).Payload;
    const checked = validate(payload);
    expect(checked.trigger).toEqual({ type: 'drift', alarmName: 'mlops-prod-churn-drift', time: '2026-11-22T08:55:00Z' });
    expect(checked.evaluationDataUri).toMatch(/^s3:\/\/.+\/test\/$/);
    expect(checked.deployment).toEqual(expect.objectContaining({
      endpointName: 'mlops-prod-churn', mode: 'realtime', instanceType: expect.stringMatching(/^ml\./), instanceCount: expect.any(Number),
      rollout: expect.objectContaining({ strategy: expect.stringMatching(/^(canary|linear|all-at-once)$/) }),
      rollbackAlarmNames: expect.arrayContaining([expect.any(String)]),
    }));
    // Without a trigger in the input the state does not fail: the page says it was not stated.
    const bare = await run(prod, { trainingDataUri: INPUT.trainingDataUri }, { overrides: { ...overrides(0.96), RequestApproval: decided } });
    expect(validate((bare.taskInputs.RequestApproval[0] as { Payload: unknown }).Payload).trigger).toEqual({ type: 'unspecified' });
  }, 60_000);
});
