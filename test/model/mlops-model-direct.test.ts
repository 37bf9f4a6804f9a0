import { App, Stack } from 'aws-cdk-lib';
import { loadConfiguration } from '../../lib/config/load';
import { ConfigError } from '../../lib/config/schema';
import { MlopsModel } from '../../lib/model/mlops-model';
import { PlatformReference } from '../../lib/platform/platform-reference';
import { minimal } from '../config/resolve-model-fixtures';
import { defaultConfig } from '../helpers';

// GIVEN a model without approvers for "prod", which requires human approval
function withoutApprovers() {
  const model = minimal();
  delete model.approvers;
  return model;
}

function prodStack() {
  const stack = new Stack(new App(), 'S');
  const platform = new PlatformReference(stack, 'P', { namespace: 'mlops', environmentName: 'prod' });
  return { stack, platform };
}

test('MlopsModel built directly with bad props throws the ConfigError the app gives', () => {
  const { stack, platform } = prodStack();
  let direct: unknown;
  try {
    new MlopsModel(stack, 'M', { declaration: withoutApprovers(), platform, environmentName: 'prod', production: true });
  } catch (e) {
    direct = e;
  }
  expect(direct).toBeInstanceOf(ConfigError);
  expect((direct as Error).message).toMatch(
    /^Invalid configuration in model "churn" \(1 problem\):\n {2}- model "churn".approvers.prod: got nothing; expected at least one approver/,
  );
  expect(() =>
    loadConfiguration({ platform: defaultConfig(), platformSource: 'p', environmentName: 'prod', models: [withoutApprovers()], modelsSource: 'm' }),
  ).toThrow(/models\[0\] "churn".approvers.prod: got nothing; expected at least one approver e-mail address, because environment "prod" requires human/);
});

test('MlopsModel reports every problem of a declaration in one error', () => {
  const { stack, platform } = prodStack();
  const bad = { ...withoutApprovers(), training: { instanceType: 'm5.xlarge', maxRuntimeMinutes: -1 } };
  expect(() => new MlopsModel(stack, 'M', { declaration: bad, platform, environmentName: 'prod', production: true })).toThrow(
    /\((\d+) problems\)[\s\S]*training.instanceType[\s\S]*training.maxRuntimeMinutes/,
  );
});

test('a directly built model and its import by name agree on names and ARNs', () => {
  const { stack, platform } = prodStack();
  const model = new MlopsModel(stack, 'Ok', { declaration: minimal(), platform, environmentName: 'prod', production: true });
  expect(model.qualifiedName).toBe('mlops-prod-churn');
  expect(stack.resolve(model.endpointArn)).toEqual(stack.resolve(model.endpoint.endpointArn));
  const imported = MlopsModel.fromModelName(stack, 'I', { namespace: 'mlops', environmentName: 'prod', modelName: 'churn' });
  expect(imported.qualifiedName).toBe(model.qualifiedName);
  expect(stack.resolve(imported.endpointArn)).toEqual(stack.resolve(model.endpointArn));
});
