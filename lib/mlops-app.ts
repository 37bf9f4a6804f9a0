import { App, Tags } from 'aws-cdk-lib';
import { addComplianceChecks, addTemplateValidation, complianceChecksRequested } from './compliance';
import { loadConfiguration, readJsonConfig, SelectedEnvironment } from './config/load';
import { ModelStack } from './model-stack';
import { PlatformStack } from './platform-stack';

/** Options of {@link buildMlopsApp}. */
export interface MlopsAppOptions {
  /** The platform configuration (unvalidated). Replaced by the file named in the `config` context value when one is given. */
  readonly config: unknown;
  /** Where `config` came from, named in validation errors. */
  readonly configSource: string;
  /**
   * The model declarations (unvalidated).
   *
   * @default - no models
   */
  readonly models?: unknown;
  /**
   * Where `models` came from, named in validation errors.
   *
   * @default 'models'
   */
  readonly modelsSource?: string;
  /**
   * Each model's declaration file (same order as `models`), named in its problems; see `collectModelFolders`.
   *
   * @default - models are named by index and name
   */
  readonly modelSources?: readonly string[];
  /**
   * Run the compliance packs (cdk-nag and Control Tower controls) on synthesis.
   *
   * @default - the `compliance` context (`-c compliance=on|off`); without it, on unless the CLI
   * synthesizes no stack for deployment (`cdk ls`, `cdk destroy`): see {@link complianceChecksRequested}
   */
  readonly complianceChecks?: boolean;
}

/** The stacks of one environment. */
export interface MlopsStacks {
  /** The validated configuration and chosen environment. */
  readonly selected: SelectedEnvironment;
  /** The environment's platform stack. */
  readonly platform: PlatformStack;
  /** One stack per declared model, by model name. */
  readonly models: Readonly<Record<string, ModelStack>>;
}

/**
 * Adds the stacks of one environment to `app`: `-c env=NAME` picks the environment (default `dev`),
 * `-c config=FILE.json` replaces the configuration with a JSON file.
 *
 * Validation happens before any construct is created, so a bad configuration throws one
 * `ConfigError` listing every problem of the configuration and the models (regions and names
 * included) and nothing is synthesized.
 */
export function buildMlopsApp(app: App, options: MlopsAppOptions): MlopsStacks {
  const checks = options.complianceChecks ?? complianceChecksRequested(app);
  const file = app.node.tryGetContext('config');
  const raw = typeof file === 'string' ? readJsonConfig(file) : options.config;
  const source = typeof file === 'string' ? file : options.configSource;
  const { selected, models: declarations } = loadConfiguration({
    platform: raw,
    platformSource: source,
    environmentName: app.node.tryGetContext('env') ?? 'dev',
    models: options.models,
    modelsSource: options.modelsSource ?? 'models',
    modelSources: options.modelSources,
  });
  const { platform: config, name, environment } = selected;

  const env = environment.account || environment.region ? { account: environment.account, region: environment.region } : undefined;
  const platform = new PlatformStack(app, `${config.namespace}-${name}-platform`, {
    env,
    namespace: config.namespace,
    environmentName: name,
    config: environment,
    description: `MLOps platform (${name}): KMS keys, data lake, audit trail, notification topics`,
    terminationProtection: environment.production === true,
  });

  const models: Record<string, ModelStack> = {};
  for (const declaration of declarations) {
    const stack = new ModelStack(app, `${config.namespace}-${name}-model-${declaration.name}`, {
      env,
      namespace: config.namespace,
      environmentName: name,
      declaration,
      sagemakerVpc: environment.sagemakerVpc,
      approval: environment.approval,
      production: environment.production === true,
      description: `MLOps model ${declaration.name} (${name}): feature group, registry, training pipeline`,
      terminationProtection: environment.production === true,
    });
    // The environment's tags reach every resource of the environment, model stacks included.
    for (const [key, value] of Object.entries(environment.tags ?? {})) Tags.of(stack).add(key, value);
    // Deployment order only: the model stack reads the platform's SSM parameters, no exports.
    stack.addStackDependency(platform);
    models[declaration.name] = stack;
  }

  if (checks) addComplianceChecks(app);
  else addTemplateValidation(app);
  return { selected, platform, models };
}
