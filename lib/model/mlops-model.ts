import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { COST_METADATA_KEY } from '../../contracts/cost';
import { ResolvedServing } from '../../contracts/serving';
import { SERVING_RECORD_FILE } from '../../pipelines/stages/deployment';
import { deploymentWaitSeconds } from '../../pipelines/stages/endpoint-status';
import { PipelineApproval, TrainingPipeline } from '../../pipelines/training-pipeline';
import { acknowledgeWildcardResources } from '../compliance';
import { ApprovalSettings, SageMakerVpcSettings } from '../config/environment';
import { ModelDeclaration } from '../config/model';
import { resolveModel } from '../config/resolve-model';
import { ResolvedModel } from '../config/resolved-model';
import { IPlatform } from '../platform/platform-reference';
import { ApprovalGate } from './approval-gate';
import { addEndpointRuntimeStatements, createJobRole } from './job-role';
import { ModelCode } from './model-code';
import { MlopsModelBase } from './mlops-model-ref';
import { ModelEndpoint } from './model-endpoint';
import { ModelFeatureGroup } from './model-feature-group';
import { ModelMonitoring } from './model-monitoring';
import { ModelRegistry } from './model-registry';
import { createPipelineFunctions } from './pipeline-functions';
import { TeamAccess } from './team-access';

/** Properties of {@link MlopsModel}. */
export interface MlopsModelProps {
  /**
   * The model's declaration as written: the construct validates it and applies every default ({@link resolveModel}),
   * so bad props throw the same `ConfigError` the app reports.
   */
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
export class MlopsModel extends MlopsModelBase {
  public readonly modelName: string;
  public readonly environmentName: string;
  public readonly qualifiedName: string;
  /** The model resolved for this environment: the declaration with every default applied, its names and prefixes. */
  public readonly resolved: ResolvedModel;
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
    const platform = props.platform;
    const resolved = resolveModel(props.declaration, {
      namespace: platform.namespace,
      environmentName: props.environmentName,
      production: props.production,
      approval: props.approval,
      sagemakerVpc: props.sagemakerVpc,
    });
    this.resolved = resolved;
    this.modelName = resolved.name;
    this.environmentName = resolved.environmentName;
    this.qualifiedName = resolved.qualifiedName;
    const { qualifiedName, prefixes } = resolved;
    const lake = platform.lakeBuckets;
    this.serving = resolved.serving;

    this.featureGroup = new ModelFeatureGroup(this, 'Features', {
      featureGroupName: qualifiedName,
      features: resolved.features,
      offlineStoreBucket: lake.features,
      offlineStorePrefix: prefixes.data,
      encryptionKey: platform.dataKey,
      description: resolved.description,
    });
    this.registry = new ModelRegistry(this, 'Registry', {
      groupName: qualifiedName,
      description: resolved.description,
      crossAccountReaders: resolved.crossAccountReaders,
    });

    const t = resolved.training;
    const evaluation = resolved.evaluation;
    // The images, the team's code and the evaluation script (lib/model/model-code.ts).
    const code = new ModelCode(this, 'Code', { model: resolved });

    const jobRole = createJobRole(this, {
      qualifiedName,
      modelName: resolved.name,
      platform,
      scriptAssets: code.scriptAssets,
      imageRepositoryArns: code.repositoryArns,
      tuned: resolved.tuning !== undefined,
      sagemakerVpc: props.sagemakerVpc,
    });
    this.jobRole = jobRole.role;
    const functions = createPipelineFunctions(this, { model: resolved, platform, dataObjects: jobRole.dataObjects });
    this.snapshotFunction = functions.snapshot;
    const gate = functions.gate;
    this.approvalGate = gate;
    const approval: PipelineApproval =
      gate && resolved.approval.mode === 'human'
      ? {
          mode: 'human',
          requestFunction: gate.requestFunction,
          recordFunction: functions.recordDecision,
          approvers: resolved.approval.approvers,
          timeout: Duration.hours(resolved.approval.timeoutHours),
        }
      : { mode: 'auto', recordFunction: functions.recordDecision };

    this.endpoint = new ModelEndpoint(this, 'Endpoint', {
      endpointName: qualifiedName,
      modelName: resolved.name,
      serving: this.serving,
      alarmTopic: platform.alarmTopic,
      logsKeyArn: platform.logsKeyArn,
      stopWhenIdleHours: this.serving.mode === 'realtime' ? this.serving.stopWhenIdleHours : undefined,
    });
    addEndpointRuntimeStatements(jobRole.policy, this.endpoint, this.serving);

    const pipeline = new TrainingPipeline(this, 'Pipeline', {
      modelName: resolved.name,
      runtimeNamePrefix: qualifiedName,
      environmentName: resolved.environmentName,
      jobRole: this.jobRole,
      dataKey: platform.dataKey,
      run: { bucket: lake.artifacts, prefix: prefixes.runs },
      defaultTrainingDataUri: `s3://${lake.curated.bucketName}/${prefixes.trainingData}`,
      training: {
        ...t,
        image: code.trainingImage.uri,
        sourcePackage: code.sourcePackage && { uri: code.sourcePackage.asset.s3ObjectUrl, fileName: code.sourcePackage.asset.s3ObjectKey },
      },
      tuning: resolved.tuning,
      evaluation: {
        image: code.evaluationImage.uri,
        environment: code.evaluationEnvironment,
        instanceType: evaluation.instanceType,
        maxRuntimeSeconds: evaluation.maxRuntimeSeconds,
        scriptUri: code.evaluationScript.s3ObjectUrl,
        volumeKmsAllowed: evaluation.volumeKmsAllowed,
        metric: evaluation.metric,
        direction: evaluation.direction,
        threshold: evaluation.threshold,
        range: evaluation.range,
        evaluationScript: code.evaluationScriptName,
      },
      preprocessing: resolved.preprocessing && {
        image: (code.preprocessingImage ?? code.trainingImage).uri,
        instanceType: resolved.preprocessing.instanceType,
        maxRuntimeSeconds: resolved.preprocessing.maxRuntimeSeconds,
        scriptUri: `s3://${lake.curated.bucketName}/${prefixes.preprocessingScript}`,
        volumeKmsAllowed: resolved.preprocessing.volumeKmsAllowed,
      },
      vpc: props.sagemakerVpc,
      registry: this.registry,
      notifications: { topic: platform.pipelineTopic, key: platform.notificationKey },
      snapshotFunction: functions.snapshot,
      defaultEvaluationDataUri: `s3://${lake.curated.bucketName}/${prefixes.evaluationData}`,
      inferenceImage: code.inferenceImage.uri,
      inferenceEnvironment: code.inferenceEnvironment,
      approval,
      baselineFunction: functions.baseline,
      lineageFunction: functions.lineage,
      deployment: {
        endpoint: this.endpoint,
        serving: this.serving,
        capture: { bucket: lake.capture, prefix: prefixes.data },
        servingRecord: { bucket: lake.artifacts, prefix: prefixes.serving },
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
        (resolved.preprocessing?.maxRuntimeSeconds ?? 0) +
          // A tuning job runs its training jobs in rounds of maxParallelJobs, each bounded like one training job.
          (t.maxWaitSeconds ?? t.maxRuntimeSeconds) * (resolved.tuning ? Math.ceil(resolved.tuning.maxJobs / resolved.tuning.maxParallelJobs) : 1) +
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
    if (resolved.monitored) {
      this.monitoring = new ModelMonitoring(this, 'Monitoring', {
        modelName: resolved.name,
        qualifiedName,
        features: resolved.inputFeatures,
        platform,
        stateMachine: this.stateMachine,
        servingRecordKey: `${prefixes.serving}${SERVING_RECORD_FILE}`,
        drift: resolved.drift,
        retraining: resolved.retraining,
      });
    }
    this.teamAccess = new TeamAccess(this, 'TeamAccess', { modelName: resolved.name, platform, model: this });
    // What the pipeline will run, for the cost estimate: endpoints and jobs are not CloudFormation resources,
    // so the estimate reads them from the template's metadata.
    stack.templateOptions.metadata = { ...stack.templateOptions.metadata, [COST_METADATA_KEY]: resolved.cost };
    // SageMaker and Step Functions check the roles' policies on first use: they must exist first.
    this.stateMachine.node.addDependency(pipelinePolicy, jobRole.policy);
    this.featureGroup.featureGroup.node.addDependency(jobRole.policy);
  }
}
