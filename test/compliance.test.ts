import { Stack, Validations } from 'aws-cdk-lib';
import { customImageModel, models, regressionModel } from './fixtures/config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import * as compliance from '../lib/compliance';
import { PlatformReference } from '../lib/platform/platform-reference';
import { buildTestApp } from './helpers';

const originalAcknowledge = Validations.prototype.acknowledge;

/** Makes every acknowledgement whose id passes `drop` a no-op (the record of it stays). */
function dropAcknowledgements(drop: (id: string) => boolean): void {
  jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules) {
    originalAcknowledge.apply(this, rules.filter((r) => !drop(r.id)));
  });
}

/** Synthesizes the default app for `env` with every compliance pack on; returns the error message, if any. */
function synthWithChecks(env: string, mutate?: (stacks: ReturnType<typeof buildTestApp>['stacks']) => void): string | undefined {
  return synthReport(env, mutate).error;
}

interface Violation { ruleName: string; violatingConstructs: Array<{ constructPath: string }> }
interface Report { pluginReports: Array<{ pluginName: string; violations?: Violation[]; suppressedViolations?: Violation[] }> }

function synthReport(env: string, mutate?: (stacks: ReturnType<typeof buildTestApp>['stacks']) => void, withModels = false) {
  const { app, stacks } = buildTestApp({ env }, { complianceChecks: true, ...(withModels ? { models, modelsSource: 'config/models.ts' } : {}) });
  mutate?.(stacks);
  let error: string | undefined;
  try {
    app.synth();
  } catch (e) {
    error = String(e);
  }
  const reportFile = join(app.outdir, 'validation-report.json');
  const report: Report | undefined = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : undefined;
  return { error, report, stacks, app };
}

afterEach(() => jest.restoreAllMocks());

describe('compliance gates', () => {
  test.each(['dev', 'prod'])('%s synthesizes with zero unacknowledged findings, sample models included', (env) => {
    expect(synthReport(env, undefined, true).error).toBeUndefined();
  });

  test('models with their own code, a tuning job, serverless serving and their own images synthesize with zero findings too', () => {
    const { app } = buildTestApp({ env: 'prod' }, { complianceChecks: true, models: [regressionModel, customImageModel] });
    expect(() => app.synth()).not.toThrow();
  });

  test('a crashing compliance plugin fails synthesis instead of checking nothing', () => {
    const { app } = buildTestApp({ env: 'dev' });
    Validations.of(app).addPlugins(new compliance.EveryFindingIsAnError({
      name: 'crashing-plugin',
      validate: () => { throw new TypeError("Cannot read properties of undefined (reading 'to')"); },
    }));
    expect(() => app.synth()).toThrow(/The crashing-plugin plugin failed, so its checks did not run: TypeError/);
  });

  test('warning-level findings of a plugin fail synthesis', () => {
    const { app } = buildTestApp({ env: 'dev' });
    Validations.of(app).addPlugins(new compliance.EveryFindingIsAnError({
      name: 'warning-plugin',
      validate: () => ({ success: true, violations: [{ ruleName: 'just-a-warning', description: 'a warning', severity: 'warning', violatingResources: [{ resourceLogicalId: 'X', templatePath: 'x.json', locations: [] }] }] }),
    }));
    expect(() => app.synth()).toThrow(/a warning/);
  });

  /** The default app's synthesis for `env` with every acknowledgement dropped: the findings they suppress, once per file. */
  const unacknowledged = new Map<string, ReturnType<typeof synthReport>>();
  function synthUnacknowledged(env: string) {
    if (!unacknowledged.has(env)) {
      dropAcknowledgements(() => true);
      unacknowledged.set(env, synthReport(env, undefined, true));
      jest.restoreAllMocks();
    }
    return unacknowledged.get(env)!;
  }

  test.each(['dev', 'prod'])('%s: every acknowledgement suppresses a finding that really occurs on its resource', (env) => {
    // WHEN nothing is acknowledged, THEN every acknowledgement must name a finding on its resource:
    // one that matches nothing is dead weight that would hide a future regression.
    const { error, report } = synthUnacknowledged(env);
    expect(error).toMatch(/ValidationFailed/);
    const findings = (report?.pluginReports ?? []).flatMap((p) => (p.violations ?? []).flatMap((v) =>
      v.violatingConstructs.map((c) => ({ path: c.constructPath, rule: v.ruleName }))));
    const { app } = buildTestApp({ env }, { models });
    const unused = compliance.listAcknowledgements(app)
      .filter((a) => !findings.some((f) => f.path === a.path && (a.id === f.rule || a.id.endsWith(`::${f.rule}`))));
    expect(unused).toEqual([]);
  });

  // An acknowledgement is scoped to one resource and one finding, so dropping one brings back exactly the finding it
  // suppressed, and the test above proves each suppresses a finding that occurs. What remains to show is that such a
  // finding, of each pack, fails synthesis and is named in the error: one synthesis without any acknowledgement shows
  // it for all of them.
  test.each([
    ['NIST.800.53.R5-S3DefaultEncryptionKMS', /not encrypted with a KMS Key by default/],
    ['NIST.800.53.R5-S3BucketReplicationEnabled', /S3BucketReplicationEnabled/],
    ['cdk-validator-cfnguard::s3_bucket_logging_enabled_check', /CT\.S3\.PR\.2/],
    ['cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check', /CT\.CLOUDWATCH\.PR\.2/],
    ['AwsSolutions-IAM5[Resource::*]', /AwsSolutions-IAM5\[Resource::\*\]/],
    ['NIST.800.53.R5-LambdaConcurrency', /NIST\.800\.53\.R5-LambdaConcurrency/],
  ])('the finding acknowledged as %s fails synthesis, named in the error, when not acknowledged', (id, finding) => {
    const { error, app } = synthUnacknowledged('dev');
    expect(compliance.listAcknowledgements(app).map((a) => a.id)).toContain(id);
    expect(error).toMatch(/ValidationFailed/);
    expect(error).toMatch(finding);
  });

  test('an invalid CloudFormation property fails synthesis', () => {
    const error = synthWithChecks('dev', (stacks) => {
      (stacks.platform.dataLake.buckets.raw.node.defaultChild as s3.CfnBucket).addPropertyOverride('VersioningConfiguration.Status', 'Sometimes');
    });
    expect(error).toMatch(/VersioningConfiguration\.Status: 'Sometimes' is not one of \['Enabled', 'Suspended'\] \(CloudFormation Validate\)/);
  });

  test('an unknown CloudFormation property fails synthesis', () => {
    const error = synthWithChecks('dev', (stacks) => {
      (stacks.platform.dataLake.buckets.curated.node.defaultChild as s3.CfnBucket).addPropertyOverride('Versioning', true);
    });
    expect(error).toMatch(/'Versioning' was unexpected/);
  });

  test('a Control Tower finding fails synthesis although it has no severity of its own', () => {
    const error = synthWithChecks('dev', (stacks) => {
      (stacks.platform.dataLake.buckets.raw.node.defaultChild as s3.CfnBucket).addPropertyOverride('VersioningConfiguration.Status', 'Suspended');
    });
    expect(error).toMatch(/CT\.S3\.PR\.11/);
  });

  test('acknowledgements: each on one resource, with a reason; their count is visible and deliberate', () => {
    const { stacks } = buildTestApp({ env: 'dev' });
    const acks = compliance.listAcknowledgements(stacks.platform);
    for (const ack of acks) {
      expect(ack.path).toMatch(/\/Resource$/);
      expect(ack.reason.length).toBeGreaterThanOrEqual(40);
    }
    const summary = acks.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.id]: (acc[a.id] ?? 0) + 1 }), {});
    console.log(`acknowledged findings in the dev platform stack: ${acks.length}\n${JSON.stringify(summary, null, 2)}`);
    // Raising this number needs a reviewer's eye: every new acknowledgement must be argued.
    expect(acks.length).toBe(32);
  });

  test('acknowledge() refuses a construct tree and a thin reason', () => {
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'B');
    expect(() => compliance.acknowledge(bucket, ['AwsSolutions-S1'], 'x'.repeat(50))).toThrow(/one CloudFormation resource, not on a construct tree/);
    expect(() => compliance.acknowledge(bucket.node.defaultChild!, ['AwsSolutions-S1'], 'because')).toThrow(/too short/);
  });
});

describe('PlatformReference', () => {
  test('a consumer stack reads the platform from SSM parameters, with no exports, and grants work', () => {
    const { app } = buildTestApp({ env: 'dev' });
    const consumer = new Stack(app, 'Consumer');
    const platform = new PlatformReference(consumer, 'Platform', { namespace: 'mlops', environmentName: 'dev' });
    const role = new iam.Role(consumer, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    platform.lakeBuckets.curated.grantRead(role);
    platform.pipelineTopic.grantPublish(role);

    const t = Template.fromStack(consumer);
    const json = JSON.stringify(t.toJSON());
    expect(json).not.toContain('Fn::ImportValue');
    const params = Object.values(t.toJSON().Parameters as Record<string, { Type: string; Default: string }>);
    expect(params).toContainEqual({ Type: 'AWS::SSM::Parameter::Value<String>', Default: '/mlops/dev/platform/curated-bucket-arn' });
    expect(params).toContainEqual({ Type: 'AWS::SSM::Parameter::Value<String>', Default: '/mlops/dev/platform/data-key-arn' });
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements.map((s: { Action: unknown }) => s.Action)).toEqual(expect.arrayContaining([
      expect.arrayContaining(['s3:GetObject*']),
      expect.arrayContaining(['kms:Decrypt']),
      'sns:Publish',
    ]));
  });
});
