/**
 * Validation of a model's own code, images and tuning (see `model-code.ts`), and the rules that tie them to the
 * framework: which frameworks need a training script, which need images, and that every named file exists.
 */
import { existsSync, statSync } from 'fs';
import { isAbsolute, join, normalize, resolve } from 'path';
import { CodeDeclaration, ImageDeclaration, ImagesDeclaration, TuningDeclaration, TuningRangeDeclaration } from './model-code';
import { arrayOf, int, isPlainObject, num, obj, oneOf, optional, Problem, recordOf, refine, Schema, show, str } from './schema';
import { withRule } from './schema-rules';

/** ParameterRanges of a tuning job: at most 30 hyperparameters in all (SageMaker API reference, ParameterRanges). */
export const MAX_TUNING_RANGES = 30;
/** The metrics the generic evaluation computes (pipelines/scripts/evaluate.py); an own evaluation script may write any. */
export const GENERIC_METRICS: readonly string[] = ['auc', 'accuracy', 'f1', 'precision', 'recall', 'rmse', 'mae', 'r2'];
/** A metric's name in `evaluation.json` (and in the registry's metadata): an identifier, so the workflow can read it by path. */
export const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** A metric the tuner reads from the training log (SageMaker's names may hold `:`, as in `validation:auc`). */
const TUNING_METRIC = /^[A-Za-z][A-Za-z0-9_.:-]{0,254}$/;

/** A path inside the code folder: relative, POSIX, no `..`. */
const relativeFile = str({
  pattern: /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_./-]{1,200}$/,
  expected: 'a file path relative to the code folder (letters, digits, _ . - /; no leading / and no ..)',
});

export const codeSchema: Schema<CodeDeclaration> = obj<CodeDeclaration>(
  {
    directory: optional(str({ maxLength: 1024, expected: "a folder path (relative to the model's folder, or absolute)" })),
    training: optional(refine(relativeFile, (v, path) => pythonFile(v, path))),
    inference: optional(refine(relativeFile, (v, path) => pythonFile(v, path))),
    evaluation: optional(refine(relativeFile, (v, path) => pythonFile(v, path))),
  },
  'an object with the code folder and its files',
);

function pythonFile(value: string, path: string): Problem[] {
  return value.endsWith('.py') ? [] : [{ path, got: show(value), expected: 'a Python file (ending in .py)' }];
}

// ECR's repository name rule (CreateRepository's repositoryName pattern, 2-256 characters): lower-case parts joined by . _ - and /.
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const REPOSITORY_ARN = /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/(.+)$/;

export const imageSchema: Schema<ImageDeclaration> = refine(
  obj<ImageDeclaration>(
    {
      repository: refine(str({ maxLength: 400, expected: 'an ECR repository name or ARN' }), (v, path) => {
        const name = REPOSITORY_ARN.exec(v)?.[1] ?? v;
        return REPOSITORY_NAME.test(name)
          ? []
          : [
              {
                path,
                got: show(v),
                expected:
                  'an ECR repository name (lower-case, 2-256 characters, / . _ - separators) or ' +
                  'arn:<partition>:ecr:<region>:<account>:repository/<name>',
              },
            ];
      }),
      tag: optional(str({ pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, expected: 'an image tag (letters, digits, _ . -; at most 128)' })),
      digest: optional(str({ pattern: /^sha256:[a-f0-9]{64}$/, expected: 'an image digest: sha256: and 64 lower-case hex digits' })),
    },
    'an object with repository and a tag or a digest',
  ),
  (image, path) =>
    (image.tag === undefined) === (image.digest === undefined)
      ? [{ path, got: image.tag === undefined ? 'neither tag nor digest' : 'both tag and digest', expected: 'exactly one of tag and digest' }]
      : [],
);

export const imagesSchema: Schema<ImagesDeclaration> = obj<ImagesDeclaration>(
  { training: imageSchema, inference: imageSchema },
  'an object with the training and the inference image',
);

const rangeSchema: Schema<TuningRangeDeclaration> = {
  expected: 'a range: {type: "continuous"|"integer", min, max, scaling?} or {type: "categorical", values}',
  check(value, path, problems) {
    if (isPlainObject(value) && value.type === 'categorical') {
      return obj<TuningRangeDeclaration>(
        { type: oneOf('categorical'), values: arrayOf(str({ maxLength: 256, expected: 'a value' }), { minItems: 1, maxItems: 30, unique: true }) },
        this.expected,
      ).check(value, path, problems);
    }
    if (isPlainObject(value) && (value.type === 'continuous' || value.type === 'integer')) {
      const base = obj<TuningRangeDeclaration>(
        {
          type: oneOf('continuous', 'integer'),
          min: num(-1e15, 1e15),
          max: num(-1e15, 1e15),
          scaling: optional(oneOf('Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic')),
        },
        this.expected,
      );
      const checked = base.check(value, path, problems);
      const extra = numericRangeProblems(value, path);
      problems.push(...extra);
      return extra.length ? undefined : checked;
    }
    problems.push({ path, got: show(value), expected: this.expected });
    return undefined;
  },
};

function numericRangeProblems(range: Record<string, unknown>, path: string): Problem[] {
  const { min, max, type, scaling } = range;
  if (typeof min !== 'number' || typeof max !== 'number') return [];
  const problems: Problem[] = [];
  if (min >= max) problems.push({ path: `${path}.max`, got: show(max), expected: `a number greater than min (${min})` });
  if (type === 'integer' && !(Number.isInteger(min) && Number.isInteger(max))) {
    problems.push({ path, got: `min ${min}, max ${max}`, expected: 'whole numbers, because type is "integer"' });
  }
  if ((scaling === 'Logarithmic' || scaling === 'ReverseLogarithmic') && min <= 0) {
    problems.push({ path: `${path}.min`, got: show(min), expected: `a number above 0, because scaling is ${show(scaling)}` });
  }
  if (scaling === 'ReverseLogarithmic' && max >= 1) {
    problems.push({ path: `${path}.max`, got: show(max), expected: 'a number below 1, because scaling is "ReverseLogarithmic"' });
  }
  return problems;
}

export const tuningSchema: Schema<TuningDeclaration> = withRule(
  obj<TuningDeclaration>(
    {
      objective: obj(
        {
          metric: str({ pattern: TUNING_METRIC, expected: 'a metric name (a letter, then letters, digits and _ . : -; at most 255)' }),
          direction: oneOf('maximize', 'minimize'),
          regex: optional(refine(str({ maxLength: 500, expected: 'a regular expression with one capturing group' }), regexProblems)),
        },
        'an object with metric and direction',
      ),
      ranges: recordOf(str({ pattern: /^[A-Za-z0-9_.:-]{1,256}$/, expected: 'a hyperparameter name' }), rangeSchema, { minKeys: 1 }),
      maxJobs: optional(int(1, 500)),
      maxParallelJobs: optional(int(1, 100)),
      strategy: optional(oneOf('Bayesian', 'Random', 'Hyperband', 'Grid')),
    },
    'an object with objective and ranges',
  ),
  (tuning, path) => {
    const problems: Problem[] = [];
    const count = isPlainObject(tuning.ranges) ? Object.keys(tuning.ranges).length : 0;
    if (count > MAX_TUNING_RANGES) {
      problems.push({ path: `${path}.ranges`, got: `${count} ranges`, expected: `at most ${MAX_TUNING_RANGES} (a tuning job's limit)` });
    }
    const { maxJobs, maxParallelJobs } = tuning;
    if (typeof maxParallelJobs === 'number' && typeof maxJobs === 'number' && maxParallelJobs > maxJobs) {
      problems.push({ path: `${path}.maxParallelJobs`, got: show(tuning.maxParallelJobs), expected: `at most maxJobs (${tuning.maxJobs})` });
    }
    return problems;
  },
);

function regexProblems(value: string, path: string): Problem[] {
  try {
    const groups = new RegExp(`${value}|`).exec('')!.length - 1;
    return groups === 1 ? [] : [{ path, got: show(value), expected: `a regular expression with exactly one capturing group (found ${groups})` }];
  } catch (e) {
    return [{ path, got: show(value), expected: `a valid regular expression (${(e as Error).message})` }];
  }
}

/** The code folder of a declaration: absolute as given, else relative to the working directory. */
export function codeDirectory(code: CodeDeclaration): string {
  const directory = code.directory ?? 'code';
  return isAbsolute(directory) ? normalize(directory) : resolve(directory);
}

/** Each named file of the code folder exists (the folder itself first). */
export function codeFileProblems(code: CodeDeclaration, path: string): Problem[] {
  const directory = codeDirectory(code);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    return [{ path: `${path}.directory`, got: show(code.directory ?? 'code'), expected: `an existing folder (${directory} is not one)` }];
  }
  return (['training', 'inference', 'evaluation'] as const).flatMap((key) => {
    const file = code[key];
    if (typeof file !== 'string') return [];
    const full = join(directory, file);
    return existsSync(full) && statSync(full).isFile()
      ? []
      : [{ path: `${path}.${key}`, got: show(file), expected: `a file of ${directory} (${full} does not exist)` }];
  });
}
