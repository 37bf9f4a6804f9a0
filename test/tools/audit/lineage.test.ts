import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-jest';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../../tools/audit/main';
import type { AuditReport } from '../../../tools/audit/report';
import { NOW } from '../../../scripts/audit-samples/lineage-history';
import { awsError, FakeAws, noise, prodWorld } from '../../../scripts/audit-samples/fake-aws';

/**
 * `mlops-audit lineage` end to end against recorded AWS responses (scripts/audit-samples/fake-aws.ts):
 * the real argument parsing, AWS reads, chain, checks and rendering; only the SDK's `send` is fake.
 */
const aws = new FakeAws();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function audit(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['lineage', '--model', 'churn', '--env', 'prod', '--region', 'eu-west-1', '--audit-bucket', BUCKET, ...args], {
    stdout: { write: (t: string) => { stdout += t; } },
    stderr: { write: (t: string) => { stderr += t; }, isTTY: false },
    now: () => new Date(NOW),
  });
  return { code, stdout, stderr };
}

async function json(...args: string[]): Promise<{ code: number; report: AuditReport; stderr: string }> {
  const run = await audit('--format', 'json', ...args);
  return { code: run.code, report: JSON.parse(run.stdout), stderr: run.stderr };
}

let world: ReturnType<typeof prodWorld>;
let BUCKET: string;

beforeEach(() => {
  aws.reset();
  world = prodWorld(aws);
  BUCKET = world.v14.buckets.audit;
});

describe('a clean chain', () => {
  test('text: the chain from the endpoint to the data versions, the history, the evidence; exit 0', async () => {
    const { code, stdout, stderr } = await audit();

    expect(code).toBe(0);
    expect(stderr).toBe('');
    const { v12, v14, v15 } = world;
    expect(stdout).toContain('Lineage audit: churn in prod\nEndpoint mlops-prod-churn, now (2026-12-01T09:00:00.000Z)\n');
    expect(stdout).toContain(`Read by arn:aws:sts::111122223333:assumed-role/mlops-prod-auditor/jane.doe@example.com (account 111122223333, eu-west-1); 9 lineage records of 3 executions under s3://${BUCKET}/lineage/mlops-prod-churn/`);
    // Each link, in order, with its identity.
    const chain = stdout.slice(stdout.indexOf('Chain\n'), stdout.indexOf('\nConfiguration history'));
    const links = chain.split('\n').filter((l) => /^ {2}\[/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim());
    expect(links).toEqual([
      '[ok] Endpoint mlops-prod-churn',
      `[ok] Endpoint configuration ${v14.endpointConfigName}`,
      `[ok] SageMaker model ${v14.modelName}`,
      `[ok] Model package ${v14.packageArn}`,
      `[ok] Approval record ${v14.decisionUri}`,
      `[ok] Training job ${v14.jobArn}`,
      `[ok] Data manifest ${v14.manifestUri}`,
      '[ok] Data object versions 3 of 3 present',
      `[ok] Deploying execution ${v14.executionArn}`,
    ]);
    for (const fact of [
      'Status: InService',
      `Image (AllTraffic): 141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1 resolved to 141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost@sha256:6b1f`,
      `Variant AllTraffic: model ${v14.modelName}, 1 x ml.m5.large`,
      'Version: mlops-prod-churn version 14',
      'Status: Approved',
      'Decision: approved by ml-lead@example.com at 2026-11-22T11:02:13.412Z',
      'Comment: AUC up on the holdout, calibration unchanged.',
      'Hyperparameters: eval_metric=auc, num_round=200, objective=binary:logistic',
      'Image: 141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1',
      'Instance: 1 x ml.m5.xlarge, spot',
      `Version: ${v14.manifestVersionId}`,
      'Objects: 3 (3144 bytes)',
      'Trigger: manual',
    ]) expect(stdout).toContain(fact);
    // The configuration history: v12 created the endpoint, v14 replaced it, v15 was rolled back.
    const history = stdout.slice(stdout.indexOf('Configuration history'), stdout.indexOf('\nFindings')).trim().split('\n').slice(1).map((l) => l.trim());
    expect(history).toEqual([
      expect.stringMatching(new RegExp(`^2026-11-15T11:03:00.000Z {2}CloudTrail CreateEndpoint {2}${v12.endpointConfigName} {2}by arn:aws:sts::111122223333:assumed-role/.+ {2}\\(recorded\\) {2}-> serving ${v12.endpointConfigName}$`)),
      `2026-11-15T11:20:00.000Z  record deployed  ${v12.endpointConfigName}  by churn-2026-11-15  -> serving ${v12.endpointConfigName}`,
      expect.stringMatching(new RegExp(`^2026-11-22T11:03:00.000Z {2}CloudTrail UpdateEndpoint {2}${v14.endpointConfigName} .+\\(recorded\\) {2}-> serving ${v14.endpointConfigName}$`)),
      `2026-11-22T11:20:00.000Z  record deployed  ${v14.endpointConfigName}  by churn-2026-11-22  -> serving ${v14.endpointConfigName}`,
      expect.stringMatching(new RegExp(`^2026-11-29T11:03:00.000Z {2}CloudTrail UpdateEndpoint {2}${v15.endpointConfigName} .+\\(recorded\\) {2}-> serving ${v15.endpointConfigName}$`)),
      `2026-11-29T11:20:00.000Z  record rollback  ${v15.endpointConfigName}  by churn-2026-11-29  -> serving ${v14.endpointConfigName}`,
    ]);
    expect(stdout).toContain('Findings: no findings');
    expect(stdout).toContain(`CreateTrainingJob  sagemaker.amazonaws.com  ${v14.jobName}  2026-11-22T08:01:10.000Z (training job CreationTime)`);
    expect(stdout).toContain('PutObject  s3.amazonaws.com  arn:aws:s3:::');
    expect(stdout).toContain('S3 data event: trail log files and log group only');
    expect(stdout.trimEnd().split('\n').pop()).toBe('Result: no findings, the chain is complete and consistent (exit 0).');
  });

  test('json: the same audit for tools, with every data version checked and every chain record\'s lock read', async () => {
    const { code, report } = await json();
    expect(code).toBe(0);
    expect(report).toEqual(expect.objectContaining({
      reportVersion: 1,
      generatedAt: NOW,
      readBy: { arn: expect.stringContaining('mlops-prod-auditor'), account: '111122223333', region: 'eu-west-1' },
      subject: { namespace: 'mlops', environment: 'prod', model: 'churn', auditBucket: BUCKET, lineagePrefix: 'lineage/mlops-prod-churn/', endpointName: 'mlops-prod-churn' },
      findings: [],
      records: { total: 9, executions: 3 },
      execution: { arn: world.v14.executionArn, name: 'churn-2026-11-22', startTime: '2026-11-22T08:00:00.000Z', trigger: { type: 'manual' } },
    }));
    expect(report.chain.map((l) => [l.step, l.status])).toEqual([
      ['endpoint', 'ok'], ['endpoint-config', 'ok'], ['model', 'ok'], ['model-package', 'ok'], ['approval', 'ok'],
      ['training-job', 'ok'], ['data-manifest', 'ok'], ['data-versions', 'ok'], ['execution', 'ok'],
    ]);
    expect(report.history.map((h) => [h.source, h.what, h.servingAfter])).toEqual([
      ['cloudtrail', 'CreateEndpoint', world.v12.endpointConfigName], ['record', 'deployed', world.v12.endpointConfigName],
      ['cloudtrail', 'UpdateEndpoint', world.v14.endpointConfigName], ['record', 'deployed', world.v14.endpointConfigName],
      ['cloudtrail', 'UpdateEndpoint', world.v15.endpointConfigName], ['record', 'rollback', world.v14.endpointConfigName],
    ]);
    expect(aws.s3).toHaveReceivedCommandTimes(HeadObjectCommand, 3);
    for (const o of world.v14.dataObjects) expect(aws.s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: world.v14.buckets.curated, Key: o.key, VersionId: o.versionId });
    // Locks of the deployed, registered, approved and decision records.
    expect(aws.calls('GetObjectRetention').map((c) => c.args[0].input.Key)).toEqual([
      'lineage/mlops-prod-churn/churn-2026-11-22/30-deployed.json', 'lineage/mlops-prod-churn/churn-2026-11-22/10-registered.json',
      'lineage/mlops-prod-churn/churn-2026-11-22/20-approved.json', `decisions/mlops-prod-churn/${world.v14.requestId}.json`,
    ]);
    expect(report.cloudTrail.map((r) => r.eventName)).toEqual(['CreateModel', 'CreateEndpointConfig', 'UpdateEndpoint', 'StartExecution', 'CreateTrainingJob', 'PutObject', 'CreateModelPackage', 'UpdateModelPackage']);
    // The recorded endpoint call, made exact by the event history: its real time and request ID.
    expect(report.cloudTrail.find((r) => r.eventName === 'UpdateEndpoint')).toEqual({
      eventSource: 'sagemaker.amazonaws.com', eventName: 'UpdateEndpoint', resourceName: 'mlops-prod-churn', eventTime: '2026-11-22T11:03:00.000Z',
      timeSource: 'CloudTrail event history', requestId: 'c0ffee14-1111-2222-3333-444455556666',
    });
  });

  test('--at between two deployments: the chain of what served then (v12)', async () => {
    const { code, report } = await json('--at', '2026-11-20T12:00:00Z');
    expect(code).toBe(0);
    expect(report.subject.at).toBe('2026-11-20T12:00:00.000Z');
    expect(report.chain.find((l) => l.step === 'endpoint-config')?.name).toBe(world.v12.endpointConfigName);
    expect(report.chain.find((l) => l.step === 'model-package')?.name).toBe(world.v12.packageArn);
    expect(report.chain.find((l) => l.step === 'data-manifest')?.name).toBe(world.v12.manifestUri);
    expect(report.execution?.name).toBe('churn-2026-11-15');
  });

  test('--at before the first deployment: a finding, and no chain past the endpoint', async () => {
    const { code, stdout } = await audit('--at', '2026-11-10T00:00:00Z');
    expect(code).toBe(1);
    expect(stdout).toContain('ERROR AT_BEFORE_FIRST_DEPLOYMENT (Endpoint)');
    expect(stdout).toContain('2026-11-10T00:00:00.000Z is before the first known deployment of mlops-prod-churn (CreateEndpoint at 2026-11-15T11:03:00.000Z).');
    expect(stdout).not.toContain('Model package');
  });

  test('--output writes the report to a file and says so on standard error', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mlops-audit-')), 'report.json');
    const { code, stdout, stderr } = await audit('--format', 'json', '--output', file);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Report written to ${file}: no findings.\n`);
    expect(JSON.parse(readFileSync(file, 'utf8')).findings).toEqual([]);
  });

  test('with nothing deployed, the chain starts at the latest approved package', async () => {
    aws.reset();
    const { v14 } = prodWorld(aws);
    for (const key of [...aws.objects.keys()].filter((k) => /\/3\d-[a-z-]+\.json$/.test(k))) aws.objects.delete(key);
    aws.endpoints.clear();
    const { code, report } = await json();
    expect(code).toBe(0);
    expect(report.subject.endpointName).toBeUndefined();
    expect(report.chain.map((l) => l.step)).toEqual(['model-package', 'approval', 'training-job', 'data-manifest', 'data-versions', 'execution']);
    // v15 is the newest approved package (its deployment was rolled back, but it stays approved).
    expect(report.chain[0].name).toBe(world.v15.packageArn);
    expect(report.notes[0]).toBe('No deployment of churn in prod is recorded: the chain starts at the latest approved model package.');
    expect(v14).toBeDefined();
  });
});

describe('findings (exit 1)', () => {
  test('a missing approval: the package was approved by hand, with no decision record', async () => {
    // GIVEN v14's approval record and decision record are absent, and the package was approved by hand
    const { v14 } = world;
    aws.objects.delete(`${BUCKET}/lineage/mlops-prod-churn/churn-2026-11-22/20-approved.json`);
    aws.objects.delete(`${BUCKET}/decisions/mlops-prod-churn/${v14.requestId}.json`);
    aws.packages.set(v14.packageArn, {
      ...v14.describe.package('approved'), ApprovalDescription: 'approved manually to unblock the release',
      LastModifiedBy: { IamIdentity: { Arn: 'arn:aws:sts::111122223333:assumed-role/AdministratorAccess/bob' } },
    });

    const { code, stdout } = await audit();

    expect(code).toBe(1);
    expect(stdout).toMatch(/\[MISSING\] Approval record\s+not found/);
    expect(stdout).toContain('ERROR NO_APPROVAL_RECORD (Approval record)');
    expect(stdout).toContain(`Model package ${v14.packageArn} has no decision record: no approved lineage record, and its approval description ("approved manually to unblock the release") names none; `
      + 'last changed by arn:aws:sts::111122223333:assumed-role/AdministratorAccess/bob.');
    expect(stdout).toContain('WARNING LINEAGE_RECORD_MISSING (Approval record)');
    expect(stdout).toContain('Why it matters: Every model that serves must have been approved through the gate');
    expect(stdout).toContain('Result: 1 error, 1 warning (exit 1).');
  });

  test('a decision record that rejects, and a package no longer Approved', async () => {
    const { v14 } = world;
    aws.put(BUCKET, `decisions/mlops-prod-churn/${v14.requestId}.json`, { ...v14.decisionRecord, decision: 'rejected' }, 'tampered', {});
    aws.packages.set(v14.packageArn, { ...v14.describe.package('approved'), ModelApprovalStatus: 'Rejected' });
    const { code, report } = await json();
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.code)).toEqual(['PACKAGE_NOT_APPROVED', 'APPROVAL_MISMATCH', 'RECORD_NOT_LOCKED']);
    expect(report.findings[1].message).toBe(`The decision record ${v14.decisionUri} says rejected for ${v14.packageArn}, not approved for ${v14.packageArn}.`);
    expect(report.findings[2].message).toBe(`The decision record ${v14.decisionUri} (version tampered) has no Object Lock retention and no legal hold.`);
  });

  test('a deleted data version: named, counted, and the data link flagged', async () => {
    const { v14 } = world;
    const gone = v14.dataObjects[1];
    aws.deleteVersion(v14.buckets.curated, gone.key, gone.versionId);

    const { code, stdout } = await audit();

    expect(code).toBe(1);
    expect(stdout).toMatch(/\[FLAGGED\] Data object versions\s+2 of 3 present/);
    expect(stdout).toContain(`Missing: ${gone.key} (version ${gone.versionId})`);
    expect(stdout).toContain(`ERROR DATA_VERSION_MISSING (Data object versions)\n    1 of 3 training data object versions no longer exist: s3://${v14.buckets.curated}/${gone.key} version ${gone.versionId}.`);
    expect(stdout).toContain('Result: 1 error (exit 1).');
  });

  test('a record outside Object Lock, and a manifest whose recorded version is gone', async () => {
    const key = `${BUCKET}/lineage/mlops-prod-churn/churn-2026-11-22/10-registered.json`;
    aws.objects.get(key)![0].retention = undefined;
    aws.deleteVersion(world.v14.buckets.artifacts, world.v14.manifestUri.split(`${world.v14.buckets.artifacts}/`)[1], world.v14.manifestVersionId);
    const { code, report } = await json();
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.code, f.step])).toEqual([['DATA_MANIFEST_MISSING', 'data-manifest'], ['RECORD_NOT_LOCKED', 'training-job']]);
    expect(report.findings[1].message).toBe(`The registered record s3://${key} (version churn-2026-11-22-registered-v1) has no Object Lock retention and no legal hold.`);
  });

  test('a legal hold protects a record without retention; an ended retention is a note', async () => {
    const registered = aws.objects.get(`${BUCKET}/lineage/mlops-prod-churn/churn-2026-11-22/10-registered.json`)![0];
    registered.retention = undefined;
    registered.legalHold = true;
    aws.objects.get(`${BUCKET}/lineage/mlops-prod-churn/churn-2026-11-22/20-approved.json`)![0].retention = { mode: 'GOVERNANCE', until: '2026-11-30T00:00:00.000Z' };
    const { code, report } = await json();
    expect(code).toBe(0);
    expect(report.notes).toContain(`The approved record s3://${BUCKET}/lineage/mlops-prod-churn/churn-2026-11-22/20-approved.json (version churn-2026-11-22-approved-v1) was locked (GOVERNANCE) until 2026-11-30T00:00:00.000Z: its retention has ended, as configured.`);
  });

  test('a configuration put in place by hand: unexplained, with the CloudTrail call that did it', async () => {
    aws.endpointConfigs.set('hotfix-config', { EndpointConfigName: 'hotfix-config', CreationTime: new Date('2026-11-30T10:00:00Z'), ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: world.v14.modelName, InitialInstanceCount: 2, InstanceType: 'ml.m5.2xlarge' }] });
    aws.endpoints.set('mlops-prod-churn', { ...world.v15.describe.endpoint, EndpointConfigName: 'hotfix-config', LastModifiedTime: new Date('2026-11-30T10:20:00Z') });
    aws.events.push({
      eventName: 'UpdateEndpoint', eventTime: '2026-11-30T10:05:00.000Z',
      json: {
        eventTime: '2026-11-30T10:05:00Z', eventName: 'UpdateEndpoint', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob' },
        requestParameters: { endpointName: 'mlops-prod-churn', endpointConfigName: 'hotfix-config' }, requestID: 'b0b-request', eventID: 'b0b-event',
      },
    });

    const { code, report } = await json();

    expect(code).toBe(1);
    expect(report.findings.map((f) => f.code)).toEqual(['UNRECORDED_CHANGE', 'UNEXPLAINED_CONFIG']);
    expect(report.findings[0].message).toBe('UpdateEndpoint at 2026-11-30T10:05:00.000Z by arn:aws:iam::111122223333:user/bob put hotfix-config on mlops-prod-churn; no lineage record explains it (CloudTrail request b0b-request).');
    expect(report.findings[1].message).toBe('mlops-prod-churn serves hotfix-config, and no deployment record explains it: UpdateEndpoint at 2026-11-30T10:05:00.000Z by arn:aws:iam::111122223333:user/bob.');
    expect(report.chain.find((l) => l.step === 'endpoint-config')?.status).toBe('flagged');
    // The chain still follows the model to its package, and that package's own lineage.
    expect(report.chain.find((l) => l.step === 'model-package')?.name).toBe(world.v14.packageArn);
  });

  test('a SageMaker model not created from a package, and a training job whose image differs from its record', async () => {
    aws.models.set(world.v14.modelName, { ...world.v14.describe.model, PrimaryContainer: { Image: 'attacker.example/xgboost:latest', ModelDataUrl: 's3://elsewhere/model.tar.gz' } });
    aws.trainingJobs.set(world.v14.jobName, { ...world.v14.describe.trainingJob('audit'), AlgorithmSpecification: { TrainingImage: 'other/image:1', TrainingInputMode: 'File' } });
    const { report } = await json();
    expect(report.findings.map((f) => f.code)).toEqual(['MODEL_WITHOUT_PACKAGE', 'RECORD_MISMATCH']);
    expect(report.findings[0].message).toBe(`SageMaker model ${world.v14.modelName} was created from attacker.example/xgboost:latest and s3://elsewhere/model.tar.gz, not from a model package.`);
    expect(report.findings[1].message).toBe(`Training job ${world.v14.jobName} ran other/image:1; its registered record says 141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1.`);
  });

  test('an endpoint deployed without any deployment record is found by its name and flagged', async () => {
    for (const key of [...aws.objects.keys()].filter((k) => /\/3\d-[a-z-]+\.json$/.test(k))) aws.objects.delete(key);
    const { code, report } = await json();
    expect(code).toBe(1);
    expect(report.subject.endpointName).toBe('mlops-prod-churn');
    expect(report.notes).toContain('No deployment record names an endpoint: mlops-prod-churn is audited because the deployment step names endpoints <namespace>-<env>-<model>.');
    expect(report.findings.map((f) => f.code)).toEqual(['UNRECORDED_CHANGE', 'UNRECORDED_CHANGE', 'UNRECORDED_CHANGE', 'UNEXPLAINED_CONFIG']);
    // The chain still reaches the data through the model, its package and the package's execution.
    expect(report.chain.find((l) => l.step === 'data-versions')).toEqual(expect.objectContaining({ name: '3 of 3 present', status: 'ok' }));
    expect(report.execution?.name).toBe('churn-2026-11-22');
  });

  test('a tampered record fails validation and is not trusted', async () => {
    aws.put(BUCKET, 'lineage/mlops-prod-churn/churn-2026-11-22/30-deployed.json', { ...world.v14.records.deployment, schemaVersion: 7 }, 'v2');
    const { report } = await json();
    expect(report.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['RECORD_INVALID', 'UNEXPLAINED_CONFIG']));
    expect(report.findings[0].message).toBe(`s3://${BUCKET}/lineage/mlops-prod-churn/churn-2026-11-22/30-deployed.json: schemaVersion: got 7; expected 1 (this reader knows no other version).`);
  });
});

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
