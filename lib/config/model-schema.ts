/**
 * Validation of model declarations (see `model.ts` and `docs/models.md`).
 *
 * `parseModels` checks a whole list and throws one {@link ConfigError} naming every problem of every
 * model; each path starts with the model's index and name, e.g. `models[1] "churn-gpu".training.instanceType`.
 * Cross-field rules (feature references, GPU instance types, spot wait time, ratio metric bounds) run
 * even when other fields of the same model are wrong, so one run reports everything.
 *
 * Defaults are not applied here: the validated declaration is returned as written, and `resolveModel`
 * (`resolve-model.ts`) applies {@link MODEL_DEFAULTS} for one environment.
 */
import { arrayOf, bool, ConfigError, int, isPlainObject, obj, oneOf, optional, Problem, recordOf, refine, Schema, show, str } from './schema';
import { EvaluationDeclaration, ModelDeclaration, PreprocessingDeclaration, RegistryDeclaration, TrainingDeclaration } from './model';
import { MODEL_NAME } from '../../contracts/names';
import { driftSchema, retrainingSchema } from './monitoring';
import { servingSchema } from './serving-schema';
import { GPU_INSTANCE_FAMILIES, INSTANCE_FAMILIES, parseInstanceType } from './instance-types';
import { MODEL_DEFAULTS } from './model-defaults';
import { featuresSchema } from './feature-schema';
import { instanceTypeSchema } from './instance-type-schema';
import { isIntIn, numberAtLeast, withRule } from './schema-rules';
import { codeSchema, imagesSchema, METRIC_NAME, tuningSchema } from './code-schema';
import { frameworkRules } from './framework-rules';

export { MODEL_DEFAULTS } from './model-defaults';
export { checkModelsAgainstEnvironments } from './models-environments';

// The naming rule of models (contracts/names.ts), re-exported.
export { MODEL_NAME };
export { FEATURE_NAME, MAX_FEATURES_JSON_BYTES, RESERVED_FEATURE_NAMES } from './feature-schema';
export { instanceTypeSchema } from './instance-type-schema';
/** CreateFeatureGroup's Description allows 128 characters; CreateModelPackageGroup's description pattern refuses control characters. */
export const DESCRIPTION = /^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$/u;
/** CreateTrainingJob takes at most 100 hyperparameters; values match `.*`, which excludes line terminators. */
export const MAX_HYPERPARAMETERS = 100;
/** Metrics that are ratios in [0, 1]; a metric whose name ends with one of these (case-insensitively) is bounded. */
export const BOUNDED_METRICS: readonly string[] = ['auc', 'accuracy', 'f1', 'precision', 'recall'];

const MINUTES_28_DAYS = MODEL_DEFAULTS.maxWaitCapMinutes;

/** Whether `metric` is a ratio in [0, 1]: its name ends with auc, accuracy, f1, precision or recall (any case). */
export function isBoundedMetric(metric: string): boolean {
  const lower = metric.toLowerCase();
  return BOUNDED_METRICS.some((m) => lower.endsWith(m));
}

/** `maxWaitMinutes` is for spot training only, and at least `maxRuntimeMinutes`. */
function trainingRules(raw: Record<string, unknown>, path: string): Problem[] {
  const wait = raw.maxWaitMinutes;
  if (!isIntIn(wait, 1, MINUTES_28_DAYS)) return [];
  const at = `${path}.maxWaitMinutes`;
  if (raw.spot === false) {
    return [{ path: at, got: show(wait), expected: 'no maxWaitMinutes, because spot is false (it applies to managed spot training only)' }];
  }
  const runtime = raw.maxRuntimeMinutes ?? MODEL_DEFAULTS.trainingMaxRuntimeMinutes;
  if (!isIntIn(runtime, 1, MINUTES_28_DAYS) || wait >= runtime) return [];
  const which = raw.maxRuntimeMinutes === undefined ? `the default maxRuntimeMinutes (${runtime})` : `maxRuntimeMinutes (${runtime})`;
  return [{ path: at, got: show(wait), expected: `a number of minutes of at least ${which}` }];
}

const trainingSchema: Schema<TrainingDeclaration> = withRule(
  obj<TrainingDeclaration>(
    {
      instanceType: instanceTypeSchema,
      instanceCount: optional(int(1, 100)),
      spot: optional(bool()),
      maxRuntimeMinutes: optional(int(1, MINUTES_28_DAYS)),
      maxWaitMinutes: optional(int(1, MINUTES_28_DAYS)),
      volumeSizeGb: optional(int(1, 16384)),
      tuning: optional(tuningSchema),
      hyperparameters: optional(
        refine(
          recordOf(
            str({ pattern: /^[A-Za-z0-9_.:-]{1,256}$/, expected: 'a hyperparameter name of 1-256 letters, digits and _ . : -' }),
            str({ pattern: /^[^\n\r\u0085\u2028\u2029]*$/, minLength: 0, maxLength: 2500, expected: 'a string without line breaks' }),
          ),
          (map, path) =>
            Object.keys(map).length > MAX_HYPERPARAMETERS
              ? [{ path, got: `${Object.keys(map).length} hyperparameters`, expected: `at most ${MAX_HYPERPARAMETERS} (CreateTrainingJob's limit)` }]
              : [],
        ),
      ),
    },
    'an object with at least instanceType',
  ),
  trainingRules,
);

const preprocessingSchema: Schema<PreprocessingDeclaration> = obj<PreprocessingDeclaration>(
  {
    instanceType: instanceTypeSchema,
    maxRuntimeMinutes: optional(int(1, 1440)),
  },
  'an object with at least instanceType',
);

/** The metric's range: declared, or [0, 1] for ratio metrics; the threshold must lie within it. */
function evaluationRules(raw: Record<string, unknown>, path: string): Problem[] {
  if (typeof raw.metric !== 'string') return [];
  const declared = Array.isArray(raw.range) && raw.range.length === 2 && raw.range.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (raw.range !== undefined && !declared) return [];
  const problems: Problem[] = [];
  const [min, max] = declared ? (raw.range as [number, number]) : isBoundedMetric(raw.metric) ? [0, 1] : [-Infinity, Infinity];
  if (declared && min >= max) problems.push({ path: `${path}.range`, got: show(raw.range), expected: '[min, max] with min below max' });
  const value = raw.threshold;
  if (typeof value === 'number' && Number.isFinite(value) && (value < min || value > max)) {
    const why = declared ? `of the declared range [${min}, ${max}]` : `${show(raw.metric)} is a ratio metric (${BOUNDED_METRICS.join(', ')})`;
    problems.push({ path: `${path}.threshold`, got: show(value), expected: `a number from ${min} to ${max}, because ${why}` });
  }
  return problems;
}

const evaluationSchema: Schema<EvaluationDeclaration> = withRule(
  obj<EvaluationDeclaration>(
    {
      metric: str({ pattern: METRIC_NAME, expected: 'a metric name (a letter, then letters, digits and _; at most 64)' }),
      direction: oneOf('maximize', 'minimize'),
      threshold: numberAtLeast(undefined),
      range: optional(arrayOf(numberAtLeast(undefined), { minItems: 2, maxItems: 2 }) as unknown as Schema<[number, number]>),
      instanceType: optional(instanceTypeSchema),
    },
    'an object with metric, direction and threshold',
  ),
  evaluationRules,
);

const registrySchema: Schema<RegistryDeclaration> = obj<RegistryDeclaration>({
  crossAccountReaders: optional(arrayOf(str({ pattern: /^\d{12}$/, expected: 'a 12-digit AWS account ID' }), { unique: true })),
});

/** The framework's needs (code, images), then: a model that needs a GPU must train on a GPU instance type. */
function modelRules(raw: Record<string, unknown>, path: string): Problem[] {
  return [...frameworkRules(raw, path), ...gpuRules(raw, path)];
}

function gpuRules(raw: Record<string, unknown>, path: string): Problem[] {
  if (raw.gpu !== true || !isPlainObject(raw.training)) return [];
  const instanceType = raw.training.instanceType;
  const info = parseInstanceType(instanceType);
  if (!info || info.gpu) return [];
  const note = INSTANCE_FAMILIES[info.family].neuron ? ` (${info.family} is AWS Inferentia/Trainium, not an NVIDIA GPU)` : '';
  return [
    {
      path: `${path}.training.instanceType`,
      got: show(instanceType),
      expected: `a GPU instance type (families ${GPU_INSTANCE_FAMILIES.join(', ')}), because gpu is true${note}`,
    },
  ];
}

/** A model's name (see {@link MODEL_NAME}). */
export const modelNameSchema: Schema<string> = str({
  pattern: MODEL_NAME,
  expected: 'a model name: lower-case letters, digits and single hyphens, starting with a letter, not ending with a hyphen, at most 24 characters',
});

/** One model declaration, with every rule of `docs/models.md`. */
export const modelSchema: Schema<ModelDeclaration> = withRule(
  obj<ModelDeclaration>(
    {
      name: modelNameSchema,
      description: optional(
        str({
          pattern: DESCRIPTION,
          minLength: 0,
          maxLength: 128,
          // Feature Store caps the feature group description at 128; the registry refuses control characters.
          expected: 'a description (of the feature group and the model package group) without line breaks, tabs or other control characters',
        }),
      ),
      framework: oneOf('xgboost', 'pytorch', 'tensorflow', 'sklearn', 'custom'),
      frameworkVersion: optional(str({ pattern: /^[0-9][0-9A-Za-z.-]{0,31}$/, expected: 'a framework version, e.g. 2.6.0 or 1.7-1' })),
      code: optional(codeSchema),
      images: optional(imagesSchema),
      gpu: optional(bool()),
      features: featuresSchema,
      preprocessing: optional(preprocessingSchema),
      training: trainingSchema,
      evaluation: evaluationSchema,
      registry: optional(registrySchema),
      approvers: optional(
        recordOf(
          str({ pattern: /^[a-z][a-z0-9-]{0,15}$/, expected: 'an environment name' }),
          arrayOf(str({ pattern: /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/, expected: 'a lower-case e-mail address' }), {
            minItems: 1,
            maxItems: 20,
            unique: true,
          }),
        ),
      ),
      serving: optional(servingSchema),
      drift: optional(driftSchema),
      retraining: optional(retrainingSchema),
    },
    'a model declaration (an object)',
  ),
  modelRules,
);

/** The path prefix naming a model: `models[1] "churn-gpu"`, or `models[1]` when it has no string name. */
function modelPath(item: unknown, index: number, labels?: readonly string[]): string {
  if (labels?.[index] !== undefined) return labels[index];
  return isPlainObject(item) && typeof item.name === 'string' ? `models[${index}] ${show(item.name)}` : `models[${index}]`;
}

/**
 * Validates a list of model declarations.
 *
 * @param raw the declarations, as written by the ML teams (an empty list is valid)
 * @param source where they came from, named in the error (a file path)
 * @param labels how each model is named in problems (its declaration file); default `models[<index>] "<name>"`
 * @returns the declarations as written (defaults are applied by the constructs)
 * @throws ConfigError listing every problem of every model, duplicate names included
 */
export function parseModels(raw: unknown, source: string, labels?: readonly string[]): ModelDeclaration[] {
  if (!Array.isArray(raw)) {
    throw new ConfigError(source, [{ path: 'models', got: show(raw), expected: 'a list of model declarations' }]);
  }
  const problems: Problem[] = [];
  const firstIndex = new Map<string, number>();
  const models = raw.map((item, i) => {
    const path = modelPath(item, i, labels);
    const model = modelSchema.check(item, path, problems);
    const name = isPlainObject(item) ? item.name : undefined;
    if (typeof name === 'string') {
      const first = firstIndex.get(name);
      if (first === undefined) firstIndex.set(name, i);
      else
        problems.push({
          path: `${path}.name`,
          got: show(name),
          expected: `a name not already used by ${labels?.[first] ?? `models[${first}]`} (model names must be unique)`,
        });
    }
    return model;
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return models as ModelDeclaration[];
}
