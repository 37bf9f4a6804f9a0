/** Input stage: validates the run's input and fills in the model's default data. */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { StagePermissions } from './stage';

/** Properties of {@link inputStage}. */
export interface InputStageProps {
  /** Training data prefix when the input names none. */
  readonly defaultTrainingDataUri: string;
  /** Evaluation data when the input names none (a held-out set, never the training data). */
  readonly defaultEvaluationDataUri: string;
  /** Where a valid input continues. */
  readonly next: sfn.IChainable;
}

/**
 * **Input**: `{ "trainingDataUri"?: "s3://...", "evaluationDataUri"?: "s3://...", ... }`.
 * **Output**: the input with both URIs set (the defaults where absent).
 * **Errors**: ends in the Fail state `InvalidInput` (`InvalidInput`, `InvalidEvaluationInput`) when a
 * given URI is not an `s3://` URI, before any job runs. No task, so no permission.
 */
export function inputStage(scope: Construct, props: InputStageProps): StagePermissions & { readonly start: sfn.State } {
  const invalidInput = new sfn.Fail(scope, 'InvalidInput', {
    error: 'InvalidInput',
    cause: 'trainingDataUri must be an s3:// URI',
  });
  const useDefaultData = new sfn.Pass(scope, 'UseDefaultTrainingData', {
    result: sfn.Result.fromString(props.defaultTrainingDataUri),
    resultPath: '$.trainingDataUri',
  });
  const validateInput = new sfn.Choice(scope, 'ValidateInput');
  const useDefaultEvaluationData = new sfn.Pass(scope, 'UseDefaultEvaluationData', {
    result: sfn.Result.fromString(props.defaultEvaluationDataUri),
    resultPath: '$.evaluationDataUri',
  });
  const invalidEvaluationInput = new sfn.Fail(scope, 'InvalidEvaluationInput', {
    error: 'InvalidInput',
    cause: 'evaluationDataUri must be an s3:// URI',
  });
  const validateEvaluationInput = new sfn.Choice(scope, 'ValidateEvaluationInput');
  validateInput
    .when(sfn.Condition.not(sfn.Condition.isPresent('$.trainingDataUri')), useDefaultData.next(validateEvaluationInput))
    .when(sfn.Condition.stringMatches('$.trainingDataUri', 's3://*'), validateEvaluationInput)
    .otherwise(invalidInput);
  validateEvaluationInput
    .when(sfn.Condition.not(sfn.Condition.isPresent('$.evaluationDataUri')), useDefaultEvaluationData.next(props.next))
    .when(sfn.Condition.stringMatches('$.evaluationDataUri', 's3://*'), props.next)
    .otherwise(invalidEvaluationInput);
  return { start: validateInput, statements: [], wildcards: [] };
}
