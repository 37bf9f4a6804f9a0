/** Evaluation stage: the evaluation job, its report, and the candidate's drift baseline. */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { backoff, TRANSIENT_ERRORS } from '../resilience';
import { EVALUATION_ENV } from '../../contracts/model-code';
import { PROCESSING_OUTPUT_DIR, ProcessingJobSettings, SageMakerJobs } from './jobs';
import { sdkCall } from './sdk-call';
import { catchInto, RunLocation, runUri, StagePermissions } from './stage';

/** Where the evaluation job mounts the model artifact and the held-out data. */
const MODEL_DIR = '/opt/ml/processing/model';
const DATA_DIR = '/opt/ml/processing/data';

/** Properties of {@link evaluationStage}. */
export interface EvaluationStageProps {
  readonly evaluation: ProcessingJobSettings;
  /** The workflow's SageMaker jobs. */
  readonly jobs: SageMakerJobs;
  /** Where the run writes (the report, predictions, the baseline); reports are encrypted with `dataKey`. */
  readonly run: RunLocation;
  /** The key of the run's objects. */
  readonly dataKey: kms.IKey;
  /** The function that summarises the training data and predictions into the drift baseline. */
  readonly baselineFunction: lambda.IFunction;
  /** Where errors go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
  /** Where the stage continues (the quality gate). */
  readonly next: sfn.IChainable;
}

/**
 * **Input**: `$.training.modelArtifactUri`, `$.evaluationDataUri`, `$.dataSnapshot.manifestUri`.
 * **Output**: `$.evaluation.report` (the job's `evaluation.json`, with `metrics`) and `$.baseline`
 * (`baselineUri`). The job is named `<prefix>--e<12 hex>` and writes to the run's `evaluation/` folder.
 * **Errors**: to `onFailure` (throttled jobs are retried first).
 */
export function evaluationStage(scope: Construct, props: EvaluationStageProps): StagePermissions & { readonly start: sfn.CustomState } {
  const jobs = props.jobs;
  const run = props.run;
  const evaluate = jobs.task(
    scope,
    'Evaluate',
    'processing',
    jobs.processingJob(
      // The script finds its folders in the environment (contracts/model-code.ts), wherever the job mounts them.
      {
        ...props.evaluation,
        environment: {
          ...props.evaluation.environment,
          [EVALUATION_ENV.modelDir]: MODEL_DIR,
          [EVALUATION_ENV.dataDir]: DATA_DIR,
          [EVALUATION_ENV.outputDir]: PROCESSING_OUTPUT_DIR,
        },
      },
      jobs.jobName('e'),
      [
        {
          InputName: 'model',
          S3Input: { LocalPath: MODEL_DIR, S3DataType: 'S3Prefix', S3InputMode: 'File', 'S3Uri.$': '$.training.modelArtifactUri' },
        },
        {
          InputName: 'data',
          S3Input: { LocalPath: DATA_DIR, S3DataType: 'S3Prefix', S3InputMode: 'File', 'S3Uri.$': '$.evaluationDataUri' },
        },
      ],
      runUri(run, 'evaluation/'),
    ),
    { resultPath: sfn.JsonPath.DISCARD, onFailure: props.onFailure },
  );

  const readMetrics = sdkCall(scope, 'ReadMetrics', {
    service: 's3',
    action: 'getObject',
    parameters: {
      Bucket: run.bucket.bucketName,
      'Key.$': sfn.JsonPath.format(`${run.prefix}/{}/evaluation/evaluation.json`, sfn.JsonPath.executionName),
    },
    resultSelector: { 'report.$': 'States.StringToJson($.Body)' },
    resultPath: '$.evaluation',
  });
  catchInto(readMetrics, props.onFailure);

  // The drift baseline of this candidate: training data per feature and held-out predictions.
  const computeBaseline = new tasks.LambdaInvoke(scope, 'ComputeBaseline', {
    lambdaFunction: props.baselineFunction,
    payload: sfn.TaskInput.fromObject({
      manifestUri: sfn.JsonPath.stringAt('$.dataSnapshot.manifestUri'),
      predictionsUri: runUri(run, 'evaluation/predictions.csv'),
      baselineUri: runUri(run, 'baseline.json'),
    }),
    payloadResponseOnly: true,
    resultPath: '$.baseline',
    taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
  });
  computeBaseline.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
  catchInto(computeBaseline, props.onFailure);
  evaluate.next(readMetrics).next(computeBaseline).next(props.next);

  const runObjects = run.bucket.arnForObjects(`${run.prefix}/*`);
  return {
    start: evaluate,
    statements: [
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [runObjects] }),
      new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.dataKey.keyArn] }),
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.baselineFunction.functionArn] }),
    ],
    wildcards: [
      { resources: [runObjects], reason: "The pipeline reads evaluation reports written under this model's run prefix, one folder per execution." },
    ],
  };
}
