/**
 * One model for one environment: `resolveModel` validates a declaration, applies every default and resolves its
 * serving settings, or throws one {@link ConfigError} naming every problem. `MlopsModel` calls it, so a construct
 * built with bad props fails with the same message the app gives; `loadConfiguration` runs it for every model
 * before any construct exists.
 */
import type { MlopsCostMetadata } from '../../contracts/cost';
import { qualifiedNameLengthProblem } from './deployment-checks';
import { environmentNameSchema, namespaceSchema, approvalSchema, sagemakerVpcSchema } from './environment';
import { FeaturesDeclaration, ModelDeclaration } from './model';
import { MODEL_DEFAULTS } from './model-defaults';
import { ModelEnvironment, modelEnvironmentRules } from './model-environment';
import { MODEL_NAME, modelNameSchema, modelSchema } from './model-schema';
import { MONITORING_DEFAULTS } from './monitoring';
import { hasLocalNvme, isGpuInstanceType } from './instance-types';
import {
  ModelPrefixes,
  ResolvedApproval,
  ResolvedDrift,
  ResolvedModel,
  ResolvedProcessing,
  ResolvedTraining,
} from './resolved-model';
import { ConfigError, isPlainObject, Problem, show } from './schema';
import { ResolvedServing } from './serving';
import { metricRange, resolveCode, resolveImage, resolveTuning } from './resolve-code';

/** The parts of a qualified name. */
export interface ModelNameParts {
  /** The installation's namespace. */
  readonly namespace: string;
  /** The environment's name. */
  readonly environmentName: string;
  /** The model's name. */
  readonly modelName: string;
}

/** What {@link resolveModelAt} found: the model, or the problems. */
export interface ModelResolution {
  /** The resolved model; `undefined` when there are problems. */
  readonly model?: ResolvedModel;
  /** Every problem found. */
  readonly problems: Problem[];
}

/**
 * The problems of a qualified name's parts: each part's own rule, then the length of the whole.
 *
 * @returns no problem when `<namespace>-<environment>-<model>` is a valid qualified name
 */
export function qualifiedNameProblems(parts: ModelNameParts): Problem[] {
  const problems: Problem[] = [];
  namespaceSchema.check(parts.namespace, 'namespace', problems);
  environmentNameSchema.check(parts.environmentName, 'environmentName', problems);
  modelNameSchema.check(parts.modelName, 'modelName', problems);
  if (problems.length > 0) return problems;
  const tooLong = qualifiedNameLengthProblem(parts.namespace, parts.environmentName, parts.modelName, 'modelName');
  return tooLong ? [tooLong] : [];
}

/**
 * `<namespace>-<environment>-<model>`, the rule every name of a model follows (the construct's and an import's).
 *
 * @throws ConfigError naming each invalid part, or the length of the whole
 */
export function qualifiedModelName(parts: ModelNameParts, source = "the model's names"): string {
  const problems = qualifiedNameProblems(parts);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return `${parts.namespace}-${parts.environmentName}-${parts.modelName}`;
}

/** A model's S3 prefixes (see {@link ModelPrefixes}). */
export function modelPrefixes(modelName: string, qualifiedName: string): ModelPrefixes {
  return {
    data: `${modelName}/`,
    trainingData: `${modelName}/train/`,
    evaluationData: `${modelName}/test/`,
    preprocessingScript: `${modelName}/code/preprocess.py`,
    model: `models/${modelName}/`,
    runs: `models/${modelName}/runs`,
    serving: `models/${modelName}/serving/`,
    servingRecord: `models/${modelName}/serving/current.json`,
    lineage: `lineage/${qualifiedName}/`,
    decisions: `decisions/${qualifiedName}/`,
  };
}

/** The environment's own settings, for constructs built without the app (the app's configuration schema checks them). */
function environmentProblems(environment: ModelEnvironment): Problem[] {
  const problems: Problem[] = [];
  namespaceSchema.check(environment.namespace, 'namespace', problems);
  environmentNameSchema.check(environment.environmentName, 'environmentName', problems);
  if (environment.approval !== undefined) approvalSchema.check(environment.approval, 'approval', problems);
  if (environment.sagemakerVpc !== undefined) sagemakerVpcSchema.check(environment.sagemakerVpc, 'sagemakerVpc', problems);
  if (environment.production !== undefined && typeof environment.production !== 'boolean') {
    problems.push({ path: 'production', got: show(environment.production), expected: 'true or false' });
  }
  return problems;
}

/**
 * Resolves a model for one environment, collecting every problem instead of throwing.
 *
 * @param declaration the model declaration, as written (validated here)
 * @param path the model's path in problems, e.g. `models[0] "churn"`
 */
export function resolveModelAt(declaration: unknown, environment: ModelEnvironment, path: string): ModelResolution {
  const problems: Problem[] = [];
  const model = modelSchema.check(declaration, path, problems);
  const envProblems = environmentProblems(environment);
  problems.push(...envProblems);
  if (!isPlainObject(declaration)) return { problems };
  const name = declaration.name;
  if (envProblems.length === 0 && typeof name === 'string' && MODEL_NAME.test(name)) {
    const tooLong = qualifiedNameLengthProblem(environment.namespace, environment.environmentName, name, `${path}.name`);
    if (tooLong) problems.push(tooLong);
  }
  const rules = modelEnvironmentRules(declaration, environment, path);
  problems.push(...rules.problems);
  if (problems.length > 0 || !model || !rules.serving) return { problems };
  return { problems, model: build(model, environment, rules.serving, rules.approvers) };
}

/**
 * Validates a model declaration, applies every default and resolves it for one environment.
 *
 * @param declaration the model declaration, as written
 * @param environment the environment the model is deployed to
 * @param source named in the error; without it, `model "<name>"`
 * @throws ConfigError listing every problem: the declaration's, the environment's, the approvers and the serving settings
 */
export function resolveModel(declaration: unknown, environment: ModelEnvironment, source?: string): ResolvedModel {
  const named = isPlainObject(declaration) && typeof declaration.name === 'string' ? `model ${show(declaration.name)}` : 'model';
  const { model, problems } = resolveModelAt(declaration, environment, named);
  if (problems.length > 0 || !model) throw new ConfigError(source ?? named, problems);
  return model;
}

function processing(instanceType: string, maxRuntimeMinutes: number): ResolvedProcessing {
  return {
    instanceType,
    maxRuntimeSeconds: maxRuntimeMinutes * 60,
    gpu: isGpuInstanceType(instanceType),
    volumeKmsAllowed: !hasLocalNvme(instanceType),
  };
}

function training(model: ModelDeclaration): ResolvedTraining {
  const t = model.training;
  const spot = t.spot ?? MODEL_DEFAULTS.spot;
  const runtimeMinutes = t.maxRuntimeMinutes ?? MODEL_DEFAULTS.trainingMaxRuntimeMinutes;
  const waitMinutes = t.maxWaitMinutes ?? Math.min(MODEL_DEFAULTS.maxWaitFactor * runtimeMinutes, MODEL_DEFAULTS.maxWaitCapMinutes);
  return {
    instanceType: t.instanceType,
    instanceCount: t.instanceCount ?? MODEL_DEFAULTS.trainingInstanceCount,
    volumeSizeGb: t.volumeSizeGb ?? MODEL_DEFAULTS.volumeSizeGb,
    maxRuntimeSeconds: runtimeMinutes * 60,
    maxWaitSeconds: spot ? waitMinutes * 60 : undefined,
    spot,
    volumeKmsAllowed: !hasLocalNvme(t.instanceType),
    hyperparameters: t.hyperparameters ?? {},
    // The built-in algorithm reads CSV only when told; a script reads its channel as it likes.
    contentType: model.framework === 'xgboost' && !model.code ? 'text/csv' : undefined,
  };
}

function drift(model: ModelDeclaration): ResolvedDrift {
  const d = model.drift ?? {};
  const D = MONITORING_DEFAULTS;
  const evaluationPeriods = d.evaluationPeriods ?? D.evaluationPeriods;
  return {
    psiThreshold: d.psiThreshold ?? D.psiThreshold,
    ksThreshold: d.ksThreshold ?? D.ksThreshold,
    jsThreshold: d.jsThreshold ?? D.jsThreshold,
    evaluationPeriods,
    datapointsToAlarm: d.datapointsToAlarm ?? Math.min(D.datapointsToAlarm, evaluationPeriods),
    minSamples: d.minSamples ?? D.minSamples,
    maxFeatureAlarms: d.maxFeatureAlarms ?? D.maxFeatureAlarms,
    retrainOnDrift: d.retrainOnDrift ?? D.retrainOnDrift,
  };
}

function inputFeaturesOf(features: FeaturesDeclaration) {
  return features.definitions.filter((f) => f.name !== features.recordIdentifier && f.name !== features.eventTime);
}

function build(model: ModelDeclaration, environment: ModelEnvironment, serving: ResolvedServing, approvers: string[]): ResolvedModel {
  const qualifiedName = `${environment.namespace}-${environment.environmentName}-${model.name}`;
  const mode = environment.approval?.mode ?? MODEL_DEFAULTS.approvalMode;
  const approval: ResolvedApproval =
    mode === 'human'
      ? { mode, approvers, timeoutHours: environment.approval?.timeoutHours ?? MODEL_DEFAULTS.approvalTimeoutHours }
      : { mode: 'auto' };
  const evaluationType = model.evaluation.instanceType ?? MODEL_DEFAULTS.evaluationInstanceType;
  const r = model.retraining ?? {};
  const resolved = {
    declaration: model,
    name: model.name,
    namespace: environment.namespace,
    environmentName: environment.environmentName,
    production: environment.production ?? MODEL_DEFAULTS.production,
    qualifiedName,
    prefixes: modelPrefixes(model.name, qualifiedName),
    framework: model.framework,
    gpu: model.gpu ?? MODEL_DEFAULTS.gpu,
    description: model.description,
    features: { ...model.features, onlineStore: model.features.onlineStore ?? MODEL_DEFAULTS.onlineStore },
    inputFeatures: inputFeaturesOf(model.features),
    training: training(model),
    frameworkVersion: model.frameworkVersion,
    code: model.code ? resolveCode(model.code) : undefined,
    images: model.images && {
      training: resolveImage(model.images.training),
      inference: resolveImage(model.images.inference),
    },
    tuning: model.training.tuning ? resolveTuning(model.training.tuning) : undefined,
    evaluation: {
      ...processing(evaluationType, MODEL_DEFAULTS.evaluationMaxRuntimeMinutes),
      metric: model.evaluation.metric,
      direction: model.evaluation.direction,
      threshold: model.evaluation.threshold,
      range: metricRange(model.evaluation),
    },
    preprocessing: model.preprocessing
      ? processing(model.preprocessing.instanceType, model.preprocessing.maxRuntimeMinutes ?? MODEL_DEFAULTS.preprocessingMaxRuntimeMinutes)
      : undefined,
    crossAccountReaders: model.registry?.crossAccountReaders,
    approval,
    serving,
    monitored: serving.mode === 'realtime' && serving.capture !== undefined,
    drift: drift(model),
    retraining: {
      cooldownMinutes: r.cooldownMinutes ?? MONITORING_DEFAULTS.cooldownMinutes,
      maxStartsPerDay: r.maxStartsPerDay ?? MONITORING_DEFAULTS.maxStartsPerDay,
      schedule: r.schedule,
    },
  };
  return { ...resolved, cost: costInputs(resolved) };
}

/** The `MlopsCost` metadata (its key order is the template's). */
function costInputs(m: Omit<ResolvedModel, 'cost'>): MlopsCostMetadata {
  const sv = m.serving;
  return {
    model: m.name,
    environment: m.environmentName,
    serving:
      sv.mode === 'realtime'
        ? {
            mode: 'realtime',
            instanceType: sv.instanceType,
            initialInstanceCount: sv.instanceCount,
            minInstances: sv.autoscaling?.minInstances ?? sv.instanceCount,
            maxInstances: sv.autoscaling?.maxInstances ?? sv.instanceCount,
            capture: sv.capture ? { samplingPercent: sv.capture.samplingPercent } : false,
            ...(sv.stopWhenIdleHours !== undefined ? { stopWhenIdleHours: sv.stopWhenIdleHours } : {}),
          }
        : { mode: 'serverless', memoryMb: sv.memoryMb, maxConcurrency: sv.maxConcurrency, provisionedConcurrency: sv.provisionedConcurrency ?? 0 },
    training: {
      instanceType: m.training.instanceType,
      instanceCount: m.training.instanceCount,
      maxRuntimeMinutes: m.training.maxRuntimeSeconds / 60,
      spot: m.training.spot,
      ...(m.tuning ? { jobs: m.tuning.maxJobs } : {}),
    },
    evaluation: { instanceType: m.evaluation.instanceType, maxRuntimeMinutes: m.evaluation.maxRuntimeSeconds / 60 },
    preprocessing: m.preprocessing ? { instanceType: m.preprocessing.instanceType, maxRuntimeMinutes: m.preprocessing.maxRuntimeSeconds / 60 } : null,
    drift: m.monitored ? { scheduleMinutes: MONITORING_DEFAULTS.driftJobIntervalMinutes, memoryMb: MONITORING_DEFAULTS.driftJobMemoryMb } : null,
    retraining: { maxStartsPerDay: m.retraining.maxStartsPerDay },
  };
}
