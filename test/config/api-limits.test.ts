import { models } from '../fixtures/config';
import { selectEnvironment } from '../../lib/config/load';
import { MAX_FEATURES_JSON_BYTES, MAX_HYPERPARAMETERS, parseModels } from '../../lib/config/model-schema';
import { ConfigError } from '../../lib/config/schema';
import { defaultConfig } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Every declared value reaches AWS APIs (CreateFeatureGroup, CreateModelPackageGroup, CreateTrainingJob,
 * PutMetricAlarm, Lambda's environment, resource tags): each is held to the strictest limit of the APIs
 * that receive it, at synth, so that CloudFormation or the first run never refuses it.
 */

const SOURCE = 'config/models.ts';

function model(change: (m: any) => void): any {
  const m = JSON.parse(JSON.stringify(models[0]));
  change(m);
  return m;
}

function modelError(change: (m: any) => void): string {
  try {
    parseModels([model(change)], SOURCE);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

function accepts(change: (m: any) => void): void {
  expect(() => parseModels([model(change)], SOURCE)).not.toThrow();
}

const at = `models[0] "${models[0].name}"`;

describe('description: the feature group (Description, 128 characters) and the model package group (no control characters)', () => {
  test('128 characters of letters, punctuation, symbols and accents pass', () => {
    accepts((m) => { m.description = `Prévision — ${'x'.repeat(114)} €.`.slice(0, 128); });
    expect(`Prévision — ${'x'.repeat(114)} €.`.slice(0, 128)).toHaveLength(128);
  });

  test('129 characters are refused, naming the limit', () => {
    expect(modelError((m) => { m.description = 'd'.repeat(129); })).toMatch(
      new RegExp(`${at.replace(/[[\]"]/g, '\\$&')}\\.description: got "d+\\.\\.\\.; `
        + 'expected a description \\(of the feature group and the model package group\\) '
        + 'without line breaks, tabs or other control characters of at most 128 characters'));
  });

  const refused = [['a line break', 'first\nsecond'], ['a tab', 'a\tb'], ['a zero-width joiner (a format character)', 'a\u200db']];
  test.each(refused)('%s is refused', (_name, text) => {
    expect(modelError((m) => { m.description = text; })).toContain(`${at}.description: got ${JSON.stringify(text)}; expected a description`);
  });
});

describe('feature names: CreateFeatureGroup FeatureName [a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}', () => {
  test('a trailing underscore is refused', () => {
    expect(modelError((m) => { m.features.definitions[2].name = 'tenure_'; }))
      .toContain(`${at}.features.definitions[2].name: got "tenure_"; expected a feature name: letters, digits and underscores, `
        + 'starting with a letter and not ending with an underscore, at most 64 characters');
  });

  test('inner and repeated underscores and 64 characters pass; 65 do not', () => {
    accepts((m) => { m.features.definitions[2].name = 'a__b_c'; });
    accepts((m) => { m.features.definitions[2].name = `a${'b'.repeat(63)}`; });
    expect(modelError((m) => { m.features.definitions[2].name = `a${'b'.repeat(64)}`; })).toContain('.features.definitions[2].name: got "abbbb');
  });

  test('the input feature list must fit the 4 KB of a Lambda environment (drift and baseline functions)', () => {
    const many = (count: number) => (m: any) => {
      m.features.definitions = [
        ...m.features.definitions.filter((d: any) => d.name === m.features.recordIdentifier || d.name === m.features.eventTime),
        ...Array.from({ length: count }, (_, i) => ({ name: `feature_${String(i).padStart(3, '0')}_of_the_model`, type: 'fractional' })),
      ];
    };
    // Each entry is {"name":"feature_000_of_the_model","type":"fractional"}: 55 bytes, plus a comma.
    expect(JSON.stringify({ name: 'feature_000_of_the_model', type: 'fractional' })).toHaveLength(55);
    accepts(many(50));
    const message = modelError(many(80));
    expect(message).toContain(`${at}.features.definitions: got 80 input features whose list (JSON of names and types) is 4481 bytes; `
      + `expected a list of at most ${MAX_FEATURES_JSON_BYTES} bytes, because the drift and baseline functions receive it in a Lambda `
      + 'environment variable');
  });
});

describe('hyperparameters: CreateTrainingJob HyperParameters (at most 100; values match .*)', () => {
  const hyperparameters = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, String(i)]));

  test(`${MAX_HYPERPARAMETERS} pass, ${MAX_HYPERPARAMETERS + 1} are refused`, () => {
    accepts((m) => { m.training.hyperparameters = hyperparameters(MAX_HYPERPARAMETERS); });
    expect(modelError((m) => { m.training.hyperparameters = hyperparameters(MAX_HYPERPARAMETERS + 1); }))
      .toContain(`${at}.training.hyperparameters: got 101 hyperparameters; expected at most 100 (CreateTrainingJob's limit)`);
  });

  test('a value with a line break is refused (".*" does not match line terminators)', () => {
    expect(modelError((m) => { m.training.hyperparameters = { layers: '1\n2' }; }))
      .toContain(`${at}.training.hyperparameters.layers: got "1\\n2"; expected a string without line breaks of at most 2500 characters`);
  });

  test('a name that Step Functions would read as a path ("x.$") is refused', () => {
    expect(modelError((m) => { m.training.hyperparameters = { 'x.$': '1' }; })).toContain('.training.hyperparameters.x.$ (key): got "x.$"');
  });
});

describe('drift: PutMetricAlarm needs DatapointsToAlarm <= EvaluationPeriods', () => {
  test('more breaching windows than windows is refused, naming both', () => {
    expect(modelError((m) => { m.drift = { evaluationPeriods: 2, datapointsToAlarm: 3 }; }))
      .toContain(`${at}.drift.datapointsToAlarm: got 3; expected at most evaluationPeriods (2): `
        + 'an alarm cannot need more breaching windows than it looks at');
    expect(modelError((m) => { m.drift = { datapointsToAlarm: 4 }; })).toContain('expected at most the default evaluationPeriods (3)');
  });

  test('equal counts pass', () => {
    accepts((m) => { m.drift = { evaluationPeriods: 4, datapointsToAlarm: 4 }; });
  });
});

describe('environment tags: 50 per resource, two of them the blueprint\'s', () => {
  function platformError(change: (c: any) => void): string {
    const config = defaultConfig();
    change(config);
    try {
      selectEnvironment(config, 'config/platform.ts', 'dev');
    } catch (e) {
      return (e as ConfigError).message;
    }
    throw new Error('expected a ConfigError');
  }
  const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`team:tag${i}`, 'x']));

  test('48 pass, 49 are refused', () => {
    const config = defaultConfig();
    config.environments.dev.tags = tags(48);
    expect(selectEnvironment(config, 'config/platform.ts', 'dev').environment.tags).toEqual(tags(48));
    expect(platformError((c) => { c.environments.dev.tags = tags(49); }))
      .toContain('environments.dev.tags: got 49 tags; expected at most 48 tags (AWS resources take 50; the blueprint sets 2)');
  });

  test('the blueprint\'s own keys are refused', () => {
    expect(platformError((c) => { c.environments.dev.tags = { 'mlops:model': 'x' }; }))
      .toContain('environments.dev.tags.mlops:model (key): got "mlops:model"; '
        + 'expected a tag key other than the blueprint\'s own (mlops:environment, mlops:model)');
  });
});
