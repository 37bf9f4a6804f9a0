import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * The training data pointer of a model (docs/retraining.md): an SSM String parameter
 * `/<namespace>/<environment>/models/<model>/training-data-uri` that the model's team sets to the S3 prefix scheduled and
 * drift-triggered retraining train on. Without it, the pipeline's default prefix (`<model>/train/`) is used.
 */
export interface TrainingDataPointer {
  /** The parameter's name (`TRAINING_DATA_PARAMETER`). */
  readonly parameterName: string;
  /** What its value must start with (`TRAINING_DATA_PREFIX`): `s3://<curated bucket>/<model>/`, all the jobs can read. */
  readonly requiredPrefix: string;
}

/** A pointer whose value the pipeline could not use: nothing is started (the invocation fails and ends in the dead-letter queue). */
export class InvalidPointerError extends Error {
  constructor(pointer: TrainingDataPointer, value: string) {
    super(
      `Training data pointer ${pointer.parameterName} is ${JSON.stringify(value)}; expected an S3 prefix that starts with ` +
        `${pointer.requiredPrefix} (the model's prefix of the curated bucket), without spaces, ending with "/"`,
    );
    this.name = 'InvalidPointerError';
  }
}

const ssm = new SSMClient({});
/** No spaces; control characters and `..` (which could leave the prefix in readers that normalise paths) are refused below. */
const S3_PREFIX = /^s3:\/\/\S+\/$/;
const hasControl = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * The S3 prefix the pointer names, or `undefined` when the parameter does not exist (the pipeline then uses its default).
 * Throws {@link InvalidPointerError} for a value outside the model's prefix, and rethrows AWS errors (the retry reads again).
 */
export async function pointedTrainingData(pointer: TrainingDataPointer | undefined): Promise<string | undefined> {
  if (!pointer) return undefined;
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: pointer.parameterName }))).Parameter?.Value;
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') return undefined;
    throw error;
  }
  const uri = (value ?? '').trim();
  const usable = uri.startsWith(pointer.requiredPrefix) && S3_PREFIX.test(uri) && !hasControl(uri) && !uri.split('/').includes('..');
  if (!usable) throw new InvalidPointerError(pointer, value ?? '');
  return uri;
}
