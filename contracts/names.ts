/**
 * Naming rules shared by the model declarations (lib/config), the constructs and the handlers that check
 * the names they are given. Constants and pure functions only.
 *
 * A model's qualified name, `<namespace>-<environment>-<model>`, is its endpoint's name and the prefix (before
 * `--`) of every SageMaker job, model and endpoint configuration the pipeline creates for it. Namespace,
 * environment and model names never contain `--` nor end with a hyphen, so the first `--` of a run-time
 * name ends its qualified name, and `<qualified name>--` is a prefix of no other model's or environment's names.
 */

/** Model names prefix SageMaker job names (at most 63 characters), hence 24 characters at most. */
export const MODEL_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,23}(?<!-)$/;

/**
 * Environment names become part of stack names, SSM paths and the names of run-time SageMaker resources
 * (`<namespace>-<environment>-<model>--<id>`): no `--` and no trailing hyphen, so that `--` only ever
 * separates the qualified name from the id.
 */
export const ENVIRONMENT_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,15}(?<!-)$/;

/** The namespace, under the same rule as environment names, at most 20 characters. */
export const NAMESPACE = /^[a-z](?!.*--)[a-z0-9-]{0,19}(?<!-)$/;

/**
 * Longest `<namespace>-<environment>-<model>`: the pipeline names every SageMaker job, model and endpoint
 * configuration `<namespace>-<environment>-<model>--<letter><12 hex>`, and SageMaker allows 63 characters.
 */
export const MAX_QUALIFIED_NAME_LENGTH = 48;

const QUALIFIED_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}$/;

/** The rule, as validation messages state it. */
export const QUALIFIED_NAME_RULE =
  'a qualified name <namespace>-<environment>-<model>: lower-case letters and digits in at least three parts ' +
  `joined by single hyphens, starting with a letter, at most ${MAX_QUALIFIED_NAME_LENGTH} characters`;

/** Whether `value` is a qualified name. */
export function isQualifiedName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_QUALIFIED_NAME_LENGTH && QUALIFIED_NAME.test(value);
}
