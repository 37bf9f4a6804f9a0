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

/** SageMaker's limit on a hyperparameter tuning job's name (the name prefixes those of the training jobs it launches). */
export const MAX_TUNING_JOB_NAME_LENGTH = 32;

/** The longest tuning-name prefix: room for `--h` and 8 hex digits (the first group of `States.UUID()`, 32 random bits). */
const MAX_TUNING_NAME_PREFIX_LENGTH = MAX_TUNING_JOB_NAME_LENGTH - 3 - 8;

/**
 * The prefix of this model's tuning job names. Tuning job names allow 32 characters, so the run-time prefix is kept
 * whole only when it leaves room for `--h` and 8 hex digits (21 characters at most, e.g. `mlops-dev-churn`); a longer
 * one becomes its first 12 characters and the 8 hex digits of its FNV-1a hash (`mlops-prod-c-1a2b3c4d`). Either way
 * the prefix never contains `--`, so `<tuning prefix>--*` matches this model's tuning jobs, and the training jobs they
 * launch (`<tuning job>-<3 digits>-<8 hex>`), in this environment only. The model's job role must allow those training
 * jobs' log streams (`/aws/sagemaker/TrainingJobs:log-stream:<tuning prefix>--*`) when the prefix is shortened.
 */
export function tuningNamePrefix(runtimeNamePrefix: string): string {
  runtimeName(runtimeNamePrefix, 'h'); // validates the prefix
  if (runtimeNamePrefix.length <= MAX_TUNING_NAME_PREFIX_LENGTH) return runtimeNamePrefix;
  return `${runtimeNamePrefix.slice(0, 12).replace(/-+$/, '')}-${fnv1a(runtimeNamePrefix)}`;
}

/**
 * A tuning job name expression: `<tuning prefix>--h<hex>`, new on every entry of the state, at most 32 characters:
 * the last 12 hex digits of `States.UUID()` when they fit, else its first 8.
 */
export function tuningJobName(runtimeNamePrefix: string): string {
  const prefix = tuningNamePrefix(runtimeNamePrefix);
  const group = prefix.length + 3 + RUNTIME_ID_HEX_DIGITS <= MAX_TUNING_JOB_NAME_LENGTH ? 4 : 0;
  const id = sfn.JsonPath.arrayGetItem(sfn.JsonPath.stringSplit(sfn.JsonPath.uuid(), '-'), group);
  return sfn.JsonPath.format(`${prefix}--h{}`, id);
}

/** The 32-bit FNV-1a hash of a string, as 8 hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
