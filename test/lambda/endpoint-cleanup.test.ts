import { ApplicationAutoScalingClient, DeregisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteEndpointCommand, DeleteEndpointConfigCommand, DeleteModelCommand, DescribeEndpointCommand,
  ListEndpointConfigsCommand, ListModelsCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/endpoint-cleanup';

const sagemaker = mockClient(SageMakerClient);
const autoscaling = mockClient(ApplicationAutoScalingClient);
const notFound = (message: string) => Object.assign(new Error(message), { name: 'ValidationException' });
const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:cleanup',
  ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/mlops-dev-model-churn/1',
  RequestId: 'req-1',
  LogicalResourceId: 'ModelEndpointEndpointCleanup',
  ResourceType: 'Custom::MlopsEndpointCleanup',
  ResourceProperties: { ServiceToken: 'x', EndpointName: 'mlops-dev-churn', ResourcePrefix: 'churn--' },
};
const deleteEvent = { ...base, RequestType: 'Delete', PhysicalResourceId: 'mlops-dev-churn-cleanup' } as CloudFormationCustomResourceEvent;

async function invoke(event: CloudFormationCustomResourceEvent) {
  const answers: Array<Record<string, string>> = [];
  await handler(event, undefined, async (url, body) => { expect(url).toBe(base.ResponseURL); answers.push(JSON.parse(body)); }, async () => undefined);
  expect(answers).toHaveLength(1);
  return answers[0];
}

beforeEach(() => {
  sagemaker.reset();
  autoscaling.reset();
  autoscaling.on(DeregisterScalableTargetCommand).resolves({});
});

describe('endpoint-cleanup', () => {
  test('create and update only answer SUCCESS; nothing is touched', async () => {
    const created = await invoke({ ...base, RequestType: 'Create' } as CloudFormationCustomResourceEvent);
    expect(created).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'mlops-dev-churn-cleanup', RequestId: 'req-1', LogicalResourceId: 'ModelEndpointEndpointCleanup' }));
    const updated = await invoke({ ...base, RequestType: 'Update', PhysicalResourceId: 'mlops-dev-churn-cleanup', OldResourceProperties: { ServiceToken: 'x' } } as CloudFormationCustomResourceEvent);
    expect(updated.Status).toBe('SUCCESS');
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('delete: deregisters autoscaling, deletes the endpoint, waits until it is gone, then only this model\'s configurations and models (all pages)', async () => {
    sagemaker.on(DeleteEndpointCommand).resolves({});
    sagemaker.on(DescribeEndpointCommand).resolvesOnce({ EndpointStatus: 'Deleting' } as never).rejects(notFound('Could not find endpoint "mlops-dev-churn".'));
    sagemaker.on(ListEndpointConfigsCommand, { NextToken: undefined }).resolves({ EndpointConfigs: [{ EndpointConfigName: 'churn--c1' } as never, { EndpointConfigName: 'churn2--c9' } as never], NextToken: 'p2' });
    sagemaker.on(ListEndpointConfigsCommand, { NextToken: 'p2' }).resolves({ EndpointConfigs: [{ EndpointConfigName: 'churn--c2' } as never] });
    sagemaker.on(ListModelsCommand).resolves({ Models: [{ ModelName: 'churn--m1' } as never, { ModelName: 'xchurn--m1' } as never] });
    sagemaker.on(DeleteEndpointConfigCommand).resolves({});
    sagemaker.on(DeleteModelCommand).resolves({});

    const answer = await invoke(deleteEvent);

    expect(answer.Status).toBe('SUCCESS');
    expect(answer.Reason).toBe('deleted endpoint mlops-dev-churn, endpoint configuration churn--c1, endpoint configuration churn--c2, model churn--m1');
    expect(autoscaling).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, { ResourceId: 'endpoint/mlops-dev-churn/variant/AllTraffic' });
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 2);
    expect(sagemaker.commandCalls(DeleteEndpointConfigCommand).map((c) => c.args[0].input.EndpointConfigName)).toEqual(['churn--c1', 'churn--c2']);
    expect(sagemaker.commandCalls(DeleteModelCommand).map((c) => c.args[0].input.ModelName)).toEqual(['churn--m1']);
  });

  test('delete before anything was deployed succeeds (everything already gone)', async () => {
    autoscaling.on(DeregisterScalableTargetCommand).rejects(Object.assign(new Error('No scalable target'), { name: 'ObjectNotFoundException' }));
    sagemaker.on(DeleteEndpointCommand).rejects(notFound('Could not find endpoint'));
    sagemaker.on(DescribeEndpointCommand).rejects(notFound('Could not find endpoint'));
    sagemaker.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [] });
    sagemaker.on(ListModelsCommand).resolves({ Models: [] });
    const answer = await invoke(deleteEvent);
    expect(answer).toEqual(expect.objectContaining({ Status: 'SUCCESS', Reason: 'nothing was deployed', PhysicalResourceId: 'mlops-dev-churn-cleanup' }));
  });

  test('a failing deletion answers FAILED with the reason, so the stack shows what still runs', async () => {
    sagemaker.on(DeleteEndpointCommand).rejects(Object.assign(new Error('User is not authorized to perform: sagemaker:DeleteEndpoint'), { name: 'AccessDeniedException' }));
    const answer = await invoke(deleteEvent);
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toContain('not authorized to perform: sagemaker:DeleteEndpoint');
    expect(answer.Reason).toContain('aws sagemaker delete-endpoint');
  });

  test('bad properties answer FAILED naming the property and touch nothing', async () => {
    const answer = await invoke({ ...deleteEvent, ResourceProperties: { ServiceToken: 'x', EndpointName: 'bad_name', ResourcePrefix: 'churn--' } } as CloudFormationCustomResourceEvent);
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toContain('ResourceProperties.EndpointName is "bad_name"');
    expect(sagemaker.calls()).toHaveLength(0);
  });
});
