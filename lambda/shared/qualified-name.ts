/**
 * A model's qualified name, `<namespace>-<environment>-<model>`: its endpoint's name and the prefix (before
 * `--`) of every SageMaker job, model and endpoint configuration the pipeline creates for it. Namespace,
 * environment and model names never contain `--` nor end with a hyphen, so the first `--` of a run-time
 * name ends its qualified name, and `<qualified name>--` is a prefix of no other model's or environment's names.
 */
export const MAX_QUALIFIED_NAME_LENGTH = 48;

const QUALIFIED_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}$/;

/** The rule, as validation messages state it. */
export const QUALIFIED_NAME_RULE = 'a qualified name <namespace>-<environment>-<model>: lower-case letters and digits in at least three parts '
  + `joined by single hyphens, starting with a letter, at most ${MAX_QUALIFIED_NAME_LENGTH} characters`;

/** Whether `value` is a qualified name. */
export function isQualifiedName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_QUALIFIED_NAME_LENGTH && QUALIFIED_NAME.test(value);
}
