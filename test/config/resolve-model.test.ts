import { ConfigError } from '../../lib/config/schema';
import { ModelEnvironment } from '../../lib/config/model-environment';
import { DEV, full, minimal, PROD } from './resolve-model-fixtures';
import { qualifiedModelName, resolveModel, resolveModelAt } from '../../lib/config/resolve-model';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The ConfigError message of resolving `declaration` (fails the test when nothing is thrown). */
function errorOf(declaration: unknown, environment: ModelEnvironment = PROD, source?: string): string {
  try {
    resolveModel(declaration, environment, source);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveModel: defaults', () => {
  test('a minimal declaration gets every default, in one place', () => {
    const m = resolveModel(minimal(), DEV);
    expect(m.qualifiedName).toBe('acme-dev-churn');
    expect(m.prefixes).toEqual({
      data: 'churn/',
      trainingData: 'churn/train/',
      evaluationData: 'churn/test/',
      preprocessingScript: 'churn/code/preprocess.py',
      model: 'models/churn/',
      runs: 'models/churn/runs',
      serving: 'models/churn/serving/',
      servingRecord: 'models/churn/serving/current.json',
      lineage: 'lineage/acme-dev-churn/',
      decisions: 'decisions/acme-dev-churn/',
    });
    expect(m).toEqual(
      expect.objectContaining({ name: 'churn', namespace: 'acme', environmentName: 'dev', production: false, gpu: false, framework: 'xgboost' }),
    );
    expect(m.features.onlineStore).toBe(false);
    expect(m.inputFeatures.map((f) => f.name)).toEqual(['tenure', 'plan']);
    expect(m.training).toEqual({
      instanceType: 'ml.m5.xlarge',
      instanceCount: 1,
      volumeSizeGb: 30,
      maxRuntimeSeconds: 3600,
      maxWaitSeconds: 7200,
      spot: true,
      volumeKmsAllowed: true,
      hyperparameters: {},
      contentType: 'text/csv',
    });
    expect(m.evaluation).toEqual({
      instanceType: 'ml.m5.large',
      maxRuntimeSeconds: 3600,
      gpu: false,
      volumeKmsAllowed: true,
      metric: 'auc',
      direction: 'maximize',
      threshold: 0.8,
      range: { min: 0, max: 1 },
    });
    expect(m.preprocessing).toBeUndefined();
    expect(m.crossAccountReaders).toBeUndefined();
    expect(m.approval).toEqual({ mode: 'auto' });
    expect(m.serving).toEqual(
      expect.objectContaining({
        mode: 'realtime',
        instanceType: 'ml.m5.large',
        instanceCount: 1,
        stopWhenIdleHours: 4,
        capture: { samplingPercent: 25 },
      }),
    );
    expect(m.monitored).toBe(true);
    expect(m.drift).toEqual({
      psiThreshold: 0.2,
      ksThreshold: 0.1,
      jsThreshold: 0.1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      minSamples: 200,
      maxFeatureAlarms: 20,
      retrainOnDrift: true,
    });
    expect(m.retraining).toEqual({ cooldownMinutes: 360, maxStartsPerDay: 3, schedule: undefined });
    expect(m.cost).toEqual({
      model: 'churn',
      environment: 'dev',
      serving: {
        mode: 'realtime',
        instanceType: 'ml.m5.large',
        initialInstanceCount: 1,
        minInstances: 1,
        maxInstances: 2,
        capture: { samplingPercent: 25 },
        stopWhenIdleHours: 4,
      },
      training: { instanceType: 'ml.m5.xlarge', instanceCount: 1, maxRuntimeMinutes: 60, spot: true },
      evaluation: { instanceType: 'ml.m5.large', maxRuntimeMinutes: 60 },
      preprocessing: null,
      drift: { scheduleMinutes: 60, memoryMb: 1024 },
      retraining: { maxStartsPerDay: 3 },
    });
  });

  test("an environment without approval settings waits 72 hours for the model's approvers there", () => {
    expect(resolveModel(minimal(), PROD).approval).toEqual({ mode: 'human', approvers: ['lead@example.com'], timeoutHours: 72 });
    expect(resolveModel(minimal(), { ...PROD, approval: { mode: 'human', timeoutHours: 8 } }).approval).toEqual({
      mode: 'human',
      approvers: ['lead@example.com'],
      timeoutHours: 8,
    });
  });

  test('declared values win; the per-environment serving and the production default apply', () => {
    const m = resolveModel(full(), PROD);
    expect(m.training).toEqual({
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      volumeSizeGb: 100,
      maxRuntimeSeconds: 7200,
      maxWaitSeconds: 18000,
      spot: true,
      volumeKmsAllowed: false,
      hyperparameters: { epochs: '5' },
      contentType: undefined,
    });
    expect(m.evaluation).toEqual(
      expect.objectContaining({ instanceType: 'ml.g5.xlarge', gpu: true, volumeKmsAllowed: false, metric: 'rmse', direction: 'minimize' }),
    );
    expect(m.preprocessing).toEqual({ instanceType: 'ml.m5.2xlarge', maxRuntimeSeconds: 1800, gpu: false, volumeKmsAllowed: true });
    expect(m).toEqual(
      expect.objectContaining({ gpu: true, production: true, description: 'Fraud on GPUs', crossAccountReaders: ['123456789012'], monitored: false }),
    );
    expect(m.features.onlineStore).toBe(true);
    expect(m.serving).toEqual(
      expect.objectContaining({
        mode: 'realtime',
        instanceType: 'ml.g5.xlarge',
        instanceCount: 2,
        gpu: true,
        capture: undefined,
        stopWhenIdleHours: undefined,
      }),
    );
    expect(m.drift).toEqual(expect.objectContaining({ evaluationPeriods: 1, datapointsToAlarm: 1, psiThreshold: 0.3 }));
    expect(m.retraining).toEqual({ cooldownMinutes: 60, maxStartsPerDay: 3, schedule: 'cron(0 2 ? * SUN *)' });
    expect(m.cost.drift).toBeNull();
    expect(m.cost.preprocessing).toEqual({ instanceType: 'ml.m5.2xlarge', maxRuntimeMinutes: 30 });
    expect(m.cost.serving).toEqual({
      mode: 'realtime',
      instanceType: 'ml.g5.xlarge',
      initialInstanceCount: 2,
      minInstances: 2,
      maxInstances: 4,
      capture: false,
    });
  });

  test('the spot wait: twice the run time at most 28 days, none without spot', () => {
    const long = minimal();
    long.training.maxRuntimeMinutes = 30000;
    expect(resolveModel(long, DEV).training.maxWaitSeconds).toBe(40320 * 60);
    const onDemand = minimal();
    onDemand.training.spot = false;
    expect(resolveModel(onDemand, DEV).training).toEqual(expect.objectContaining({ spot: false, maxWaitSeconds: undefined }));
    expect(resolveModel(onDemand, DEV).cost.training.spot).toBe(false);
  });

  test('serverless serving: no drift statistics, no drift job in the cost inputs', () => {
    const m = resolveModel({ ...minimal(), serving: { mode: 'serverless' } }, DEV);
    expect(m.serving).toEqual({ mode: 'serverless', memoryMb: 2048, maxConcurrency: 5, provisionedConcurrency: undefined, latencyThresholdMs: 500 });
    expect(m.monitored).toBe(false);
    expect(m.cost).toEqual(
      expect.objectContaining({ serving: { mode: 'serverless', memoryMb: 2048, maxConcurrency: 5, provisionedConcurrency: 0 }, drift: null }),
    );
  });
});

describe('resolveModel: one error naming every problem', () => {
  test('missing approvers in an environment that requires a human are a configuration error, not a plain one', () => {
    const withoutApprovers = { ...minimal(), approvers: undefined };
    const expected =
      'Invalid configuration in model "churn" (1 problem):\n' +
      '  - model "churn".approvers.prod: got nothing; ' +
      'expected at least one approver e-mail address, because environment "prod" requires human approval';
    expect(errorOf(withoutApprovers)).toBe(expected);
    expect(errorOf({ ...minimal(), approvers: { dev: ['a@example.com'] } })).toBe(expected);
    // Automatic approval needs none.
    expect(resolveModel(withoutApprovers, DEV).approval).toEqual({ mode: 'auto' });
  });

  test("the declaration's, the environment's and the serving problems all at once", () => {
    const bad = { ...minimal(), approvers: undefined, training: { instanceType: 'm5.xlarge' }, serving: { mode: 'serverless' } };
    const text = errorOf(
      bad,
      { ...PROD, sagemakerVpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] } },
      'config/models.ts',
    );
    expect(text).toMatch(/^Invalid configuration in config\/models\.ts \(3 problems\):/);
    expect(text).toContain('model "churn".training.instanceType: got "m5.xlarge"; expected a SageMaker instance type');
    expect(text).toContain('(did you mean "ml.m5.xlarge"?)');
    expect(text).toContain('model "churn".approvers.prod: got nothing; expected at least one approver e-mail address');
    expect(text).toContain(
      'model "churn".serving (environment "prod").mode: got "serverless" in an environment with sagemakerVpc; ' +
        'expected "realtime": serverless endpoints cannot run in a VPC',
    );
  });

  test("the environment's own settings are checked like the app's configuration", () => {
    const text = errorOf(minimal(), {
      namespace: 'Acme',
      environmentName: 'prod--1',
      approval: { mode: 'sometimes' } as any,
      production: 'yes' as any,
    });
    expect(text).toMatch(/\(4 problems\)/);
    expect(text).toContain('  - namespace: got "Acme"; expected lower-case letters, digits and single hyphens');
    expect(text).toContain('  - environmentName: got "prod--1"; expected an environment name of lower-case letters');
    expect(text).toContain('  - approval.mode: got "sometimes"; expected one of "human", "auto"');
    expect(text).toContain('  - production: got "yes"; expected true or false');
  });

  test("a qualified name too long for the pipeline's run-time names, with the app's message", () => {
    const environment = { ...DEV, namespace: 'platform-team-x', environmentName: 'staging-euw1' };
    const text = errorOf({ ...minimal(), name: 'customer-churn-prediction' }, environment);
    expect(text).toMatch(/\(1 problem\):\n {2}- model "customer-churn-prediction"\.name: got "customer-churn-prediction"; expected a model name/);
    const long = errorOf({ ...minimal(), name: 'customer-churn-v2-bb' }, environment);
    expect(long).toContain(
      'model "customer-churn-v2-bb".name (environment "staging-euw1"): got "platform-team-x-staging-euw1-customer-churn-v2-bb" ' +
        '(namespace "platform-team-x", environment "staging-euw1", model "customer-churn-v2-bb": 49 characters); expected at most 48 characters',
    );
    expect(resolveModel({ ...minimal(), name: 'customer-churn-v2-b' }, environment).qualifiedName).toHaveLength(48);
  });

  test('a field the schema rejects is reported once: the environment rules skip it', () => {
    const text = errorOf({ ...minimal(), approvers: { prod: [] }, serving: { instanceCount: 0 } });
    expect(text).toMatch(/\(2 problems\)/);
    expect(text).toContain('model "churn".approvers.prod: got []; expected a list of 1 to 20 items');
    expect(text).toContain('model "churn".serving.instanceCount: got 0; expected an integer from 1 to 100');
  });

  test('a declaration that is not an object, and the path the app uses', () => {
    expect(errorOf(42)).toBe('Invalid configuration in model (1 problem):\n  - model: got 42; expected a model declaration (an object)');
    const { problems, model } = resolveModelAt({ ...minimal(), framework: 'mxnet' }, DEV, 'models[3] "churn"');
    expect(model).toBeUndefined();
    expect(problems).toEqual([
      { path: 'models[3] "churn".framework', got: '"mxnet"', expected: 'one of "xgboost", "pytorch", "tensorflow", "sklearn", "custom"' },
    ]);
  });
});

describe('qualifiedModelName', () => {
  test("the construct's rule: <namespace>-<environment>-<model>, each part valid, at most 48 characters", () => {
    expect(qualifiedModelName({ namespace: 'acme', environmentName: 'dev', modelName: 'churn' })).toBe('acme-dev-churn');
    expect(() => qualifiedModelName({ namespace: 'acme', environmentName: 'Dev', modelName: 'churn--x' }, 'here')).toThrow(
      /^Invalid configuration in here \(2 problems\):\n {2}- environmentName: got "Dev"; .*\n {2}- modelName: got "churn--x"; expected a model name/,
    );
  });
});
