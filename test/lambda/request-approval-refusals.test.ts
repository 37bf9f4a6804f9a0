import { randomBytes } from 'crypto';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/request-approval';
import { ENV } from '../../contracts/approval';
import {
  BASE_URL, ddb, DEPLOYMENT, EVENT, EVIDENCE, KEY, noCalls, secrets, sns, TOKEN, useRequestApprovalFixture,
} from './request-approval-fixture';

useRequestApprovalFixture();

describe('request-approval', () => {
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
});
