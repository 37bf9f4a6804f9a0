/**
 * Tuning stage: a hyperparameter tuning job over the training job's own settings, run through the `.sync` integration,
 * then the best training job it found, which later stages use exactly like the training stage's job.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ResolvedTuning, TuningRange } from '../../contracts/model-code';
import { SageMakerJobs } from './jobs';
import { sdkCall } from './sdk-call';
import { catchInto, resourceTags, RunLocation, StagePermissions } from './stage';
import { TRAINING_RESULT } from './training';
import { refuseReserved, TrainingJobSettings, trainingJobDefinition } from './training-job';

/** Properties of {@link tuningStage}. */
export interface TuningStageProps {
  /** The training job every job of the tuning job runs as (its hyperparameters become the static ones). */
  readonly training: TrainingJobSettings;
  /** The objective, ranges, limits and strategy. */
  readonly tuning: ResolvedTuning;
  /** The workflow's SageMaker jobs (role, key, network, tags, the tuning job's permissions). */
  readonly jobs: SageMakerJobs;
  /** Where the run writes (the models of every training job, checkpoints). */
  readonly run: RunLocation;
  /** The training data: a JSONPath or a `States.Format` expression of an S3 prefix. */
  readonly trainingInputUri: string;
  /** Where errors go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
  /** Where the stage continues (evaluation of the best job's model). */
  readonly next: sfn.IChainable;
}

/**
 * **Input**: the training data at `trainingInputUri`. **Output**: `$.training` (`jobName`, `jobArn`, `modelArtifactUri`)
 * of the best training job, as the training stage gives its own job, and `$.tuning` (`jobName`, `jobArn`). Every
 * training job writes its model to the run's `model/` folder. The tuning job is named `<tuning prefix>--h<hex>`
 * (32 characters at most, runtime-names.ts); its training jobs `<tuning job>-<3 digits>-<8 hex>`.
 * **Errors**: throttling is retried (`TuneThrottled`); a failed or stopped tuning job, one without a best training job
 * (`NoBestTrainingJob`) and a failed `DescribeBestTrainingJob` go to `onFailure`. The tuning job's permissions are in
 * `SageMakerJobs.permissions()`; reading the best training job is this stage's.
 */
export function tuningStage(scope: Construct, props: TuningStageProps): StagePermissions & { readonly start: sfn.CustomState } {
  const { jobs, tuning } = props;
  const { modelName, environmentName } = jobs.settings;
  const ranges = parameterRanges(tuning);
  const objective = tuning.objective.regex ? [{ name: tuning.objective.metric, regex: tuning.objective.regex }] : [];
  const { hyperparameters, definition } = trainingJobDefinition(props.training, props, objective);
  const tuned = new Set(tuning.ranges.map((r) => r.name));
  const tune = jobs.task(
    scope,
    'Tune',
    'tuning',
    {
      'HyperParameterTuningJobName.$': jobs.tuningJobName(),
      HyperParameterTuningJobConfig: {
        Strategy: tuning.strategy,
        HyperParameterTuningJobObjective: {
          Type: tuning.objective.direction === 'maximize' ? 'Maximize' : 'Minimize',
          MetricName: tuning.objective.metric,
        },
        ResourceLimits: { MaxNumberOfTrainingJobs: tuning.maxJobs, MaxParallelTrainingJobs: tuning.maxParallelJobs },
        ParameterRanges: ranges,
      },
      TrainingJobDefinition: {
        ...definition,
        // A tuned hyperparameter takes the tuning job's values: its declared default is not sent as well.
        StaticHyperParameters: Object.fromEntries(Object.entries(hyperparameters).filter(([name]) => !tuned.has(name))),
      },
      Tags: resourceTags(modelName, environmentName),
    },
    { resultPath: '$.tuning', onFailure: props.onFailure },
  );

  const hasBest = new sfn.Choice(scope, 'HasBestTrainingJob');
  const noBest = new sfn.Pass(scope, 'NoBestTrainingJob', {
    parameters: {
      Error: 'NoBestTrainingJob',
      Cause: sfn.JsonPath.format(
        'Tuning job {} ended {} without a best training job',
        sfn.JsonPath.stringAt('$.tuning.HyperParameterTuningJobName'),
        sfn.JsonPath.stringAt('$.tuning.HyperParameterTuningJobStatus'),
      ),
    },
    resultPath: '$.error',
  });
  noBest.next(props.onFailure);
  const describeBest = sdkCall(scope, 'DescribeBestTrainingJob', {
    service: 'sagemaker',
    action: 'describeTrainingJob',
    parameters: { 'TrainingJobName.$': '$.tuning.BestTrainingJob.TrainingJobName' },
    resultSelector: TRAINING_RESULT,
    resultPath: '$.training',
  });
  catchInto(describeBest, props.onFailure);
  // The tuning job's description (its whole configuration) is replaced by its name and ARN.
  const summarize = new sfn.Pass(scope, 'SummarizeTuning', {
    parameters: {
      jobName: sfn.JsonPath.stringAt('$.tuning.HyperParameterTuningJobName'),
      jobArn: sfn.JsonPath.stringAt('$.tuning.HyperParameterTuningJobArn'),
    },
    resultPath: '$.tuning',
  });
  tune.next(hasBest.when(sfn.Condition.isPresent('$.tuning.BestTrainingJob.TrainingJobName'), describeBest).otherwise(noBest));
  describeBest.next(summarize).next(props.next);

  const launched = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${jobs.namePrefix('tuning')}--*` });
  return {
    start: tune,
    statements: [
      // `--*`: the best training job is named by the tuning job at run time (`<tuning job>-<3 digits>-<8 hex>`).
      new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: [launched] }),
    ],
    wildcards: [
      {
        resources: [launched],
        reason: "The tuning job names its training jobs at run time; the pattern is limited to this model's tuning-job prefix.",
      },
    ],
  };
}

/** `ParameterRanges` of the tuning job: each kind of range that is used, values as strings. */
function parameterRanges(tuning: ResolvedTuning): Record<string, unknown[]> {
  const names = tuning.ranges.map((r) => r.name);
  refuseReserved('tuning.ranges', names);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length) throw new Error(`tuning.ranges ${JSON.stringify(twice[0])}: a hyperparameter has one range`);
  const of = <T extends TuningRange['type']>(type: T) => tuning.ranges.filter((r): r is Extract<TuningRange, { type: T }> => r.type === type);
  if (tuning.strategy === 'Grid' && of('categorical').length !== tuning.ranges.length) {
    throw new Error('tuning.ranges: the Grid strategy takes categorical ranges only');
  }
  const numeric = (r: Extract<TuningRange, { type: 'continuous' | 'integer' }>) => {
    if (r.type === 'integer' && r.scaling === 'ReverseLogarithmic') {
      throw new Error(`tuning.ranges ${JSON.stringify(r.name)}: ReverseLogarithmic scaling applies to continuous ranges only`);
    }
    return { Name: r.name, MinValue: String(r.min), MaxValue: String(r.max), ScalingType: r.scaling };
  };
  const ranges: Record<string, unknown[]> = {
    ContinuousParameterRanges: of('continuous').map(numeric),
    IntegerParameterRanges: of('integer').map(numeric),
    CategoricalParameterRanges: of('categorical').map((r) => ({ Name: r.name, Values: [...r.values] })),
  };
  return Object.fromEntries(Object.entries(ranges).filter(([, list]) => list.length > 0));
}
