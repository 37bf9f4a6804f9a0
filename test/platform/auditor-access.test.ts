import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { addComplianceChecks, listAcknowledgements } from '../../lib/compliance';
import { AuditorAccess, AuditorAccessProps } from '../../lib/platform/auditor-access';
import { PlatformReference } from '../../lib/platform/platform-reference';
import { newApp } from '../helpers';

/** A stack that imports the prod platform the way any other stack would (SSM parameters), with the auditor access in it. */
function auditorStack(app: App, props: Omit<AuditorAccessProps, 'platform'> = {}) {
  const stack = new Stack(app, 'Auditors', { env: { account: '111122223333', region: 'eu-west-1' } });
  const platform = new PlatformReference(stack, 'Platform', { namespace: 'mlops', environmentName: 'prod' });
  const access = new AuditorAccess(stack, 'AuditorAccess', { platform, ...props });
  return { stack, access };
}

const ssm = (attribute: string) => ({ Ref: expect.stringMatching(new RegExp(`^SsmParameterValuemlopsprodplatform${attribute.replace(/-/g, '')}`)) });
const objects = (attribute: string, suffix: string) => ({ 'Fn::Join': ['', [ssm(attribute), suffix]] });

/** The same members in any order (aws-cdk-lib sorts a statement's actions and resources). */
const unordered = (members: unknown[]) => ({
  $$typeof: Symbol.for('jest.asymmetricMatcher'),
  asymmetricMatch: (actual: unknown) =>
    Array.isArray(actual) && actual.length === members.length && expect.arrayContaining(members).asymmetricMatch(actual),
  toAsymmetricMatcher: () => `the members ${JSON.stringify(members)} in any order`,
});

function statements(stack: Stack): Array<Record<string, unknown>> {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('AuditorAccess', () => {
  test('GIVEN the defaults THEN one read-only managed policy with exactly what mlops-audit needs, and no role', () => {
    const { stack } = auditorStack(newApp());
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Description: 'Read-only lineage audit of mlops-prod (mlops-audit lineage)', ManagedPolicyName: Match.absent() });
    const bySid = Object.fromEntries(statements(stack).map((s) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual([
      'ListRecordsAndData', 'ReadAuditRecords', 'DecryptAuditRecords', 'ReadDataManifests', 'DecryptDataManifests', 'CheckTrainingDataVersions',
      'DescribeServingAndTraining', 'DescribeRegistry', 'ListPackagesAndEvents', 'FindAuditBucket',
    ]);
    expect(bySid.ListRecordsAndData).toEqual(expect.objectContaining({ Action: 's3:ListBucket', Resource: unordered([ssm('audit-bucket-arn'), ssm('artifacts-bucket-arn'), ssm('curated-bucket-arn')]) }));
    expect(bySid.ReadAuditRecords).toEqual(expect.objectContaining({
      Action: unordered(['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold']),
      Resource: unordered([objects('audit-bucket-arn', '/lineage/*'), objects('audit-bucket-arn', '/decisions/*')]),
    }));
    expect(bySid.DecryptAuditRecords).toEqual(expect.objectContaining({
      Action: 'kms:Decrypt', Resource: ssm('audit-key-arn'),
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': unordered([ssm('audit-bucket-arn'), objects('audit-bucket-arn', '/*')]) },
      },
    }));
    expect(bySid.ReadDataManifests).toEqual(expect.objectContaining({ Action: unordered(['s3:GetObject', 's3:GetObjectVersion']), Resource: objects('artifacts-bucket-arn', '/models/*/runs/*/data-manifest.json') }));
    // The data key only decrypts in the artifacts bucket: manifests yes, training data no.
    expect(bySid.DecryptDataManifests).toEqual(expect.objectContaining({
      Action: 'kms:Decrypt', Resource: ssm('data-key-arn'),
      Condition: expect.objectContaining({ StringLike: { 'kms:EncryptionContext:aws:s3:arn': unordered([ssm('artifacts-bucket-arn'), objects('artifacts-bucket-arn', '/*')]) } }),
    }));
    expect(bySid.CheckTrainingDataVersions).toEqual(expect.objectContaining({ Action: 's3:GetObjectVersion', Resource: objects('curated-bucket-arn', '/*') }));
    expect(bySid.DescribeServingAndTraining).toEqual(expect.objectContaining({
      Action: unordered(['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:DescribeTrainingJob']),
      Resource: unordered(['endpoint/mlops-prod-*', 'endpoint-config/mlops-prod-*', 'model/mlops-prod-*', 'training-job/mlops-prod-*'].map((resource) => `arn:aws:sagemaker:eu-west-1:111122223333:${resource}`)),
    }));
    expect(bySid.DescribeRegistry).toEqual(expect.objectContaining({
      Action: unordered(['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage']),
      Resource: unordered([
        'arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/mlops-prod-*',
        'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-prod-*/*',
      ]),
    }));
    expect(bySid.ListPackagesAndEvents).toEqual(expect.objectContaining({ Action: unordered(['sagemaker:ListModelPackages', 'cloudtrail:LookupEvents']), Resource: '*' }));
    expect(bySid.FindAuditBucket).toEqual(expect.objectContaining({
      Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/mlops/prod/platform/audit-bucket-arn',
    }));
  });

  test('THEN nothing in it writes, deletes, or uses a wildcard action', () => {
    const { stack } = auditorStack(newApp());
    const actions = statements(stack).flatMap((s) => [s.Action].flat() as string[]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions.filter((a) => !/^(s3:(Get|List)|kms:Decrypt$|sagemaker:(Describe|List)|cloudtrail:LookupEvents$|ssm:GetParameter$)/.test(a))).toEqual([]);
    expect(statements(stack).every((s) => s.Effect === 'Allow')).toBe(true);
  });

  test('GIVEN principals THEN an auditor role they may assume, with the policy and a one-hour session by default', () => {
    const { stack, access } = auditorStack(newApp(), { assumedBy: [new iam.AccountPrincipal('444455556666')], managedPolicyName: 'mlops-prod-auditor' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::444455556666:root' } })] },
      MaxSessionDuration: 3600,
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^AuditorAccessPolicy') }],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'mlops-prod-auditor' });
    // The role the construct exposes is the one in the template, with the policy attached.
    const roleId = stack.getLogicalId(access.role!.node.defaultChild as iam.CfnRole);
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toEqual([{ Ref: expect.stringMatching(/^AuditorAccessPolicy/) }]);
  });

  test('GIVEN bad props THEN one error lists every problem', () => {
    expect(() => auditorStack(newApp(), { assumedBy: [], maxSessionDuration: Duration.hours(13), managedPolicyName: 'auditor policy' })).toThrow(
      'Invalid AuditorAccess at Auditors/AuditorAccess:\n'
      + '  - assumedBy: got 0; expected at least one principal, or no assumedBy at all (no role)\n'
      + '  - maxSessionDuration: got 13; expected a duration from 1 to 12 hours\n'
      + '  - managedPolicyName: got "auditor policy"; expected 1 to 128 letters, digits and +=,.@_- (an IAM policy name)',
    );
  });
});

describe('AuditorAccess compliance', () => {
  interface Violation { ruleName: string; violatingConstructs: Array<{ constructPath: string }> }

  function synth(dropAcknowledgements: boolean): { error?: string; violations: Violation[] } {
    const app = newApp();
    addComplianceChecks(app);
    if (dropAcknowledgements) jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    let error: string | undefined;
    try {
      auditorStack(app, { assumedBy: [new iam.AccountPrincipal('444455556666')] });
      app.synth();
    } catch (e) {
      error = String(e);
    } finally {
      jest.restoreAllMocks();
    }
    const file = join(app.outdir, 'validation-report.json');
    const report = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as { pluginReports: Array<{ violations?: Violation[] }> } : { pluginReports: [] };
    return { error, violations: report.pluginReports.flatMap((p) => p.violations ?? []) };
  }

  test('AwsSolutions, NIST 800-53 rev 5, HIPAA and Control Tower: zero unacknowledged findings', () => {
    expect(synth(false).error).toBeUndefined();
  });

  test('each acknowledgement suppresses a wildcard finding that really occurs on the policy', () => {
    const { error, violations } = synth(true);
    expect(error).toMatch(/ValidationFailed/);
    const found = violations.filter((v) => v.violatingConstructs.some((c) => c.constructPath.endsWith('AuditorAccess/Policy/Resource'))).map((v) => v.ruleName);
    const app = newApp();
    const { stack } = auditorStack(app);
    const acknowledged = listAcknowledgements(stack).map((a) => a.id);
    expect(acknowledged).toHaveLength(11);
    // Every acknowledgement is a finding, and nothing else is found on the policy.
    expect([...found].sort()).toEqual([...acknowledged].sort());
  });
});
