/**
 * The settings every training job of the workflow is built from, shared by the training stage (one job) and the
 * tuning stage (the jobs a hyperparameter tuning job launches): image, role, hyperparameters, channels, output,
 * resources, stopping condition, spot, checkpoints, network, encryption between instances, environment and metrics.
 */
import type { ResolvedTraining } from '../../contracts/training';
import { TRAINING_WRAPPER } from '../../contracts/model-code';
import { SageMakerJobs, uriParam } from './jobs';
import { RunLocation, runUri } from './stage';

/** A metric SageMaker reads from the training job's logs: `name` is the value of the first group of `regex`. */
export interface TrainingMetricDefinition {
  readonly name: string;
  readonly regex: string;
}

/** Settings of the training job, with defaults already applied: the resolved training job, its image and code. */
export interface TrainingJobSettings extends ResolvedTraining {
  /** The training image URI. */
  readonly image: string;
  /**
   * Script mode: a gzipped tar of the team's code folder with the blueprint's wrapper ({@link TRAINING_WRAPPER}) at its
   * root. It is delivered as the `code` input channel; the SageMaker training toolkit of the framework image extracts
   * `sagemaker_submit_directory` (`/opt/ml/input/data/code/<fileName>`) into `/opt/ml/code` and runs `sagemaker_program`
   * (the wrapper). `uri` is the object's S3 URI, `fileName` the last part of its key (the name it gets in the channel).
   *
   * @default - the image's own entrypoint (built-in algorithms, own images)
   */
  readonly sourcePackage?: { readonly uri: string; readonly fileName: string };
  /** Metrics SageMaker reads from the logs (`AlgorithmSpecification.MetricDefinitions`, at most 40). @default - none */
  readonly metricDefinitions?: readonly TrainingMetricDefinition[];
  /** Environment variables of the training container (`Environment`). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Where the `code` channel lands in a training container. */
export const TRAINING_CODE_DIR = '/opt/ml/input/data/code';

/** Where a training job reads and writes: the workflow's jobs, the run folder and the training data. */
export interface TrainingJobContext {
  /** The workflow's SageMaker jobs (role, key, network). */
  readonly jobs: SageMakerJobs;
  /** Where the run writes (the model, checkpoints). */
  readonly run: RunLocation;
  /** The training data: a JSONPath or a `States.Format` expression of an S3 prefix. */
  readonly trainingInputUri: string;
}

/** One training job as SageMaker takes it, minus its name, hyperparameters and tags (which differ between the stages). */
export interface TrainingJobDefinition {
  /** The hyperparameters: `HyperParameters` of a training job, `StaticHyperParameters` of a tuning job's definition. */
  readonly hyperparameters: Record<string, string>;
  /** `RoleArn`, `AlgorithmSpecification`, channels, output, resources, stopping condition, spot, checkpoints, VPC... */
  readonly definition: Record<string, unknown>;
}

/**
 * The fields a `CreateTrainingJob` request and a tuning job's `TrainingJobDefinition` share, built once for both.
 * `extraMetrics` (the tuning objective's) replace declared metrics of the same name.
 */
export function trainingJobDefinition(
  t: TrainingJobSettings,
  ctx: TrainingJobContext,
  extraMetrics: readonly TrainingMetricDefinition[] = [],
): TrainingJobDefinition {
  const { jobRole, dataKey, vpc } = ctx.jobs.settings;
  const code = codeChannel(t);
  const metrics = metricDefinitions([...(t.metricDefinitions ?? []), ...extraMetrics]);
  const environment = Object.entries(t.environment ?? {});
  const s3Prefix = { S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated' };
  return {
    hyperparameters: trainingHyperparameters(t),
    definition: {
      RoleArn: jobRole.roleArn,
      AlgorithmSpecification: {
        TrainingImage: t.image,
        TrainingInputMode: 'File',
        ...(metrics.length ? { MetricDefinitions: metrics } : {}),
      },
      InputDataConfig: [
        {
          ChannelName: 'train',
          ...(t.contentType ? { ContentType: t.contentType } : {}),
          DataSource: { S3DataSource: { ...s3Prefix, ...uriParam('S3Uri', ctx.trainingInputUri) } },
        },
        ...(code ? [{ ChannelName: 'code', DataSource: { S3DataSource: { ...s3Prefix, S3Uri: code.uri } } }] : []),
      ],
      OutputDataConfig: { KmsKeyId: dataKey.keyArn, ...uriParam('S3OutputPath', runUri(ctx.run, 'model/')) },
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
      ...(t.spot ? { CheckpointConfig: uriParam('S3Uri', runUri(ctx.run, 'checkpoints/')) } : {}),
      EnableInterContainerTrafficEncryption: t.instanceCount > 1,
      ...(vpc ? { VpcConfig: { Subnets: vpc.subnetIds, SecurityGroupIds: vpc.securityGroupIds } } : {}),
      ...(environment.length ? { Environment: Object.fromEntries(environment) } : {}),
    },
  };
}

/** The object of the `code` channel, if any: the source package. */
function codeChannel(t: TrainingJobSettings): { readonly uri: string; readonly fileName: string } | undefined {
  const code = t.sourcePackage;
  if (code && !/^[^/]+$/.test(code.fileName)) {
    throw new Error(`training code ${JSON.stringify(code.fileName)}: expected the object's file name, without folders`);
  }
  return code;
}

/** The metrics, each name once (a later definition replaces an earlier one); SageMaker takes at most 40. */
function metricDefinitions(metrics: readonly TrainingMetricDefinition[]): Array<{ Name: string; Regex: string }> {
  const byName = new Map(metrics.map((m) => [m.name, m.regex]));
  if (byName.size > 40) throw new Error(`training.metricDefinitions: ${byName.size} metrics, SageMaker reads at most 40`);
  return [...byName].map(([Name, Regex]) => ({ Name, Regex }));
}

/**
 * The training job's hyperparameters. In script mode, the training toolkit's `sagemaker_program` (the file to run) and
 * `sagemaker_submit_directory` (a local path: the toolkit extracts a `.tar.gz` file, or copies a folder, to
 * /opt/ml/code): plain strings, which the toolkit keeps as they are when they are not JSON.
 * `AlgorithmSpecification.ContainerEntrypoint` would do the same, but it is not among the parameters documented for
 * `sagemaker:createTrainingJob.sync` (docs/pipeline.md).
 */
function trainingHyperparameters(training: TrainingJobSettings): Record<string, string> {
  if (!training.sourcePackage) return { ...training.hyperparameters };
  refuseReserved('training.hyperparameters', Object.keys(training.hyperparameters));
  const directory = `${TRAINING_CODE_DIR}/${training.sourcePackage.fileName}`;
  return { ...training.hyperparameters, sagemaker_program: TRAINING_WRAPPER, sagemaker_submit_directory: directory };
}

/** Throws when a hyperparameter name is reserved for the training toolkit (`sagemaker_*`). */
export function refuseReserved(field: string, names: readonly string[]): void {
  const reserved = names.filter((key) => key.startsWith('sagemaker_'));
  if (reserved.length) {
    throw new Error(
      `${field} ${reserved.map((k) => JSON.stringify(k)).join(', ')}: names starting with "sagemaker_" are ` +
        "reserved for the training toolkit, which runs the blueprint's code; rename them",
    );
  }
}
