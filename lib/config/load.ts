import { readFileSync } from 'fs';
import { checkDeployment, declaredModels, declaredPlatform } from './deployment-checks';
import { EnvironmentConfig, PlatformConfig, platformSchema } from './environment';
import { ModelDeclaration } from './model';
import { parseModels } from './model-schema';
import { checkModelsAgainstEnvironments } from './models-environments';
import { resolveModelAt } from './resolve-model';
import { ConfigError, isPlainObject, Problem, ProblemGroup, show } from './schema';

/** Where the environment name comes from, named in its problems. */
const ENV_CONTEXT = 'the context value "env" (-c env=NAME)';

/** A validated configuration and the environment chosen from it. */
export interface SelectedEnvironment {
  /** The whole validated configuration. */
  readonly platform: PlatformConfig;
  /** The chosen environment's name. */
  readonly name: string;
  /** The chosen environment's configuration. */
  readonly environment: EnvironmentConfig;
}

/**
 * Validates a configuration object and picks one environment from it.
 *
 * @param raw the configuration, as written by a person
 * @param source where it came from, named in every error (a file path)
 * @param environmentName the requested environment (`-c env=NAME`); anything but a known name is an error
 * @throws ConfigError listing every problem at once, an unknown environment name included
 */
export function selectEnvironment(raw: unknown, source: string, environmentName: unknown): SelectedEnvironment {
  const problems: Problem[] = [];
  const platform = platformSchema.check(raw, '', problems);
  if (platform === undefined && problems.length === 0) problems.push({ path: '(root)', got: show(raw), expected: platformSchema.expected });
  // The environment names as written, so that an unknown -c env is reported with the other problems.
  const written = isPlainObject(raw) && isPlainObject(raw.environments) ? raw.environments : {};
  const names = Object.keys(platform?.environments ?? written);
  const envProblems: Problem[] = typeof environmentName === 'string' && Object.hasOwn(written, environmentName) ? [] : [{
    path: 'env',
    got: show(environmentName),
    expected: `one of the environments in ${source}: ${names.join(', ')}`,
  }];
  if (problems.length > 0 || envProblems.length > 0 || platform === undefined) {
    throw ConfigError.combine([{ source, problems }, { source: ENV_CONTEXT, problems: envProblems }]);
  }
  return { platform, name: environmentName as string, environment: platform.environments[environmentName as string] };
}

/** What {@link loadConfiguration} reads. */
export interface ConfigurationInput {
  /** The platform configuration, as written. */
  readonly platform: unknown;
  /** Where it came from (a file path). */
  readonly platformSource: string;
  /** The requested environment (`-c env=NAME`). */
  readonly environmentName: unknown;
  /** The model declarations, as written; `undefined` for none. */
  readonly models: unknown;
  /** Where they came from (a file path, or the folder of the model folders). */
  readonly modelsSource: string;
  /** Each model's declaration file, named in its problems (see `collectModelFolders`). @default - `models[<index>] "<name>"` */
  readonly modelSources?: readonly string[];
}

/** A validated configuration, its chosen environment and the validated models. */
export interface LoadedConfiguration {
  /** The configuration and the chosen environment. */
  readonly selected: SelectedEnvironment;
  /** The model declarations, as written (each construct resolves its own with `resolveModel`, which applies the defaults). */
  readonly models: ModelDeclaration[];
}

/** Runs `check`, moving the problems of a {@link ConfigError} it throws into `groups`. */
function collect<T>(groups: ProblemGroup[], check: () => T): T | undefined {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    groups.push(...e.groups);
    return undefined;
  }
}

/**
 * Validates the platform configuration and the models together, before any construct exists: each on its
 * own, then the models against every environment (approvers, serving, names, regions), then each model resolved
 * in every environment with `resolveModel`, as its construct will.
 *
 * @throws ConfigError listing every problem of both, grouped by file
 */
export function loadConfiguration(input: ConfigurationInput): LoadedConfiguration {
  const groups: ProblemGroup[] = [];
  const selected = collect(groups, () => selectEnvironment(input.platform, input.platformSource, input.environmentName));
  const models = input.models === undefined ? [] : collect(groups, () => parseModels(input.models, input.modelsSource, input.modelSources));
  // Regions and names need only the namespace, the regions and each model's name and framework: checked
  // even when other fields are wrong, so that one round reports everything.
  collect(groups, () => checkDeployment(declaredPlatform(input.platform), declaredModels(input.models), input.platformSource, input.modelsSource));
  if (selected !== undefined && models !== undefined) {
    collect(groups, () => checkModelsAgainstEnvironments(models, selected.platform.environments, input.modelsSource));
  }
  // What each model construct resolves, in every environment: the rules above report each problem once (also for invalid
  // fields, across models); this pass, run when they found none, guarantees the constructs cannot fail on the configuration.
  if (groups.length === 0 && selected !== undefined && models !== undefined) {
    const { namespace, environments } = selected.platform;
    const problems = Object.entries(environments).flatMap(([environmentName, config]) => models.flatMap((model, i) =>
      resolveModelAt(model, { ...config, namespace, environmentName }, input.modelSources?.[i] ?? `models[${i}] ${show(model.name)}`).problems));
    if (problems.length > 0) groups.push({ source: input.modelsSource, problems });
  }
  if (groups.length > 0 || selected === undefined || models === undefined) {
    throw ConfigError.combine(mergeBySource(groups, [input.platformSource, ENV_CONTEXT, input.modelsSource]));
  }
  return { selected, models };
}

/** One group per source: those of `order` first, in that order. */
function mergeBySource(groups: readonly ProblemGroup[], order: readonly string[]): ProblemGroup[] {
  const merged = new Map<string, Problem[]>(order.map((source) => [source, []]));
  for (const g of groups) merged.set(g.source, [...(merged.get(g.source) ?? []), ...g.problems]);
  return [...merged].map(([source, problems]) => ({ source, problems }));
}

/** Reads a JSON configuration file; a missing or malformed file is a {@link ConfigError} naming it. */
export function readJsonConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [{ path: '(file)', got: (e as NodeJS.ErrnoException).code ?? String(e), expected: 'a readable JSON file' }]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(path, [{ path: '(file)', got: (e as Error).message, expected: 'valid JSON' }]);
  }
}
