import 'aws-sdk-client-mock-jest';
import { audit, aws, BUCKET, json, useLineageWorld, world } from './lineage-fixture';

useLineageWorld();

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
