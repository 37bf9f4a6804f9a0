/**
 * Rules between the platform configuration and the model declarations that no single schema can see:
 * the region of each environment against the container images the models need, and the length of the
 * names the pipeline builds from namespace, environment and model.
 *
 * They run before any construct exists, so that a region without images (`us-east-9`) or a name SageMaker
 * would refuse is reported with the other configuration problems instead of failing inside construction.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { MAX_QUALIFIED_NAME_LENGTH } from '../../contracts/names';
import { Framework, SUPPORTED_VERSIONS, supportedRegions } from '../model/container-images';
import { ENVIRONMENT_NAME, NAMESPACE, REGION } from './environment';
import { MODEL_NAME } from './model-schema';
import { ConfigError, isPlainObject, Problem, ProblemGroup, show } from './schema';

/** What these rules need of a model: its place in the list, its name and its framework. */
export interface DeclaredModel {
  /** Index in the list of declarations. */
  readonly index: number;
  /** The model's (valid) name. */
  readonly name: string;
  /** The model's framework, when it is a valid one. */
  readonly framework?: Framework;
}

/** What these rules need of the platform configuration: the namespace and each environment's region. */
export interface DeclaredPlatform {
  /** The (valid) namespace, if any. */
  readonly namespace?: string;
  /** The environments with a valid name, each with its region when that has a valid shape. */
  readonly environments: Readonly<Record<string, { readonly region?: string }>>;
}

/**
 * The namespace and environments of a configuration as written, keeping only values of a valid shape:
 * these rules run even when other fields are wrong (their own problems are reported by the schema).
 */
export function declaredPlatform(raw: unknown): DeclaredPlatform {
  if (!isPlainObject(raw)) return { environments: {} };
  const namespace = typeof raw.namespace === 'string' && NAMESPACE.test(raw.namespace) ? raw.namespace : undefined;
  const written = isPlainObject(raw.environments) ? raw.environments : {};
  const environments = Object.fromEntries(Object.entries(written)
    .filter(([name]) => ENVIRONMENT_NAME.test(name))
    .map(([name, env]) => {
      const region = isPlainObject(env) && typeof env.region === 'string' && REGION.test(env.region) ? env.region : undefined;
      return [name, { region }];
    }));
  return { namespace, environments };
}

/**
 * The models of a list as written, with a valid name: these rules run even when other fields of a model
 * are wrong, so that one run reports everything.
 */
export function declaredModels(raw: unknown): DeclaredModel[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item, index) => {
    if (!isPlainObject(item) || typeof item.name !== 'string' || !MODEL_NAME.test(item.name)) return [];
    const known = typeof item.framework === 'string' && Object.hasOwn(SUPPORTED_VERSIONS, item.framework);
    const framework = known ? item.framework as Framework : undefined;
    return [{ index, name: item.name, framework }];
  });
}

// The longest qualified name (contracts/names.ts), re-exported.
export { MAX_QUALIFIED_NAME_LENGTH };

/** The frameworks the models use, each with the names of the models that use it. */
function frameworksOf(models: readonly DeclaredModel[]): Map<Framework, string[]> {
  const byFramework = new Map<Framework, string[]>();
  for (const model of models) {
    if (model.framework !== undefined) byFramework.set(model.framework, [...(byFramework.get(model.framework) ?? []), model.name]);
  }
  return byFramework;
}

/** Problems of each environment's region (environments without a region deploy where the credentials point). */
export function regionProblems(platform: DeclaredPlatform, models: readonly DeclaredModel[]): Problem[] {
  const problems: Problem[] = [];
  const known = RegionInfo.regions.map((r) => r.name);
  const frameworks = frameworksOf(models);
  for (const [env, config] of Object.entries(platform.environments)) {
    const region = config.region;
    if (region === undefined) continue;
    const path = `environments.${env}.region`;
    if (!known.includes(region)) {
      problems.push({ path, got: show(region), expected: `an AWS region known to aws-cdk-lib (${known.join(', ')})` });
      continue;
    }
    for (const [framework, users] of frameworks) {
      const regions = supportedRegions(framework);
      if (regions.includes(region)) continue;
      const which = users.map((u) => show(u)).join(', ');
      problems.push({
        path,
        got: show(region),
        expected: `a region where the blueprint knows the ${framework} container images that ${users.length === 1 ? 'model' : 'models'} ${which} `
          + `${users.length === 1 ? 'needs' : 'need'} (${regions.join(', ')})`,
      });
    }
  }
  return problems;
}

/** Problems of the names built from namespace, environment and model. */
export function nameProblems(platform: DeclaredPlatform, models: readonly DeclaredModel[]): Problem[] {
  const problems: Problem[] = [];
  const namespace = platform.namespace;
  if (namespace === undefined) return problems;
  // Hyphens join the parts, so environment "dev" with model "x-churn" and environment "dev-x" with model
  // "churn" would share every name (endpoint, jobs, cleanup prefix).
  const owners = new Map<string, string>();
  models.forEach((model) => {
    for (const env of Object.keys(platform.environments)) {
      const qualified = `${platform.namespace}-${env}-${model.name}`;
      const owner = `environment ${show(env)}, model ${show(model.name)}`;
      const first = owners.get(qualified);
      if (first !== undefined && typeof model.name === 'string') {
        problems.push({
          path: `models[${model.index}] ${show(model.name)}.name (environment ${show(env)})`,
          got: `${show(qualified)}, the same qualified name as ${first}`,
          expected:
            'a <namespace>-<environment>-<model> name no other environment and model of this configuration has: rename the model or the environment',
        });
      }
      if (first === undefined) owners.set(qualified, owner);
      const tooLong = qualifiedNameLengthProblem(namespace, env, model.name, `models[${model.index}] ${show(model.name)}.name`);
      if (tooLong) problems.push(tooLong);
    }
  });
  return problems;
}

/**
 * The problem of a `<namespace>-<environment>-<model>` name too long for the names the pipeline builds from it.
 *
 * @param path the model's name field, e.g. `models[0] "churn".name` (the environment is appended)
 * @returns the problem, or `undefined` when the name fits
 */
export function qualifiedNameLengthProblem(namespace: string, environmentName: string, modelName: string,
  path: string): Problem | undefined {
  const qualified = `${namespace}-${environmentName}-${modelName}`;
  if (qualified.length <= MAX_QUALIFIED_NAME_LENGTH) return undefined;
  return {
    path: `${path} (environment ${show(environmentName)})`,
    got: `${show(qualified)} (namespace ${show(namespace)}, environment ${show(environmentName)}, model ${show(modelName)}: `
      + `${qualified.length} characters)`,
    expected: `at most ${MAX_QUALIFIED_NAME_LENGTH} characters for <namespace>-<environment>-<model>, because it prefixes the SageMaker `
      + 'jobs, models and endpoint configurations the pipeline creates '
      + '(<namespace>-<environment>-<model>--<letter><12 hex>, at most 63 characters): '
      + 'shorten the model, environment or namespace name',
  };
}

/**
 * Checks the models against the platform configuration: regions against the models' container images,
 * and name lengths.
 *
 * @throws ConfigError listing the region problems under `platformSource` and the name problems under `modelsSource`
 */
export function checkDeployment(platform: DeclaredPlatform, models: readonly DeclaredModel[], platformSource: string, modelsSource: string): void {
  const groups: ProblemGroup[] = [
    { source: platformSource, problems: regionProblems(platform, models) },
    { source: modelsSource, problems: nameProblems(platform, models) },
  ];
  if (groups.some((g) => g.problems.length > 0)) throw ConfigError.combine(groups);
}
