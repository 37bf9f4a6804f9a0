/**
 * The demo approval request, its signed links, and AWS faked in-process with aws-sdk-client-mock (an
 * in-memory approvals table, audit bucket, Step Functions task and signing secret), for the local
 * approval-page server and the approval-page tests.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { ApprovalRequest, ENV } from '../contracts/approval';
import { buildLink } from '../contracts/approval-link';
import { signLink } from '../lambda/shared/approval/links';
import { updateItem as applyUpdate, UpdateInput } from './dynamodb-update-fake';

/** A fixed, obviously-not-secret key for local runs and tests (32 bytes). */
export const DEMO_SIGNING_KEY = Buffer.from('approval-page local demo key: not a secret', 'utf8');
/** The ARN of the faked signing-key secret. */
export const DEMO_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:approval-signing-demo';
/** The approval page's environment variables for the demo (table, bucket, secret). */
export const DEMO_ENV: Readonly<Record<string, string>> = {
  [ENV.TABLE_NAME]: 'approvals-demo',
  [ENV.SECRET_ARN]: DEMO_SECRET_ARN,
  [ENV.AUDIT_BUCKET]: 'audit-demo-bucket',
  [ENV.DECISION_PREFIX]: 'decisions/mlops-prod-churn/',
};

/** An approval request as request-approval stores it (times relative to `nowSeconds`). */
export function demoRequest(nowSeconds: number, overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const requestedAt = nowSeconds - 15 * 60;
  const expiresAt = nowSeconds + 3 * 24 * 3600;
  return {
    requestId: 'dGhpcy1pcy1hLWRlbW8tcmVxdWVzdC1p',
    taskToken: 'DEMO-TASK-TOKEN-never-rendered-or-logged-0123456789',
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:mlops-prod-churn-training:run-2026-11-22-0900',
    model: 'churn',
    environment: 'prod',
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-churn/14',
    approvers: ['alice@example.com', 'bob@example.com'],
    evidence: {
      metric: 'auc',
      candidateValue: 0.9134,
      approvedValue: 0.8971,
      approvedModelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-churn/12',
      // The metrics pipelines/scripts/evaluate.py writes.
      metrics: { auc: 0.9134, accuracy: 0.8712, rmse: 0.3127, samples: 200 },
      trainingDataUri: 's3://mlops-prod-curated/churn/2026-11-22/',
      trainingDataManifestUri: 's3://mlops-prod-artifacts/models/churn/runs/run-2026-11-22-0900/data-manifest.json',
      trainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/churn-run-2026-11-22-0900',
    },
    evaluationDataUri: 's3://mlops-prod-curated/churn/test/',
    trigger: {
      type: 'drift', alarmName: 'mlops-prod-churn-prediction-drift', time: new Date((requestedAt - 3 * 3600) * 1000).toISOString(),
      reason: 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (0.2).',
    },
    deployment: {
      endpointName: 'mlops-prod-churn', mode: 'realtime', instanceType: 'ml.m5.large', instanceCount: 2,
      autoscaling: { minInstances: 2, maxInstances: 4 },
      rollout: { strategy: 'canary', trafficPercent: 25, waitSeconds: 600, terminationWaitSeconds: 300, maximumExecutionTimeoutSeconds: 3300 },
      rollbackAlarmNames: ['mlops-prod-churn-5xx', 'mlops-prod-churn-latency'],
    },
    requestedAt: new Date(requestedAt * 1000).toISOString(),
    expiresAt,
    ttl: expiresAt + 30 * 24 * 3600,
    status: 'PENDING',
    ...overrides,
  };
}

/** `/approvals/<id>?approver=..&expires=..&sig=..` for one approver, signed with `key`. */
export function signedPath(
  request: Pick<ApprovalRequest, 'requestId' | 'expiresAt'>,
  approver: string,
  key: Buffer = DEMO_SIGNING_KEY,
  expires = request.expiresAt,
): string {
  return buildLink('', { requestId: request.requestId, approver, expires, sig: signLink(key, request.requestId, approver, expires) });
}

/** The faked AWS clients and the in-memory approvals table. */
export interface FakeAws {
  /** The approvals table: requestId -> item. */
  readonly items: Map<string, Record<string, unknown>>;
  /** The audit bucket: key -> body. */
  readonly objects: Map<string, string>;
  /** Task tokens that received SendTaskSuccess, with their output. */
  readonly delivered: Map<string, string>;
  readonly ddb: AwsClientStub<DynamoDBDocumentClient>;
  readonly s3: AwsClientStub<S3Client>;
  readonly sfn: AwsClientStub<SFNClient>;
  readonly secrets: AwsClientStub<SecretsManagerClient>;
  /**
   * The in-memory behaviours, to compose overrides: `.on(Command)` replaces a command's behaviour, so
   * e.g. `aws.s3.on(PutObjectCommand).rejectsOnce(error).callsFake(aws.behaviours.putObject)`.
   */
  readonly behaviours: {
    getItem(input: { Key: { requestId: string } }): { Item?: Record<string, unknown> };
    updateItem(input: UpdateInput): object;
    putObject(input: { Key: string; Body: string; IfNoneMatch?: string }): object;
    sendTaskSuccess(input: { taskToken: string; output: string }): object;
  };
  /** Clears the data and every mock's calls and behaviours, then installs the in-memory behaviours again. */
  reset(): void;
  put(request: ApprovalRequest | Record<string, unknown>): void;
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/**
 * Mocks DynamoDB (document client), S3, Step Functions and Secrets Manager with in-memory
 * behaviour close to AWS's: update and condition expressions are evaluated (a failed condition throws
 * ConditionalCheckFailedException), `IfNoneMatch: *` on an existing key throws PreconditionFailed (412),
 * a second SendTaskSuccess for a task throws TaskTimedOut. Tests may override any behaviour with `.on()`.
 */
export function mockApprovalAws(secretString = JSON.stringify({ current: DEMO_SIGNING_KEY.toString('base64') })): FakeAws {
  const items = new Map<string, Record<string, unknown>>();
  const objects = new Map<string, string>();
  const delivered = new Map<string, string>();
  const ddb = mockClient(DynamoDBDocumentClient);
  const s3 = mockClient(S3Client);
  const sfn = mockClient(SFNClient);
  const secrets = mockClient(SecretsManagerClient);

  const getItem = (input: { Key: { requestId: string } }) => ({ Item: clone(items.get(input.Key.requestId)) });
  // The handler's real update and condition expressions, evaluated on the in-memory items (claim, lease, outcome).
  const updateItem = (input: UpdateInput) => applyUpdate(items, 'requestId', input);
  const putObject = (input: { Key: string; Body: string; IfNoneMatch?: string }) => {
    if (input.IfNoneMatch === '*' && objects.has(input.Key)) {
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        message: 'At least one of the pre-conditions you specified did not hold',
        $metadata: { httpStatusCode: 412 },
      });
    }
    objects.set(input.Key, String(input.Body));
    return { ETag: '"demo"' };
  };
  const sendTaskSuccess = (input: { taskToken: string; output: string }) => {
    // Step Functions answers TaskTimedOut for a task that is no longer waiting (already completed or timed out).
    if (delivered.has(input.taskToken)) throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: { httpStatusCode: 400 } });
    delivered.set(input.taskToken, input.output);
    return {};
  };
  const behaviours = { getItem, updateItem, putObject, sendTaskSuccess };

  const install = (): void => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretString });
    ddb.on(GetCommand).callsFake(getItem);
    ddb.on(UpdateCommand).callsFake(updateItem);
    s3.on(PutObjectCommand).callsFake(putObject);
    sfn.on(SendTaskSuccessCommand).callsFake(sendTaskSuccess);
  };
  install();
  return {
    items, objects, delivered, ddb, s3, sfn, secrets, behaviours,
    reset() {
      items.clear();
      objects.clear();
      delivered.clear();
      for (const stub of [ddb, s3, sfn, secrets]) stub.reset();
      install();
    },
    put(request) {
      items.set(String(request.requestId), clone({ ...request }) as Record<string, unknown>);
    },
  };
}
