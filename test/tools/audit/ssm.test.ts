import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../../tools/audit/main';
import { NOW } from '../../../scripts/audit-samples/lineage-history';
import { awsError, FakeAws, prodWorld } from '../../../scripts/audit-samples/fake-aws';

/** Without --audit-bucket the command reads the platform's SSM parameter (answered here like SSM, never called). */
const parameters = new Map<string, string>();
const names: string[] = [];
const ssm = mockClient(SSMClient);

const aws = new FakeAws();

async function audit(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['lineage', '--model', 'churn', '--region', 'eu-west-1', '--format', 'json', ...args], {
    stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, now: () => new Date(NOW),
  });
  return { code, stdout, stderr };
}

beforeEach(() => {
  aws.reset();
  ssm.reset();
  ssm.on(GetParameterCommand).callsFake(async (input: { Name: string }) => {
    names.push(input.Name);
    const value = parameters.get(input.Name);
    if (value === 'deny') throw awsError('AccessDeniedException', 'not authorized to perform: ssm:GetParameter', 400);
    if (value === undefined) throw awsError('ParameterNotFound', '', 400);
    return { Parameter: { Name: input.Name, Type: 'String', Value: value } };
  });
  parameters.clear();
  names.length = 0;
});

test('the audit bucket comes from /<namespace>/<env>/platform/audit-bucket-arn', async () => {
  const { v14 } = prodWorld(aws);
  parameters.set('/mlops/prod/platform/audit-bucket-arn', `arn:aws:s3:::${v14.buckets.audit}`);
  const { code, stdout } = await audit('--env', 'prod');
  expect(code).toBe(0);
  expect(names).toEqual(['/mlops/prod/platform/audit-bucket-arn']);
  expect(JSON.parse(stdout).subject.auditBucket).toBe(v14.buckets.audit);
});

test('no parameter: no platform for that namespace and environment', async () => {
  const { stderr, code } = await audit('--env', 'qa', '--namespace', 'acme');
  expect(code).toBe(2);
  expect(stderr).toBe('mlops-audit: There is no platform for namespace "acme" and environment "qa" in eu-west-1: the SSM parameter /acme/qa/platform/audit-bucket-arn does not exist. Check --namespace, --env and --region.\n');
});

test('access denied names ssm:GetParameter and the parameter ARN', async () => {
  parameters.set('/mlops/prod/platform/audit-bucket-arn', 'deny');
  const { stderr, code } = await audit('--env', 'prod');
  expect(code).toBe(2);
  expect(stderr).toMatch(/^mlops-audit: Access denied: ssm:GetParameter on arn:aws:ssm:eu-west-1:111122223333:parameter\/mlops\/prod\/platform\/audit-bucket-arn\. /);
});
