import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import 'aws-sdk-client-mock-jest';
import { main } from '../../../tools/audit/main';
import { NOW } from '../../../scripts/audit-samples/lineage-history';
import { awsError, noise } from '../../../scripts/audit-samples/fake-aws';
import { audit, aws, BUCKET, json, useLineageWorld } from './lineage-fixture';

useLineageWorld();

describe('CloudTrail pagination', () => {
  test('12 pages of event history are read; the calls on the last page are found; progress on standard error', async () => {
    // GIVEN 575 UpdateEndpoint calls of other endpoints, newer than ours: with ours, 576 events, 12 pages of 50
    aws.events.push(...noise(575, '2026-11-29T12:00:00.000Z'));

    const { code, report, stderr } = await json();

    expect(code).toBe(0);
    const updates = aws.cloudtrail.commandCalls(LookupEventsCommand).filter((c) => c.args[0].input.LookupAttributes?.[0].AttributeValue === 'UpdateEndpoint');
    expect(updates).toHaveLength(12);
    expect(updates.map((c) => c.args[0].input.NextToken)).toEqual([undefined, ...Array.from({ length: 11 }, (_, i) => `page-token-${(i + 1) * 50}`)]);
    expect(updates[0].args[0].input).toEqual(expect.objectContaining({ StartTime: new Date('2026-09-02T09:00:00.000Z'), EndTime: new Date(NOW), MaxResults: 50 }));
    expect(aws.cloudtrail).toHaveReceivedCommandTimes(LookupEventsCommand, 14); // plus one page each of CreateEndpoint and DeleteEndpoint
    expect(report.history.filter((h) => h.source === 'cloudtrail').map((h) => h.what)).toEqual(['CreateEndpoint', 'UpdateEndpoint', 'UpdateEndpoint']);
    expect(stderr).toContain('Reading CloudTrail UpdateEndpoint events since 2026-09-02: page 1, 50 events, 0 for mlops-prod-churn\n');
    expect(stderr).toContain('Reading CloudTrail UpdateEndpoint events since 2026-09-02: page 12, 577 events, 2 for mlops-prod-churn\n');
  });

  test('--quiet: no progress lines', async () => {
    aws.events.push(...noise(120, '2026-11-29T12:00:00.000Z'));
    const { stderr } = await audit('--quiet');
    expect(stderr).toBe('');
  });
});

describe('the audit cannot run (exit 2)', () => {
  test('access denied: the action and the resource are named', async () => {
    aws.fail('GetObjectRetention', awsError('AccessDenied', 'User: arn:aws:sts::111122223333:assumed-role/mlops-prod-auditor/jane.doe@example.com is not authorized to perform: s3:GetObjectRetention', 403));
    const { code, stdout, stderr } = await audit();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`mlops-audit: Access denied: s3:GetObjectRetention on arn:aws:s3:::${BUCKET}/lineage/mlops-prod-churn/churn-2026-11-22/30-deployed.json (version churn-2026-11-22-deployment-v1). `
      + 'AWS said: User: arn:aws:sts::111122223333:assumed-role/mlops-prod-auditor/jane.doe@example.com is not authorized to perform: s3:GetObjectRetention '
      + 'The auditor policy (docs/auditing.md, "Getting access") grants every action the command needs; ask your platform team to attach it to your role.\n');
  });

  test('access denied on CloudTrail and on SageMaker', async () => {
    aws.fail('LookupEvents', awsError('AccessDeniedException', 'User is not authorized to perform: cloudtrail:LookupEvents', 400));
    expect((await audit()).stderr).toMatch(/^mlops-audit: Access denied: cloudtrail:LookupEvents on event history \(CreateEndpoint, 2026-09-02T09:00:00.000Z to 2026-12-01T09:00:00.000Z\)\. /);
    aws.failures.clear();
    aws.fail('DescribeEndpoint', awsError('AccessDeniedException', 'not authorized', 400));
    expect((await audit()).stderr).toMatch(/^mlops-audit: Access denied: sagemaker:DescribeEndpoint on arn:aws:sagemaker:eu-west-1:111122223333:endpoint\/mlops-prod-churn\. /);
  });

  test('missing credentials', async () => {
    aws.fail('GetCallerIdentity', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { code, stderr } = await audit();
    expect(code).toBe(2);
    expect(stderr).toBe('mlops-audit: No AWS credentials found. Sign in first (for example `aws sso login --profile <auditor profile>` and `export AWS_PROFILE=<auditor profile>`, '
      + 'or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then run the command again. (Could not load credentials from any providers)\n');
    expect(aws.calls('ListObjectsV2')).toHaveLength(0);
  });

  test('expired credentials', async () => {
    aws.fail('GetCallerIdentity', awsError('ExpiredToken', 'The security token included in the request is expired', 403));
    expect((await audit()).stderr).toMatch(/^mlops-audit: Your AWS credentials were refused \(ExpiredToken\): they are expired or invalid\./);
  });

  test('an unknown model: no records and no package group', async () => {
    let stdout = '';
    let stderr = '';
    const code = await main(['lineage', '--model', 'chrun', '--env', 'prod', '--region', 'eu-west-1', '--audit-bucket', BUCKET], {
      stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, now: () => new Date(NOW),
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`mlops-audit: Unknown model "chrun" in namespace "mlops", environment "prod" (eu-west-1): there are no lineage records under s3://${BUCKET}/lineage/mlops-prod-chrun/ `
      + 'and no model package group mlops-prod-chrun. Check --model, --env, --namespace and --region.\n');
  });

  test('a known model without any lineage record is a finding, not an error', async () => {
    for (const key of [...aws.objects.keys()].filter((k) => k.includes('/lineage/'))) aws.objects.delete(key);
    const { code, report } = await json();
    expect(code).toBe(1);
    expect(report.findings[0]).toEqual(expect.objectContaining({ code: 'NO_LINEAGE_RECORDS', message: `Model package group mlops-prod-churn exists, but there is no lineage record under s3://${BUCKET}/lineage/mlops-prod-churn/.` }));
  });

  test('an endpoint that does not exist', async () => {
    const { code, stderr } = await audit('--endpoint', 'mlops-prod-churn-old');
    expect(code).toBe(2);
    expect(stderr).toBe('mlops-audit: Endpoint mlops-prod-churn-old does not exist in eu-west-1 (it may have been deleted). To audit what it served in the past, add --at TIME; to audit another endpoint, pass --endpoint NAME.\n');
  });

  test('bad arguments', async () => {
    let stderr = '';
    const code = await main(['lineage', '--model', 'churn'], { stdout: { write: () => undefined }, stderr: { write: (t: string) => { stderr += t; } } });
    expect(code).toBe(2);
    expect(stderr).toBe('mlops-audit: --env: got nothing; expected an environment name: lower-case letters, digits and hyphens, at most 16 characters\nRun "mlops-audit --help" for the options.\n');
  });
});

describe('--help', () => {
  test('prints the usage, the options and the exit codes, and exits 0 without calling AWS', async () => {
    let stdout = '';
    const code = await main(['--help'], { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: () => undefined } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^mlops-audit: read the lineage of a deployed model/);
    for (const option of ['--model NAME', '--env ENV', '--namespace NS', '--endpoint NAME', '--at ISO-TIME', '--format FORMAT', '--output FILE', '--region REGION', '--audit-bucket NAME']) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toContain('  1  findings: something is missing or inconsistent');
    expect(aws.calls('GetCallerIdentity')).toHaveLength(0);
  });
});
