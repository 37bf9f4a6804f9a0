import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { models } from '../fixtures/config';
import { ModelEndpoint } from '../../lib/model/model-endpoint';
import { buildTestApp, newApp } from '../helpers';
import { defaultModelTemplate } from '../helpers/default-app';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const churn = defaultModelTemplate('dev', 'churn');
const fraud = defaultModelTemplate('dev', 'fraud-dl');
const prodFraud = defaultModelTemplate('prod', 'fraud-dl');

/** The logical id of the SSM parameter holding the platform's alarm topic ARN. */
function alarmTopicParameter(template: Template): string {
  const params = template.toJSON().Parameters as Record<string, { Default?: string }>;
  const found = Object.entries(params).find(([, p]) => /alarm-topic-arn$/.test(p.Default ?? ''));
  expect(found).toBeDefined();
  return found![0];
}

/** The endpoint's alarms (the model's drift alarms are tested in model-monitoring.test.ts). */
function alarms(template: Template): Any[] {
  return Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('ModelEndpoint')).map(([, a]) => (a as Any).Properties);
}

function policyStatements(template: Template, description: RegExp): Any[] {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy') as Record<string, Any>).filter((p) => description.test(p.Properties.Description));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('ModelEndpoint: operations', () => {
  test('5XX and latency alarms (the rollback alarms), CPU and disk, GPU memory on GPU models; every alarm and OK action goes to the platform alarm topic', () => {
    const metricNames = (t: Template) => alarms(t).map((a) => a.MetricName).sort();
    expect(metricNames(churn)).toEqual(['ApproximateNumberOfMessagesVisible', 'CPUUtilization', 'DiskUtilization', 'Invocation5XXErrors', 'ModelLatency']);
    expect(metricNames(fraud)).toEqual(['ApproximateNumberOfMessagesVisible', 'CPUUtilization', 'DiskUtilization', 'GPUMemoryUtilization', 'Invocation5XXErrors', 'ModelLatency']);
    for (const t of [churn, fraud]) {
      const topic = { Ref: alarmTopicParameter(t) };
      for (const a of alarms(t)) {
        expect(a.AlarmActions).toEqual([topic]);
        expect(a.OKActions).toEqual([topic]);
        expect(a.TreatMissingData).toBe('notBreaching');
      }
    }
  });

  test('alarm thresholds: latency in microseconds from the declared milliseconds, CPU scaled by vCPUs, on the endpoint\'s variant', () => {
    const latency = alarms(fraud).find((a) => a.MetricName === 'ModelLatency')!;
    expect(latency).toEqual(expect.objectContaining({
      Namespace: 'AWS/SageMaker', ExtendedStatistic: 'p90', Threshold: 200_000, Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3,
      Dimensions: [{ Name: 'EndpointName', Value: 'mlops-dev-fraud-dl' }, { Name: 'VariantName', Value: 'AllTraffic' }],
    }));
    expect(alarms(churn).find((a) => a.MetricName === 'ModelLatency')!.Threshold).toBe(500_000);
    // ml.m5.large: 2 vCPUs; ml.g5.xlarge: 4.
    expect(alarms(churn).find((a) => a.MetricName === 'CPUUtilization')!.Threshold).toBe(180);
    expect(alarms(fraud).find((a) => a.MetricName === 'CPUUtilization')!).toEqual(expect.objectContaining({ Threshold: 360, Namespace: '/aws/sagemaker/Endpoints' }));
  });

  test('the pipeline rolls updates back on exactly the 5XX and latency alarms', () => {
    const definition = JSON.stringify(Object.values(prodFraud.findResources('AWS::StepFunctions::StateMachine'))[0]);
    const ids = Object.entries(prodFraud.findResources('AWS::CloudWatch::Alarm') as Record<string, Any>)
      .filter(([, a]) => ['Invocation5XXErrors', 'ModelLatency'].includes(a.Properties.MetricName)).map(([id]) => id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(definition).toContain(`{"Ref":"${id}"}`);
    expect(definition).toContain('AutoRollbackConfiguration');
  });

  test('a dashboard per model (no fixed name) showing invocations, latency, instances and the alarms', () => {
    const dashboards = Object.values(fraud.findResources('AWS::CloudWatch::Dashboard')) as Any[];
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0].Properties.DashboardName).toBeUndefined();
    const body = JSON.stringify(dashboards[0].Properties.DashboardBody);
    for (const text of ['Invocation5XXErrors', 'ModelLatency', 'GPUUtilization', 'GPUMemoryUtilization', 'CPUUtilization', 'mlops-dev-fraud-dl', 'alarm']) expect(body).toContain(text);
  });

  test('cdk destroy deletes the pipeline-owned endpoint: a cleanup custom resource whose function may delete only this model\'s endpoint, configurations and models', () => {
    churn.hasResourceProperties('Custom::MlopsEndpointCleanup', { EndpointName: 'mlops-dev-churn', ResourcePrefix: 'mlops-dev-churn--' });
    const statements = policyStatements(churn, /^Deletes endpoint mlops-dev-churn and the pipeline/);
    const text = JSON.stringify(statements);
    expect(text).toContain(':endpoint/mlops-dev-churn"');
    expect(text).toContain(':endpoint-config/mlops-dev-churn--*"');
    expect(text).toContain(':model/mlops-dev-churn--*"');
    expect(text).not.toMatch(/sagemaker:(Create|Update)/);
    // On "*": only what has no resource-level permissions.
    const anywhere = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat()).sort();
    expect(anywhere).toEqual(['sagemaker:ListEndpointConfigs', 'sagemaker:ListModels', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expectOwnScalingOnly(statements);
    // CloudFormation invokes custom resources asynchronously: failed requests land in an encrypted DLQ.
    const fn = Object.values(churn.findResources('AWS::Lambda::Function') as Record<string, Any>).find((f) => /^Deletes endpoint mlops-dev-churn and the pipeline/.test(f.Properties.Description))!;
    expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } });
    const queueId = fn.Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0];
    const queue = (churn.findResources('AWS::SQS::Queue') as Record<string, Any>)[queueId];
    expect(queue.Properties.KmsMasterKeyId).toMatch(/^\{\{resolve:ssm:/);
  });

  test('an endpoint name that is not the model\'s qualified name is refused before any cleanup can be built on it', () => {
    const app = newApp();
    const { serving } = buildTestApp({ env: 'dev' }, { models }).stacks.models.churn.model;
    const make = (endpointName: string) => () => {
      const stack = new Stack(app, `Probe${app.node.children.length}`);
      const alarmTopic = sns.Topic.fromTopicArn(stack, 'Alarms', 'arn:aws:sns:eu-west-1:111122223333:alarms');
      return new ModelEndpoint(stack, 'Endpoint', {
        endpointName, modelName: 'churn', serving, alarmTopic, logsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k',
      });
    };
    expect(make('churn')).toThrow('endpointName is "churn"; expected a qualified name <namespace>-<environment>-<model>');
    expect(make('mlops--dev-churn')).toThrow('expected a qualified name');
    expect(make('mlops-dev-fraud')).toThrow('endpointName is "mlops-dev-fraud"; expected <namespace>-<environment>-churn (modelName is "churn")');
    expect(make('ml-x-dev-churn')).not.toThrow();
  });
});

/** The deregistration statement: only DeregisterScalableTarget, this account's scalable targets, SageMaker variant counts only. */
function expectOwnScalingOnly(statements: Any[]): void {
  const scaling = statements.filter((s) => JSON.stringify(s.Action).includes('application-autoscaling:'));
  expect(scaling).toHaveLength(1);
  expect(scaling[0].Action).toBe('application-autoscaling:DeregisterScalableTarget');
  expect(JSON.stringify(scaling[0].Resource)).toMatch(/:application-autoscaling:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":scalable-target\/\*"/);
  expect(scaling[0].Condition).toEqual({
    StringEquals: { 'application-autoscaling:service-namespace': 'sagemaker', 'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount' },
  });
}

describe('ModelEndpoint: IAM', () => {
  test('the pipeline may create this model\'s SageMaker models and configurations, create/update only its endpoint, autoscale it, write the serving record', () => {
    const statements = policyStatements(churn, /^Training pipeline of/);
    const text = JSON.stringify(statements);
    const endpointStatement = statements.find((s) => [s.Action].flat().includes('sagemaker:UpdateEndpointWeightsAndCapacities'))!;
    expect(JSON.stringify(endpointStatement.Resource)).toMatch(/:endpoint\/mlops-dev-churn"/);
    // SageMaker ARNs are lower-case in IAM.
    const name = /:endpoint\/([^"]+)"/.exec(JSON.stringify(endpointStatement.Resource))![1];
    expect(name).toBe(name.toLowerCase());
    expect(text).toContain('AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint');
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'iam:CreateServiceLinkedRole',
      Condition: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
    }));
    expect(text).toContain('models/churn/serving/*');
    expect(text).toContain('TargetTracking-endpoint/mlops-dev-churn/*');
  });

  test('the model\'s role may write captured data under its own capture prefix and pull the inference image', () => {
    const statements = policyStatements(fraud, /^SageMaker jobs of/);
    expect(JSON.stringify(statements)).toMatch(/capture.*fraud-dl\/\*/);
    const ecr = statements.find((s) => JSON.stringify(s.Action).includes('ecr:BatchGetImage'))!;
    expect(JSON.stringify(ecr.Resource)).toContain('pytorch-inference');
  });

  test('grantInvoke lets an application invoke only this endpoint; metric methods name the endpoint and variant', () => {
    const fresh = buildTestApp({ env: 'dev' }, { models, modelsSource: 'config/models.ts' });
    const stack = new Stack(fresh.app, 'Consumer');
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const endpoint = fresh.stacks.models.churn.model.endpoint;
    endpoint.grantInvoke(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'] })] },
    });
    const invocations = endpoint.metricInvocations();
    expect(invocations.namespace).toBe('AWS/SageMaker');
    expect(invocations.dimensions).toEqual({ EndpointName: 'mlops-dev-churn', VariantName: 'AllTraffic' });
    expect(endpoint.metricGpuUtilization().namespace).toBe('/aws/sagemaker/Endpoints');
    expect(endpoint.metricModelLatency({ statistic: 'p99' }).statistic).toBe('p99');
  });
});

describe('ModelEndpoint: stopping idle non-production endpoints', () => {
  test('dev: an hourly check deletes the endpoint after 4 idle hours (may describe and delete only this endpoint); prod: none', () => {
    const fn = Object.values(churn.findResources('AWS::Lambda::Function') as Record<string, Any>).find((f) => /^Deletes endpoint mlops-dev-churn after 4 hours/.test(f.Properties.Description))!;
    expect(fn.Properties.Environment.Variables).toEqual(expect.objectContaining({ ENDPOINT_NAME: 'mlops-dev-churn', IDLE_HOURS: '4' }));
    const schedules = Object.values(churn.findResources('AWS::Scheduler::Schedule') as Record<string, Any>).map((s) => s.Properties).filter((s) => /idle check/.test(s.Description));
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toEqual(expect.objectContaining({ ScheduleExpression: 'cron(45 * * * ? *)' }));
    const statements = policyStatements(churn, /^Deletes endpoint mlops-dev-churn after/);
    const text = JSON.stringify(statements);
    expect(text).toContain(':endpoint/mlops-dev-churn"');
    expect(text).not.toMatch(/sagemaker:(Create|Update)/);
    const anywhere = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat()).sort();
    expect(anywhere).toEqual(['cloudwatch:GetMetricData', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expectOwnScalingOnly(statements);
    expect(Object.values(prodFraud.findResources('AWS::Lambda::Function') as Record<string, Any>).some((f) => /without an invocation/.test(f.Properties.Description))).toBe(false);
    // The cost estimate knows: no instance while idle.
    expect((churn.toJSON().Metadata as Any).MlopsCost.serving).toEqual(expect.objectContaining({ mode: 'realtime', instanceType: 'ml.m5.large', stopWhenIdleHours: 4 }));
  });
});
