/** Training stage: the training job, run through the `.sync` integration. */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SageMakerJobs } from './jobs';
import { resourceTags, RunLocation, StagePermissions } from './stage';
import { TrainingJobSettings, trainingJobDefinition } from './training-job';

export type { TrainingJobSettings, TrainingMetricDefinition } from './training-job';
export { TRAINING_CODE_DIR } from './training-job';

/** Properties of {@link trainingStage}. */
export interface TrainingStageProps {
  readonly training: TrainingJobSettings;
  /** The workflow's SageMaker jobs (role, key, network, tags). */
  readonly jobs: SageMakerJobs;
  /** Where the run writes (the model, checkpoints). */
  readonly run: RunLocation;
  /** The training data: a JSONPath or a `States.Format` expression of an S3 prefix. */
  readonly trainingInputUri: string;
  /** Where errors go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
}

/** The output of the training stage, which the tuning stage gives as well: `$.training` as later stages read it. */
export const TRAINING_RESULT = {
  'jobName.$': '$.TrainingJobName',
  'jobArn.$': '$.TrainingJobArn',
  'modelArtifactUri.$': '$.ModelArtifacts.S3ModelArtifacts',
} as const;

/**
 * **Input**: the training data at `trainingInputUri`. **Output**: `$.training` (`jobName`, `jobArn`,
 * `modelArtifactUri`); the model lands in the run's `model/` folder. The job is named `<prefix>--t<12 hex>`.
 * **Errors**: throttling is retried (`TrainThrottled`), anything else goes to `onFailure`. The job's
 * permissions are in `SageMakerJobs.permissions()`.
 */
export function trainingStage(scope: Construct, props: TrainingStageProps): StagePermissions & { readonly start: sfn.CustomState } {
  const jobs = props.jobs;
  const { modelName, environmentName } = jobs.settings;
  const { hyperparameters, definition } = trainingJobDefinition(props.training, props);
  const { RoleArn, AlgorithmSpecification, ...rest } = definition;
  const train = jobs.task(
    scope,
    'Train',
    'training',
    {
      'TrainingJobName.$': jobs.jobName('t'),
      RoleArn,
      AlgorithmSpecification,
      HyperParameters: hyperparameters,
      ...rest,
      Tags: resourceTags(modelName, environmentName),
    },
    { resultSelector: TRAINING_RESULT, resultPath: '$.training', onFailure: props.onFailure },
  );
  return { start: train, statements: [], wildcards: [] };
}
