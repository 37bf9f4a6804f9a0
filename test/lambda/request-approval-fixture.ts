/** The approval request's test fixture: mocked clients, the pipeline's event, and checks of the links and messages. */
import { createHash, createHmac, randomBytes } from 'crypto';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ENV } from '../../contracts/approval';
import { verifyLink } from '../../lambda/shared/approval/links';

export const ddb = mockClient(DynamoDBDocumentClient);
export const sns = mockClient(SNSClient);
export const secrets = mockClient(SecretsManagerClient);

export const KEY = randomBytes(32);
export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:mlops-dev-approval-AbCdEf';
export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:mlops-dev-approvals';
export const BASE_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
export const TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAAU${'x'.repeat(300)}TOKEN-SECRET-MARKER`;
export const NOW = 1_795_000_000; // 2026-11-18T...
export const REQUEST_ID = createHash('sha256').update(TOKEN).digest('base64url').slice(0, 32);
export const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:mlops-dev-churn-training:run-42';
export const PACKAGE = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/7';
export const APPROVED_PACKAGE = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/6';
export const EVIDENCE = {
  metric: 'auc',
  candidateValue: 0.91,
  approvedValue: 0.89,
  approvedModelPackageArn: APPROVED_PACKAGE,
  metrics: { auc: 0.91, accuracy: 0.8, rmse: 0.3, samples: 1000 },
  trainingDataUri: 's3://curated-bucket/churn/2026-11-22/',
  trainingDataManifestUri: 's3://artifacts-bucket/models/churn/runs/run-42/data-manifest.json',
  trainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/churn-t1234',
};
export const DEPLOYMENT = {
  endpointName: 'mlops-dev-churn', mode: 'realtime', instanceType: 'ml.m5.large', instanceCount: 2,
  autoscaling: { minInstances: 2, maxInstances: 4 },
  rollout: { strategy: 'canary', trafficPercent: 25, waitSeconds: 600, terminationWaitSeconds: 300, maximumExecutionTimeoutSeconds: 3600 },
  rollbackAlarmNames: ['mlops-dev-churn-5xx', 'mlops-dev-churn-latency'],
};
export const STORED_TRIGGER = {
  type: 'drift', alarmName: 'mlops-dev-churn-drift', reason: 'Threshold Crossed: 1 datapoint [0.31] was greater than the threshold (0.2).',
  time: '2026-11-22T08:55:00.000Z',
};
export const EVENT = {
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
export const EXPIRES = NOW + 86_400;

/** What a link must carry, per the contract: base64url HMAC-SHA256 of `requestId\napprover\nexpires`. */
export function expectValidLink(link: string, approver: string, expires = EXPIRES): void {
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

export const publishes = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
export const linkIn = (message: string | undefined): string => {
  const links: string[] = (message ?? '').match(/https:\/\/\S+/g) ?? [];
  expect(links).toHaveLength(1);
  return links[0];
};
export const noCalls = (): void => {
  expect(ddb.calls()).toHaveLength(0);
  expect(sns.calls()).toHaveLength(0);
  expect(secrets.calls()).toHaveLength(0);
};

/** Resets the mocks, the environment and the clock around every test of the calling file. */
export function useRequestApprovalFixture(): void {
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
}
