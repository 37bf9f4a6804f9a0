import { HeadObjectCommand } from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-jest';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NOW } from '../../../scripts/audit-samples/lineage-history';
import { prodWorld } from '../../../scripts/audit-samples/fake-aws';
import { audit, aws, BUCKET, json, useLineageWorld, world } from './lineage-fixture';

useLineageWorld();

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
    for (const o of world.v14.dataObjects) {
      expect(aws.s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: world.v14.buckets.curated, Key: o.key, VersionId: o.versionId });
    }
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
    // Not the package the endpoint served last (v14), though it is approved too.
    expect(report.chain[0].name).not.toBe(v14.packageArn);
  });
});
