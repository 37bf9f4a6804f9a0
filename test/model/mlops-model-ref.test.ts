import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ConfigError } from '../../lib/config/schema';
import { resolveModel } from '../../lib/config/resolve-model';
import { MlopsModelBase } from '../../lib/model/mlops-model-ref';

/* eslint-disable @typescript-eslint/no-explicit-any */

const NAMES = { namespace: 'acme', environmentName: 'prod', modelName: 'churn' };

function importInto(env?: { account: string; region: string }) {
  const stack = new Stack(new App(), 'Consumer', { env });
  return { stack, model: MlopsModelBase.fromModelName(stack, 'Churn', NAMES) };
}

/** An ARN as CloudFormation sees it in an environment-agnostic stack. */
function agnosticArn(resource: string): any {
  return {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]],
  };
}

describe('MlopsModelBase.fromModelName', () => {
  test("the names follow the construct's rule: <namespace>-<environment>-<model> for the endpoint, registry and feature group", () => {
    const { model } = importInto();
    const declaration = {
      name: 'churn',
      framework: 'xgboost',
      training: { instanceType: 'ml.m5.xlarge' },
      evaluation: { metric: 'auc', direction: 'maximize', threshold: 0.8 },
      features: {
        recordIdentifier: 'id',
        eventTime: 'ts',
        definitions: [
          { name: 'id', type: 'string' },
          { name: 'ts', type: 'fractional' },
        ],
      },
      approvers: { prod: ['lead@example.com'] },
    };
    const resolved = resolveModel(declaration, { namespace: 'acme', environmentName: 'prod' });
    expect(model.qualifiedName).toBe(resolved.qualifiedName);
    expect(model).toEqual(
      expect.objectContaining({
        modelName: 'churn',
        environmentName: 'prod',
        qualifiedName: 'acme-prod-churn',
        endpointName: 'acme-prod-churn',
        modelPackageGroupName: 'acme-prod-churn',
        featureGroupName: 'acme-prod-churn',
      }),
    );
  });

  test("ARNs in the consuming stack's partition, region and account, never hard-coded", () => {
    const { stack, model } = importInto();
    expect(stack.resolve(model.endpointArn)).toEqual(agnosticArn('endpoint/acme-prod-churn'));
    expect(stack.resolve(model.modelPackageGroupArn)).toEqual(agnosticArn('model-package-group/acme-prod-churn'));
    const pinned = importInto({ account: '123456789012', region: 'eu-west-1' });
    expect(pinned.stack.resolve(pinned.model.endpointArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:123456789012:endpoint/acme-prod-churn']],
    });
  });

  test("grantInvoke: the invoke actions on exactly the endpoint's ARN", () => {
    const { stack, model } = importInto();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = model.grantInvoke(role);
    expect(grant.success).toBe(true);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream', 'sagemaker:InvokeEndpointAsync'],
        Resource: agnosticArn('endpoint/acme-prod-churn'),
      },
    ]);
  });

  test("metrics: the endpoint's variant in AWS/SageMaker, sums over a minute, latency averaged, options win", () => {
    const { stack, model } = importInto();
    const dimensions = { EndpointName: 'acme-prod-churn', VariantName: 'AllTraffic' };
    const shape = (m: any) => ({
      namespace: m.namespace,
      metricName: m.metricName,
      statistic: m.statistic,
      period: m.period.toSeconds(),
      dims: stack.resolve(m.dimensions),
    });
    expect(shape(model.metricInvocations())).toEqual({
      namespace: 'AWS/SageMaker',
      metricName: 'Invocations',
      statistic: 'Sum',
      period: 60,
      dims: dimensions,
    });
    expect(shape(model.metricInvocation4xxErrors())).toEqual(expect.objectContaining({ metricName: 'Invocation4XXErrors', statistic: 'Sum' }));
    expect(shape(model.metricInvocation5xxErrors())).toEqual(expect.objectContaining({ metricName: 'Invocation5XXErrors', statistic: 'Sum' }));
    expect(shape(model.metricModelLatency())).toEqual(
      expect.objectContaining({ metricName: 'ModelLatency', statistic: 'Average', dims: dimensions }),
    );
    expect(shape(model.metricModelLatency({ statistic: 'p90' }))).toEqual(expect.objectContaining({ statistic: 'p90' }));
    expect(shape(model.metric('OverheadLatency', { statistic: 'Maximum' }))).toEqual(
      expect.objectContaining({ metricName: 'OverheadLatency', statistic: 'Maximum' }),
    );
  });

  test('bad names: one configuration error naming each part and the rule', () => {
    const stack = new Stack(new App(), 'Consumer');
    const fail = (names: typeof NAMES) => {
      try {
        MlopsModelBase.fromModelName(stack, 'Bad', names);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    const text = fail({ namespace: 'Acme', environmentName: 'prod-', modelName: 'churn_v2' });
    expect(text).toMatch(/^Invalid configuration in MlopsModel\.fromModelName\("Bad"\) \(3 problems\):/);
    expect(text).toContain('  - namespace: got "Acme"; expected lower-case letters, digits and single hyphens');
    expect(text).toContain('  - environmentName: got "prod-"; expected an environment name');
    expect(text).toContain('  - modelName: got "churn_v2"; expected a model name: lower-case letters, digits and single hyphens');
    expect(fail({ namespace: 'platform-team-x', environmentName: 'staging-euw1', modelName: 'customer-churn-v2-bb' })).toContain(
      'modelName (environment "staging-euw1"): got "platform-team-x-staging-euw1-customer-churn-v2-bb"',
    );
  });
});
