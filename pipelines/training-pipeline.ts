import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ResolvedTuning } from '../contracts/model-code';
import { approvalStage, PipelineApproval } from './stages/approval';
import { dataStage, preparedDataUri } from './stages/data';
import { deploymentStage, DeploymentStageProps } from './stages/deployment';
import { approvalTarget } from './stages/endpoint-config';
import { evaluationStage } from './stages/evaluation';
import { gateStage, metricPath, QualityGateSettings } from './stages/gate';
import { inputStage } from './stages/input';
import { NetworkSettings, ProcessingJobSettings, SageMakerJobs } from './stages/jobs';
import { LineageRecorder } from './stages/lineage';
import { failureStage, NotificationTarget, successStage } from './stages/notifications';
import { redeployStage } from './stages/redeploy';
import { registrationStage } from './stages/registration';
import { mergePermissions, ModelPackageGroupRef, RunLocation, StagePermissions, WildcardGrant } from './stages/stage';
import { TrainingJobSettings, trainingStage } from './stages/training';
import { tuningStage } from './stages/tuning';

export type { PipelineApproval } from './stages/approval';
export type { ProcessingJobSettings } from './stages/jobs';
export type { TrainingJobSettings } from './stages/training';
export { TRAINING_CODE_DIR } from './stages/training';
export { tuningNamePrefix } from './runtime-names';

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
  /** The environment's name (tags, notifications, approvals, lineage). */
  readonly environmentName: string;
  /** The role SageMaker jobs and the deployed model run as. */
  readonly jobRole: iam.IRole;
  /** Key of job volumes, outputs, the run's objects and captured data. */
  readonly dataKey: kms.IKey;
  /** Where every run writes: `<bucket>/<prefix>/<execution name>/`. */
  readonly run: RunLocation;
  /** Default training data prefix when the input names none. */
  readonly defaultTrainingDataUri: string;
  /** Default evaluation data when the input names none (a held-out set, never the training data). */
  readonly defaultEvaluationDataUri: string;
  readonly training: TrainingJobSettings;
  /**
   * A hyperparameter tuning job instead of the single training job: it runs the training job's settings over these
   * ranges, and its best training job is the candidate later stages evaluate, register and record.
   *
   * @default - one training job
   */
  readonly tuning?: ResolvedTuning;
  readonly evaluation: ProcessingJobSettings & QualityGateSettings;
  /** @default - no preprocessing step */
  readonly preprocessing?: ProcessingJobSettings;
  /** Model package group the candidate is registered in. */
  readonly registry: ModelPackageGroupRef;
  /** Topic of success, rejection, deployment problem and failure notifications, and its key. */
  readonly notifications: NotificationTarget;
  /** Function that records the exact object versions of the training data (`lambda/snapshot-training-data`). */
  readonly snapshotFunction: lambda.IFunction;
  /** The function that summarises the training data and predictions into the drift baseline. */
  readonly baselineFunction: lambda.IFunction;
  /** The function that writes lineage records to the audit bucket at each milestone. */
  readonly lineageFunction: lambda.IFunction;
  /** Image of the registered model (inference image of the framework). */
  readonly inferenceImage: string;
  /** Environment variables of the served container (script mode: where the inference code is). @default - none */
  readonly inferenceEnvironment?: Record<string, string>;
  /** The approval gate after registration. */
  readonly approval: PipelineApproval;
  /** Deployment of the approved model (the pipeline owns the endpoint); the model runs as `jobRole` with `dataKey`. */
  readonly deployment: Pick<DeploymentStageProps, 'endpoint' | 'serving' | 'capture' | 'servingRecord'>;
  /** Subnets and security groups of the jobs and model containers. @default - no VPC */
  readonly vpc?: NetworkSettings;
}

/**
 * The training pipeline of one model, as a Step Functions fragment assembled from its stages
 * (pipelines/stages): redeploy, input, data, training (or tuning), evaluation, gate, registration, approval,
 * deployment, with lineage records and notifications along the way.
 *
 * **Input**: `{ "trainingDataUri"?: "s3://...", "evaluationDataUri"?: "s3://...", "trigger"?: { "type": "manual" | "schedule" | "drift", ... } }`,
 * or `{ "redeploy": true }` to deploy the latest approved package again without training (for example
 * after a non-production endpoint was stopped when idle).
 * Without `trainingDataUri` the model's default curated prefix is used; without `evaluationDataUri`
 * its held-out `test/` prefix.
 *
 * **Output** (success): the input plus `dataSnapshot` (manifest of the exact training data object
 * versions), `training` (job name, ARN, model artifact URI; with tuning, the best training job's, and `tuning`
 * with the tuning job's name and ARN), `evaluation.report.metrics`,
 * `approved` (the currently approved package, if any), `evidence`, `registration`
 * (`modelPackageArn`), `approval` (decision, approver, comment, time, record URI), `deployment` and `serving`.
 *
 * **Errors**: every failure is caught into `$.error` (`Error`, `Cause`), published to the topic and
 * ends in a Fail state: `InvalidInput` (bad input, before any job), `PipelineFailed` (a job or API
 * call failed after retries, or the quality gate failed: cause `QualityGateFailed: ...`), and
 * `ModelRejected` (an approver rejected the candidate, or nobody decided in time); deployment problems end
 * in `DeploymentFailed`.
 *
 * **Permissions**: `statements` holds everything the state machine's role needs, collected from the stages
 * (each lists the actions of its own tasks), with `wildcards` explaining each wildcard resource.
 *
 * Job names are `<runtimeNamePrefix>--<p|t|e><12 hex digits of a UUID>` (tuning jobs, limited to 32 characters:
 * `<tuningNamePrefix(runtimeNamePrefix)>--h<hex>`): unique per attempt (a retry
 * never collides with `ResourceInUse`), at most 63 characters, scoped to one environment's model, and
 * independent of the execution name (which may hold underscores and be longer than SageMaker allows). Deterministic
 * execution names make a repeated trigger idempotent: Step Functions refuses a second execution with the same name.
 */
export class TrainingPipeline extends sfn.StateMachineFragment {
  public readonly startState: sfn.State;
  public readonly endStates: sfn.INextable[];
  /** The statements the pipeline role needs, from every stage. */
  public readonly statements: iam.PolicyStatement[];
  /** The wildcard resources among `statements`, each with why it cannot be narrowed (`*` included). */
  public readonly wildcards: WildcardGrant[];

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    const { modelName, environmentName, run } = props;
    const lineage: LineageRecorder = { function: props.lineageFunction, modelName, environmentName };
    const jobs = new SageMakerJobs({
      modelName,
      environmentName,
      runtimeNamePrefix: props.runtimeNamePrefix,
      jobRole: props.jobRole,
      dataKey: props.dataKey,
      vpc: props.vpc,
    });
    // Built from the end: each stage is given the state it continues to.
    const failure = failureStage(this, { modelName, notifications: props.notifications });
    const onFailure = failure.start;
    const success = successStage(this, {
      modelName,
      environmentName,
      notifications: props.notifications,
      metricPath: metricPath(props.evaluation),
      onFailure,
    });
    const deployment = deploymentStage(this, {
      ...props.deployment,
      modelName,
      environmentName,
      runtimeNamePrefix: props.runtimeNamePrefix,
      executionRole: props.jobRole,
      dataKey: props.dataKey,
      vpc: props.vpc,
      notifications: props.notifications,
      baselineUriPath: '$.baseline.baselineUri',
      lineage,
      onFailure,
    });
    deployment.deployed.next(success.start);
    const approval = approvalStage(this, {
      approval: props.approval,
      registry: props.registry,
      lineage,
      notifications: props.notifications,
      deploymentTarget: approvalTarget(props.deployment),
      onFailure,
    });
    approval.approved.next(deployment.start);
    const registration = registrationStage(this, {
      registry: props.registry,
      inferenceImage: props.inferenceImage,
      inferenceEnvironment: props.inferenceEnvironment,
      metric: props.evaluation.metric,
      run,
      lineage,
      onFailure,
      next: approval.start,
    });
    const gate = gateStage(this, { gate: props.evaluation, registry: props.registry, onFailure, next: registration.start });
    const evaluation = evaluationStage(this, {
      evaluation: props.evaluation,
      jobs,
      run,
      dataKey: props.dataKey,
      baselineFunction: props.baselineFunction,
      onFailure,
      next: gate.start,
    });
    const trainingInputUri = preparedDataUri(run, props.preprocessing);
    const model = { training: props.training, jobs, run, trainingInputUri, onFailure };
    const training = props.tuning
      ? tuningStage(this, { ...model, tuning: props.tuning, next: evaluation.start })
      : trainingStage(this, model);
    if (!props.tuning) training.start.next(evaluation.start);
    const data = dataStage(this, {
      snapshotFunction: props.snapshotFunction,
      run,
      jobs,
      preprocessing: props.preprocessing,
      onFailure,
      next: training.start,
    });
    const input = inputStage(this, {
      defaultTrainingDataUri: props.defaultTrainingDataUri,
      defaultEvaluationDataUri: props.defaultEvaluationDataUri,
      next: data.start,
    });
    const redeploy = redeployStage(this, {
      registry: props.registry,
      metric: props.evaluation.metric,
      onFailure,
      train: input.start,
      deploy: approval.approved,
    });

    const permissions = mergePermissions(
      jobs.permissions(this),
      input,
      data,
      training,
      evaluation,
      gate,
      registration,
      approval,
      deployment,
      redeploy,
      failure,
      success,
      loggingAndTracing(),
    );
    this.statements = permissions.statements;
    this.wildcards = [...uniqueWildcards(permissions.wildcards), anyResource(permissions.statements)];
    this.startState = redeploy.start;
    this.endStates = [];
  }
}

/**
 * What the state machine running this workflow needs besides its tasks: delivering its execution logs to
 * CloudWatch Logs and tracing with X-Ray. None of these actions has resource-level permissions.
 */
function loggingAndTracing(): StagePermissions {
  return {
    statements: [
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
    ],
    wildcards: [],
  };
}

/** The one grant on `*`: the actions without resource-level permissions, listed by service. */
function anyResource(statements: iam.PolicyStatement[]): WildcardGrant {
  const actions = [...new Set(statements.filter((s) => s.resources.includes('*')).flatMap((s) => s.actions))];
  const services = [...new Set(actions.map((a) => a.split(':')[0]))];
  return {
    resources: ['*'],
    reason: `Only actions without resource-level permissions are granted on "*" (${services.join(', ')}): ${actions.join(', ')}.`,
  };
}

/** Each wildcard resource once (several stages may grant on the same pattern), with the first stage's reason. */
function uniqueWildcards(grants: WildcardGrant[]): WildcardGrant[] {
  const seen = new Set<string>();
  return grants
    .map((g) => ({ ...g, resources: g.resources.filter((r) => !seen.has(r) && seen.add(r)) }))
    .filter((g) => g.resources.length > 0);
}
