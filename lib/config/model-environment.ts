/**
 * The rules between one model and one environment: the approvers a human gate needs, and the serving settings
 * resolved for the environment. `checkModelsAgainstEnvironments` runs them for every environment of a
 * configuration; `resolveModel` runs them for the environment it resolves the model in.
 */
import { ApprovalSettings, SageMakerVpcSettings } from './environment';
import { MODEL_DEFAULTS } from './model-defaults';
import { isPlainObject, Problem } from './schema';
import { ResolvedServing, resolveServing, ServingDeclaration, servingSettingsFor } from './serving';
import { servingSchema } from './serving-schema';

/** What resolving a model needs of the environment it is deployed to. */
export interface ModelEnvironment {
  /** The installation's namespace, the first part of every qualified name. */
  readonly namespace: string;
  /** The environment's name. */
  readonly environmentName: string;
  /**
   * Whether the environment is a production one (non-production endpoints stop when idle by default).
   *
   * @default false
   */
  readonly production?: boolean;
  /**
   * The environment's approval gate.
   *
   * @default - human approval within 72 hours
   */
  readonly approval?: ApprovalSettings;
  /**
   * The subnets and security groups of the SageMaker jobs (only whether there are any matters here: serverless
   * endpoints cannot run in a VPC).
   *
   * @default - no VPC
   */
  readonly sagemakerVpc?: SageMakerVpcSettings;
}

/** What {@link modelEnvironmentRules} found. */
export interface ModelEnvironmentResult {
  /** Every problem found. */
  readonly problems: Problem[];
  /** The serving settings in the environment, when the model's serving declaration is valid and deployable there. */
  readonly serving?: ResolvedServing;
  /** The model's approvers in the environment (empty when there are none). */
  readonly approvers: string[];
}

/**
 * Checks one model against one environment. The model may be unvalidated: each rule runs only when the fields it
 * reads are valid (the declaration's schema reports the others), so that one run reports everything, once.
 *
 * @param model the model declaration, as written or validated
 * @param path the model's path in problems, e.g. `models[0] "churn"`
 */
export function modelEnvironmentRules(
  model: Readonly<Record<string, unknown>>,
  environment: Omit<ModelEnvironment, 'namespace'>,
  path: string,
): ModelEnvironmentResult {
  const problems: Problem[] = [];
  const env = environment.environmentName;
  const approvers = isPlainObject(model.approvers) && Array.isArray(model.approvers[env]) ? (model.approvers[env] as string[]) : [];
  // An empty or malformed list is the schema's problem; only a missing one is reported here.
  const missing = model.approvers === undefined || (isPlainObject(model.approvers) && model.approvers[env] === undefined);
  if ((environment.approval?.mode ?? MODEL_DEFAULTS.approvalMode) === 'human' && missing) {
    problems.push({
      path: `${path}.approvers.${env}`,
      got: 'nothing',
      expected: `at least one approver e-mail address, because environment "${env}" requires human approval`,
    });
  }
  let serving: ResolvedServing | undefined;
  const servingProblems: Problem[] = [];
  const declared = model.serving === undefined ? undefined : servingSchema.check(model.serving, `${path}.serving`, servingProblems);
  if (servingProblems.length === 0) {
    const context = {
      gpu: model.gpu === true,
      vpc: environment.sagemakerVpc !== undefined,
      production: environment.production ?? MODEL_DEFAULTS.production,
    };
    const resolved = resolveServing(
      servingSettingsFor(declared as ServingDeclaration | undefined, env),
      context,
      `${path}.serving (environment "${env}")`,
    );
    problems.push(...resolved.problems);
    serving = resolved.serving;
  }
  return { problems, serving, approvers };
}
