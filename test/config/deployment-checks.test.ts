import { models } from '../fixtures/config';
import { MAX_QUALIFIED_NAME_LENGTH } from '../../lib/config/deployment-checks';
import { loadConfiguration, selectEnvironment } from '../../lib/config/load';
import { ConfigError } from '../../lib/config/schema';
import { supportedRegions } from '../../lib/model/container-images';
import { buildMlopsApp } from '../../lib/mlops-app';
import { defaultConfig, newApp } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */

const PLATFORM = 'config/platform.ts';
const MODELS = 'config/models.ts';

/** Loads `config` and `modelList` for `env`. */
function load(config: any, modelList: unknown = models, env = 'dev') {
  return loadConfiguration({ platform: config, platformSource: PLATFORM, environmentName: env, models: modelList, modelsSource: MODELS });
}

/** The ConfigError of loading `config` with `modelList` (fails the test when none is thrown). */
function loadError(config: any, modelList: unknown = models, env = 'dev'): ConfigError {
  try {
    load(config, modelList, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const xgboost = models.find((m) => m.framework === 'xgboost')!;
const pytorch = models.find((m) => m.framework === 'pytorch')!;

describe('names of run-time resources: <namespace>-<environment>-<model>--<letter><12 hex>, at most 63 characters', () => {
  test.each([
    ['a namespace with "--"', (c: any) => { c.namespace = 'ml--ops'; },
      'namespace: got "ml--ops"; expected lower-case letters, digits and single hyphens'],
    ['a namespace ending with "-"', (c: any) => { c.namespace = 'mlops-'; },
      'namespace: got "mlops-"; expected lower-case letters, digits and single hyphens, starting with a letter, not ending with a hyphen, '
      + 'at most 20 characters'],
    ['an environment name with "--"', (c: any) => { c.environments['eu--dev'] = c.environments.dev; },
      'environments.eu--dev (key): got "eu--dev"; expected an environment name of lower-case letters, digits and single hyphens, '
      + 'starting with a letter, not ending with a hyphen, at most 16 characters'],
    ['an environment name ending with "-"', (c: any) => { c.environments['dev-'] = c.environments.dev; }, 'environments.dev- (key): got "dev-"'],
  ])('%s is refused', (_name, change, message) => {
    const config = defaultConfig();
    change(config);
    expect(() => selectEnvironment(config, PLATFORM, 'dev')).toThrow(message);
  });

  test('single hyphens pass', () => {
    const config = defaultConfig();
    config.namespace = 'ml-ops-2';
    config.environments['eu-dev-1'] = config.environments.dev;
    expect(selectEnvironment(config, PLATFORM, 'eu-dev-1').name).toBe('eu-dev-1');
  });

  test(`a qualified name longer than ${MAX_QUALIFIED_NAME_LENGTH} characters is refused, naming namespace, environment and model`, () => {
    const config = defaultConfig();
    config.namespace = 'analytics-platform'; // 18
    config.environments['staging-euw1'] = config.environments.dev; // 12
    const long = { ...xgboost, name: 'customer-churn-v2', approvers: { ...xgboost.approvers, 'staging-euw1': ['a@example.com'] } }; // 17
    // analytics-platform-staging-euw1-customer-churn-v2: 49 characters; with "dev" and "prod" 40 and 41.
    const error = loadError(config, [long]);
    expect(error.problems).toHaveLength(1);
    expect(error.message).toBe([
      `Invalid configuration in ${MODELS} (1 problem):`,
      '  - models[0] "customer-churn-v2".name (environment "staging-euw1"): got "analytics-platform-staging-euw1-customer-churn-v2" '
      + '(namespace "analytics-platform", environment "staging-euw1", model "customer-churn-v2": 49 characters); expected at most 48 characters for '
      + '<namespace>-<environment>-<model>, because it prefixes the SageMaker jobs, models and endpoint configurations the pipeline creates '
      + '(<namespace>-<environment>-<model>--<letter><12 hex>, at most 63 characters): shorten the model, environment or namespace name',
    ].join('\n'));
  });

  test(`exactly ${MAX_QUALIFIED_NAME_LENGTH} characters pass, and leave room for "--" and a 13-character id within 63`, () => {
    const config = defaultConfig();
    config.namespace = 'analytics-platform';
    config.environments['staging-euw'] = config.environments.dev;
    const long = { ...xgboost, name: 'customer-churn-v2', approvers: { ...xgboost.approvers, 'staging-euw': ['a@example.com'] } };
    const qualified = 'analytics-platform-staging-euw-customer-churn-v2';
    expect(qualified).toHaveLength(MAX_QUALIFIED_NAME_LENGTH);
    expect(`${qualified}--t0123456789ab`).toHaveLength(63);
    expect(() => load(config, [long])).not.toThrow();
  });
});

describe('qualified names are unique within one configuration', () => {
  test('environment "dev" with model "x-churn" and environment "dev-x" with model "churn" would share every name: refused', () => {
    const config = defaultConfig();
    config.environments['dev-x'] = config.environments.dev;
    const first = { ...xgboost, name: 'x-churn' };
    const second = { ...xgboost, name: 'churn' };
    const error = loadError(config, [first, second]);
    expect(error.message).toContain('models[1] "churn".name (environment "dev-x"): got "mlops-dev-x-churn", the same qualified name as '
      + 'environment "dev", model "x-churn"; expected a <namespace>-<environment>-<model> name no other environment and model of this configuration has');
    expect(error.problems).toHaveLength(1);
  });

  test('distinct qualified names pass', () => {
    const config = defaultConfig();
    config.environments['dev-x'] = config.environments.dev;
    expect(() => load(config, [{ ...xgboost, name: 'x-churn' }, { ...xgboost, name: 'churn2' }])).not.toThrow();
  });
});

describe('regions: checked against the container images the models need, before any construct exists', () => {
  test('an unknown region is refused with the regions aws-cdk-lib knows', () => {
    const config = defaultConfig();
    config.environments.prod.region = 'us-east-9';
    const error = loadError(config);
    expect(error.message).toMatch(new RegExp('^Invalid configuration in config/platform\\.ts \\(1 problem\\):\n  - environments\\.prod\\.region: '
      + 'got "us-east-9"; expected an AWS region known to aws-cdk-lib \\(.*eu-west-1.*\\)$'));
  });

  test('a region without the PyTorch images is refused, naming the models that need them and the regions that have them', () => {
    expect(supportedRegions('xgboost')).toContain('us-gov-west-1');
    expect(supportedRegions('pytorch')).not.toContain('us-gov-west-1');
    const config = defaultConfig();
    config.environments.dev.region = 'us-gov-west-1';
    const error = loadError(config);
    expect(error.problems).toEqual([{
      path: 'environments.dev.region',
      got: '"us-gov-west-1"',
      expected: `a region where the blueprint knows the pytorch container images that model "${pytorch.name}" needs `
        + `(${supportedRegions('pytorch').join(', ')})`,
    }]);
  });

  test('without models, any known region passes; every environment is checked, not only the chosen one', () => {
    const config = defaultConfig();
    config.environments.prod.region = 'us-gov-west-1';
    expect(() => load(config, [])).not.toThrow();
    expect(loadError(config, models, 'dev').problems.map((p) => p.path)).toEqual(['environments.prod.region']);
  });

  test('every region of the image tables is one aws-cdk-lib knows (no table entry is unreachable)', () => {
    const config = defaultConfig();
    const both = supportedRegions('xgboost').filter((r) => supportedRegions('pytorch').includes(r));
    expect(both.length).toBeGreaterThan(25);
    for (const region of both) {
      config.environments.dev.region = region;
      expect(() => load(config)).not.toThrow();
    }
  });
});

describe('one round: platform and model problems together, no construct created', () => {
  test('a platform problem, a region, an unknown -c env and a model problem come in one error, grouped by file', () => {
    const config = defaultConfig();
    config.environments.dev.audit.objectLockRetentionDays = 0;
    config.environments.prod.region = 'us-east-9';
    const badModel = { ...xgboost, retraining: { schedule: 'cron(99 * * * ? *)' } };
    const error = loadError(config, [badModel], 'staging');
    expect(error.groups.map((g) => g.source)).toEqual([PLATFORM, 'the context value "env" (-c env=NAME)', MODELS]);
    expect(error.message).toContain(`Invalid configuration in ${PLATFORM} (2 problems):\n  - environments.dev.audit.objectLockRetentionDays: got 0`);
    expect(error.message).toContain('  - environments.prod.region: got "us-east-9"; expected an AWS region known to aws-cdk-lib');
    expect(error.message).toContain('env: got "staging"; expected one of the environments in config/platform.ts: dev, prod');
    expect(error.message).toContain(`Invalid configuration in ${MODELS} (1 problem):\n`
      + `  - models[0] "${xgboost.name}".retraining.schedule: got "cron(99 * * * ? *)"`);
  });

  test('region and name problems come with the problems of the models they concern', () => {
    const config = defaultConfig();
    config.namespace = 'analytics-platform';
    config.environments.dev.region = 'us-east-9';
    config.environments['staging-euw1-a'] = config.environments.dev;
    const broken = { ...xgboost, name: 'customer-churn-model-v2', description: 'x'.repeat(129) };
    const error = loadError(config, [broken]);
    expect(error.groups.map((g) => [g.source, g.problems.map((p) => p.path)])).toEqual([
      [PLATFORM, ['environments.dev.region', 'environments.staging-euw1-a.region']],
      [MODELS, [
        'models[0] "customer-churn-model-v2".description',
        'models[0] "customer-churn-model-v2".name (environment "staging-euw1-a")',
      ]],
    ]);
  });

  test('buildMlopsApp throws the ConfigError before creating any stack', () => {
    const app = newApp({ env: 'dev' });
    const config = defaultConfig();
    config.environments.dev.region = 'us-east-9';
    expect(() => buildMlopsApp(app, { config, configSource: PLATFORM, models, modelsSource: MODELS, complianceChecks: false }))
      .toThrow(/environments\.dev\.region: got "us-east-9"; expected an AWS region known to aws-cdk-lib/);
    expect(app.node.children).toHaveLength(0);
  });
});
