import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/record-decision';

const s3 = mockClient(S3Client);
const EVENT = {
  executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:churn:exec-1',
  model: 'churn', environment: 'dev', modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/3',
  evidence: { metric: 'auc', candidateValue: 0.91, metrics: { auc: 0.91 }, trainingDataUri: 's3://c/churn/', trainingDataManifestUri: 's3://a/m.json', trainingJobArn: 'arn:t' },
};

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  process.env.AUDIT_BUCKET_NAME = 'audit-bucket';
  process.env.DECISION_PREFIX = 'decisions/mlops-dev-churn/';
});

test('writes an automatic approval record keyed by the execution, and returns the decision', async () => {
  const result = await handler(EVENT);
  expect(result).toEqual(expect.objectContaining({ decision: 'approved', approver: 'automatic approval (environment dev)', recordUri: 's3://audit-bucket/decisions/mlops-dev-churn/auto-exec-1.json' }));
  const body = JSON.parse(String(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body));
  expect(body).toEqual(expect.objectContaining({ schemaVersion: 1, model: 'churn', modelPackageArn: EVENT.modelPackageArn, evidence: EVENT.evidence, decision: 'approved' }));
  expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'audit-bucket', Key: 'decisions/mlops-dev-churn/auto-exec-1.json', ContentType: 'application/json' });
});

test('a gate timeout is recorded as a rejection by nobody, with the reason', async () => {
  const result = await handler({ ...EVENT, kind: 'timeout', comment: 'no decision within 3 days: rejected automatically' });
  expect(result).toEqual(expect.objectContaining({ decision: 'rejected', approver: 'nobody', comment: 'no decision within 3 days: rejected automatically', recordUri: 's3://audit-bucket/decisions/mlops-dev-churn/timeout-exec-1.json' }));
});

test.each([
  [{ ...EVENT, kind: 'manual' }, /kind is "manual"; expected "automatic" or "timeout"/],
  [{ ...EVENT, kind: 'timeout' }, /comment is missing; expected a non-empty string/],
  [null, /event is null; expected an object/],
  [{ ...EVENT, model: '' }, /model is ""; expected a non-empty string/],
  [{ ...EVENT, evidence: undefined }, /evidence is missing; expected an object/],
])('malformed event is refused before any write: %j', async (event, message) => {
  await expect(handler(event)).rejects.toThrow(message);
  expect(s3.calls()).toHaveLength(0);
});
