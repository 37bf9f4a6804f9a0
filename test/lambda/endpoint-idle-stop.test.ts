import { ApplicationAutoScalingClient, DeregisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteEndpointCommand, DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/endpoint-idle-stop';

const sagemaker = mockClient(SageMakerClient);
const cloudwatch = mockClient(CloudWatchClient);
const autoscaling = mockClient(ApplicationAutoScalingClient);
const NOW = new Date('2026-11-22T12:45:00Z');
const run = () => handler(undefined, undefined, () => NOW);
const endpoint = (status: string, lastModified: string) => ({ EndpointName: 'mlops-dev-fraud-dl', EndpointStatus: status, LastModifiedTime: new Date(lastModified), CreationTime: new Date('2026-11-20T00:00:00Z') });

beforeEach(() => {
  sagemaker.reset();
  cloudwatch.reset();
  autoscaling.reset();
  process.env.ENDPOINT_NAME = 'mlops-dev-fraud-dl';
  process.env.IDLE_HOURS = '4';
  sagemaker.on(DeleteEndpointCommand).resolves({});
  autoscaling.on(DeregisterScalableTargetCommand).resolves({});
});

describe('endpoint-idle-stop', () => {
  test('no invocation for 4 hours: autoscaling deregistered, endpoint deleted (nothing else touched)', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(endpoint('InService', '2026-11-22T06:00:00Z') as never);
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'invocations', Values: [] }] });
    await expect(run()).resolves.toEqual({ decision: 'stopped', endpoint: 'mlops-dev-fraud-dl', invocations: 0 });
    const query = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(query.StartTime).toEqual(new Date('2026-11-22T08:45:00Z'));
    expect(query.MetricDataQueries![0].MetricStat!.Metric!.Dimensions).toEqual([{ Name: 'EndpointName', Value: 'mlops-dev-fraud-dl' }, { Name: 'VariantName', Value: 'AllTraffic' }]);
    expect(autoscaling).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, { ResourceId: 'endpoint/mlops-dev-fraud-dl/variant/AllTraffic' });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'mlops-dev-fraud-dl' });
  });

  test('one invocation in the window (on any page) keeps it', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(endpoint('InService', '2026-11-22T06:00:00Z') as never);
    cloudwatch.on(GetMetricDataCommand).resolvesOnce({ MetricDataResults: [{ Id: 'invocations', Values: [0, 0] }], NextToken: 'p2' }).resolves({ MetricDataResults: [{ Id: 'invocations', Values: [1] }] });
    await expect(run()).resolves.toEqual({ decision: 'in-use', endpoint: 'mlops-dev-fraud-dl', invocations: 1 });
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
  });

  test('deployed or updated within the window: kept (boundary: exactly 4 hours ago is old enough)', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(endpoint('InService', '2026-11-22T08:45:01Z') as never);
    await expect(run()).resolves.toEqual({ decision: 'recently-deployed', endpoint: 'mlops-dev-fraud-dl' });
    sagemaker.on(DescribeEndpointCommand).resolves(endpoint('InService', '2026-11-22T08:45:00Z') as never);
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await expect(run()).resolves.toEqual(expect.objectContaining({ decision: 'stopped' }));
  });

  test('creating or updating (a pipeline is deploying): never touched', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(endpoint('Updating', '2026-11-20T00:00:00Z') as never);
    await expect(run()).resolves.toEqual({ decision: 'busy', endpoint: 'mlops-dev-fraud-dl' });
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  test('no endpoint (never deployed, or already stopped): nothing to do', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(Object.assign(new Error('Could not find endpoint "mlops-dev-fraud-dl".'), { name: 'ValidationException' }));
    await expect(run()).resolves.toEqual({ decision: 'not-deployed', endpoint: 'mlops-dev-fraud-dl' });
  });

  test('a bad IDLE_HOURS names the variable and the rule', async () => {
    process.env.IDLE_HOURS = '0';
    await expect(run()).rejects.toThrow('Environment variable IDLE_HOURS is "0"; expected a whole number of hours from 1 to 168');
  });

  test('every bad setting is named at once, and nothing is called', async () => {
    process.env.ENDPOINT_NAME = 'mlops-dev-fraud-dl--c0123456789ab';
    delete process.env.IDLE_HOURS;
    const error = await run().catch((e: Error) => e);
    expect((error as Error).message).toBe('Environment variable ENDPOINT_NAME is "mlops-dev-fraud-dl--c0123456789ab"; expected a qualified name '
      + '<namespace>-<environment>-<model>: lower-case letters and digits in at least three parts joined by single hyphens, starting with a letter, '
      + 'at most 48 characters; Environment variable IDLE_HOURS is missing; expected a whole number of hours from 1 to 168');
    expect(sagemaker.calls()).toHaveLength(0);
    expect(cloudwatch.calls()).toHaveLength(0);
  });
});

describe('endpoint-idle-stop: environments sharing an account', () => {
  test('every call names only its own endpoint, although look-alike endpoints of other environments are idle too', async () => {
    process.env.ENDPOINT_NAME = 'ml-dev-churn';
    const idle = ['ml-dev-churn', 'ml-dev2-churn', 'ml-x-dev-churn', 'x-ml-dev-churn', 'ml-prod-churn', 'ml-dev-churn-v2'];
    sagemaker.on(DescribeEndpointCommand).callsFake(({ EndpointName }) => {
      if (!idle.includes(EndpointName)) throw Object.assign(new Error(`Could not find endpoint "${EndpointName}".`), { name: 'ValidationException' });
      return endpoint('InService', '2026-11-20T00:00:00Z');
    });
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'invocations', Values: [] }] });

    await expect(run()).resolves.toEqual({ decision: 'stopped', endpoint: 'ml-dev-churn', invocations: 0 });

    expect(sagemaker.commandCalls(DescribeEndpointCommand).map((c) => c.args[0].input.EndpointName)).toEqual(['ml-dev-churn']);
    expect(sagemaker.commandCalls(DeleteEndpointCommand).map((c) => c.args[0].input.EndpointName)).toEqual(['ml-dev-churn']);
    expect(autoscaling.commandCalls(DeregisterScalableTargetCommand).map((c) => c.args[0].input)).toEqual([{
      ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/ml-dev-churn/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    }]);
    const dimensions = cloudwatch.commandCalls(GetMetricDataCommand)
      .flatMap((c) => c.args[0].input.MetricDataQueries!.map((q) => q.MetricStat!.Metric!.Dimensions));
    expect(dimensions).toEqual([[{ Name: 'EndpointName', Value: 'ml-dev-churn' }, { Name: 'VariantName', Value: 'AllTraffic' }]]);
  });
});
