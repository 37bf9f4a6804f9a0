import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { join } from 'path';
import { ENV } from '../../contracts/approval';
import { COST_METADATA_KEY, MlopsCostMetadata } from '../../contracts/cost';
import { FEATURES_ENV, featuresJson } from '../../contracts/features';
import { ENDPOINT_POLL_SECONDS, endpointPollBounds } from '../../pipelines/deployment';
import { TrainingPipeline } from '../../pipelines/training-pipeline';
import { acknowledgeWildcardResources } from '../compliance';
import { ApprovalSettings, SageMakerVpcSettings } from '../config/environment';
import { ModelDeclaration } from '../config/model';
import { hasLocalNvme, isGpuInstanceType } from '../config/instance-types';
import { IPlatform } from '../platform/platform-reference';
import { MlopsFunction } from '../private/mlops-function';
import { PipelineApproval } from '../../pipelines/training-pipeline';
import { ApprovalGate } from './approval-gate';
import { ModelEndpoint } from './model-endpoint';
import { ModelMonitoring } from './model-monitoring';
import { ConfigError } from '../config/schema';
import { ResolvedServing, resolveServing, servingSettingsFor } from '../config/serving';
import { containerImage } from './container-images';
import { ModelFeatureGroup } from './model-feature-group';
import { ModelRegistry } from './model-registry';
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
  private readonly pipelineFunctions: lambda.IFunction[];

  constructor(scope: Construct, id: string, props: MlopsModelProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const model = props.declaration;
    const platform = props.platform;
    const qualifiedName = `${platform.namespace}-${platform.environmentName}-${model.name}`;
    const lake = platform.lakeBuckets;
    const runsPrefix = `models/${model.name}/runs`;
    const resolved = resolveServing(servingSettingsFor(model.serving, props.environmentName),
      { gpu: model.gpu ?? false, vpc: props.sagemakerVpc !== undefined, production: props.production ?? false }, `model "${model.name}".serving (environment "${props.environmentName}")`);
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
    const trainingScript = model.framework === 'pytorch'
      ? new s3assets.Asset(this, 'TrainingScript', { path: join(scripts, 'train_pytorch.py') })
      : undefined;
    const evaluationType = model.evaluation.instanceType ?? 'ml.m5.large';
    const evaluationImage = containerImage(this, { framework: model.framework, gpu: isGpuInstanceType(evaluationType), purpose: 'training' });
    // The serving image follows the serving hardware (a GPU model may only serve on GPUs, see serving.ts).
    const inferenceImage = containerImage(this, { framework: model.framework, gpu: this.serving.mode === 'realtime' && this.serving.gpu, purpose: 'inference' });
    const captureObjects = lake.capture.arnForObjects(`${model.name}/*`);
    const scriptAssets = [evaluationScript, trainingScript].filter((a) => a !== undefined);
    const modelPrefix = `models/${model.name}/`;

    // The role SageMaker jobs run as: read this model's training data, read and write this model's
    // artifacts, use the data key, pull the framework image, write job logs and metrics.
    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: `SageMaker jobs of ${qualifiedName}`,
    });
    const dataObjects = lake.curated.arnForObjects(`${model.name}/*`);
    const artifactObjects = lake.artifacts.arnForObjects(`${modelPrefix}*`);
    const jobLogStreams = ['TrainingJobs', 'ProcessingJobs'].map((kind) =>
      stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/${kind}:log-stream:${qualifiedName}--*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
    const jobPolicy = new iam.ManagedPolicy(this, 'JobPolicy', {
      roles: [this.jobRole],
      description: `SageMaker jobs of ${qualifiedName}`,
      statements: [
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [dataObjects] }),
        listPrefix(lake.curated.bucketArn, `${model.name}/`),
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], resources: [artifactObjects] }),
        listPrefix(lake.artifacts.bucketArn, modelPrefix),
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: scriptAssets.map((a) => a.bucket.arnForObjects(a.s3ObjectKey)),
        }),
        // A script is an S3Prefix input: SageMaker lists the prefix (the object's own key) before it downloads it.
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [...new Set(scriptAssets.map((a) => a.bucket.bucketArn))],
          conditions: { StringLike: { 's3:prefix': scriptAssets.map((a) => `${a.s3ObjectKey}*`) } },
        }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [platform.dataKey.keyArn] }),
        createGrantForAwsResources(platform.dataKey.keyArn),
        new iam.PolicyStatement({
          actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
          resources: [...new Set([image.repositoryArn, evaluationImage.repositoryArn, inferenceImage.repositoryArn])],
        }),
        // The endpoint's captured requests and responses (SageMaker writes them as the model's role).
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [captureObjects] }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
          resources: ['TrainingJobs', 'ProcessingJobs'].map((kind) =>
            stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/${kind}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
        }),
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: jobLogStreams }),
        // GetAuthorizationToken has no resource type: it can only be granted on "*".
        new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
        // PutMetricData has no resource type; the condition limits it to SageMaker's namespaces.
        new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } }),
      ],
    });
    const networkInterfaces = stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
    if (props.sagemakerVpc) {
      const vpc = props.sagemakerVpc;
      jobPolicy.addStatements(
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
          resources: [
            networkInterfaces,
            ...vpc.subnetIds.map((id) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: id })),
            ...vpc.securityGroupIds.map((id) => stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: id })),
          ],
        }),
        // EC2 Describe actions have no resource-level permissions.
        new iam.PolicyStatement({
          actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
          resources: ['*'],
        }),
      );
    }
    const jobPolicyResource = jobPolicy.node.defaultChild as iam.CfnManagedPolicy;
    if (props.sagemakerVpc) {
      acknowledgeWildcardResources(jobPolicyResource, [networkInterfaces],
        'SageMaker creates the jobs\' network interfaces at run time, so their IDs cannot be known; creation is limited to the configured subnets and security groups.');
    }
    acknowledgeWildcardResources(jobPolicyResource, ['*'],
      'Only ecr:GetAuthorizationToken, cloudwatch:PutMetricData and (with a VPC) EC2 Describe actions are granted on "*": none has a resource type; PutMetricData is limited to SageMaker namespaces by condition.');
    acknowledgeWildcardResources(jobPolicyResource, [dataObjects, artifactObjects, captureObjects],
      'Object access is scoped to this model\'s own key prefix; the objects under it are created per run (or per captured hour), so they cannot be listed in advance.');
    acknowledgeWildcardResources(jobPolicyResource, jobLogStreams,
      'SageMaker names each job\'s log stream after the job, which is unique per run; the pattern is this model\'s job-name prefix.');

    const snapshot = new MlopsFunction(this, 'SnapshotTrainingData', {
      handler: 'snapshot-training-data',
      description: `Records the training data object versions of ${qualifiedName}`,
      logsKeyArn: platform.logsKeyArn,
      invokedBy: 'the training pipeline',
      timeout: Duration.minutes(10),
      memorySize: 1024,
      statements: [
        new iam.PolicyStatement({ actions: ['s3:ListBucketVersions', 's3:ListBucket'], resources: [lake.curated.bucketArn], conditions: { StringLike: { 's3:prefix': `${model.name}/*` } } }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [lake.artifacts.arnForObjects(`${runsPrefix}/*`)] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.dataKey.keyArn] }),
      ],
    });
    acknowledgeWildcardResources(snapshot.policy.node.defaultChild as iam.CfnManagedPolicy, [lake.artifacts.arnForObjects(`${runsPrefix}/*`)],
      'The function writes one manifest per run under this model\'s run prefix; run folders are named after executions.');
    this.snapshotFunction = snapshot.function;

    const recordFunction = new MlopsFunction(this, 'RecordDecision', {
      handler: 'record-decision',
      description: `Records automatic approvals and approval timeouts of ${qualifiedName}`,
      logsKeyArn: platform.logsKeyArn,
      invokedBy: 'the training pipeline',
      environment: { [ENV.AUDIT_BUCKET]: platform.auditBucket.bucketName, [ENV.DECISION_PREFIX]: `decisions/${qualifiedName}/` },
      statements: [
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [platform.auditBucket.arnForObjects(`decisions/${qualifiedName}/*`)] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.auditKey.keyArn] }),
      ],
    });
    acknowledgeWildcardResources(recordFunction.policy.node.defaultChild as iam.CfnManagedPolicy, [platform.auditBucket.arnForObjects(`decisions/${qualifiedName}/*`)],
      'Decision records are written one per execution under this model\'s own prefix of the audit bucket.');
    const approvalMode = props.approval?.mode ?? 'human';
    const approvers = model.approvers?.[props.environmentName] ?? [];
    if (approvalMode === 'human' && approvers.length === 0) {
      throw new Error(`Model "${model.name}" has no approvers for environment "${props.environmentName}", which requires human approval`);
    }
    const gate = approvalMode === 'human'
      ? new ApprovalGate(this, 'Approval', { qualifiedName, platform, approvers })
      : undefined;
    this.approvalGate = gate;
    const approval: PipelineApproval = gate
      ? { mode: 'human', requestFunction: gate.requestFunction, recordFunction: recordFunction.function, approvers, timeout: Duration.hours(props.approval?.timeoutHours ?? 72) }
      : { mode: 'auto', recordFunction: recordFunction.function };
    // The drift baseline: training data per input feature (CSV columns after the label, in declaration
    // order, without the record identifier and event time) and the held-out predictions.
    const inputFeatures = model.features.definitions.filter((f) => f.name !== model.features.recordIdentifier && f.name !== model.features.eventTime);
    const baseline = new MlopsFunction(this, 'ComputeBaseline', {
      handler: 'compute-baseline',
      description: `Summarises the training data and predictions of ${qualifiedName} into its drift baseline`,
      logsKeyArn: platform.logsKeyArn,
      invokedBy: 'the training pipeline',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      environment: { MODEL_NAME: model.name, [FEATURES_ENV]: featuresJson(inputFeatures) },
      statements: [
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [dataObjects, lake.artifacts.arnForObjects(`${runsPrefix}/*`)] }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [lake.artifacts.arnForObjects(`${runsPrefix}/*`)] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [platform.dataKey.keyArn] }),
      ],
    });
    acknowledgeWildcardResources(baseline.policy.node.defaultChild as iam.CfnManagedPolicy, [dataObjects, lake.artifacts.arnForObjects(`${runsPrefix}/*`)],
      'The function reads the snapshotted training objects under this model\'s data prefix and writes the baseline into the run\'s folder: names known only at run time.');
    // Lineage: one record per milestone in the Object Lock audit bucket (docs/auditing.md).
    const lineagePrefix = `lineage/${qualifiedName}/`;
    const lineageObjects = platform.auditBucket.arnForObjects(`${lineagePrefix}*`);
    const sagemakerArn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
    const lineageReads = [
      sagemakerArn('training-job', `${qualifiedName}--*`), sagemakerArn('model-package', `${qualifiedName}/*`),
      sagemakerArn('endpoint-config', `${qualifiedName}--c*`), sagemakerArn('model', `${qualifiedName}--m*`),
    ];
    const lineage = new MlopsFunction(this, 'RecordLineage', {
      handler: 'record-lineage',
      description: `Writes the lineage records of ${qualifiedName} to the audit bucket`,
      logsKeyArn: platform.logsKeyArn,
      invokedBy: 'the training pipeline',
      environment: {
        AUDIT_BUCKET_NAME: platform.auditBucket.bucketName,
        LINEAGE_PREFIX: lineagePrefix,
        MODEL_NAME: model.name,
        ENVIRONMENT_NAME: props.environmentName,
        FEATURE_GROUP_NAME: qualifiedName,
      },
      statements: [
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [lineageObjects] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.auditKey.keyArn] }),
        new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: [lineageReads[0]] }),
        new iam.PolicyStatement({ actions: ['sagemaker:DescribeModelPackage'], resources: [lineageReads[1]] }),
        new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: [sagemakerArn('endpoint', qualifiedName)] }),
        new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpointConfig'], resources: [lineageReads[2]] }),
        new iam.PolicyStatement({ actions: ['sagemaker:DescribeModel'], resources: [lineageReads[3]] }),
      ],
    });
    acknowledgeWildcardResources(lineage.policy.node.defaultChild as iam.CfnManagedPolicy, [lineageObjects, ...lineageReads],
      'Lineage records are written one per execution and milestone under this model\'s prefix of the audit bucket, and describe this model\'s per-run jobs, packages, models and configurations, whose names are generated per run.');
    this.pipelineFunctions = [snapshot.function, recordFunction.function, baseline.function, lineage.function, ...(gate ? [gate.requestFunction] : [])];

    this.endpoint = new ModelEndpoint(this, 'Endpoint', {
      endpointName: qualifiedName,
      modelName: model.name,
      serving: this.serving,
      alarmTopic: platform.alarmTopic,
      logsKeyArn: platform.logsKeyArn,
      stopWhenIdleHours: this.serving.mode === 'realtime' ? this.serving.stopWhenIdleHours : undefined,
    });
    const servingPrefix = `models/${model.name}/serving/`;
    const endpointRuntime = this.endpointRuntimeStatements();
    jobPolicy.addStatements(...endpointRuntime.statements);
    acknowledgeWildcardResources(jobPolicyResource, [endpointRuntime.logStreams],
      'The endpoint\'s containers create one log stream per variant and instance, named by SageMaker at run time, in this endpoint\'s own log group.');

    const spot = t.spot ?? true;
    const maxRuntimeSeconds = (t.maxRuntimeMinutes ?? 60) * 60;
    // SageMaker caps MaxWaitTimeInSeconds at 28 days.
    const maxWaitSeconds = spot ? (t.maxWaitMinutes ?? Math.min(2 * (t.maxRuntimeMinutes ?? 60), 40320)) * 60 : undefined;
    const pipeline = new TrainingPipeline(this, 'Pipeline', {
      modelName: model.name,
      runtimeNamePrefix: qualifiedName,
      jobRoleArn: this.jobRole.roleArn,
      kmsKeyArn: platform.dataKey.keyArn,
      artifactsBucketName: lake.artifacts.bucketName,
      runsPrefix,
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
      preprocessing: model.preprocessing ? {
        image: containerImage(this, { framework: model.framework, gpu: isGpuInstanceType(model.preprocessing.instanceType), purpose: 'training' }).uri,
        instanceType: model.preprocessing.instanceType,
        maxRuntimeSeconds: (model.preprocessing.maxRuntimeMinutes ?? 30) * 60,
        scriptUri: `s3://${lake.curated.bucketName}/${model.name}/code/preprocess.py`,
        volumeKmsAllowed: !hasLocalNvme(model.preprocessing.instanceType),
      } : undefined,
      vpc: props.sagemakerVpc,
      modelPackageGroupName: qualifiedName,
      topic: platform.pipelineTopic,
      snapshotFunction: snapshot.function,
      environmentName: props.environmentName,
      defaultEvaluationDataUri: `s3://${lake.curated.bucketName}/${model.name}/test/`,
      inferenceImage: inferenceImage.uri,
      approval,
      baselineFunction: baseline.function,
      lineageFunction: lineage.function,
      deployment: {
        endpointName: qualifiedName,
        serving: this.serving,
        executionRoleArn: this.jobRole.roleArn,
        kmsKeyArn: platform.dataKey.keyArn,
        captureUri: `s3://${lake.capture.bucketName}/${model.name}/`,
        rollbackAlarmNames: [...this.endpoint.rollbackAlarms.map((a) => a.alarmName), ...(this.serving.mode === 'realtime' ? this.serving.rollbackAlarmNames : [])],
        servingRecord: { bucketName: lake.artifacts.bucketName, key: `${servingPrefix}current.json` },
        vpc: props.sagemakerVpc,
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
    const pipelinePolicy = this.pipelinePolicy(pipelineRole, qualifiedName, platform, `${runsPrefix}/*`, `${servingPrefix}*`);
    this.stateMachine = new sfn.StateMachine(this, 'TrainingPipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(pipeline),
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Every permission is in the explicit managed policy above; nothing is added behind its back.
      role: pipelineRole.withoutPolicyUpdates(),
      // Long enough for the slowest path: preprocessing, spot wait plus training, evaluation, the approval wait, the longest
      // endpoint waits (an idle endpoint, then the rollout), an hour of margin: the deployment's own bounds end first, notified.
      timeout: Duration.seconds((model.preprocessing?.maxRuntimeMinutes ?? 0) * 60 + (spot ? maxWaitSeconds! : maxRuntimeSeconds) + 3600
        + (approval.mode === 'human' ? approval.timeout.toSeconds() : 0) + deploymentWaitSeconds(this.serving) + 3600),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `Training pipeline of ${qualifiedName}`,
    });
    gate?.allowDecisionsFor(this.stateMachine);
    if (this.serving.mode === 'realtime' && this.serving.capture) {
      this.monitoring = new ModelMonitoring(this, 'Monitoring', {
        modelName: model.name,
        qualifiedName,
        features: inputFeatures,
        platform,
        stateMachine: this.stateMachine,
        servingRecordKey: `${servingPrefix}current.json`,
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
      [COST_METADATA_KEY]: {
        model: model.name,
        environment: props.environmentName,
        serving: sv.mode === 'realtime'
          ? { mode: 'realtime', instanceType: sv.instanceType, initialInstanceCount: sv.instanceCount, minInstances: sv.autoscaling?.minInstances ?? sv.instanceCount,
            maxInstances: sv.autoscaling?.maxInstances ?? sv.instanceCount, capture: sv.capture ? { samplingPercent: sv.capture.samplingPercent } : false,
            ...(sv.stopWhenIdleHours !== undefined ? { stopWhenIdleHours: sv.stopWhenIdleHours } : {}) }
          : { mode: 'serverless', memoryMb: sv.memoryMb, maxConcurrency: sv.maxConcurrency, provisionedConcurrency: sv.provisionedConcurrency ?? 0 },
        training: { instanceType: t.instanceType, instanceCount: t.instanceCount ?? 1, maxRuntimeMinutes: maxRuntimeSeconds / 60, spot },
        evaluation: { instanceType: evaluationType, maxRuntimeMinutes: 60 },
        preprocessing: model.preprocessing ? { instanceType: model.preprocessing.instanceType, maxRuntimeMinutes: model.preprocessing.maxRuntimeMinutes ?? 30 } : null,
        drift: this.monitoring ? { scheduleMinutes: 60, memoryMb: 1024 } : null,
        retraining: { maxStartsPerDay: model.retraining?.maxStartsPerDay ?? 3 },
      } satisfies MlopsCostMetadata,
    };
    // SageMaker and Step Functions check the roles' policies on first use: they must exist first.
    this.stateMachine.node.addDependency(pipelinePolicy, jobPolicy);
    this.featureGroup.featureGroup.node.addDependency(jobPolicy);
  }

  /**
   * What the endpoint's containers do as the model's role: write their logs to `/aws/sagemaker/Endpoints/<endpoint>`,
   * and (deployment guardrails) read the rollback alarms during a blue/green update.
   */
  private endpointRuntimeStatements(): { statements: iam.PolicyStatement[]; logStreams: string } {
    const stack = Stack.of(this);
    const group = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/Endpoints/${this.endpoint.endpointName}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const alarms = [
      ...this.endpoint.rollbackAlarms.map((a) => a.alarmArn),
      ...(this.serving.mode === 'realtime' ? this.serving.rollbackAlarmNames : [])
        .map((name) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
    ];
    const logStreams = `${group}:log-stream:*`;
    const statements = [
      new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'], resources: [group] }),
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logStreams] }),
      ...(alarms.length ? [new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: alarms })] : []),
    ];
    return { statements, logStreams };
  }

  /**
   * What the deployment steps may do: create this model's SageMaker models and endpoint configurations,
   * create/update/describe its one endpoint, register its autoscaling, write the serving record.
   */
  private deploymentStatements(runtimePrefix: string, servingObjects: string): { statements: iam.PolicyStatement[]; patterns: string[] } {
    const stack = Stack.of(this);
    const endpointName = this.endpoint.endpointName;
    const perRun = ['model', 'endpoint-config'].map((type) => stack.formatArn({ service: 'sagemaker', resource: type, resourceName: `${runtimePrefix}--*` }));
    const targetTrackingAlarms = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `TargetTracking-endpoint/${endpointName}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const scalableTargets = stack.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' });
    const statements = [
      new iam.PolicyStatement({ actions: ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:AddTags'], resources: perRun }),
      // CreateEndpoint and UpdateEndpoint are also authorized against the endpoint configuration they deploy
      // (both resource types are required: Service Authorization Reference; aws/aws-cdk#11594).
      new iam.PolicyStatement({ actions: ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'], resources: perRun.filter((arn) => arn.includes('endpoint-config')) }),
      new iam.PolicyStatement({
        actions: ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:AddTags',
          // Application Auto Scaling checks that the caller may describe and resize the endpoint.
          'sagemaker:UpdateEndpointWeightsAndCapacities'],
        resources: [this.endpoint.endpointArn],
      }),
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [servingObjects] }),
      // Target tracking creates and removes its own alarms on the endpoint's behalf.
      new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'], resources: [targetTrackingAlarms] }),
      new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: this.endpoint.rollbackAlarms.map((a) => a.alarmArn) }),
      new iam.PolicyStatement({
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [stack.formatArn({
          service: 'iam', region: '', resource: 'role',
          resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
        })],
        conditions: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
      }),
      // ListEndpoints and the Application Auto Scaling Describe actions have no resource-level permissions.
      new iam.PolicyStatement({
        actions: ['sagemaker:ListEndpoints', 'application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScalingPolicies'],
        resources: ['*'],
      }),
      // A scalable target's ARN ends in an ID Application Auto Scaling generates, never the endpoint's name: limited
      // to this account and region and, by condition keys, to SageMaker variants' instance counts.
      new iam.PolicyStatement({
        actions: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeregisterScalableTarget'],
        resources: [scalableTargets],
        conditions: {
          StringEquals: {
            'application-autoscaling:service-namespace': 'sagemaker',
            'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
          },
        },
      }),
    ];
    return { statements, patterns: [...perRun, targetTrackingAlarms, servingObjects, scalableTargets] };
  }

  /** The pipeline's permissions, all explicit: run this model's jobs synchronously, register and read packages, read run reports, notify, log, trace. */
  private pipelinePolicy(role: iam.IRole, runtimePrefix: string, platform: IPlatform, runObjectsPattern: string, servingObjectsPattern: string): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const deployment = this.deploymentStatements(runtimePrefix, platform.lakeBuckets.artifacts.arnForObjects(servingObjectsPattern));
    const jobArns = ['training-job', 'processing-job'].map((type) => stack.formatArn({ service: 'sagemaker', resource: type, resourceName: `${runtimePrefix}--*` }));
    const runObjects = platform.lakeBuckets.artifacts.arnForObjects(runObjectsPattern);
    const policy = new iam.ManagedPolicy(this, 'PipelinePolicy', {
      roles: [role],
      description: `Training pipeline of ${this.registry.groupName}`,
      statements: [
        new iam.PolicyStatement({
          // ListTags: the .sync integration reads the job's tags (Step Functions' IAM policies for SageMaker).
          actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob',
            'sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
          resources: jobArns,
        }),
        // The .sync integration watches jobs through these Step Functions-managed EventBridge rules.
        new iam.PolicyStatement({
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: ['Training', 'Processing'].map((kind) => stack.formatArn({ service: 'events', resource: 'rule', resourceName: `StepFunctionsGetEventsForSageMaker${kind}JobsRule` })),
        }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.jobRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
        new iam.PolicyStatement({ actions: ['sagemaker:CreateModelPackage', 'sagemaker:AddTags'], resources: [this.registry.groupArn, this.registry.packageArnPattern] }),
        new iam.PolicyStatement({ actions: ['sagemaker:DescribeModelPackage'], resources: [this.registry.packageArnPattern] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [runObjects] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [platform.dataKey.keyArn] }),
        createGrantForAwsResources(platform.dataKey.keyArn),
        new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [platform.pipelineTopic.topicArn] }),
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: this.pipelineFunctions.map((f) => f.functionArn) }),
        new iam.PolicyStatement({ actions: ['sagemaker:UpdateModelPackage'], resources: [this.registry.packageArnPattern] }),
        // Publishing to the encrypted topic: SNS uses the key on the publisher's behalf.
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.notificationKey.keyArn] }),
        // ListModelPackages, CloudWatch Logs delivery and X-Ray have no resource-level permissions.
        new iam.PolicyStatement({
          actions: ['sagemaker:ListModelPackages',
            'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
            'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
            'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        }),
        ...deployment.statements,
      ],
    });
    const resource = policy.node.defaultChild as iam.CfnManagedPolicy;
    acknowledgeWildcardResources(resource, ['*'],
      'Only SageMaker List actions, Application Auto Scaling Describe actions, CloudWatch Logs delivery and X-Ray tracing actions are granted on "*": none of them supports resource-level permissions.');
    acknowledgeWildcardResources(resource, deployment.patterns,
      'Each run creates a SageMaker model and endpoint configuration named <namespace>-<environment>-<model>--<letter><12 hex digits>, target tracking names its alarms after the endpoint, the serving record lives under this model\'s serving prefix, and scalable targets end in a generated ID (limited by condition keys to SageMaker variant instance counts).');
    acknowledgeWildcardResources(resource, [...jobArns, this.registry.packageArnPattern],
      'Job and model package names are generated per run; the patterns are limited to this model\'s job-name prefix and its own model package group.');
    acknowledgeWildcardResources(resource, [runObjects],
      'The pipeline reads evaluation reports written under this model\'s run prefix, one folder per execution.');
    return policy;
  }
}

function listPrefix(bucketArn: string, prefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn], conditions: { StringLike: { 's3:prefix': `${prefix}*` } } });
}

/** kms:CreateGrant only for grants that AWS services create on the caller's behalf (job volumes). */
function createGrantForAwsResources(keyArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['kms:CreateGrant'], resources: [keyArn], conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
}

/** The longest the deployment steps can wait on the endpoint: before an update (idle) and during it (rollout), or a creation. */
function deploymentWaitSeconds(serving: ResolvedServing): number {
  const bounds = endpointPollBounds(serving);
  return (Math.max(bounds.creation, bounds.rollout) + bounds.rollout) * ENDPOINT_POLL_SECONDS;
}
