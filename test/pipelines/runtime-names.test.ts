import { models } from '../fixtures/config';
import { runtimeName } from '../../pipelines/runtime-names';
import { buildTestApp, defaultConfig } from '../helpers';
import { AslDefinition, validateAsl } from '../helpers/sfn';
import { definitionOf, INPUT, overrides, run } from './fixtures';

/** SageMaker's name pattern for jobs, models and endpoint configurations, with its 63-character limit. */
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

// GIVEN the longest prefix the configuration allows: a 20-character namespace, `dev`, a 23-character model (48 characters).
const NAMESPACE = 'n'.repeat(19) + '1';
const MODEL = 'm'.repeat(22) + '2';
const PREFIX = `${NAMESPACE}-dev-${MODEL}`;
const config = defaultConfig();
config.namespace = NAMESPACE;
// Only dev: the same model in `prod` would be 49 characters, which the configuration refuses.
delete config.environments.prod;
const { stacks } = buildTestApp(
  { env: 'dev' },
  {
    config,
    configSource: 'test',
    modelsSource: 'test',
    models: [
      {
        ...models[0],
        name: MODEL,
        approvers: {},
        serving: { ...models[0].serving, environments: {} },
        preprocessing: { instanceType: 'ml.m5.xlarge' },
      },
    ],
  },
);
const longest: AslDefinition = definitionOf(stacks.models[MODEL]);

/** The name fields of the SageMaker creates, by Task state. */
const NAME_FIELDS: Record<string, string> = {
  Preprocess: 'ProcessingJobName',
  Train: 'TrainingJobName',
  Evaluate: 'ProcessingJobName',
  CreateModel: 'ModelName',
  CreateEndpointConfig: 'EndpointConfigName',
};

describe('run-time names carry namespace and environment', () => {
  test('the prefix is 48 characters, the longest the configuration allows, and the definition is valid', () => {
    expect(PREFIX).toHaveLength(48);
    expect(() => validateAsl(longest)).not.toThrow();
  });

  test('every job, model and endpoint configuration of a run is <prefix>--<letter><12 hex>, a valid SageMaker name of <= 63 characters', async () => {
    const result = await run(longest, INPUT, { overrides: overrides(0.91) });
    expect(result.status).toBe('SUCCEEDED');
    const letters: Record<string, string> = { Preprocess: 'p', Train: 't', Evaluate: 'e', CreateModel: 'm', CreateEndpointConfig: 'c' };
    const names = Object.entries(NAME_FIELDS).map(([state, field]) => {
      const name = (result.taskInputs[state][0] as Record<string, string>)[field];
      expect(name).toMatch(SAGEMAKER_NAME);
      expect(name.startsWith(`${PREFIX}--`)).toBe(true);
      expect(name).toMatch(new RegExp(`^${PREFIX}--${letters[state]}[0-9a-f]{12}$`));
      expect(name).toHaveLength(63);
      return name;
    });
    // Each state draws its own id.
    expect(new Set(names.map((n) => n.slice(-12))).size).toBe(names.length);
  });

  test('a retried create gets a new name (no ResourceInUse on the next attempt)', async () => {
    const result = await run(longest, INPUT, {
      overrides: overrides(0.91),
      errors: {
        Train: [
          {
            error: 'SageMaker.AmazonSageMakerException',
            cause: 'Rate exceeded (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException)',
            times: 2,
          },
        ],
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    const names = result.taskInputs.Train.map((input) => (input as Record<string, string>).TrainingJobName);
    expect(names).toHaveLength(3);
    expect(new Set(names).size).toBe(3);
  });

  test('jobs, models and endpoint configurations are tagged with the model and the environment', async () => {
    const result = await run(longest, INPUT, { overrides: overrides(0.91) });
    for (const state of [...Object.keys(NAME_FIELDS), 'RegisterModel']) {
      expect((result.taskInputs[state][0] as { Tags: object[] }).Tags).toEqual([
        { Key: 'mlops:model', Value: MODEL },
        { Key: 'mlops:environment', Value: 'dev' },
      ]);
    }
  });

  test('the names are built with nested intrinsics (States.UUID split on hyphens, its fifth group)', () => {
    expect(longest.States.Train.Parameters).toEqual(
      expect.objectContaining({
        'TrainingJobName.$': `States.Format('${PREFIX}--t{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))`,
      }),
    );
  });

  test('a prefix SageMaker could not take is refused at synth, naming the value and the rule', () => {
    expect(() => runtimeName('x'.repeat(49), 't')).toThrow(
      /runtimeNamePrefix "x{49}": expected letters, digits and single hyphens, at most 48 characters/,
    );
    expect(() => runtimeName('a--b', 't')).toThrow(/runtimeNamePrefix "a--b"/);
    expect(() => runtimeName('a_b', 't')).toThrow(/runtimeNamePrefix "a_b"/);
  });
});
