/** The team's own code, images and tuning in a declaration: each rule, every problem in one round. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError } from '../../lib/config/schema';
import { parseModels } from '../../lib/config/model-schema';
import { collectModelFolders } from '../../lib/config/model-folders';
import { resolveCode, resolveTuning, metricRange } from '../../lib/config/resolve-code';
import { customImageModel, fixtureCode, regressionModel } from '../fixtures/config';

/* eslint-disable @typescript-eslint/no-explicit-any */
const SOURCE = 'models/';

function problemsOf(models: unknown[]): string {
  try {
    parseModels(models, SOURCE);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return '';
}

const clone = (m: unknown): any => structuredClone(m);

describe('script mode', () => {
  test('a framework model with its training script and inference module is valid, tuning included', () => {
    expect(problemsOf([regressionModel])).toBe('');
    expect(problemsOf([customImageModel])).toBe('');
  });

  test('pytorch, tensorflow and sklearn need the training script and the inference module', () => {
    for (const framework of ['pytorch', 'tensorflow', 'sklearn']) {
      const model = { ...clone(regressionModel), framework, code: { directory: fixtureCode('regression'), evaluation: 'evaluate.py' } };
      const message = problemsOf([model]);
      expect(message).toMatch(/models\[0\] "eta"\.code\.training: got nothing; expected the training script, because framework/);
      expect(message).toMatch(/code\.inference: got nothing; expected the inference module/);
    }
  });

  test('xgboost without code is the built-in algorithm; with code it is script mode and needs both files', () => {
    const builtIn = { ...clone(regressionModel), framework: 'xgboost', evaluation: { metric: 'rmse', direction: 'minimize', threshold: 3 } };
    delete builtIn.code;
    delete builtIn.training.tuning;
    expect(problemsOf([builtIn])).toBe('');
    expect(problemsOf([{ ...builtIn, code: { directory: fixtureCode('regression'), training: 'train.py' } }])).toMatch(/code\.inference: got nothing/);
  });

  test('files that do not exist, a missing folder, a nested inference module and a non-Python file are named', () => {
    const model = clone(regressionModel);
    model.code = { ...model.code, training: 'src/missing.py', inference: 'serving/inference.py', evaluation: 'evaluate.sh' };
    const message = problemsOf([model]);
    expect(message).toMatch(/code\.training: got "src\/missing\.py"; expected a file of .*regression\/code \(.*missing\.py does not exist\)/);
    expect(message).toMatch(/code\.inference: got "serving\/inference\.py"; expected a module at the root of the code folder/);
    expect(message).toMatch(/code\.evaluation: got "evaluate\.sh"; expected a Python file/);
    const gone = { ...clone(regressionModel), code: { ...regressionModel.code, directory: join(tmpdir(), 'no-such-code-folder') } };
    expect(problemsOf([gone])).toMatch(/code\.directory: got ".*no-such-code-folder"; expected an existing folder/);
  });

  test('hyperparameters starting with sagemaker_ are refused in script mode, and tuned ones may not also be fixed', () => {
    const model = clone(regressionModel);
    model.training.hyperparameters = { sagemaker_program: 'x.py', max_depth: '3' };
    const message = problemsOf([model]);
    expect(message).toMatch(/training\.hyperparameters\.sagemaker_program: got "sagemaker_program"; expected a name not starting with "sagemaker_"/);
    expect(message).toMatch(/training\.tuning\.ranges\.max_depth: got "max_depth"; expected a hyperparameter not also fixed/);
  });
});

describe('own images', () => {
  test('framework custom needs both images and an evaluation script, and runs no training script of the folder', () => {
    const model = { ...clone(customImageModel), code: { directory: fixtureCode('regression'), training: 'train.py' } };
    delete model.images;
    const message = problemsOf([model]);
    expect(message).toMatch(/\.images: got nothing; expected the training and inference images/);
    expect(message).toMatch(/\.code\.evaluation: got nothing; expected an evaluation script/);
    expect(message).toMatch(/\.code\.training: got "train\.py"; expected nothing: an own training image runs its own code/);
  });

  test('images need exactly one of tag and digest, a valid digest and repository; other frameworks may not name images', () => {
    const model = clone(customImageModel);
    model.images.training = { repository: 'Team/UPPER', tag: 'v1', digest: 'sha256:abc' };
    model.images.inference = { repository: 'arn:aws:ecr:eu-west-1:444455556666:repository/team/serve' };
    const message = problemsOf([model, { ...clone(regressionModel), name: 'other', images: customImageModel.images }]);
    expect(message).toMatch(/images\.training\.repository: got "Team\/UPPER"; expected an ECR repository name/);
    expect(message).toMatch(/images\.training\.digest: got "sha256:abc"; expected an image digest/);
    expect(message).toMatch(/images\.inference: got neither tag nor digest; expected exactly one of tag and digest/);
    expect(message).toMatch(/models\[1\] "other"\.images: got images; expected nothing, or framework "custom"/);
  });
});

describe('the gate metric', () => {
  test('any metric name with an own evaluation script; only the generic metrics without one', () => {
    const own = { ...clone(regressionModel), evaluation: { metric: 'p90_error_minutes', direction: 'minimize', threshold: 20 } };
    expect(problemsOf([own])).toBe('');
    const generic = clone(own);
    generic.code = { ...generic.code, evaluation: undefined };
    expect(problemsOf([generic])).toMatch(
      /evaluation\.metric: got "p90_error_minutes"; expected one of the generic evaluation's metrics \(auc, accuracy, f1, precision, recall, rmse, mae, r2\)/,
    );
  });

  test('the threshold lies within the declared range, or [0, 1] for ratio metrics; names must be identifiers', () => {
    const model = clone(regressionModel);
    model.evaluation = { metric: 'mae', direction: 'minimize', threshold: 2000, range: [0, 1440] };
    const other = { ...clone(regressionModel), name: 'f1', evaluation: { metric: 'f1', direction: 'maximize', threshold: 1.5 } };
    const dotted = { ...clone(regressionModel), name: 'dotted', evaluation: { metric: 'val.mae', direction: 'minimize', threshold: 1 } };
    const message = problemsOf([model, other, dotted]);
    expect(message).toMatch(/"eta"\.evaluation\.threshold: got 2000; expected a number from 0 to 1440, because of the declared range \[0, 1440\]/);
    expect(message).toMatch(/"f1"\.evaluation\.threshold: got 1\.5; expected a number from 0 to 1, because "f1" is a ratio metric/);
    expect(message).toMatch(/"dotted"\.evaluation\.metric: got "val\.mae"; expected a metric name/);
    expect(metricRange({ metric: 'f1', direction: 'maximize', threshold: 0.5 })).toEqual({ min: 0, max: 1 });
    expect(metricRange({ metric: 'mae', direction: 'minimize', threshold: 5 })).toEqual({});
    expect(metricRange({ metric: 'mae', direction: 'minimize', threshold: 5, range: [0, 60] })).toEqual({ min: 0, max: 60 });
  });
});

describe('tuning', () => {
  test('ranges are checked: bounds, integers, log scaling, categorical values, count, parallel jobs, the objective regex', () => {
    const model = clone(regressionModel);
    model.training.tuning = {
      objective: { metric: 'validation:mae', direction: 'minimize', regex: 'no group here' },
      ranges: {
        a: { type: 'continuous', min: 1, max: 1 },
        b: { type: 'integer', min: 1.5, max: 4 },
        c: { type: 'continuous', min: 0, max: 1, scaling: 'Logarithmic' },
        d: { type: 'categorical', values: [] },
        e: { type: 'ordinal' },
      },
      maxJobs: 2,
      maxParallelJobs: 3,
    };
    const message = problemsOf([model]);
    expect(message).toMatch(/tuning\.objective\.regex: got "no group here"; expected a regular expression with exactly one capturing group \(found 0\)/);
    expect(message).toMatch(/ranges\.a\.max: got 1; expected a number greater than min \(1\)/);
    expect(message).toMatch(/ranges\.b: got min 1\.5, max 4; expected whole numbers/);
    expect(message).toMatch(/ranges\.c\.min: got 0; expected a number above 0, because scaling is "Logarithmic"/);
    expect(message).toMatch(/ranges\.d\.values/);
    expect(message).toMatch(/ranges\.e: got .*expected a range/);
    expect(message).toMatch(/tuning\.maxParallelJobs: got 3; expected at most maxJobs \(2\)/);
    const noRegex = clone(regressionModel);
    delete noRegex.training.tuning.objective.regex;
    expect(problemsOf([noRegex])).toMatch(/tuning\.objective\.regex: got nothing; expected a regular expression that finds the objective/);
  });

  test('resolution applies the defaults: 10 jobs, 2 at a time (at most maxJobs), Bayesian, Auto scaling', () => {
    const tuning = resolveTuning({ objective: { metric: 'm', direction: 'maximize' }, ranges: { a: { type: 'integer', min: 1, max: 3 } } });
    expect(tuning).toEqual({
      objective: { metric: 'm', direction: 'maximize' },
      ranges: [{ name: 'a', type: 'integer', min: 1, max: 3, scaling: 'Auto' }],
      maxJobs: 10,
      maxParallelJobs: 2,
      strategy: 'Bayesian',
    });
    expect(resolveTuning({ objective: { metric: 'm', direction: 'maximize' }, ranges: { a: { type: 'categorical', values: ['x'] } }, maxJobs: 1 }))
      .toEqual(expect.objectContaining({ maxJobs: 1, maxParallelJobs: 1, ranges: [{ name: 'a', type: 'categorical', values: ['x'] }] }));
  });
});

describe('model folders', () => {
  function folders(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'model-folders-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  test('collects each folder\'s declaration, with its code folder made absolute against the model\'s folder', () => {
    const root = folders({
      'b/model.js': "module.exports = { model: { name: 'b', code: { training: 'train.py' } } };",
      'a/model.js': "module.exports.default = { name: 'a', code: { directory: 'src' } };",
      'a/src/train.py': '',
    });
    const found = collectModelFolders(root);
    expect(found.models).toEqual([
      { name: 'a', code: { directory: join(root, 'a', 'src') } },
      { name: 'b', code: { training: 'train.py', directory: join(root, 'b', 'code') } },
    ]);
    expect(found.sources.map((s) => s.replace(/\\/g, '/'))).toEqual([expect.stringMatching(/^"a" \(.*a\/model\.js\)$/), expect.stringMatching(/^"b" \(.*b\/model\.js\)$/)]);
    expect(resolveCode({ directory: join(root, 'a', 'src'), training: 'train.py' }).sourceDir).toBe(join(root, 'a', 'src'));
  });

  test('every folder without a declaration, without an export, or with another name is reported at once', () => {
    const root = folders({ 'empty/README.md': '', 'noexport/model.js': 'module.exports = {};', 'renamed/model.js': "module.exports.default = { name: 'x' };" });
    expect(() => collectModelFolders(root)).toThrow(ConfigError);
    try {
      collectModelFolders(root);
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(/empty: got no declaration; expected a file model\.ts or model\.js/);
      expect(message).toMatch(/noexport[\\/]model\.js: got nothing; expected a default export/);
      expect(message).toMatch(/renamed[\\/]model\.js: name: got "x"; expected "renamed", the name of the model's folder/);
    }
  });

  test('a missing models folder means no models', () => {
    expect(collectModelFolders(join(tmpdir(), 'no-models-here'))).toEqual({ models: [], sources: [] });
  });
});

describe('framework versions', () => {
  test('a version must have images; own images take none', () => {
    const model = { ...clone(regressionModel), frameworkVersion: '0.9-1' };
    const custom = { ...clone(customImageModel), frameworkVersion: '1.2-1' };
    const message = problemsOf([model, custom]);
    expect(message).toMatch(/"eta"\.frameworkVersion: got "0\.9-1"; expected one of the sklearn versions with images: 1\.0-1, 1\.2-1/);
    expect(message).toMatch(/"own-image"\.frameworkVersion: got "1\.2-1"; expected nothing: own images have no framework version/);
    expect(problemsOf([{ ...clone(regressionModel), frameworkVersion: '1.0-1' }])).toBe('');
  });
});

describe('tuning of the built-in algorithm', () => {
  test('is refused: its objectives need a validation channel the job does not have', () => {
    const builtIn = { ...clone(regressionModel), framework: 'xgboost', evaluation: { metric: 'rmse', direction: 'minimize', threshold: 3 } };
    delete builtIn.code;
    builtIn.training.tuning.objective = { metric: 'validation:rmse', direction: 'minimize' };
    expect(problemsOf([builtIn])).toMatch(/training\.tuning: got tuning of the built-in algorithm; expected script mode \(code\) or no tuning/);
  });
});
