/** Training stage: the training job, run through the `.sync` integration. */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ResolvedTraining } from '../../contracts/training';
import { SageMakerJobs, uriParam } from './jobs';
import { resourceTags, RunLocation, runUri, StagePermissions } from './stage';

/** Settings of the training job, with defaults already applied: the resolved training job, its image and script. */
export interface TrainingJobSettings extends ResolvedTraining {
  /** The training image URI. */
  readonly image: string;
  /**
   * One Python file the framework container runs (PyTorch Deep Learning Containers, through the SageMaker
   * training toolkit): delivered as the `code` input channel, named by the toolkit's `sagemaker_program` and
   * `sagemaker_submit_directory` hyperparameters. `fileName` is the object's name under `uri`.
   *
   * @default - the image's own entrypoint (built-in algorithms)
   */
  readonly entrypointScript?: { readonly uri: string; readonly fileName: string };
}

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

/**
 * **Input**: the training data at `trainingInputUri`. **Output**: `$.training` (`jobName`, `jobArn`,
 * `modelArtifactUri`); the model lands in the run's `model/` folder. The job is named `<prefix>--t<12 hex>`.
 * **Errors**: throttling is retried (`TrainThrottled`), anything else goes to `onFailure`. The job's
 * permissions are in `SageMakerJobs.permissions()`.
 */
export function trainingStage(scope: Construct, props: TrainingStageProps): StagePermissions & { readonly start: sfn.CustomState } {
  const t = props.training;
  const jobs = props.jobs;
  const { jobRole, dataKey, vpc, modelName, environmentName } = jobs.settings;
  const train = jobs.task(
    scope,
    'Train',
    'training',
    {
      'TrainingJobName.$': jobs.jobName('t'),
      RoleArn: jobRole.roleArn,
      AlgorithmSpecification: { TrainingImage: t.image, TrainingInputMode: 'File' },
      HyperParameters: trainingHyperparameters(t),
      InputDataConfig: [
        {
          ChannelName: 'train',
          ...(t.contentType ? { ContentType: t.contentType } : {}),
          DataSource: {
            S3DataSource: { S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated', ...uriParam('S3Uri', props.trainingInputUri) },
          },
        },
        ...(t.entrypointScript
          ? [
              {
                ChannelName: 'code',
                DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated', S3Uri: t.entrypointScript.uri } },
              },
            ]
          : []),
      ],
      OutputDataConfig: { KmsKeyId: dataKey.keyArn, ...uriParam('S3OutputPath', runUri(props.run, 'model/')) },
      ResourceConfig: {
        InstanceType: t.instanceType,
        InstanceCount: t.instanceCount,
        VolumeSizeInGB: t.volumeSizeGb,
        ...(t.volumeKmsAllowed ? { VolumeKmsKeyId: dataKey.keyArn } : {}),
      },
      StoppingCondition: {
        MaxRuntimeInSeconds: t.maxRuntimeSeconds,
        ...(t.spot ? { MaxWaitTimeInSeconds: t.maxWaitSeconds } : {}),
      },
      EnableManagedSpotTraining: t.spot,
      ...(t.spot ? { CheckpointConfig: uriParam('S3Uri', runUri(props.run, 'checkpoints/')) } : {}),
      EnableInterContainerTrafficEncryption: t.instanceCount > 1,
      ...(vpc ? { VpcConfig: { Subnets: vpc.subnetIds, SecurityGroupIds: vpc.securityGroupIds } } : {}),
      Tags: resourceTags(modelName, environmentName),
    },
    {
      resultSelector: {
        'jobName.$': '$.TrainingJobName',
        'jobArn.$': '$.TrainingJobArn',
        'modelArtifactUri.$': '$.ModelArtifacts.S3ModelArtifacts',
      },
      resultPath: '$.training',
      onFailure: props.onFailure,
    },
  );
  return { start: train, statements: [], wildcards: [] };
}

/** Where the `code` channel lands in a training container. */
export const TRAINING_CODE_DIR = '/opt/ml/input/data/code';

/**
 * The training job's hyperparameters. With a script, the training toolkit's `sagemaker_program` (the file to run)
 * and `sagemaker_submit_directory` (a local folder, copied to /opt/ml/code): plain strings, which the toolkit
 * keeps as they are when they are not JSON. `AlgorithmSpecification.ContainerEntrypoint` would do the same, but
 * it is not among the parameters documented for `sagemaker:createTrainingJob.sync` (docs/pipeline.md).
 */
function trainingHyperparameters(training: TrainingJobSettings): Record<string, string> {
  if (!training.entrypointScript) return training.hyperparameters;
  const reserved = Object.keys(training.hyperparameters).filter((key) => key.startsWith('sagemaker_'));
  if (reserved.length) {
    throw new Error(
      `training.hyperparameters ${reserved.map((k) => JSON.stringify(k)).join(', ')}: names starting with "sagemaker_" are ` +
        "reserved for the training toolkit, which runs the blueprint's script; rename them",
    );
  }
  return { ...training.hyperparameters, sagemaker_program: training.entrypointScript.fileName, sagemaker_submit_directory: TRAINING_CODE_DIR };
}
