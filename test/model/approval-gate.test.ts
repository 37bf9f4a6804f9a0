import { Template } from 'aws-cdk-lib/assertions';
import { models } from '../fixtures/config';
import { DELIVERY_LEASE_MS } from '../../lambda/approval-page/delivery';
import { checkModelsAgainstEnvironments } from '../../lib/config/model-schema';
import { defaultConfig } from '../helpers';
import { defaultModelTemplate } from '../helpers/default-app';

type Resource = { Type: string; Properties: any; DeletionPolicy?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

const prod = defaultModelTemplate('prod', 'churn');
const dev = defaultModelTemplate('dev', 'churn');
const one = (t: Template, type: string): Resource => {
  // Only the approval gate's resources (the model has others of the same types, e.g. the retraining state table).
  const found = Object.entries(t.findResources(type) as Record<string, Resource>).filter(([id]) => id.startsWith('ModelApproval')).map(([, r]) => r);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('ApprovalGate (environments requiring a human)', () => {
  test('only where the environment requires a human', () => {
    expect(dev.findResources('AWS::ApiGateway::RestApi')).toEqual({});
    expect(Object.keys(dev.findResources('AWS::DynamoDB::Table')).filter((id) => id.startsWith('ModelApproval'))).toEqual([]);
    prod.resourceCountIs('AWS::ApiGateway::RestApi', 1);
  });

  test('requests table: KMS, point-in-time recovery, TTL, retained, protected against deletion', () => {
    const table = one(prod, 'AWS::DynamoDB::Table');
    expect(table.Properties.SSESpecification).toEqual(expect.objectContaining({ SSEEnabled: true, SSEType: 'KMS' }));
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
  });

  test('signing key in Secrets Manager, KMS-encrypted, with a generated "current" key', () => {
    const secret = one(prod, 'AWS::SecretsManager::Secret');
    expect(secret.Properties.GenerateSecretString).toEqual(expect.objectContaining({ GenerateStringKey: 'current', PasswordLength: 64, SecretStringTemplate: '{}' }));
    // The platform's data key, read from its SSM parameter.
    expect(secret.Properties.KmsKeyId).toEqual({ Ref: expect.any(String) });
    expect(prod.toJSON().Parameters[secret.Properties.KmsKeyId.Ref].Default).toBe('/mlops/prod/platform/data-key-arn');
  });

  test('each approver receives only their own link: e-mail subscriptions filtered on the approver attribute', () => {
    const subs = Object.values(prod.findResources('AWS::SNS::Subscription') as Record<string, Resource>);
    expect(subs.map((s) => [s.Properties.Endpoint, s.Properties.FilterPolicy]).sort()).toEqual([
      ['ml-lead@example.com', { approver: ['ml-lead@example.com'] }],
      ['risk-officer@example.com', { approver: ['risk-officer@example.com'] }],
    ]);
  });

  test('the page API: regional, throttled, access-logged, traced, GET and POST only, no console test permission', () => {
    const stage = one(prod, 'AWS::ApiGateway::Stage');
    expect(stage.Properties.TracingEnabled).toBe(true);
    // Access logs go to the gate's own log group, one JSON line per request with the caller and the status.
    const accessLogs = Object.keys(prod.findResources('AWS::Logs::LogGroup')).filter((id) => id.startsWith('ModelApprovalAccessLogs'));
    expect(accessLogs).toHaveLength(1);
    expect(stage.Properties.AccessLogSetting.DestinationArn['Fn::Join'][1]).toEqual(expect.arrayContaining([':log-group:', { Ref: accessLogs[0] }]));
    expect(JSON.parse(stage.Properties.AccessLogSetting.Format)).toEqual(expect.objectContaining({
      requestId: '$context.requestId', ip: '$context.identity.sourceIp', httpMethod: '$context.httpMethod', status: '$context.status',
    }));
    expect(stage.Properties.MethodSettings).toEqual([expect.objectContaining({
      ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10, HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false,
    })]);
    const methods = Object.values(prod.findResources('AWS::ApiGateway::Method') as Record<string, Resource>).map((m) => m.Properties.HttpMethod).sort();
    expect(methods).toEqual(['GET', 'POST']);
    const permissions = Object.values(prod.findResources('AWS::Lambda::Permission') as Record<string, Resource>)
      .filter((p) => p.Properties.Principal === 'apigateway.amazonaws.com');
    expect(permissions).toHaveLength(2);
    for (const p of permissions) expect(JSON.stringify(p.Properties.SourceArn)).not.toContain('test-invoke-stage');
  });

  test('the page may send task results and write decision records only under its own prefix', () => {
    const policies = Object.values(prod.findResources('AWS::IAM::ManagedPolicy') as Record<string, Resource>)
      .filter((p) => /^Approval page of/.test(p.Properties.Description));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    expect(statements.flatMap((s: { Action: string | string[] }) => s.Action)).toEqual(expect.arrayContaining(['states:SendTaskSuccess', 'dynamodb:UpdateItem', 's3:PutObject']));
    const put = statements.find((s: { Action: string }) => s.Action === 's3:PutObject');
    expect(JSON.stringify(put.Resource)).toContain('/decisions/mlops-prod-churn/*');
    // Task results only for this model's own state machine.
    const send = statements.find((s: { Action: string }) => s.Action === 'states:SendTaskSuccess');
    const machineId = Object.keys(prod.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(send.Resource).toEqual({ Ref: machineId });
  });
});

describe('the page function and its delivery lease', () => {
  test('the function times out before its delivery lease expires, so a lease is never taken over from a running request', () => {
    const functions = Object.values(prod.findResources('AWS::Lambda::Function') as Record<string, Resource>)
      .filter((f) => /^Approval page of/.test(f.Properties.Description));
    expect(functions).toHaveLength(1);
    const timeout = functions[0].Properties.Timeout;
    expect(typeof timeout).toBe('number');
    expect(timeout * 1000).toBeLessThan(DELIVERY_LEASE_MS);
  });
});

describe('approvers and environments', () => {
  test('an environment that requires a human needs approvers for every model', () => {
    const withoutApprovers = models.map(({ approvers: _a, ...m }) => m);
    expect(() => checkModelsAgainstEnvironments(withoutApprovers, defaultConfig().environments, 'config/models.ts'))
      .toThrow(/models\[0\] "churn"\.approvers\.prod: got nothing; expected at least one approver e-mail address, because environment "prod" requires human approval/);
  });

  test('approvers of an unknown environment are a typo', () => {
    const typo = [{ ...models[0], approvers: { prd: ['a@example.com'], prod: ['a@example.com'] } }];
    expect(() => checkModelsAgainstEnvironments(typo, defaultConfig().environments, 'config/models.ts'))
      .toThrow(/models\[0\] "churn"\.approvers\.prd: got an unknown environment; expected one of the environments dev, prod/);
  });
});
