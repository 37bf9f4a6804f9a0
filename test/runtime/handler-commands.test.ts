import { join } from 'path';
import { commandsOf, HANDLER_CALL_TABLES, handlerFolders, LAMBDA_ROOT, uncoveredCommands } from './handler-commands';
import { HandlerCallInput, HandlerCallTable, RuntimeCall } from './types';

const FIXTURES = join(__dirname, 'fixtures', 'lambda');
const AWS = { partition: 'aws', region: 'eu-west-1', account: '111122223333' };
const DATA_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/data';
const AUDIT_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/audit';
const SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Pipeline1A2B';
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:Pipeline1A2B:drift_2026-12-06';

/** Keys by bucket name or resource ARN prefix, as the check's policy index answers. */
const keyOf = (arn: string): string | undefined => {
  if (/^arn:aws:s3:::(curated|artifacts|capture)\b/.test(arn) || arn.includes(':secret:') || arn.includes(':table/')) return DATA_KEY;
  if (arn.startsWith('arn:aws:s3:::audit') || arn.includes(':sns:')) return AUDIT_KEY;
  return undefined;
};

function input(variables: Record<string, string>, events: unknown[] = []): HandlerCallInput {
  return { aws: AWS, variables, functionName: 'fn-1', events, keyOf };
}

function calls(table: HandlerCallTable, command: string, i: HandlerCallInput): RuntimeCall[] {
  return table[command](i);
}

describe('commandsOf', () => {
  test('follows relative, shared, dynamic and re-exported imports; reads aliases, namespaces and paginators; skips type-only imports', () => {
    expect(Object.fromEntries(commandsOf(join(FIXTURES, 'sample-handler')))).toEqual({
      CopyObjectCommand: ['test/runtime/fixtures/lambda/shared/copy.ts'],
      DeleteObjectCommand: ['test/runtime/fixtures/lambda/sample-handler/index.ts'],
      HeadObjectCommand: ['test/runtime/fixtures/lambda/sample-handler/list.ts'],
      ListObjectsV2Command: ['test/runtime/fixtures/lambda/sample-handler/list.ts'],
    });
  });

  test('finds the lib-dynamodb document commands and the commands of a handler\'s own modules', () => {
    const page = commandsOf(join(LAMBDA_ROOT, 'approval-page'));
    expect(page.get('SendTaskSuccessCommand')).toEqual(['lambda/approval-page/delivery.ts']);
    expect(page.get('GetCommand')).toEqual(['lambda/approval-page/decide.ts', 'lambda/approval-page/delivery.ts']);
    expect(commandsOf(join(LAMBDA_ROOT, 'drift-job')).get('InvokeCommand')).toEqual(['lambda/drift-job/self-invoke.ts']);
    expect([...commandsOf(join(LAMBDA_ROOT, 'retrain-trigger')).keys()]).toContain('TransactWriteCommand');
  });
});

describe('uncoveredCommands', () => {
  test('every command the handlers send has a table entry, and every entry is sent', () => {
    expect(handlerFolders()).toEqual(Object.keys(HANDLER_CALL_TABLES).sort());
    expect(uncoveredCommands()).toEqual([]);
  });

  test('a command without a table entry, an entry the code does not send, and a table without a handler are each reported', () => {
    const none = () => [];
    const tables = {
      'sample-handler': { CopyObjectCommand: none, DeleteObjectCommand: none, HeadObjectCommand: none, GetObjectCommand: none },
      'gone-handler': {},
    };
    expect(uncoveredCommands(FIXTURES, tables)).toEqual([
      { handler: 'sample-handler', command: 'ListObjectsV2Command', problem: 'sent without a table entry',
        files: ['test/runtime/fixtures/lambda/sample-handler/list.ts'] },
      { handler: 'sample-handler', command: 'GetObjectCommand', problem: 'in the table but not sent' },
      { handler: 'gone-handler', problem: 'call table without a handler' },
    ]);
  });

  test('a handler without a call table is reported', () => {
    expect(uncoveredCommands(FIXTURES, {})).toEqual([expect.objectContaining({ handler: 'sample-handler',
      problem: 'handler without a call table' })]);
  });
});

describe('call tables', () => {
  test('snapshot: ListObjectVersions is s3:ListBucketVersions with s3:prefix; the manifest write uses the key, context the bucket ARN', () => {
    const i = input({}, [{ dataUri: 's3://curated/churn/2026-11-22/', manifestUri: 's3://artifacts/models/churn/runs/x/data-manifest.json' }]);
    const table = HANDLER_CALL_TABLES['snapshot-training-data'];
    expect(calls(table, 'ListObjectVersionsCommand', i)).toEqual([expect.objectContaining({
      action: 's3:ListBucketVersions', resource: 'arn:aws:s3:::curated', context: { 's3:prefix': 'churn/2026-11-22/' } })]);
    expect(calls(table, 'PutObjectCommand', i)).toEqual([
      expect.objectContaining({ action: 's3:PutObject', resource: 'arn:aws:s3:::artifacts/models/churn/runs/x/data-manifest.json' }),
      expect.objectContaining({ action: 'kms:GenerateDataKey', resource: DATA_KEY, context: {
        'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333',
          'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::artifacts' } }),
    ]);
  });

  test('compute-baseline: snapshotted objects are read as s3:GetObjectVersion, the manifest as s3:GetObject; no dataUri fails', () => {
    const event = { manifestUri: 's3://artifacts/r/data-manifest.json', predictionsUri: 's3://artifacts/r/predictions.csv',
      baselineUri: 's3://artifacts/r/baseline.json' };
    const table = HANDLER_CALL_TABLES['compute-baseline'];
    const found = calls(table, 'GetObjectCommand', input({}, [{ ...event, manifest: { dataUri: 's3://curated/churn/',
      objects: [{ key: 'churn/a.csv' }] } }]));
    expect(found.map((c) => `${c.action} ${c.resource}`)).toEqual(expect.arrayContaining([
      's3:GetObject arn:aws:s3:::artifacts/r/data-manifest.json',
      's3:GetObjectVersion arn:aws:s3:::curated/churn/a.csv',
      's3:GetObjectVersion arn:aws:s3:::artifacts/r/predictions.csv',
      `kms:Decrypt ${DATA_KEY}`,
    ]));
    expect(found.find((c) => c.action === 'kms:Decrypt' && c.why.includes('training object'))?.context)
      .toMatchObject({ 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::curated' });
    expect(() => calls(table, 'GetObjectCommand', input({}, [event]))).toThrow(/has no manifest.dataUri/);
  });

  test('retrain-trigger: the transaction is authorized as UpdateItem per item; PutMetricData is on "*" with its namespace', () => {
    const i = input({ TABLE_NAME: 'State', STATE_MACHINE_ARN: SM, METRIC_NAMESPACE: 'MLOps/Retraining' });
    const table = HANDLER_CALL_TABLES['retrain-trigger'];
    expect(calls(table, 'TransactWriteCommand', i)).toEqual([expect.objectContaining({
      action: 'dynamodb:UpdateItem', resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/State',
        context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' } })]);
    expect(calls(table, 'PutMetricDataCommand', i)).toEqual([expect.objectContaining({ action: 'cloudwatch:PutMetricData', resource: '*',
      context: { 'cloudwatch:namespace': 'MLOps/Retraining' } })]);
    expect(calls(table, 'StartExecutionCommand', i)[0]).toMatchObject({ action: 'states:StartExecution', resource: SM });
  });

  test('approval page: SendTaskSuccess on the state machine of the request\'s execution; the secret read includes kms:Decrypt with SecretARN', () => {
    const secret = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:Signing-AbCdEf';
    const variables = { APPROVAL_TABLE_NAME: 'Requests', APPROVAL_SECRET_ARN: secret, AUDIT_BUCKET_NAME: 'audit-1',
      DECISION_PREFIX: 'decisions/p-dev-churn/' };
    const table = HANDLER_CALL_TABLES['approval-page'];
    const i = input(variables, [{ executionArn: EXECUTION, taskToken: 'token' }]);
    expect(calls(table, 'SendTaskSuccessCommand', i)).toEqual([expect.objectContaining({ action: 'states:SendTaskSuccess', resource: SM })]);
    expect(calls(table, 'GetSecretValueCommand', i)).toEqual([
      expect.objectContaining({ action: 'secretsmanager:GetSecretValue', resource: secret }),
      expect.objectContaining({ action: 'kms:Decrypt', resource: DATA_KEY, context: expect.objectContaining({
        'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com', 'kms:EncryptionContext:SecretARN': secret }) }),
    ]);
    expect(calls(table, 'PutObjectCommand', i)[0].resource).toMatch(/^arn:aws:s3:::audit-1\/decisions\/p-dev-churn\/[A-Za-z0-9_-]{32}\.json$/);
    expect(calls(table, 'GetCommand', i)).toEqual([expect.objectContaining({ action: 'dynamodb:GetItem',
      resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Requests' })]);
    expect(() => calls(table, 'SendTaskSuccessCommand', input(variables, []))).toThrow(/needs the stored approval requests/);
  });

  test('request-approval: publishing to the encrypted topic also generates and decrypts the data key through SNS', () => {
    const topic = 'arn:aws:sns:eu-west-1:111122223333:Approvals';
    const found = calls(HANDLER_CALL_TABLES['request-approval'], 'PublishCommand', input({ APPROVAL_TOPIC_ARN: topic }));
    expect(found.map((c) => `${c.action} ${c.resource}`)).toEqual([`sns:Publish ${topic}`, `kms:GenerateDataKey ${AUDIT_KEY}`,
      `kms:Decrypt ${AUDIT_KEY}`]);
    expect(found[1].context).toMatchObject({ 'kms:ViaService': 'sns.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:sns:topicArn': topic });
  });

  test('endpoint housekeeping: deregistering is conditioned on namespace and dimension and reads the endpoint; cleanup deletes by prefix', () => {
    const idle = HANDLER_CALL_TABLES['endpoint-idle-stop'];
    expect(calls(idle, 'DeregisterScalableTargetCommand', input({ ENDPOINT_NAME: 'P-Dev-Churn' }))).toEqual([
      expect.objectContaining({ action: 'application-autoscaling:DeregisterScalableTarget',
        resource: expect.stringMatching(/^arn:aws:application-autoscaling:eu-west-1:111122223333:scalable-target\//),
        context: { 'application-autoscaling:service-namespace': 'sagemaker',
          'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount' } }),
      expect.objectContaining({ action: 'sagemaker:DescribeEndpoint', resource: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/p-dev-churn' }),
    ]);
    const cleanup = HANDLER_CALL_TABLES['endpoint-cleanup'];
    const event = { RequestType: 'Delete', ResourceProperties: { EndpointName: 'p-dev-churn', ResourcePrefix: 'p-dev-churn--' } };
    expect(calls(cleanup, 'DeleteEndpointConfigCommand', input({},
      [event]))[0].resource).toBe('arn:aws:sagemaker:eu-west-1:111122223333:endpoint-config/p-dev-churn--c0123456789ab');
    expect(calls(cleanup, 'ListModelsCommand', input({}, [event]))[0]).toMatchObject({ action: 'sagemaker:ListModels', resource: '*' });
    expect(() => calls(cleanup, 'DeleteModelCommand', input({}, [{ ...event, RequestType: 'Create' }]))).toThrow(/no event is a Delete request/);
  });

  test('record-lineage: the record key follows the milestone; the reads use the names in the pipeline state', () => {
    const table = HANDLER_CALL_TABLES['record-lineage'];
    const i = input({ AUDIT_BUCKET_NAME: 'audit-1', LINEAGE_PREFIX: 'lineage/p-dev-churn/' }, [
      { milestone: 'registered', executionArn: EXECUTION, state: { training: { jobName: 'p-dev-churn--t1' },
        registration: { modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/p-dev-churn/1' } } },
    ]);
    expect(calls(table, 'PutObjectCommand', i)[0].resource).toBe('arn:aws:s3:::audit-1/lineage/p-dev-churn/drift_2026-12-06/10-registered.json');
    expect(calls(table, 'DescribeTrainingJobCommand', i)).toEqual([expect.objectContaining({ action: 'sagemaker:DescribeTrainingJob',
      resource: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/p-dev-churn--t1' })]);
    expect(calls(table, 'DescribeModelPackageCommand', i)[0].resource).toBe('arn:aws:sagemaker:eu-west-1:111122223333:model-package/p-dev-churn/1');
    expect(calls(table, 'DescribeEndpointCommand', i)).toEqual([]);
  });

  test('drift-job: lists a captured hour with its prefix, may list the pointer\'s key, and invokes itself', () => {
    const table = HANDLER_CALL_TABLES['drift-job'];
    const i = { ...input({ MODEL_NAME: 'churn', POINTER_URI: 's3://artifacts/models/churn/serving/current.json', CAPTURE_BUCKET: 'capture',
      CAPTURE_PREFIX: 'churn/',
      STATE_PREFIX_URI: 's3://artifacts/models/churn/drift/state/', METRIC_NAMESPACE: 'MLOps/Drift' }), functionName: 'drift-fn' };
    expect(calls(table, 'ListObjectsV2Command', i)).toEqual([expect.objectContaining({ action: 's3:ListBucket', resource: 'arn:aws:s3:::capture',
      context: { 's3:prefix': 'churn/churn/AllTraffic/2026/12/06/00/' } })]);
    expect(calls(table, 'GetObjectCommand', i)).toContainEqual(expect.objectContaining({ action: 's3:ListBucket',
      resource: 'arn:aws:s3:::artifacts', context: { 's3:prefix': 'models/churn/serving/current.json' } }));
    expect(calls(table, 'InvokeCommand', i)).toEqual([expect.objectContaining({ action: 'lambda:InvokeFunction',
      resource: 'arn:aws:lambda:eu-west-1:111122223333:function:drift-fn' })]);
  });

  test('record-decision: the key names the kind and the execution', () => {
    const found = calls(HANDLER_CALL_TABLES['record-decision'], 'PutObjectCommand', input({ AUDIT_BUCKET_NAME: 'audit-1',
      DECISION_PREFIX: 'decisions/p/' }, [{ executionArn: EXECUTION, kind: 'timeout' }]));
    expect(found.map((c) => `${c.action} ${c.resource}`)).toEqual(['s3:PutObject arn:aws:s3:::audit-1/decisions/p/timeout-drift_2026-12-06.json',
      `kms:GenerateDataKey ${AUDIT_KEY}`]);
  });
});
