import { isBoundedMetric, MODEL_DEFAULTS, parseModels } from '../../lib/config/model-schema';
import { cpuModel, errorOf, gpuModel, SOURCE } from './model-declarations';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('parseModels: valid declarations', () => {
  test('GIVEN a CPU XGBoost model and a GPU PyTorch model WHEN parsed THEN both pass unchanged, without defaults', () => {
    // GIVEN
    const models = [cpuModel(), gpuModel()];
    // WHEN
    const parsed = parseModels(models, SOURCE);
    // THEN
    expect(parsed).toEqual([cpuModel(), gpuModel()]);
    expect(parsed[0].training).not.toHaveProperty('spot');
    expect(parsed[0]).not.toHaveProperty('gpu');
    expect(MODEL_DEFAULTS.trainingMaxRuntimeMinutes).toBe(60);
  });

  test('GIVEN a model without gpu on a GPU instance type WHEN parsed THEN it is allowed', () => {
    const model = cpuModel();
    model.training.instanceType = 'ml.g4dn.xlarge';
    expect(parseModels([model], SOURCE)[0].training.instanceType).toBe('ml.g4dn.xlarge');
  });

  test('GIVEN maxWaitMinutes equal to maxRuntimeMinutes on spot WHEN parsed THEN it passes', () => {
    const model = cpuModel();
    model.training.maxRuntimeMinutes = 90;
    model.training.maxWaitMinutes = 90;
    expect(() => parseModels([model], SOURCE)).not.toThrow();
  });

  test('GIVEN an unbounded metric WHEN the threshold is above 1 THEN it passes', () => {
    const model = cpuModel();
    model.evaluation = { metric: 'rmse', direction: 'minimize', threshold: 250 };
    expect(() => parseModels([model], SOURCE)).not.toThrow();
  });

  test('GIVEN an empty list WHEN parsed THEN no models are returned', () => {
    expect(parseModels([], SOURCE)).toEqual([]);
  });
});

describe('parseModels: one mistake each', () => {
  // GIVEN one mistake each in [churn (CPU), demand-gpu (GPU)], WHEN validated,
  // THEN the message names the source, the model, the field path, the value and the rule.
  const cases: Array<[string, (cpu: any, gpu: any) => void, string]> = [
    ['recordIdentifier not a declared feature',
      (c) => { c.features.recordIdentifier = 'customer'; },
      'models[0] "churn".features.recordIdentifier: got "customer"; expected one of the declared features '
      + '(customer_id, event_time, tenure_months, monthly_charges, contract)'],
    ['recordIdentifier with a typo gets a hint',
      (c) => { c.features.recordIdentifier = 'customer_ids'; },
      'models[0] "churn".features.recordIdentifier: got "customer_ids"; expected one of the declared features '
      + '(customer_id, event_time, tenure_months, monthly_charges, contract) (did you mean "customer_id"?)'],
    ['eventTime not a declared feature',
      (c) => { c.features.eventTime = 'timestamp'; },
      'models[0] "churn".features.eventTime: got "timestamp"; expected one of the declared features'],
    ['eventTime of type integral',
      (c) => { c.features.eventTime = 'tenure_months'; },
      'models[0] "churn".features.eventTime: got "tenure_months" (a feature of type "integral"); '
      + 'expected a feature of type "string" (ISO-8601) or "fractional" (Unix epoch seconds)'],
    ['reserved feature name, any case',
      (c) => { c.features.definitions[2].name = 'Write_Time'; },
      'models[0] "churn".features.definitions[2].name: got "Write_Time"; expected a feature name other than those reserved '
      + 'by Feature Store (is_deleted, write_time, api_invocation_time)'],
    ['feature name with a hyphen',
      (c) => { c.features.definitions[2].name = 'tenure-months'; },
      'models[0] "churn".features.definitions[2].name: got "tenure-months"; expected a feature name: letters, digits and '
      + 'underscores, starting with a letter and not ending with an underscore, at most 64 characters'],
    ['duplicate feature name, case-insensitively',
      (c) => { c.features.definitions.push({ name: 'Contract', type: 'string' }); },
      'models[0] "churn".features.definitions[5].name: got "Contract"; expected a feature name not already declared by '
      + 'definitions[4] (names are compared case-insensitively)'],
    ['unknown feature type',
      (c) => { c.features.definitions[3].type = 'float'; },
      'models[0] "churn".features.definitions[3].type: got "float"; expected one of "string", "integral", "fractional"'],
    ['no features',
      (c) => { c.features.definitions = []; },
      'models[0] "churn".features.definitions: got []; expected a list of 1 to 2500 items'],
    ['model name with capitals and underscore',
      (c) => { c.name = 'Churn_Model'; },
      'models[0] "Churn_Model".name: got "Churn_Model"; expected a model name: lower-case letters, digits and single hyphens, '
      + 'starting with a letter, not ending with a hyphen, at most 24 characters'],
    ['model name ending with a hyphen',
      (c) => { c.name = 'churn-'; },
      'models[0] "churn-".name: got "churn-"; expected a model name'],
    ['model name with a double hyphen',
      (c) => { c.name = 'churn--v2'; },
      'models[0] "churn--v2".name: got "churn--v2"; expected a model name'],
    ['model name of 25 characters',
      (c) => { c.name = 'a'.repeat(25); },
      `models[0] "${'a'.repeat(25)}".name: got "${'a'.repeat(25)}"; expected a model name`],
    ['unknown framework',
      (c) => { c.framework = 'mxnet'; },
      'models[0] "churn".framework: got "mxnet"; expected one of "xgboost", "pytorch", "tensorflow", "sklearn", "custom"'],
    ['instance type of unknown size',
      (c) => { c.training.instanceType = 'ml.m5.huge'; },
      'models[0] "churn".training.instanceType: got "ml.m5.huge"; expected a SageMaker instance type "ml.<family>.<size>" '
      + 'of a known family (t2, t3, m4, m5,'],
    ['instance type without the ml. prefix',
      (c) => { c.training.instanceType = 'm5.xlarge'; },
      'models[0] "churn".training.instanceType: got "m5.xlarge"; expected a SageMaker instance type'],
    ['instance type without the ml. prefix gets a hint',
      (c) => { c.training.instanceType = 'm5.xlarge'; },
      '(did you mean "ml.m5.xlarge"?)'],
    ['instance type of unknown family gets a hint',
      (_c, g) => { g.training.instanceType = 'ml.g55.2xlarge'; },
      'models[1] "demand-gpu".training.instanceType: got "ml.g55.2xlarge"; expected a SageMaker instance type'],
    ['gpu model on a CPU instance type',
      (_c, g) => { g.training.instanceType = 'ml.m5.xlarge'; },
      'models[1] "demand-gpu".training.instanceType: got "ml.m5.xlarge"; expected a GPU instance type (families p2, p3, p3dn, '
      + 'p4d, p4de, p5, p5e, p5en, p6-b200, g4dn, g5, g6, g6e), because gpu is true'],
    ['gpu model on Trainium',
      (_c, g) => { g.training.instanceType = 'ml.trn1.2xlarge'; },
      'models[1] "demand-gpu".training.instanceType: got "ml.trn1.2xlarge"; expected a GPU instance type (families p2,'],
    ['instance count of 0',
      (c) => { c.training.instanceCount = 0; },
      'models[0] "churn".training.instanceCount: got 0; expected an integer from 1 to 100'],
    ['training longer than 28 days',
      (c) => { c.training.maxRuntimeMinutes = 40321; },
      'models[0] "churn".training.maxRuntimeMinutes: got 40321; expected an integer from 1 to 40320'],
    ['maxWaitMinutes without spot',
      (_c, g) => { g.training.spot = false; },
      'models[1] "demand-gpu".training.maxWaitMinutes: got 480; expected no maxWaitMinutes, because spot is false '
      + '(it applies to managed spot training only)'],
    ['maxWaitMinutes below maxRuntimeMinutes',
      (_c, g) => { g.training.maxWaitMinutes = 100; },
      'models[1] "demand-gpu".training.maxWaitMinutes: got 100; expected a number of minutes of at least maxRuntimeMinutes (240)'],
    ['maxWaitMinutes below the default maxRuntimeMinutes',
      (c) => { c.training.maxWaitMinutes = 30; },
      'models[0] "churn".training.maxWaitMinutes: got 30; expected a number of minutes of at least the default maxRuntimeMinutes (60)'],
    ['volume too large',
      (c) => { c.training.volumeSizeGb = 16385; },
      'models[0] "churn".training.volumeSizeGb: got 16385; expected an integer from 1 to 16384'],
    ['hyperparameter name with a space',
      (c) => { c.training.hyperparameters['max depth'] = '5'; },
      'models[0] "churn".training.hyperparameters.max depth (key): got "max depth"; expected a hyperparameter name of 1-256 '
      + 'letters, digits and _ . : -'],
    ['hyperparameter value not a string',
      (c) => { c.training.hyperparameters.max_depth = 5; },
      'models[0] "churn".training.hyperparameters.max_depth: got 5; expected a string without line breaks of at most 2500 characters'],
    ['hyperparameter value too long',
      (c) => { c.training.hyperparameters.eta = 'x'.repeat(2501); },
      'models[0] "churn".training.hyperparameters.eta: got "xxxx'],
    ['preprocessing longer than a day',
      (_c, g) => { g.preprocessing.maxRuntimeMinutes = 1441; },
      'models[1] "demand-gpu".preprocessing.maxRuntimeMinutes: got 1441; expected an integer from 1 to 1440'],
    ['preprocessing without instance type',
      (_c, g) => { delete g.preprocessing.instanceType; },
      'models[1] "demand-gpu".preprocessing.instanceType: got nothing; expected a required value: a SageMaker instance type'],
    ['metric the evaluation step does not compute',
      (c) => { c.evaluation.metric = 'validation:auc'; },
      'models[0] "churn".evaluation.metric: got "validation:auc"; expected a metric name (a letter, then letters, digits and _; at most 64)'],
    ['unknown direction',
      (c) => { c.evaluation.direction = 'higher'; },
      'models[0] "churn".evaluation.direction: got "higher"; expected one of "maximize", "minimize"'],
    ['AUC threshold given as a percentage',
      (c) => { c.evaluation.threshold = 85; },
      'models[0] "churn".evaluation.threshold: got 85; expected a number from 0 to 1, because "auc" is a ratio metric '
      + '(auc, accuracy, f1, precision, recall)'],
    ['threshold as a string',
      (c) => { c.evaluation.threshold = '0.8'; },
      'models[0] "churn".evaluation.threshold: got "0.8"; expected a finite number'],
    ['unknown evaluation instance type',
      (_c, g) => { g.evaluation.instanceType = 'ml.c5.xxlarge'; },
      'models[1] "demand-gpu".evaluation.instanceType: got "ml.c5.xxlarge"; expected a SageMaker instance type'],
    ['account ID not 12 digits',
      (_c, g) => { g.registry.crossAccountReaders[1] = '4444-5555-6666'; },
      'models[1] "demand-gpu".registry.crossAccountReaders[1]: got "4444-5555-6666"; expected a 12-digit AWS account ID'],
    ['duplicate account ID',
      (_c, g) => { g.registry.crossAccountReaders[1] = '111122223333'; },
      'models[1] "demand-gpu".registry.crossAccountReaders[1]: got "111122223333"; expected a value not already in the list'],
    ['description too long',
      (c) => { c.description = 'd'.repeat(1025); },
      'models[0] "churn".description: got "ddd'],
    ['typo in a field name',
      (_c, g) => { g.registy = g.registry; delete g.registry; },
      'models[1] "demand-gpu".registy: got an unknown key; expected one of the known keys name, description, framework, frameworkVersion, code, images, gpu, '
      + 'features, preprocessing, training, evaluation, registry, approvers, serving, drift, retraining (did you mean "registry"?)'],
    ['missing evaluation',
      (c) => { delete c.evaluation; },
      'models[0] "churn".evaluation: got nothing; expected a required value: an object with metric, direction and threshold'],
  ];

  test.each(cases)('%s', (_name, mutate, fragment) => {
    // GIVEN
    const cpu = cpuModel();
    const gpu = gpuModel();
    mutate(cpu, gpu);
    // WHEN
    const text = errorOf([cpu, gpu]);
    // THEN
    expect(text).toMatch(/^Invalid configuration in config\/models\.ts \(1 problem\):/);
    expect(text).toContain(fragment);
  });

  test('the unknown family hint names the nearest family', () => {
    const gpu = gpuModel();
    gpu.training.instanceType = 'ml.g55.2xlarge';
    expect(errorOf([gpu])).toContain('(did you mean "ml.g5.2xlarge"?)');
  });

  test('a too long value is cut in the message, with its limit named', () => {
    const cpu = cpuModel();
    cpu.description = 'd'.repeat(129);
    expect(errorOf([cpu])).toMatch(/description: got "d{76}\.\.\.; expected a description .* of at most 128 characters$/m);
  });
});

describe('parseModels: several problems at once', () => {
  test('GIVEN problems in two models WHEN parsed THEN one error lists all of them, by model', () => {
    // GIVEN
    const cpu = cpuModel();
    cpu.features.recordIdentifier = 'customer';
    cpu.training.instanceCount = 0;
    cpu.evaluation.threshold = 85;
    const gpu = gpuModel();
    gpu.training.instanceType = 'ml.c5.xlarge';
    gpu.training.spot = false;
    gpu.features.definitions[1].name = 'is_deleted';
    // WHEN
    const text = errorOf([cpu, gpu]);
    // THEN every problem is reported, the cross-field ones included, in model order
    expect(text).toMatch(/^Invalid configuration in config\/models\.ts \(7 problems\):/);
    const lines = text.split('\n').slice(1);
    expect(lines).toEqual([
      expect.stringContaining('models[0] "churn".features.recordIdentifier: got "customer"'),
      expect.stringContaining('models[0] "churn".training.instanceCount: got 0'),
      expect.stringContaining('models[0] "churn".evaluation.threshold: got 85'),
      expect.stringContaining('models[1] "demand-gpu".features.definitions[1].name: got "is_deleted"'),
      // eventTime still names "event_time", which is no longer declared
      expect.stringContaining('models[1] "demand-gpu".features.eventTime: got "event_time"; expected one of the declared features'),
      expect.stringContaining('models[1] "demand-gpu".training.maxWaitMinutes: got 480; expected no maxWaitMinutes'),
      expect.stringContaining('models[1] "demand-gpu".training.instanceType: got "ml.c5.xlarge"; expected a GPU instance type'),
    ]);
  });

  test('GIVEN two models with the same name WHEN parsed THEN the later one names the first', () => {
    const text = errorOf([cpuModel(), gpuModel(), cpuModel()]);
    expect(text).toMatch(/\(1 problem\)/);
    expect(text).toContain('models[2] "churn".name: got "churn"; expected a name not already used by models[0] (model names must be unique)');
  });

  test('GIVEN a model without a string name WHEN parsed THEN its path is its index', () => {
    const cpu = cpuModel();
    cpu.name = 42;
    expect(errorOf([gpuModel(), cpu])).toContain('models[1].name: got 42; expected a model name');
  });

  test('GIVEN something else than a list WHEN parsed THEN the error says a list is expected', () => {
    expect(errorOf({ churn: cpuModel() })).toMatch(/models: got \{"churn":.*; expected a list of model declarations/);
    expect(errorOf([null])).toContain('models[0]: got null; expected a model declaration (an object)');
  });
});

describe('isBoundedMetric', () => {
  test.each([
    ['auc', true], ['validation:auc', true], ['Validation:AUC', true], ['accuracy', true], ['val_f1', true],
    ['precision', true], ['recall', true], ['rmse', false], ['validation:logloss', false], ['mae', false],
  ])('%s -> %s', (metric, bounded) => {
    expect(isBoundedMetric(metric as string)).toBe(bounded);
  });
});
