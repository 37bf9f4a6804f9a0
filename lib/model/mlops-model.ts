import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { join } from 'path';
import { ResolvedServing } from '../../contracts/serving';
import { SERVING_RECORD_FILE } from '../../pipelines/stages/deployment';
import { deploymentWaitSeconds } from '../../pipelines/stages/endpoint-status';
import { PipelineApproval, TrainingPipeline } from '../../pipelines/training-pipeline';
import { acknowledgeWildcardResources } from '../compliance';
import { ApprovalSettings, SageMakerVpcSettings } from '../config/environment';
import { hasLocalNvme, isGpuInstanceType } from '../config/instance-types';
import { ModelDeclaration } from '../config/model';
import { ConfigError } from '../config/schema';
import { resolveServing, servingSettingsFor } from '../config/serving';
import { IPlatform } from '../platform/platform-reference';
import { ApprovalGate } from './approval-gate';
import { containerImage } from './container-images';
import { addEndpointRuntimeStatements, createJobRole } from './job-role';
import { ModelEndpoint } from './model-endpoint';
import { ModelFeatureGroup } from './model-feature-group';
import { ModelMonitoring } from './model-monitoring';
import { ModelRegistry } from './model-registry';
import { createPipelineFunctions } from './pipeline-functions';
import { TeamAccess } from './team-access';

/** Properties of {@link MlopsModel}. */
export interface MlopsModelProps {
  /** The model's validated declaration. */
  readonly declaration: ModelDeclaration;
  /** The environment's platform (keys, lake, topics). */
  readonly platform: IPlatform;
  /**
   * Subnets and security groups the SageMaker jobs run in.
   *
   * @default - no VPC
   */
  readonly sagemakerVpc?: SageMakerVpcSettings;
  /**
   * The environment's approval gate.
   *
   * @default - human approval within 72 hours
   */
  readonly approval?: ApprovalSettings;
  /** The environment's name (recorded with approvals, selects the model's approvers). */
  readonly environmentName: string;
  /**
   * Whether the environment is a production one (non-production endpoints stop when idle by default).
   *
   * @default false
   */
  readonly production?: boolean;
}

/**
 * Everything one model needs for its MLOps loop: feature group, model registry, SageMaker job role
 * and the training pipeline (Step Functions) with its quality gate.
 */
export class MlopsModel extends Construct {
  public readonly featureGroup: ModelFeatureGroup;
  public readonly registry: ModelRegistry;
  public readonly jobRole: iam.Role;
  public readonly stateMachine: sfn.StateMachine;
  /** The function that snapshots training data versions. */
  public readonly snapshotFunction: lambda.IFunction;
  /** The human approval gate, in environments that require one. */
  public readonly approvalGate?: ApprovalGate;
  /** The model's endpoint: alarms, dashboard, `grantInvoke`, `metric*` (the pipeline deploys it). */
  public readonly endpoint: ModelEndpoint;
  /** Serving settings in this environment, every default applied. */
  public readonly serving: ResolvedServing;
  /** Drift statistics, drift alarms and the retraining trigger (real-time endpoints with data capture). */
  public readonly monitoring?: ModelMonitoring;
  /** The team's managed policy and the training data pointer (docs/first-run.md). */
  public readonly teamAccess: TeamAccess;

  constructor(scope: Construct, id: string, props: MlopsModelProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const model = props.declaration;
    const platform = props.platform;
    const qualifiedName = `${platform.namespace}-${platform.environmentName}-${model.name}`;
    const lake = platform.lakeBuckets;
    const runsPrefix = `models/${model.name}/runs`;
    const resolved = resolveServing(
      servingSettingsFor(model.serving, props.environmentName),
      { gpu: model.gpu ?? false, vpc: props.sagemakerVpc !== undefined, production: props.production ?? false },
      `model "${model.name}".serving (environment "${props.environmentName}")`,
    );
    if (!resolved.serving) throw new ConfigError(`model "${model.name}"`, resolved.problems);
    this.serving = resolved.serving;

    this.featureGroup = new ModelFeatureGroup(this, 'Features', {
      featureGroupName: qualifiedName,
      features: model.features,
      offlineStoreBucket: lake.features,
      offlineStorePrefix: `${model.name}/`,
      encryptionKey: platform.dataKey,
      description: model.description,
    });
    this.registry = new ModelRegistry(this, 'Registry', {
      groupName: qualifiedName,
      description: model.description,
      crossAccountReaders: model.registry?.crossAccountReaders,
    });

    const t = model.training;
    const image = containerImage(this, { framework: model.framework, gpu: model.gpu ?? false, purpose: 'training' });
    // The evaluation script, shipped with the blueprint as a single-file asset (no Lambda needed
    // to copy it anywhere): processing jobs read it straight from the CDK assets bucket.
    const scripts = join(__dirname, '..', '..', 'pipelines', 'scripts');
    const evaluationScript = new s3assets.Asset(this, 'EvaluationScript', { path: join(scripts, 'evaluate.py') });
    // Framework containers run the blueprint's training script; built-in algorithms need none.
    const trainingScript =
      model.framework === 'pytorch' ? new s3assets.Asset(this, 'TrainingScript', { path: join(scripts, 'train_pytorch.py') }) : undefined;
    const evaluationType = model.evaluation.instanceType ?? 'ml.m5.large';
    const evaluationImage = containerImage(this, { framework: model.framework, gpu: isGpuInstanceType(evaluationType), purpose: 'training' });
    // The serving image follows the serving hardware (a GPU model may only serve on GPUs, see serving.ts).
    const inferenceImage = containerImage(this, {
      framework: model.framework,
      gpu: this.serving.mode === 'realtime' && this.serving.gpu,
      purpose: 'inference',
    });
    const scriptAssets = [evaluationScript, trainingScript].filter((a) => a !== undefined);

    const jobRole = createJobRole(this, {
      qualifiedName,
      modelName: model.name,
      platform,
      scriptAssets,
      imageRepositoryArns: [image.repositoryArn, evaluationImage.repositoryArn, inferenceImage.repositoryArn],
      sagemakerVpc: props.sagemakerVpc,
    });
    this.jobRole = jobRole.role;
    const approvalMode = props.approval?.mode ?? 'human';
    const functions = createPipelineFunctions(this, {
      qualifiedName,
      model,
      platform,
      environmentName: props.environmentName,
      runsPrefix,
      dataObjects: jobRole.dataObjects,
      approvalMode,
    });
    this.snapshotFunction = functions.snapshot;
    const gate = functions.gate;
    this.approvalGate = gate;
    const approval: PipelineApproval = gate
      ? {
          mode: 'human',
          requestFunction: gate.requestFunction,
          recordFunction: functions.recordDecision,
          approvers: functions.approvers,
          timeout: Duration.hours(props.approval?.timeoutHours ?? 72),
        }
      : { mode: 'auto', recordFunction: functions.recordDecision };

    this.endpoint = new ModelEndpoint(this, 'Endpoint', {
      endpointName: qualifiedName,
      modelName: model.name,
      serving: this.serving,
      alarmTopic: platform.alarmTopic,
      logsKeyArn: platform.logsKeyArn,
      stopWhenIdleHours: this.serving.mode === 'realtime' ? this.serving.stopWhenIdleHours : undefined,
    });
    const servingPrefix = `models/${model.name}/serving/`;
    addEndpointRuntimeStatements(jobRole.policy, this.endpoint, this.serving);

    const spot = t.spot ?? true;
    const maxRuntimeSeconds = (t.maxRuntimeMinutes ?? 60) * 60;
    // SageMaker caps MaxWaitTimeInSeconds at 28 days.
    const maxWaitSeconds = spot ? (t.maxWaitMinutes ?? Math.min(2 * (t.maxRuntimeMinutes ?? 60), 40320)) * 60 : undefined;
    const pipeline = new TrainingPipeline(this, 'Pipeline', {
      modelName: model.name,
      runtimeNamePrefix: qualifiedName,
      environmentName: props.environmentName,
      jobRole: this.jobRole,
      dataKey: platform.dataKey,
      run: { bucket: lake.artifacts, prefix: runsPrefix },
      defaultTrainingDataUri: `s3://${lake.curated.bucketName}/${model.name}/train/`,
      training: {
        image: image.uri,
        instanceType: t.instanceType,
        instanceCount: t.instanceCount ?? 1,
        volumeSizeGb: t.volumeSizeGb ?? 30,
        maxRuntimeSeconds,
        maxWaitSeconds,
        spot,
        volumeKmsAllowed: !hasLocalNvme(t.instanceType),
        hyperparameters: t.hyperparameters ?? {},
        contentType: model.framework === 'xgboost' ? 'text/csv' : undefined,
        entrypointScript: trainingScript ? { uri: trainingScript.s3ObjectUrl, fileName: trainingScript.s3ObjectKey } : undefined,
      },
      evaluation: {
        image: evaluationImage.uri,
        environment: { MLOPS_FRAMEWORK: model.framework },
        instanceType: evaluationType,
        maxRuntimeSeconds: 3600,
        scriptUri: evaluationScript.s3ObjectUrl,
        volumeKmsAllowed: !hasLocalNvme(evaluationType),
        metric: model.evaluation.metric,
        direction: model.evaluation.direction,
        threshold: model.evaluation.threshold,
      },
      preprocessing: model.preprocessing
        ? {
            image: containerImage(this, { framework: model.framework, gpu: isGpuInstanceType(model.preprocessing.instanceType), purpose: 'training' })
              .uri,
            instanceType: model.preprocessing.instanceType,
            maxRuntimeSeconds: (model.preprocessing.maxRuntimeMinutes ?? 30) * 60,
            scriptUri: `s3://${lake.curated.bucketName}/${model.name}/code/preprocess.py`,
            volumeKmsAllowed: !hasLocalNvme(model.preprocessing.instanceType),
          }
        : undefined,
      vpc: props.sagemakerVpc,
      registry: this.registry,
      notifications: { topic: platform.pipelineTopic, key: platform.notificationKey },
      snapshotFunction: functions.snapshot,
      defaultEvaluationDataUri: `s3://${lake.curated.bucketName}/${model.name}/test/`,
      inferenceImage: inferenceImage.uri,
      approval,
      baselineFunction: functions.baseline,
      lineageFunction: functions.lineage,
      deployment: {
        endpoint: this.endpoint,
        serving: this.serving,
        capture: { bucket: lake.capture, prefix: `${model.name}/` },
        servingRecord: { bucket: lake.artifacts, prefix: servingPrefix },
      },
    });

    const logGroup = new logs.LogGroup(this, 'PipelineLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (logGroup.node.defaultChild as logs.CfnLogGroup).kmsKeyId = platform.logsKeyArn;
    const pipelineRole = new iam.Role(this, 'PipelineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: `Training pipeline of ${qualifiedName}`,
    });
    // Every permission the stages' tasks need, as the stages list them (pipelines/stages).
    const pipelinePolicy = new iam.ManagedPolicy(this, 'PipelinePolicy', {
      roles: [pipelineRole],
      description: `Training pipeline of ${this.registry.groupName}`,
      statements: pipeline.statements,
    });
    for (const grant of pipeline.wildcards) {
      acknowledgeWildcardResources(pipelinePolicy.node.defaultChild as iam.CfnManagedPolicy, grant.resources, grant.reason);
    }
    this.stateMachine = new sfn.StateMachine(this, 'TrainingPipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(pipeline),
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Every permission is in the explicit managed policy above; nothing is added behind its back.
      role: pipelineRole.withoutPolicyUpdates(),
      // Long enough for the slowest path: preprocessing, spot wait plus training, evaluation, the approval wait, the longest
      // endpoint waits (an idle endpoint, then the rollout), an hour of margin: the deployment's own bounds end first, notified.
      timeout: Duration.seconds(
        (model.preprocessing?.maxRuntimeMinutes ?? 0) * 60 +
          (spot ? maxWaitSeconds! : maxRuntimeSeconds) +
          3600 +
          (approval.mode === 'human' ? approval.timeout.toSeconds() : 0) +
          deploymentWaitSeconds(this.serving) +
          3600,
      ),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `Training pipeline of ${qualifiedName}`,
    });
    gate?.allowDecisionsFor(this.stateMachine);
    if (this.serving.mode === 'realtime' && this.serving.capture) {
      this.monitoring = new ModelMonitoring(this, 'Monitoring', {
        modelName: model.name,
        qualifiedName,
        // Input features: without the record identifier and event time.
        features: model.features.definitions.filter((f) => f.name !== model.features.recordIdentifier && f.name !== model.features.eventTime),
        platform,
        stateMachine: this.stateMachine,
        servingRecordKey: `${servingPrefix}${SERVING_RECORD_FILE}`,
        drift: model.drift,
        retraining: model.retraining,
      });
    }
    this.teamAccess = new TeamAccess(this, 'TeamAccess', { modelName: model.name, platform, model: this });
    // What the pipeline will run, for `npm run cost` (scripts/cost): endpoints and jobs are not
    // CloudFormation resources, so the estimate reads them from the template's metadata.
    const sv = this.serving;
    stack.templateOptions.metadata = {
      ...stack.templateOptions.metadata,
      MlopsCost: {
        model: model.name,
        environment: props.environmentName,
        serving:
          sv.mode === 'realtime'
            ? {
                mode: 'realtime',
                instanceType: sv.instanceType,
                initialInstanceCount: sv.instanceCount,
                minInstances: sv.autoscaling?.minInstances ?? sv.instanceCount,
                maxInstances: sv.autoscaling?.maxInstances ?? sv.instanceCount,
                capture: sv.capture ? { samplingPercent: sv.capture.samplingPercent } : false,
                ...(sv.stopWhenIdleHours !== undefined ? { stopWhenIdleHours: sv.stopWhenIdleHours } : {}),
              }
            : {
                mode: 'serverless',
                memoryMb: sv.memoryMb,
                maxConcurrency: sv.maxConcurrency,
                provisionedConcurrency: sv.provisionedConcurrency ?? 0,
              },
        training: { instanceType: t.instanceType, instanceCount: t.instanceCount ?? 1, maxRuntimeMinutes: maxRuntimeSeconds / 60, spot },
        evaluation: { instanceType: evaluationType, maxRuntimeMinutes: 60 },
        preprocessing: model.preprocessing
          ? { instanceType: model.preprocessing.instanceType, maxRuntimeMinutes: model.preprocessing.maxRuntimeMinutes ?? 30 }
          : null,
        drift: this.monitoring ? { scheduleMinutes: 60, memoryMb: 1024 } : null,
        retraining: { maxStartsPerDay: model.retraining?.maxStartsPerDay ?? 3 },
      },
    };
    // SageMaker and Step Functions check the roles' policies on first use: they must exist first.
    this.stateMachine.node.addDependency(pipelinePolicy, jobRole.policy);
    this.featureGroup.featureGroup.node.addDependency(jobRole.policy);
  }
}
