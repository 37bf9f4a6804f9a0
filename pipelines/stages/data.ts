/** Data stage: the snapshot of the exact training data object versions, then optional preprocessing. */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { backoff, TRANSIENT_ERRORS } from '../resilience';
import { ProcessingJobSettings, SageMakerJobs } from './jobs';
import { catchInto, RunLocation, runUri, StagePermissions } from './stage';

/** Properties of {@link dataStage}. */
export interface DataStageProps {
  /** Function that records the exact object versions of the training data (`lambda/snapshot-training-data`). */
  readonly snapshotFunction: lambda.IFunction;
  /** Where the run writes (the manifest, the prepared data). */
  readonly run: RunLocation;
  /** The workflow's SageMaker jobs. */
  readonly jobs: SageMakerJobs;
  /** @default - no preprocessing step */
  readonly preprocessing?: ProcessingJobSettings;
  /** Where errors go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
  /** Where the stage continues (training). */
  readonly next: sfn.IChainable;
}

/**
 * **Input**: `$.trainingDataUri`. **Output**: `$.dataSnapshot` (`manifestUri`, `objectCount`, ...: every object
 * version, in `data-manifest.json` of the run) and, with preprocessing, the prepared data in the run's
 * `prepared/` folder (job `Preprocess`, named `<prefix>--p<12 hex>`). **Errors**: to `onFailure`.
 */
export function dataStage(scope: Construct, props: DataStageProps): StagePermissions & { readonly start: sfn.State } {
  const snapshot = new tasks.LambdaInvoke(scope, 'SnapshotTrainingData', {
    lambdaFunction: props.snapshotFunction,
    payload: sfn.TaskInput.fromObject({
      dataUri: sfn.JsonPath.stringAt('$.trainingDataUri'),
      manifestUri: runUri(props.run, 'data-manifest.json'),
    }),
    payloadResponseOnly: true,
    resultPath: '$.dataSnapshot',
    taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
  });
  snapshot.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
  catchInto(snapshot, props.onFailure);
  const statements = [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.snapshotFunction.functionArn] })];
  if (!props.preprocessing) {
    snapshot.next(props.next);
    return { start: snapshot, statements, wildcards: [] };
  }
  const jobs = props.jobs;
  const preprocess = jobs.task(
    scope,
    'Preprocess',
    'processing',
    jobs.processingJob(
      props.preprocessing,
      jobs.jobName('p'),
      [
        {
          InputName: 'raw',
          S3Input: { LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix', S3InputMode: 'File', 'S3Uri.$': '$.trainingDataUri' },
        },
      ],
      preparedDataUri(props.run, props.preprocessing),
    ),
    { resultPath: sfn.JsonPath.DISCARD, onFailure: props.onFailure },
  );
  snapshot.next(preprocess).next(props.next);
  return { start: snapshot, statements, wildcards: [] };
}

/** The data the training job reads: the prepared data of the run with preprocessing, else `$.trainingDataUri`. */
export function preparedDataUri(run: RunLocation, preprocessing: ProcessingJobSettings | undefined): string {
  return preprocessing ? runUri(run, 'prepared/') : sfn.JsonPath.stringAt('$.trainingDataUri');
}
