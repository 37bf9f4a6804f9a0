import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** Hex digits of `States.UUID()` kept in a run-time name: its last group, 48 random bits. */
export const RUNTIME_ID_HEX_DIGITS = 12;

/**
 * The longest prefix a run-time name can take: SageMaker allows 63 characters, and the suffix is
 * `--`, one letter and 12 hex digits (15 characters). The configuration checks the same limit.
 */
export const MAX_RUNTIME_NAME_PREFIX_LENGTH = 63 - 3 - RUNTIME_ID_HEX_DIGITS;

/**
 * A name of a SageMaker resource the workflow creates at run time (a job, model or endpoint
 * configuration), as a `States.Format` expression: `<prefix>--<letter><the last 12 hex digits of
 * States.UUID()>`. The prefix is `<namespace>-<environment>-<model>`, which never contains `--`, so
 * `<prefix>--*` matches this model's names in this environment and nobody else's. A new id is drawn
 * on every entry of the state, so a retried create never meets `ResourceInUse`.
 */
export function runtimeName(prefix: string, letter: string): string {
  if (!/^[a-zA-Z0-9](-?[a-zA-Z0-9])*$/.test(prefix) || prefix.length > MAX_RUNTIME_NAME_PREFIX_LENGTH) {
    throw new Error(`runtimeNamePrefix ${JSON.stringify(prefix)}: expected letters, digits and single hyphens, `
      + `at most ${MAX_RUNTIME_NAME_PREFIX_LENGTH} characters (SageMaker names allow 63, the suffix takes 15)`);
  }
  if (!/^[a-z]$/.test(letter)) throw new Error(`runtimeName letter ${JSON.stringify(letter)}: expected one lower-case letter`);
  const lastGroup = sfn.JsonPath.arrayGetItem(sfn.JsonPath.stringSplit(sfn.JsonPath.uuid(), '-'), 4);
  return sfn.JsonPath.format(`${prefix}--${letter}{}`, lastGroup);
}
