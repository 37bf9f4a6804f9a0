import { Aws, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { deploymentChain, DeploymentProps } from './deployment';
import { recordMilestone } from './lineage';
import { backoff, retryThrottledSync, TRANSIENT_ERRORS } from './resilience';
import { runtimeName } from './runtime-names';

/** Settings of the training job, with defaults already applied. */
export interface TrainingJobSettings {
  readonly image: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  readonly maxRuntimeSeconds: number;
  /** Spot only: maximum wait for capacity plus training. */
  readonly maxWaitSeconds?: number;
  readonly spot: boolean;
  /** Whether the volume may carry a KMS key (instance types with local NVMe storage reject one). */
  readonly volumeKmsAllowed: boolean;
  readonly hyperparameters: Record<string, string>;
  /** Content type of the training channel, e.g. `text/csv` for XGBoost. @default - none */
  readonly contentType?: string;
  /**
   * One Python file the framework container runs (PyTorch Deep Learning Containers, through the SageMaker
   * training toolkit): delivered as the `code` input channel, named by the toolkit's `sagemaker_program` and
   * `sagemaker_submit_directory` hyperparameters. `fileName` is the object's name under `uri`.
   *
   * @default - the image's own entrypoint (built-in algorithms)
   */
  readonly entrypointScript?: { readonly uri: string; readonly fileName: string };
}

/** A processing job (preprocessing or evaluation). */
export interface ProcessingJobSettings {
  readonly image: string;
  readonly instanceType: string;
  readonly maxRuntimeSeconds: number;
  /** S3 URI of the one Python file the job runs. */
  readonly scriptUri: string;
  /** Environment variables of the job. @default - none */
  readonly environment?: Record<string, string>;
  /** Whether the volume may carry a KMS key (instance types with local NVMe storage reject one). */
  readonly volumeKmsAllowed: boolean;
}

/** Properties of {@link TrainingPipeline}. */
export interface TrainingPipelineProps {
  /** Model name (validated: lower-case, digits, hyphens, at most 24 characters); in notifications, tags and lineage. */
  readonly modelName: string;
  /**
   * Prefix of every SageMaker job, model and endpoint configuration the workflow creates:
   * `<namespace>-<environment>-<model>` (at most 48 characters, no `--`). Names are
   * `<prefix>--<letter><12 hex digits>`, at most 63 characters.
   */
  readonly runtimeNamePrefix: string;
  /** ARN of the role SageMaker jobs run as. */
  readonly jobRoleArn: string;
  /** Key of job volumes and outputs. */
  readonly kmsKeyArn: string;
  /** Bucket every run writes to. */
  readonly artifactsBucketName: string;
  /** Key prefix of runs, without a trailing slash: a run writes under `<prefix>/<execution name>/`. */
  readonly runsPrefix: string;
  /** Default training data prefix when the input names none. */
  readonly defaultTrainingDataUri: string;
  readonly training: TrainingJobSettings;
  readonly evaluation: ProcessingJobSettings & {
    readonly metric: string;
    readonly direction: 'maximize' | 'minimize';
    readonly threshold: number;
  };
  /** @default - no preprocessing step */
  readonly preprocessing?: ProcessingJobSettings;
  /** Model package group the candidate is registered in. */
  readonly modelPackageGroupName: string;
  /** Topic of success and failure notifications. */
  readonly topic: sns.ITopic;
  /** Function that records the exact object versions of the training data (`lambda/snapshot-training-data`). */
  readonly snapshotFunction: lambda.IFunction;
  /** The environment's name (recorded with approvals). */
  readonly environmentName: string;
  /** Default evaluation data when the input names none (a held-out set, never the training data). */
  readonly defaultEvaluationDataUri: string;
  /** Image of the registered model (inference image of the framework). */
  readonly inferenceImage: string;
  /** The approval gate after registration. */
  readonly approval: PipelineApproval;
  /** The function that writes lineage records to the audit bucket at each milestone. */
  readonly lineageFunction: lambda.IFunction;
  /** The function that summarises the training data and predictions into the drift baseline. */
  readonly baselineFunction: lambda.IFunction;
  /** Deployment of the approved model (the pipeline owns the endpoint). */
  readonly deployment: Omit<DeploymentProps, 'topic' | 'environmentName' | 'modelName' | 'runtimeNamePrefix'>;
  /** Subnets and security groups of the jobs. @default - no VPC */
  readonly vpc?: { readonly subnetIds: string[]; readonly securityGroupIds: string[] };
}

/** The approval gate: automatic (recorded) or by a person within a timeout. */
export type PipelineApproval =
  | { readonly mode: 'auto'; readonly recordFunction: lambda.IFunction }
  | { readonly mode: 'human'; readonly requestFunction: lambda.IFunction; readonly recordFunction: lambda.IFunction; readonly approvers: string[]; readonly timeout: Duration };

/**
 * The training pipeline of one model, as a Step Functions fragment.
 *
 * **Input**: `{ "trainingDataUri"?: "s3://...", "evaluationDataUri"?: "s3://...", "trigger"?: { "type": "manual" | "schedule" | "drift", ... } }`,
 * or `{ "redeploy": true }` to deploy the latest approved package again without training (for example
 * after a non-production endpoint was stopped when idle).
 * Without `trainingDataUri` the model's default curated prefix is used; without `evaluationDataUri`
 * its held-out `test/` prefix.
 *
 * **Output** (success): the input plus `dataSnapshot` (manifest of the exact training data object
 * versions), `training` (job name, ARN, model artifact URI), `evaluation.report.metrics`,
 * `approved` (the currently approved package, if any), `evidence`, `registration`
 * (`modelPackageArn`) and `approval` (decision, approver, comment, time, record URI), after the
 * `DeploymentHandOff` state.
 *
 * **Errors**: every failure is caught into `$.error` (`Error`, `Cause`), published to the topic and
 * ends in a Fail state: `InvalidInput` (bad input, before any job), `PipelineFailed` (a job or API
 * call failed after retries, or the quality gate failed: cause `QualityGateFailed: ...`), and
 * `ModelRejected` (an approver rejected the candidate, or nobody decided in time).
 *
 * Job names are `<runtimeNamePrefix>--<p|t|e><12 hex digits of a UUID>`: unique per attempt (a retry
 * never collides with `ResourceInUse`), at most 63 characters, scoped to one environment's model, and
 * independent of the execution name (which may hold underscores and be longer than SageMaker allows). Deterministic execution names make a repeated
 * trigger idempotent: Step Functions refuses a second execution with the same name.
 */
export class TrainingPipeline extends sfn.StateMachineFragment {
  public readonly startState: sfn.State;
  public readonly endStates: sfn.INextable[];

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    const runUri = (suffix: string) => sfn.JsonPath.format(`s3://${props.artifactsBucketName}/${props.runsPrefix}/{}/${suffix}`, sfn.JsonPath.executionName);
    const jobName = (letter: string) => runtimeName(props.runtimeNamePrefix, letter);
    const tags = [{ Key: 'mlops:model', Value: props.modelName }, { Key: 'mlops:environment', Value: props.environmentName }];

    // Every failure path: describe it once, notify, end in a Fail state whose cause a person can read.
    const describeFailure = new sfn.Pass(this, 'DescribeFailure', {
      parameters: { cause: sfn.JsonPath.format('{}: {}', sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')) },
      resultPath: '$.failure',
    });
    const notifyFailure = new tasks.SnsPublish(this, 'NotifyFailure', {
      topic: props.topic,
      subject: `MLOps ${props.modelName}: pipeline failed`,
      message: sfn.TaskInput.fromObject({
        model: props.modelName,
        execution: sfn.JsonPath.executionId,
        error: sfn.JsonPath.stringAt('$.error.Error'),
        cause: sfn.JsonPath.stringAt('$.failure.cause'),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const failed = new sfn.Fail(this, 'PipelineFailed', { error: 'PipelineFailed', causePath: '$.failure.cause' });
    // A failed notification must not hide the failure it was about: retry throttling, then fail anyway.
    notifyFailure.addRetry(backoff(TRANSIENT_ERRORS.sns, 2, 5));
    notifyFailure.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.notificationError' });
    describeFailure.next(notifyFailure).next(failed);
    const onError = { resultPath: '$.error' };

    // 1. Input
    const invalidInput = new sfn.Fail(this, 'InvalidInput', {
      error: 'InvalidInput',
      cause: 'trainingDataUri must be an s3:// URI',
    });
    const useDefaultData = new sfn.Pass(this, 'UseDefaultTrainingData', {
      result: sfn.Result.fromString(props.defaultTrainingDataUri),
      resultPath: '$.trainingDataUri',
    });
    const validateInput = new sfn.Choice(this, 'ValidateInput');
    const useDefaultEvaluationData = new sfn.Pass(this, 'UseDefaultEvaluationData', {
      result: sfn.Result.fromString(props.defaultEvaluationDataUri),
      resultPath: '$.evaluationDataUri',
    });
    const invalidEvaluationInput = new sfn.Fail(this, 'InvalidEvaluationInput', {
      error: 'InvalidInput',
      cause: 'evaluationDataUri must be an s3:// URI',
    });
    const validateEvaluationInput = new sfn.Choice(this, 'ValidateEvaluationInput');

    // 2. Snapshot of the training data: every object version, in a manifest next to the run.
    const snapshot = new tasks.LambdaInvoke(this, 'SnapshotTrainingData', {
      lambdaFunction: props.snapshotFunction,
      payload: sfn.TaskInput.fromObject({
        dataUri: sfn.JsonPath.stringAt('$.trainingDataUri'),
        manifestUri: runUri('data-manifest.json'),
      }),
      payloadResponseOnly: true,
      resultPath: '$.dataSnapshot',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
    });
    snapshot.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
    snapshot.addCatch(describeFailure, { errors: ['States.ALL'], ...onError });

    // 3. Optional preprocessing, 4. training, 5. evaluation
    const trainingInputUri = props.preprocessing ? runUri('prepared/') : sfn.JsonPath.stringAt('$.trainingDataUri');
    const train = sagemakerTask(this, 'Train', 'createTrainingJob', {
      'TrainingJobName.$': jobName('t'),
      RoleArn: props.jobRoleArn,
      AlgorithmSpecification: { TrainingImage: props.training.image, TrainingInputMode: 'File' },
      HyperParameters: trainingHyperparameters(props.training),
      InputDataConfig: [
        {
          ChannelName: 'train',
          ...(props.training.contentType ? { ContentType: props.training.contentType } : {}),
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated', ...uriParam('S3Uri', trainingInputUri) } },
        },
        ...(props.training.entrypointScript ? [{
          ChannelName: 'code',
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated', S3Uri: props.training.entrypointScript.uri } },
        }] : []),
      ],
      OutputDataConfig: { KmsKeyId: props.kmsKeyArn, ...uriParam('S3OutputPath', runUri('model/')) },
      ResourceConfig: {
        InstanceType: props.training.instanceType,
        InstanceCount: props.training.instanceCount,
        VolumeSizeInGB: props.training.volumeSizeGb,
        ...(props.training.volumeKmsAllowed ? { VolumeKmsKeyId: props.kmsKeyArn } : {}),
      },
      StoppingCondition: {
        MaxRuntimeInSeconds: props.training.maxRuntimeSeconds,
        ...(props.training.spot ? { MaxWaitTimeInSeconds: props.training.maxWaitSeconds } : {}),
      },
      EnableManagedSpotTraining: props.training.spot,
      ...(props.training.spot ? { CheckpointConfig: uriParam('S3Uri', runUri('checkpoints/')) } : {}),
      EnableInterContainerTrafficEncryption: props.training.instanceCount > 1,
      ...(props.vpc ? { VpcConfig: { Subnets: props.vpc.subnetIds, SecurityGroupIds: props.vpc.securityGroupIds } } : {}),
      Tags: tags,
    }, {
      resultSelector: {
        'jobName.$': '$.TrainingJobName',
        'jobArn.$': '$.TrainingJobArn',
        'modelArtifactUri.$': '$.ModelArtifacts.S3ModelArtifacts',
      },
      resultPath: '$.training',
    });

    const evaluate = sagemakerTask(this, 'Evaluate', 'createProcessingJob', processingJob(props, props.evaluation, jobName('e'), [
      { InputName: 'model', S3Input: { LocalPath: '/opt/ml/processing/model', S3DataType: 'S3Prefix', S3InputMode: 'File', 'S3Uri.$': '$.training.modelArtifactUri' } },
      { InputName: 'data', S3Input: { LocalPath: '/opt/ml/processing/data', S3DataType: 'S3Prefix', S3InputMode: 'File', 'S3Uri.$': '$.evaluationDataUri' } },
    ], runUri('evaluation/')), { resultPath: sfn.JsonPath.DISCARD });

    const readMetrics = new sfn.CustomState(this, 'ReadMetrics', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:s3:getObject`,
        Parameters: { Bucket: props.artifactsBucketName, 'Key.$': sfn.JsonPath.format(`${props.runsPrefix}/{}/evaluation/evaluation.json`, sfn.JsonPath.executionName) },
        ResultSelector: { 'report.$': 'States.StringToJson($.Body)' },
        ResultPath: '$.evaluation',
      },
    });

    // The drift baseline of this candidate: training data per feature and held-out predictions.
    const computeBaseline = new tasks.LambdaInvoke(this, 'ComputeBaseline', {
      lambdaFunction: props.baselineFunction,
      payload: sfn.TaskInput.fromObject({
        manifestUri: sfn.JsonPath.stringAt('$.dataSnapshot.manifestUri'),
        predictionsUri: runUri('evaluation/predictions.csv'),
        baselineUri: runUri('baseline.json'),
      }),
      payloadResponseOnly: true,
      resultPath: '$.baseline',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
    });
    computeBaseline.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
    computeBaseline.addCatch(describeFailure, { errors: ['States.ALL'], ...onError });

    // 5. Quality gate
    const metricPath = `$.evaluation.report.metrics.${props.evaluation.metric}`;
    const better = props.evaluation.direction === 'maximize';
    const metricText = sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt(metricPath));
    const belowThreshold = new sfn.Pass(this, 'BelowThreshold', {
      parameters: {
        Error: 'QualityGateFailed',
        Cause: sfn.JsonPath.format(
          `${props.evaluation.metric} = {} is ${better ? 'below' : 'above'} the threshold ${props.evaluation.threshold}`, metricText),
      },
      resultPath: '$.error',
    });
    const worseThanApproved = new sfn.Pass(this, 'WorseThanApproved', {
      parameters: {
        Error: 'QualityGateFailed',
        Cause: sfn.JsonPath.format(
          `${props.evaluation.metric} = {} is worse than the approved model's {} ({})`,
          metricText, sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.approved.metric')), sfn.JsonPath.stringAt('$.approved.arn')),
      },
      resultPath: '$.error',
    });
    belowThreshold.next(describeFailure);
    worseThanApproved.next(describeFailure);
    const meetsThreshold = new sfn.Choice(this, 'MeetsThreshold');
    const metricMissing = new sfn.Pass(this, 'MetricMissing', {
      parameters: { Error: 'QualityGateFailed', Cause: `the evaluation report has no numeric ${props.evaluation.metric} (metrics.${props.evaluation.metric})` },
      resultPath: '$.error',
    });
    metricMissing.next(describeFailure);
    const findApproved = latestApprovedPackage(this, 'FindApprovedModel', props.modelPackageGroupName, '$.approved');
    // The whole description: a selector over metadata that may be absent would stop the run uncaught (States.Runtime).
    const describeApproved = new sfn.CustomState(this, 'DescribeApprovedModel', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:sagemaker:describeModelPackage`,
        Parameters: { 'ModelPackageName.$': '$.approved.packages[0].ModelPackageArn' },
        ResultPath: '$.approved.package',
      },
    });
    const approvedMetricPath = `$.approved.package.CustomerMetadataProperties.${props.evaluation.metric}`;
    const readApprovedMetric = new sfn.Pass(this, 'ReadApprovedMetric', {
      parameters: { 'arn.$': '$.approved.package.ModelPackageArn', 'metric.$': `States.StringToJson(${approvedMetricPath})` },
      resultPath: '$.approved',
    });
    const approvedMetricMissing = new sfn.Pass(this, 'ApprovedMetricMissing', {
      parameters: {
        Error: 'ApprovedModelMetricMissing',
        Cause: sfn.JsonPath.format(`the approved package {} has no ${props.evaluation.metric} in its CustomerMetadataProperties, so the candidate `
          + `cannot be compared with it: add it (aws sagemaker update-model-package --customer-metadata-properties ${props.evaluation.metric}=<value>) `
          + 'or reject that package, then run again', sfn.JsonPath.stringAt('$.approved.packages[0].ModelPackageArn')),
      },
      resultPath: '$.error',
    });
    approvedMetricMissing.next(describeFailure);
    const approvedMetricPresent = new sfn.Choice(this, 'ApprovedMetricPresent')
      .when(sfn.Condition.and(sfn.Condition.isPresent(approvedMetricPath), sfn.Condition.isString(approvedMetricPath)), readApprovedMetric)
      .otherwise(approvedMetricMissing);
    const hasApproved = new sfn.Choice(this, 'HasApprovedModel');
    const beatsApproved = new sfn.Choice(this, 'BeatsApprovedModel');

    // 6. Registration, hand-off, notification
    const register = new sfn.CustomState(this, 'RegisterModel', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:sagemaker:createModelPackage`,
        Parameters: {
          ModelPackageGroupName: props.modelPackageGroupName,
          'ModelPackageDescription.$': sfn.JsonPath.format('Trained by {} on {}', sfn.JsonPath.stringAt('$.training.jobName'), sfn.JsonPath.stringAt('$.trainingDataUri')),
          ModelApprovalStatus: 'PendingManualApproval',
          InferenceSpecification: {
            Containers: [{ Image: props.inferenceImage, 'ModelDataUrl.$': '$.training.modelArtifactUri' }],
            SupportedContentTypes: ['text/csv', 'application/json'],
            SupportedResponseMIMETypes: ['text/csv', 'application/json'],
          },
          ModelMetrics: {
            ModelQuality: { Statistics: { ContentType: 'application/json', 'S3Uri.$': sfn.JsonPath.format('{}evaluation.json', runUri('evaluation/')) } },
          },
          DriftCheckBaselines: {
            ModelDataQuality: { Statistics: { ContentType: 'application/json', 'S3Uri.$': '$.baseline.baselineUri' } },
          },
          CustomerMetadataProperties: {
            [`${props.evaluation.metric}.$`]: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt(metricPath)),
            'trainingJobArn.$': '$.training.jobArn',
            'trainingDataUri.$': '$.trainingDataUri',
            'trainingDataManifestUri.$': '$.dataSnapshot.manifestUri',
            'trainingDataObjectCount.$': 'States.JsonToString($.dataSnapshot.objectCount)',
            'executionArn.$': '$$.Execution.Id',
            'baselineUri.$': '$.baseline.baselineUri',
          },
          Tags: tags,
        },
        ResultSelector: { 'modelPackageArn.$': '$.ModelPackageArn' },
        ResultPath: '$.registration',
      },
    });
    // Evidence for the approval gate, built on each branch (the approved model's metric exists on one only).
    const evidenceBase = {
      metric: props.evaluation.metric,
      candidateValue: sfn.JsonPath.numberAt(metricPath),
      metrics: sfn.JsonPath.objectAt('$.evaluation.report.metrics'),
      trainingDataUri: sfn.JsonPath.stringAt('$.trainingDataUri'),
      trainingDataManifestUri: sfn.JsonPath.stringAt('$.dataSnapshot.manifestUri'),
      trainingJobArn: sfn.JsonPath.stringAt('$.training.jobArn'),
    };
    const evidenceFirstModel = new sfn.Pass(this, 'EvidenceFirstModel', { parameters: evidenceBase, resultPath: '$.evidence' });
    const evidenceAgainstApproved = new sfn.Pass(this, 'EvidenceAgainstApproved', {
      parameters: { ...evidenceBase, approvedValue: sfn.JsonPath.numberAt('$.approved.metric'), approvedModelPackageArn: sfn.JsonPath.stringAt('$.approved.arn') },
      resultPath: '$.evidence',
    });
    const recorder = { function: props.lineageFunction, modelName: props.modelName, environmentName: props.environmentName };
    const recordRegistered = recordMilestone(this, 'RecordRegistered', recorder, 'registered');
    recordRegistered.addCatch(describeFailure, { errors: ['States.ALL'], ...onError });
    const gate = approvalGate(this, props, describeFailure);
    const deployment = deploymentChain(this, {
      ...props.deployment, topic: props.topic, environmentName: props.environmentName, modelName: props.modelName, runtimeNamePrefix: props.runtimeNamePrefix, baselineUriPath: '$.baseline.baselineUri', lineage: recorder });
    const notifySuccess = new tasks.SnsPublish(this, 'NotifySuccess', {
      topic: props.topic,
      subject: `MLOps ${props.modelName}: new model deployed`,
      message: sfn.TaskInput.fromObject({
        model: props.modelName,
        environment: props.environmentName,
        execution: sfn.JsonPath.executionId,
        modelPackageArn: sfn.JsonPath.stringAt('$.registration.modelPackageArn'),
        endpoint: sfn.JsonPath.stringAt('$.serving.endpointName'),
        endpointConfig: sfn.JsonPath.stringAt('$.serving.endpointConfigName'),
        approvedBy: sfn.JsonPath.stringAt('$.approval.approver'),
        metric: sfn.JsonPath.objectAt(metricPath),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const succeeded = new sfn.Succeed(this, 'Succeeded');

    for (const task of [train, evaluate]) retryThrottledSync(this, { task, onError: describeFailure });
    readMetrics.addRetry(backoff(TRANSIENT_ERRORS.s3Sdk, 2, 5));
    for (const task of [findApproved, describeApproved, register, ...gate.sagemakerTasks]) task.addRetry(backoff(TRANSIENT_ERRORS.sagemakerSdk, 5, 5));
    notifySuccess.addRetry(backoff(TRANSIENT_ERRORS.sns, 2, 5));
    for (const state of [readMetrics, findApproved, describeApproved, register, notifySuccess, ...gate.sagemakerTasks, ...deployment.tasks]) {
      state.addCatch(describeFailure, { errors: ['States.ALL'], ...onError });
    }

    const preprocessOrTrain: sfn.IChainable = (() => {
      if (!props.preprocessing) return train;
      const preprocess = sagemakerTask(this, 'Preprocess', 'createProcessingJob', processingJob(props, props.preprocessing, jobName('p'), [
        { InputName: 'raw', S3Input: { LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix', S3InputMode: 'File', 'S3Uri.$': '$.trainingDataUri' } },
      ], runUri('prepared/')), { resultPath: sfn.JsonPath.DISCARD });
      retryThrottledSync(this, { task: preprocess, onError: describeFailure });
      return preprocess.next(train);
    })();

    const thresholdCondition = better
      ? sfn.Condition.numberGreaterThanEquals(metricPath, props.evaluation.threshold)
      : sfn.Condition.numberLessThanEquals(metricPath, props.evaluation.threshold);
    const beatsCondition = better
      ? sfn.Condition.numberGreaterThanEqualsJsonPath(metricPath, '$.approved.metric')
      : sfn.Condition.numberLessThanEqualsJsonPath(metricPath, '$.approved.metric');

    register.next(recordRegistered).next(gate.start);
    gate.approved.next(deployment.start);
    deployment.deployed.next(notifySuccess).next(succeeded);
    snapshot.next(preprocessOrTrain);
    validateInput
      .when(sfn.Condition.not(sfn.Condition.isPresent('$.trainingDataUri')), useDefaultData.next(validateEvaluationInput))
      .when(sfn.Condition.stringMatches('$.trainingDataUri', 's3://*'), validateEvaluationInput)
      .otherwise(invalidInput);
    validateEvaluationInput
      .when(sfn.Condition.not(sfn.Condition.isPresent('$.evaluationDataUri')), useDefaultEvaluationData.next(snapshot))
      .when(sfn.Condition.stringMatches('$.evaluationDataUri', 's3://*'), snapshot)
      .otherwise(invalidEvaluationInput);
    train.next(evaluate).next(readMetrics).next(computeBaseline).next(meetsThreshold);
    meetsThreshold
      .when(sfn.Condition.or(sfn.Condition.not(sfn.Condition.isPresent(metricPath)), sfn.Condition.not(sfn.Condition.isNumeric(metricPath))), metricMissing)
      .when(thresholdCondition, findApproved)
      .otherwise(belowThreshold);
    findApproved.next(hasApproved);
    hasApproved
      .when(sfn.Condition.isPresent('$.approved.packages[0]'), describeApproved)
      .otherwise(evidenceFirstModel.next(register));
    describeApproved.next(approvedMetricPresent);
    readApprovedMetric.next(beatsApproved);
    beatsApproved
      .when(sfn.Condition.and(sfn.Condition.isNumeric('$.approved.metric'), beatsCondition), evidenceAgainstApproved.next(register))
      .otherwise(worseThanApproved);

    // Redeploy: bring the latest approved package back (e.g. after a non-production endpoint was
    // stopped when idle) without training, evaluating or asking anyone again.
    const isRedeploy = new sfn.Choice(this, 'IsRedeploy');
    const findToRedeploy = latestApprovedPackage(this, 'FindPackageToRedeploy', props.modelPackageGroupName, '$.redeployment');
    const describeToRedeploy = new sfn.CustomState(this, 'DescribePackageToRedeploy', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:sagemaker:describeModelPackage`,
        Parameters: { 'ModelPackageName.$': '$.redeployment.packages[0].ModelPackageArn' },
        ResultPath: '$.redeployment.package',
      },
    });
    const metadata = '$.redeployment.package.CustomerMetadataProperties';
    const prepareRedeploy = new sfn.Pass(this, 'PrepareRedeploy', {
      parameters: {
        'redeploy': true,
        'trigger.$': '$.trigger',
        registration: { 'modelPackageArn.$': '$.redeployment.package.ModelPackageArn' },
        baseline: { 'baselineUri.$': `${metadata}.baselineUri` },
        approval: { approver: 'an earlier approval (redeployment of the approved package)' },
        evaluation: { report: { metrics: { [`${props.evaluation.metric}.$`]: `States.StringToJson(${metadata}.${props.evaluation.metric})` } } },
      },
    });
    const redeployMetadataMissing = new sfn.Pass(this, 'RedeployMetadataMissing', {
      parameters: {
        Error: 'PackageMetadataMissing',
        Cause: sfn.JsonPath.format(`the approved package {} lacks baselineUri or ${props.evaluation.metric} in its CustomerMetadataProperties `
          + '(registered by other means or by an older version): it cannot be redeployed; run the pipeline without "redeploy" to train one',
        sfn.JsonPath.stringAt('$.redeployment.packages[0].ModelPackageArn')),
      },
      resultPath: '$.error',
    });
    redeployMetadataMissing.next(describeFailure);
    const redeployMetadataComplete = new sfn.Choice(this, 'RedeployMetadataComplete')
      .when(sfn.Condition.and(...[`${metadata}.baselineUri`, `${metadata}.${props.evaluation.metric}`]
        .flatMap((path) => [sfn.Condition.isPresent(path), sfn.Condition.isString(path)])), prepareRedeploy)
      .otherwise(redeployMetadataMissing);
    const nothingToRedeploy = new sfn.Fail(this, 'NothingToRedeploy', {
      error: 'NothingToRedeploy',
      cause: `No approved model package in ${props.modelPackageGroupName}: start the pipeline without "redeploy" to train one.`,
    });
    const hasToRedeploy = new sfn.Choice(this, 'HasPackageToRedeploy')
      .when(sfn.Condition.isPresent('$.redeployment.packages[0]'), describeToRedeploy)
      .otherwise(nothingToRedeploy);
    for (const state of [findToRedeploy, describeToRedeploy]) {
      state.addRetry(backoff(TRANSIENT_ERRORS.sagemakerSdk, 5, 5));
      state.addCatch(describeFailure, { errors: ['States.ALL'], ...onError });
    }
    const withTrigger = new sfn.Pass(this, 'DefaultRedeployTrigger', { result: sfn.Result.fromObject({ type: 'manual' }), resultPath: '$.trigger' });
    findToRedeploy.next(hasToRedeploy);
    describeToRedeploy.next(redeployMetadataComplete);
    prepareRedeploy.next(gate.approved);
    isRedeploy
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.redeploy'), sfn.Condition.isBoolean('$.redeploy'), sfn.Condition.booleanEquals('$.redeploy', true)),
        new sfn.Choice(this, 'RedeployTriggerGiven')
          .when(sfn.Condition.isPresent('$.trigger'), findToRedeploy)
          .otherwise(withTrigger.next(findToRedeploy)))
      .otherwise(validateInput);
    this.startState = isRedeploy;
    this.endStates = [];
  }
}

/** Lists the group's newest Approved package (at most one) into `<resultPath>.packages`. */
function latestApprovedPackage(scope: Construct, id: string, groupName: string, resultPath: string): sfn.CustomState {
  return new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:sagemaker:listModelPackages`,
      Parameters: { ModelPackageGroupName: groupName, ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1 },
      ResultSelector: { 'packages.$': '$.ModelPackageSummaryList' },
      ResultPath: resultPath,
    },
  });
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
    throw new Error(`training.hyperparameters ${reserved.map((k) => JSON.stringify(k)).join(', ')}: names starting with "sagemaker_" are `
      + 'reserved for the training toolkit, which runs the blueprint\'s script; rename them');
  }
  return { ...training.hyperparameters, sagemaker_program: training.entrypointScript.fileName, sagemaker_submit_directory: TRAINING_CODE_DIR };
}

function uriParam(key: string, value: string): Record<string, string> {
  // JsonPath.format/stringAt return "$..."/"States.Format(...)" tokens that need the ".$" suffix.
  return sfn.JsonPath.isEncodedJsonPath(value) || value.startsWith('$') ? { [`${key}.$`]: value } : { [key]: value };
}

function sagemakerTask(scope: Construct, id: string, action: 'createTrainingJob' | 'createProcessingJob', parameters: object, extra: { resultSelector?: object; resultPath?: string }): sfn.CustomState {
  return new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${Aws.PARTITION}:states:::sagemaker:${action}.sync`,
      Parameters: parameters,
      ...(extra.resultSelector ? { ResultSelector: extra.resultSelector } : {}),
      ...(extra.resultPath !== undefined ? { ResultPath: extra.resultPath } : {}),
    },
  });
}

function processingJob(props: TrainingPipelineProps, job: ProcessingJobSettings, name: string, inputs: object[], outputUri: string): object {
  return {
    'ProcessingJobName.$': name,
    RoleArn: props.jobRoleArn,
    AppSpecification: {
      ImageUri: job.image,
      // The code folder holds exactly one file, the script (its name is the asset's hash).
      ContainerEntrypoint: ['/bin/sh', '-c', 'exec python3 /opt/ml/processing/code/*.py'],
    },
    Environment: job.environment ?? {},
    ProcessingInputs: [
      { InputName: 'code', S3Input: { LocalPath: '/opt/ml/processing/code', S3DataType: 'S3Prefix', S3InputMode: 'File', S3Uri: job.scriptUri } },
      ...inputs,
    ],
    ProcessingOutputConfig: {
      KmsKeyId: props.kmsKeyArn,
      Outputs: [{ OutputName: 'output', S3Output: { LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob', ...uriParam('S3Uri', outputUri) } }],
    },
    ProcessingResources: { ClusterConfig: { InstanceType: job.instanceType, InstanceCount: 1, VolumeSizeInGB: 30, ...(job.volumeKmsAllowed ? { VolumeKmsKeyId: props.kmsKeyArn } : {}) } },
    StoppingCondition: { MaxRuntimeInSeconds: job.maxRuntimeSeconds },
    ...(props.vpc ? { NetworkConfig: { VpcConfig: { Subnets: props.vpc.subnetIds, SecurityGroupIds: props.vpc.securityGroupIds } } } : {}),
    Tags: [{ Key: 'mlops:model', Value: props.modelName }, { Key: 'mlops:environment', Value: props.environmentName }],
  };
}

/**
 * The approval gate after registration. `auto`: record the automatic approval, then approve.
 * `human`: wait for a person (`.waitForTaskToken`, with a timeout); the decision arrives as
 * `$.approval` (`decision`, `approver`, `comment`, `decidedAt`, `recordUri`). Approved: the package
 * becomes `Approved`, with the approver and comment in its `ApprovalDescription`. Rejected or timed
 * out: `Rejected`, notified, and the execution ends in `ModelRejected` with the reason.
 */
function approvalGate(scope: Construct, props: TrainingPipelineProps, describeFailure: sfn.IChainable) {
  const approval = props.approval;
  const updatePackage = (id: string, status: 'Approved' | 'Rejected', verb: string) => new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:sagemaker:updateModelPackage`,
      Parameters: {
        'ModelPackageArn.$': '$.registration.modelPackageArn',
        ModelApprovalStatus: status,
        'ApprovalDescription.$': `States.Format('${verb} by {} at {}: {} (record {})', $.approval.approver, $.approval.decidedAt, $.approval.comment, $.approval.recordUri)`,
      },
      ResultPath: null,
    },
  });
  const recorder = { function: props.lineageFunction, modelName: props.modelName, environmentName: props.environmentName };
  const markApproved = updatePackage('MarkApproved', 'Approved', 'Approved');
  // The decision comes from a function or the approval page: each field the next states read is checked first.
  const fields = ['decision', 'approver', 'decidedAt', 'comment', 'recordUri'].map((f) => `$.approval.${f}`);
  const approvalIncomplete = new sfn.Pass(scope, 'ApprovalIncomplete', {
    parameters: {
      Error: 'ApprovalIncomplete',
      Cause: sfn.JsonPath.format('the approval decision must have the strings decision, approver, decidedAt, comment and recordUri; got {}',
        sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.approval'))),
    },
    resultPath: '$.error',
  });
  approvalIncomplete.next(describeFailure);
  const approvalComplete = new sfn.Choice(scope, 'ApprovalComplete');
  approvalComplete.otherwise(approvalIncomplete);
  const complete = sfn.Condition.and(...fields.flatMap((path) => [sfn.Condition.isPresent(path), sfn.Condition.isString(path)]));
  const deploymentHandOff = new sfn.Pass(scope, 'DeploymentHandOff', { comment: 'Deployment of the approved model continues from here.' });
  // No deployment without its lineage record.
  const recordApproved = recordMilestone(scope, 'RecordApproved', recorder, 'approved');
  recordApproved.addCatch(describeFailure, { errors: ['States.ALL'], resultPath: '$.error' });
  markApproved.next(recordApproved).next(deploymentHandOff);

  const request = {
    executionArn: sfn.JsonPath.executionId,
    model: props.modelName,
    environment: props.environmentName,
    modelPackageArn: sfn.JsonPath.stringAt('$.registration.modelPackageArn'),
    evidence: sfn.JsonPath.objectAt('$.evidence'),
  };
  if (approval.mode === 'auto') {
    const record = new tasks.LambdaInvoke(scope, 'RecordAutomaticApproval', {
      lambdaFunction: approval.recordFunction,
      payload: sfn.TaskInput.fromObject(request),
      payloadResponseOnly: true,
      resultPath: '$.approval',
    });
    record.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
    record.addCatch(describeFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    record.next(approvalComplete);
    approvalComplete.when(complete, markApproved);
    return { start: record as sfn.IChainable, approved: deploymentHandOff, sagemakerTasks: [markApproved] };
  }

  const markRejected = updatePackage('MarkRejected', 'Rejected', 'Rejected');
  const describeRejection = new sfn.Pass(scope, 'DescribeRejection', {
    parameters: { cause: sfn.JsonPath.format('Rejected by {}: {}', sfn.JsonPath.stringAt('$.approval.approver'), sfn.JsonPath.stringAt('$.approval.comment')) },
    resultPath: '$.rejection',
  });
  const notifyRejected = new tasks.SnsPublish(scope, 'NotifyRejected', {
    topic: props.topic,
    subject: `MLOps ${props.modelName}: candidate rejected`,
    message: sfn.TaskInput.fromObject({
      model: props.modelName,
      environment: props.environmentName,
      execution: sfn.JsonPath.executionId,
      modelPackageArn: sfn.JsonPath.stringAt('$.registration.modelPackageArn'),
      reason: sfn.JsonPath.stringAt('$.rejection.cause'),
    }),
    resultPath: sfn.JsonPath.DISCARD,
  });
  const rejected = new sfn.Fail(scope, 'ModelRejected', { error: 'ModelRejected', causePath: '$.rejection.cause' });
  notifyRejected.addRetry(backoff(TRANSIENT_ERRORS.sns, 2, 5));
  notifyRejected.addCatch(rejected, { errors: ['States.ALL'], resultPath: '$.notificationError' });
  // The rejection is recorded for auditors; a failed record must not hide the rejection.
  const recordRejected = recordMilestone(scope, 'RecordRejected', recorder, 'rejected');
  recordRejected.addCatch(describeRejection, { errors: ['States.ALL'], resultPath: '$.lineageError' });
  markRejected.next(recordRejected).next(describeRejection).next(notifyRejected).next(rejected);


  const requestApproval = new tasks.LambdaInvoke(scope, 'RequestApproval', {
    lambdaFunction: approval.requestFunction,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      ...request,
      taskToken: sfn.JsonPath.taskToken,
      approvers: approval.approvers,
      timeoutSeconds: approval.timeout.toSeconds(),
      // What approvers are shown besides the evidence: the evaluation data, what started the run, where approving deploys.
      evaluationDataUri: sfn.JsonPath.stringAt('$.evaluationDataUri'),
      // The whole input: its trigger is optional, and a path to a missing field would fail the state.
      executionInput: sfn.JsonPath.objectAt('$$.Execution.Input'),
      deployment: approvalTarget(props.deployment),
    }),
    taskTimeout: sfn.Timeout.duration(approval.timeout),
    resultPath: '$.approval',
  });
  // No decision in time: rejected, and recorded like any decision.
  const timedOut = new tasks.LambdaInvoke(scope, 'ApprovalTimedOut', {
    lambdaFunction: approval.recordFunction,
    payload: sfn.TaskInput.fromObject({ ...request, kind: 'timeout', comment: `no decision within ${approval.timeout.toHumanString()}: rejected automatically` }),
    payloadResponseOnly: true,
    resultPath: '$.approval',
  });
  timedOut.addCatch(describeFailure, { errors: ['States.ALL'], resultPath: '$.error' });
  timedOut.next(approvalComplete);
  requestApproval.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
  timedOut.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
  requestApproval.addCatch(timedOut, { errors: ['States.Timeout'], resultPath: '$.timeout' });
  requestApproval.addCatch(describeFailure, { errors: ['States.ALL'], resultPath: '$.error' });
  const decision = new sfn.Choice(scope, 'ApprovalDecision')
    .when(sfn.Condition.stringEquals('$.approval.decision', 'approved'), markApproved)
    .otherwise(markRejected);
  approvalComplete.when(complete, decision);
  requestApproval.next(approvalComplete);
  return { start: requestApproval as sfn.IChainable, approved: deploymentHandOff, sagemakerTasks: [markApproved, markRejected] };
}

/** Where approving deploys, for the approval page: the endpoint and how an update reaches it (lambda/shared/approval-contract.ts). */
function approvalTarget(d: TrainingPipelineProps['deployment']): object {
  const s = d.serving;
  if (s.mode === 'serverless') return { endpointName: d.endpointName, mode: s.mode, memoryMb: s.memoryMb, maxConcurrency: s.maxConcurrency };
  return {
    endpointName: d.endpointName, mode: s.mode, instanceType: s.instanceType, instanceCount: s.instanceCount,
    ...(s.autoscaling ? { autoscaling: { minInstances: s.autoscaling.minInstances, maxInstances: s.autoscaling.maxInstances } } : {}),
    rollout: s.rollout, rollbackAlarmNames: d.rollbackAlarmNames,
  };
}
