import { ApplicationAutoScalingClient, DeregisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteEndpointCommand, DeleteEndpointConfigCommand, DeleteModelCommand, DescribeEndpointCommand,
  ListEndpointConfigsCommand, ListModelsCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/endpoint-cleanup';
import { fakeAccount } from './sagemaker-account';

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
  ResourceProperties: { ServiceToken: 'x', EndpointName: 'mlops-dev-churn', ResourcePrefix: 'mlops-dev-churn--' },
};
const deleteEvent = { ...base, RequestType: 'Delete', PhysicalResourceId: 'mlops-dev-churn-cleanup' } as CloudFormationCustomResourceEvent;
const deleteOf = (EndpointName: unknown, ResourcePrefix: unknown) =>
  ({ ...deleteEvent, ResourceProperties: { ServiceToken: 'x', EndpointName, ResourcePrefix } }) as CloudFormationCustomResourceEvent;

async function invoke(event: CloudFormationCustomResourceEvent) {
  const answers: Array<Record<string, string>> = [];
  await handler(event, undefined, async (url, body) => {
    expect(url).toBe(base.ResponseURL);
    answers.push(JSON.parse(body));
  }, async () => undefined);
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
    sagemaker.on(ListEndpointConfigsCommand, { NextToken: undefined }).resolves({
      EndpointConfigs: [{ EndpointConfigName: 'mlops-dev-churn--c1' } as never, { EndpointConfigName: 'mlops-dev-churn2--c9' } as never], NextToken: 'p2',
    });
    sagemaker.on(ListEndpointConfigsCommand, { NextToken: 'p2' }).resolves({ EndpointConfigs: [{ EndpointConfigName: 'mlops-dev-churn--c2' } as never] });
    sagemaker.on(ListModelsCommand).resolves({ Models: [{ ModelName: 'mlops-dev-churn--m1' } as never, { ModelName: 'x-mlops-dev-churn--m1' } as never] });
    sagemaker.on(DeleteEndpointConfigCommand).resolves({});
    sagemaker.on(DeleteModelCommand).resolves({});

    const answer = await invoke(deleteEvent);

    expect(answer.Status).toBe('SUCCESS');
    expect(answer.Reason).toBe('deleted endpoint mlops-dev-churn, endpoint configuration mlops-dev-churn--c1, endpoint configuration mlops-dev-churn--c2, model mlops-dev-churn--m1');
    expect(autoscaling).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, { ResourceId: 'endpoint/mlops-dev-churn/variant/AllTraffic' });
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 2);
    expect(sagemaker).toHaveReceivedCommandWith(ListEndpointConfigsCommand, { NameContains: 'mlops-dev-churn--' });
    expect(sagemaker.commandCalls(DeleteEndpointConfigCommand).map((c) => c.args[0].input.EndpointConfigName)).toEqual(['mlops-dev-churn--c1', 'mlops-dev-churn--c2']);
    expect(sagemaker.commandCalls(DeleteModelCommand).map((c) => c.args[0].input.ModelName)).toEqual(['mlops-dev-churn--m1']);
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
});

describe('endpoint-cleanup: properties', () => {
  test('every bad property is named at once with its value and rule, and nothing is touched', async () => {
    const answer = await invoke(deleteOf('bad_name', 'churn--'));
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toContain('ResourceProperties.EndpointName is "bad_name"; expected a qualified name <namespace>-<environment>-<model>');
    // The prefix of the old naming (`<model>--`) would match that model's names in every environment.
    expect(answer.Reason).toContain('ResourceProperties.ResourcePrefix is "churn--"; expected a qualified name');
    expect(answer.Reason).toContain('followed by "--"');
    expect(sagemaker.calls()).toHaveLength(0);
    expect(autoscaling.calls()).toHaveLength(0);
  });

  test.each([
    ['no trailing "--"', 'mlops-dev-churn-'],
    ['a double hyphen inside', 'mlops--dev-churn--'],
    ['upper case', 'MLOPS-dev-churn--'],
    ['only two parts', 'mlops-churn--'],
    ['49 characters before "--"', `a-b-${'c'.repeat(45)}--`],
    ['not a string', 42],
    ['missing', undefined],
  ])('a ResourcePrefix with %s is refused', async (_why, prefix) => {
    const answer = await invoke(deleteOf('mlops-dev-churn', prefix));
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toContain(`ResourceProperties.ResourcePrefix is ${JSON.stringify(prefix) ?? 'missing'}; expected a qualified name`);
    expect(answer.Reason).not.toContain('EndpointName');
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('a prefix of another qualified name than the endpoint\'s is refused (it would delete another environment\'s resources)', async () => {
    const answer = await invoke(deleteOf('mlops-dev-churn', 'mlops-prod-churn--'));
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toContain('ResourceProperties.ResourcePrefix is "mlops-prod-churn--"; expected the endpoint\'s qualified name followed by "--" ("mlops-dev-churn--")');
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('the longest qualified name (48 characters) is accepted', async () => {
    const name = `a-b-${'c'.repeat(44)}`;
    expect(name).toHaveLength(48);
    const answer = await invoke({ ...base, RequestType: 'Create', ResourceProperties: { ServiceToken: 'x', EndpointName: name, ResourcePrefix: `${name}--` } } as CloudFormationCustomResourceEvent);
    expect(answer.Status).toBe('SUCCESS');
  });
});

describe('endpoint-cleanup: environments sharing an account', () => {
  // Look-alike qualified names: other environments (prod, dev2), namespaces (ml / ml-x / x-ml, x-mlops: `NameContains`
  // matches `mlops-dev-churn--` inside `x-mlops-dev-churn--...`), models (churn-v2), and the old `<model>--` naming.
  const QUALIFIED_NAMES = ['mlops-dev-churn', 'mlops-prod-churn', 'mlops-dev2-churn', 'x-mlops-dev-churn', 'mlops-dev-churn-v2',
    'mlops-dev-fraud-dl', 'ml-dev-churn', 'ml-x-dev-churn', 'x-ml-dev-churn', 'ml-dev2-churn'];

  test.each(['mlops-dev-churn', 'mlops-prod-churn', 'ml-dev-churn', 'ml-x-dev-churn', 'ml-dev2-churn'])(
    'destroying %s deletes its endpoint, configurations, models and autoscaling, and nothing of any other environment or model',
    async (target) => {
      const account = fakeAccount(QUALIFIED_NAMES, ['churn']);
      account.mock(sagemaker, autoscaling);
      const before = account.snapshot();

      const answer = await invoke(deleteOf(target, `${target}--`));

      expect(answer.Status).toBe('SUCCESS');
      const mine = (name: string) => name === target || name.startsWith(`${target}--`) || name === `endpoint/${target}/variant/AllTraffic`;
      const after = account.snapshot();
      expect(after.endpoints).toEqual(before.endpoints.filter((n) => !mine(n)));
      expect(after.configs).toEqual(before.configs.filter((n) => !mine(n)));
      expect(after.models).toEqual(before.models.filter((n) => !mine(n)));
      expect(after.scalingTargets).toEqual(before.scalingTargets.filter((n) => !mine(n)));
      expect(before.configs.filter(mine)).toHaveLength(2);
      // Every endpoint still serving still has its configuration and models: SageMaker would not have refused.
      for (const endpoint of account.endpoints.values()) {
        expect(after.configs).toContain(endpoint.config);
        for (const model of endpoint.models) expect(after.models).toContain(model);
      }
      // Only this endpoint was named in any deletion.
      expect(sagemaker.commandCalls(DeleteEndpointCommand).map((c) => c.args[0].input.EndpointName)).toEqual([target]);
      expect(autoscaling.commandCalls(DeregisterScalableTargetCommand).map((c) => c.args[0].input.ResourceId)).toEqual([`endpoint/${target}/variant/AllTraffic`]);
    });

  test('NameContains also lists another namespace\'s names (x-mlops-dev-churn--...): they are listed, and kept', async () => {
    const account = fakeAccount(QUALIFIED_NAMES, ['churn']);
    account.mock(sagemaker, autoscaling);
    await invoke(deleteOf('mlops-dev-churn', 'mlops-dev-churn--'));
    const others = account.listed.filter((n) => !n.startsWith('mlops-dev-churn--'));
    expect(others.length).toBeGreaterThanOrEqual(2);
    expect(others.every((n) => n.startsWith('x-mlops-dev-churn--'))).toBe(true);
    expect(account.snapshot().configs).toEqual(expect.arrayContaining(others.filter((n) => n.includes('--c'))));
  });
});
