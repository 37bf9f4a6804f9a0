/** One pipeline run of the sample `churn` model: every artefact the recorder writes and SageMaker answers, consistent with each other. */
import type {
  DescribeEndpointCommandOutput, DescribeEndpointConfigCommandOutput, DescribeModelCommandOutput,
  DescribeModelPackageCommandOutput, DescribeTrainingJobCommandOutput,
} from '@aws-sdk/client-sagemaker';
import type { DecisionRecord } from '../../contracts/approval';
import type { CloudTrailReference, DecisionMilestoneRecord, DeploymentMilestoneRecord, RegisteredRecord } from '../../contracts/lineage';

import { ACCOUNT, REGION, XGBOOST_IMAGE, XGBOOST_DIGEST, STATE_MACHINE, PIPELINE_ROLE, buckets } from './sample-account';

export interface RunParams {
  readonly environment: 'dev' | 'prod';
  /** The candidate's package version. */
  readonly version: number;
  /** The run's day (`YYYY-MM-DD`): the execution is `churn-<day>`, data under `churn/<day>/`. */
  readonly day: string;
  /** The configuration the endpoint served before this run's deployment; absent for the first. */
  readonly previousConfig?: string;
  /** How the deployment ended. @default 'deployed' */
  readonly outcome?: 'deployed' | 'rollback';
  /** The execution input's trigger. @default { type: 'manual' } */
  readonly trigger?: Record<string, unknown>;
}

const at = (day: string, clock: string) => `${day}T${clock}Z`;
const date = (iso: string) => new Date(iso);
const pad = (n: number) => String(n).padStart(2, '0');

export function pipelineRun(p: RunParams) {
  const env = p.environment;
  const b = buckets(env);
  const qualified = `mlops-${env}-churn`;
  const executionName = `churn-${p.day}`;
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${STATE_MACHINE}:${executionName}`;
  const jobName = `churn--t3f0c1d2e-4b5a-4c6d-8e9f-0a1b2c3d4e${pad(p.version)}`;
  const jobArn = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${jobName}`;
  const packageArn = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${qualified}/${p.version}`;
  const runPrefix = `models/churn/runs/${executionName}`;
  const manifestUri = `s3://${b.artifacts}/${runPrefix}/data-manifest.json`;
  const manifestVersionId = `Mv${p.version}.manifest-3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY`;
  const trainingDataUri = `s3://${b.curated}/churn/${p.day}/`;
  const evaluationDataUri = `s3://${b.curated}/churn/test/`;
  const modelArtifactUri = `s3://${b.artifacts}/${runPrefix}/model/${jobName}/output/model.tar.gz`;
  const reportUri = `s3://${b.artifacts}/${runPrefix}/evaluation/evaluation.json`;
  const lineagePrefix = `lineage/${qualified}/`;
  const recordUri = (nn: string, milestone: string) => `s3://${b.audit}/${lineagePrefix}${executionName}/${nn}-${milestone}.json`;
  const endpointName = `${qualified}`;
  // Names as the deployment step makes them: <model>--c<uuid>, <model>--m<uuid>.
  const endpointConfigName = `churn--c7e1a2b3c-4d5e-4f60-8a9b-${p.day.replace(/-/g, '')}00${pad(p.version)}`;
  const modelName = `churn--m7e1a2b3c-4d5e-4f60-8a9b-${p.day.replace(/-/g, '')}00${pad(p.version)}`;
  const human = env === 'prod';
  const requestId = human ? `Vb3kq0Yw9cXh2T1nR8sLp4aEoZu7Jm${pad(p.version)}` : `auto-${executionName}`;
  const decisionUri = `s3://${b.audit}/decisions/${qualified}/${requestId}.json`;
  const auc = 0.9 + p.version / 1000;
  const metrics = { auc, accuracy: 0.8712, rmse: 0.3105, samples: 20000 };
  const t = {
    start: at(p.day, '08:00:00.000'),
    jobCreated: at(p.day, '08:01:10.000'),
    trainingStart: at(p.day, '08:03:00.000'),
    trainingEnd: at(p.day, '08:41:00.000'),
    registered: at(p.day, '09:05:00.000'),
    registeredRecord: at(p.day, '09:05:02.000'),
    decided: at(p.day, '11:02:13.412'),
    packageApproved: at(p.day, '11:02:15.000'),
    approvedRecord: at(p.day, '11:02:16.000'),
    modelCreated: at(p.day, '11:02:40.000'),
    configCreated: at(p.day, '11:02:45.000'),
    endpointCall: at(p.day, '11:03:00.000'),
    endpointDone: at(p.day, '11:20:00.000'),
    deployedRecord: at(p.day, '11:20:05.000'),
  };
  const approver = human ? 'ml-lead@example.com' : 'automatic approval (environment dev)';
  const comment = human ? 'AUC up on the holdout, calibration unchanged.' : 'Environment dev approves automatically: the candidate passed the quality gate.';
  const trigger = p.trigger ?? { type: 'manual' };
  const dataObjects = [0, 1, 2].map((i) => ({
    key: `churn/${p.day}/part-000${i}.csv`, versionId: `v${p.version}.${i}-Rb2aXhT0n1s9Q8p7O6n5M4l3K2j1I0hG`, size: 1000 + i * 48, etag: `"e${p.version}${i}"`,
    lastModified: at(p.day, `07:0${i}:00.000`),
  }));
  const manifest = {
    schemaVersion: 1, dataUri: trainingDataUri, createdAt: at(p.day, '08:00:30.000'), objectCount: dataObjects.length,
    totalBytes: dataObjects.reduce((s, o) => s + o.size, 0), objects: dataObjects,
  };

  // The pipeline state at each milestone (docs/pipeline.md, "Output"; the deployment fields from the deployment step).
  const evidence = { metric: 'auc', candidateValue: auc, metrics, trainingDataUri, trainingDataManifestUri: manifestUri, trainingJobArn: jobArn };
  const registeredState = {
    trainingDataUri,
    trigger,
    evaluationDataUri,
    dataSnapshot: { manifestUri, manifestVersionId, objectCount: manifest.objectCount, totalBytes: manifest.totalBytes },
    training: { jobName, jobArn, modelArtifactUri },
    evaluation: { report: { metrics } },
    approved: { packages: [] },
    evidence,
    registration: { modelPackageArn: packageArn },
  };
  const approval = { decision: 'approved', approver, comment, decidedAt: t.decided, recordUri: decisionUri, ...(human ? { requestId } : {}) };
  const approvedState = { ...registeredState, approval };
  const deployedState = {
    ...approvedState,
    deployment: {
      endpointName, modelName, endpointConfigName,
      ...(p.previousConfig ? { previous: { name: p.previousConfig, config: { variants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.m5.large' }] } } } : {}),
    },
    ...(p.previousConfig ? { existing: { found: true } } : { existing: { found: false } }),
    ...(p.outcome === 'rollback' ? {
      deploymentProblem: {
        error: 'RolloutRolledBack',
        cause: `A rollback alarm fired while ${endpointName} moved to ${endpointConfigName}: SageMaker rolled back, ${p.previousConfig} still serves. See the alarm history and the endpoint CloudWatch logs.`,
      },
    } : {}),
  };

  // What SageMaker answers.
  const requestIdOf = (api: string, milestone: string) => `${api}-${p.version}-${milestone}-0a1b2c3d`;
  const trainingJob = (milestone: string): DescribeTrainingJobCommandOutput => ({
    $metadata: { requestId: requestIdOf('DescribeTrainingJob', milestone) },
    TrainingJobName: jobName, TrainingJobArn: jobArn, TrainingJobStatus: 'Completed', SecondaryStatus: 'Completed',
    AlgorithmSpecification: { TrainingImage: XGBOOST_IMAGE, TrainingInputMode: 'File' },
    HyperParameters: { objective: 'binary:logistic', num_round: '200', eval_metric: 'auc' },
    InputDataConfig: [{ ChannelName: 'train', ContentType: 'text/csv', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: trainingDataUri, S3DataDistributionType: 'FullyReplicated' } } }],
    OutputDataConfig: { S3OutputPath: `s3://${b.artifacts}/${runPrefix}/model/` },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
    EnableManagedSpotTraining: true,
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/mlops-${env}-model-churn-JobRole7C1D2E3F-Hh4Jj5Kk6Ll7`,
    ModelArtifacts: { S3ModelArtifacts: modelArtifactUri }, CreationTime: date(t.jobCreated), TrainingStartTime: date(t.trainingStart),
    TrainingEndTime: date(t.trainingEnd), LastModifiedTime: date(t.trainingEnd), TrainingTimeInSeconds: 2280, BillableTimeInSeconds: 912,
  });
  const packageBase = {
    ModelPackageName: qualified, ModelPackageGroupName: qualified, ModelPackageVersion: p.version, ModelPackageArn: packageArn,
    ModelPackageDescription: `Trained by ${jobName} on ${trainingDataUri}`, CreationTime: date(t.registered),
    InferenceSpecification: {
      Containers: [{ Image: XGBOOST_IMAGE, ImageDigest: XGBOOST_DIGEST, ModelDataUrl: modelArtifactUri }],
      SupportedContentTypes: ['text/csv', 'application/json'], SupportedResponseMIMETypes: ['text/csv', 'application/json'],
    },
    ModelPackageStatus: 'Completed' as const,
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: reportUri } } },
    CustomerMetadataProperties: {
      auc: String(auc), trainingJobArn: jobArn, trainingDataUri, trainingDataManifestUri: manifestUri,
      trainingDataObjectCount: String(dataObjects.length), executionArn,
    },
    CreatedBy: { IamIdentity: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${PIPELINE_ROLE.split('/')[1]}/states-session` } },
  };
  const approvalDescription = `Approved by ${approver} at ${t.decided}: ${comment} (record ${decisionUri})`;
  const packageAt = (milestone: 'registered' | 'approved'): DescribeModelPackageCommandOutput => ({
    $metadata: { requestId: requestIdOf('DescribeModelPackage', milestone) },
    ...packageBase,
    ...(milestone === 'registered'
      ? { ModelApprovalStatus: 'PendingManualApproval', LastModifiedTime: date(t.registered) }
      : { ModelApprovalStatus: 'Approved', ApprovalDescription: approvalDescription, LastModifiedTime: date(t.packageApproved), LastModifiedBy: packageBase.CreatedBy }),
  });
  const rolledBack = p.outcome === 'rollback';
  const servingConfig = rolledBack ? p.previousConfig! : endpointConfigName;
  const resolvedImage = `${XGBOOST_IMAGE.split(':')[0]}@${XGBOOST_DIGEST}`;
  const endpoint: DescribeEndpointCommandOutput = {
    $metadata: { requestId: requestIdOf('DescribeEndpoint', 'deployment') },
    EndpointName: endpointName, EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${endpointName}`, EndpointConfigName: servingConfig,
    EndpointStatus: 'InService', CreationTime: date(p.previousConfig ? '2026-11-15T11:20:00.000Z' : t.endpointDone), LastModifiedTime: date(t.endpointDone),
    ProductionVariants: [{ VariantName: 'AllTraffic', CurrentWeight: 1, CurrentInstanceCount: 1, DeployedImages: [{ SpecifiedImage: XGBOOST_IMAGE, ResolvedImage: resolvedImage, ResolutionTime: date(t.endpointCall) }] }],
  };
  const endpointConfig: DescribeEndpointConfigCommandOutput = {
    $metadata: { requestId: requestIdOf('DescribeEndpointConfig', 'deployment') },
    EndpointConfigName: endpointConfigName, EndpointConfigArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/${endpointConfigName}`,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: modelName, InitialInstanceCount: 1, InstanceType: 'ml.m5.large', InitialVariantWeight: 1 }],
    CreationTime: date(t.configCreated),
  };
  const model: DescribeModelCommandOutput = {
    $metadata: { requestId: requestIdOf('DescribeModel', 'deployment') },
    ModelName: modelName, ModelArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model/${modelName}`, CreationTime: date(t.modelCreated),
    PrimaryContainer: { ModelPackageName: packageArn },
    ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/mlops-${env}-model-churn-JobRole7C1D2E3F-Hh4Jj5Kk6Ll7`,
  };

  // The decision record the gate wrote (contracts/approval.ts).
  const decisionRecord: DecisionRecord = {
    schemaVersion: 1, decision: 'approved', approver, comment, decidedAt: t.decided, requestId, recordUri: decisionUri, executionArn,
    model: 'churn', environment: env, modelPackageArn: packageArn, requestedAt: human ? at(p.day, '09:05:10.000') : t.decided, evidence,
  };

  // The lineage records the recorder writes, given the clock at each milestone.
  const readRef = (api: string, resourceName: string, milestone: string, when: string): CloudTrailReference => ({
    eventSource: 'sagemaker.amazonaws.com', eventName: api, resourceName, eventTime: when, timeSource: 'read by the lineage recorder', requestId: requestIdOf(api, milestone),
  });
  const common = { schemaVersion: 1 as const, model: 'churn', environment: env, modelPackageArn: packageArn, recordedBy: { functionName: `mlops-${env}-model-churn-RecordLineage`, awsRequestId: `lambda-${p.version}` } };
  const execution = { arn: executionArn, name: executionName, startTime: t.start };
  const packageFacts = {
    arn: packageArn, group: qualified, version: p.version, creationTime: t.registered,
    inferenceImage: XGBOOST_IMAGE, inferenceImageDigest: XGBOOST_DIGEST, modelDataUrl: modelArtifactUri,
  };
  const normalisedTrigger = (() => {
    const { type, ...rest } = trigger as { type?: string };
    if (type === 'drift') {
      const { alarmName, eventId, time, ...details } = rest as Record<string, unknown>;
      return { type, alarmName, eventId, eventTime: time, ...(Object.keys(details).length ? { details } : {}) };
    }
    return { type: type ?? 'unspecified', ...(Object.keys(rest).length ? { details: rest } : {}) };
  })() as RegisteredRecord['trigger'];
  const registered: RegisteredRecord = {
    ...common,
    milestone: 'registered',
    recordedAt: t.registeredRecord,
    recordUri: recordUri('10', 'registered'),
    execution,
    trigger: normalisedTrigger,
    data: { trainingDataUri, manifestUri, manifestVersionId, objectCount: manifest.objectCount, totalBytes: manifest.totalBytes, evaluationDataUri },
    featureGroupName: qualified,
    training: {
      jobName, jobArn, status: 'Completed', image: XGBOOST_IMAGE, hyperparameters: { objective: 'binary:logistic', num_round: '200', eval_metric: 'auc' },
      inputChannels: [{ name: 'train', s3Uri: trainingDataUri }], instanceType: 'ml.m5.xlarge', instanceCount: 1, spot: true,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/mlops-${env}-model-churn-JobRole7C1D2E3F-Hh4Jj5Kk6Ll7`, modelArtifactUri,
      creationTime: t.jobCreated, startTime: t.trainingStart, endTime: t.trainingEnd, trainingSeconds: 2280, billableSeconds: 912,
    },
    evaluation: { metrics, reportUri },
    modelPackage: { ...packageFacts, approvalStatus: 'PendingManualApproval', lastModifiedTime: t.registered },
    cloudTrail: [
      { eventSource: 'states.amazonaws.com', eventName: 'StartExecution', resourceName: executionArn, eventTime: t.start, timeSource: 'execution start time' },
      { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateTrainingJob', resourceName: jobName, eventTime: t.jobCreated, timeSource: 'training job CreationTime' },
      { eventSource: 's3.amazonaws.com', eventName: 'PutObject', resourceName: `arn:aws:s3:::${b.artifacts}/${runPrefix}/data-manifest.json`, dataEvent: true },
      { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateModelPackage', resourceName: qualified, eventTime: t.registered, timeSource: 'model package CreationTime' },
      readRef('DescribeTrainingJob', jobName, 'registered', t.registeredRecord),
      readRef('DescribeModelPackage', packageArn, 'registered', t.registeredRecord),
    ],
  };
  const approved: DecisionMilestoneRecord = {
    ...common,
    milestone: 'approved',
    recordedAt: t.approvedRecord,
    recordUri: recordUri('20', 'approved'),
    execution,
    decision: { decision: 'approved', approver, decidedAt: t.decided, comment, recordUri: decisionUri, ...(human ? { requestId } : {}) },
    modelPackage: {
      ...packageFacts, approvalStatus: 'Approved', approvalDescription, lastModifiedTime: t.packageApproved, lastModifiedBy: packageBase.CreatedBy.IamIdentity.Arn,
    },
    cloudTrail: [
      { eventSource: 'sagemaker.amazonaws.com', eventName: 'UpdateModelPackage', resourceName: packageArn, eventTime: t.packageApproved, timeSource: 'model package LastModifiedTime' },
      readRef('DescribeModelPackage', packageArn, 'approved', t.approvedRecord),
    ],
  };
  const deploymentMilestone = rolledBack ? 'rollback' : 'deployed';
  const deployed: DeploymentMilestoneRecord = {
    ...common,
    milestone: deploymentMilestone,
    recordedAt: t.deployedRecord,
    recordUri: recordUri(rolledBack ? '31' : '30', deploymentMilestone),
    execution,
    deployment: {
      endpointName, endpointArn: endpoint.EndpointArn, endpointConfigName, modelName,
      ...(p.previousConfig ? { previousEndpointConfigName: p.previousConfig } : {}),
      servingEndpointConfigName: servingConfig, endpointStatus: 'InService', deployedAt: t.endpointDone,
      ...(rolledBack ? { error: deployedState.deploymentProblem! } : {}),
      modelPackageName: packageArn,
      variants: [{ name: 'AllTraffic', modelName, instanceType: 'ml.m5.large', instanceCount: 1, images: [{ specified: XGBOOST_IMAGE, resolved: resolvedImage, resolvedAt: t.endpointCall }] }],
      endpointConfigCreationTime: t.configCreated, modelCreationTime: t.modelCreated,
    },
    cloudTrail: [
      { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateModel', resourceName: modelName, eventTime: t.modelCreated, timeSource: 'model CreationTime' },
      { eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateEndpointConfig', resourceName: endpointConfigName, eventTime: t.configCreated, timeSource: 'endpoint configuration CreationTime' },
      {
        eventSource: 'sagemaker.amazonaws.com', eventName: p.previousConfig ? 'UpdateEndpoint' : 'CreateEndpoint', resourceName: endpointName, eventTime: t.endpointDone,
        timeSource: 'endpoint LastModifiedTime: the call precedes it by the rollout\'s duration',
      },
      readRef('DescribeEndpoint', endpointName, 'deployment', t.deployedRecord),
      readRef('DescribeEndpointConfig', endpointConfigName, 'deployment', t.deployedRecord),
      readRef('DescribeModel', modelName, 'deployment', t.deployedRecord),
    ],
  };

  // The CloudTrail management event of the endpoint call.
  const endpointEvent = {
    eventName: p.previousConfig ? 'UpdateEndpoint' : 'CreateEndpoint',
    eventTime: t.endpointCall,
    json: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole', principalId: 'AROAEXAMPLEPIPELINE:states-session', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${PIPELINE_ROLE.split('/')[1]}/states-session`,
        accountId: ACCOUNT, sessionContext: { sessionIssuer: { type: 'Role', arn: PIPELINE_ROLE, accountId: ACCOUNT } }, invokedBy: 'states.amazonaws.com',
      },
      eventTime: t.endpointCall.replace('.000Z', 'Z'), eventSource: 'sagemaker.amazonaws.com', eventName: p.previousConfig ? 'UpdateEndpoint' : 'CreateEndpoint',
      awsRegion: REGION, sourceIPAddress: 'states.amazonaws.com', userAgent: 'states.amazonaws.com',
      requestParameters: { endpointName, endpointConfigName, ...(p.previousConfig ? { retainAllVariantProperties: true } : {}) },
      responseElements: { endpointArn: endpoint.EndpointArn },
      requestID: `c0ffee${pad(p.version)}-1111-2222-3333-444455556666`, eventID: `e0e0e0${pad(p.version)}-aaaa-bbbb-cccc-ddddeeeeffff`,
      readOnly: false, eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management',
    },
  };

  return {
    params: p, buckets: b, qualified, executionName, executionArn, jobName, jobArn, packageArn, manifestUri, manifestVersionId, trainingDataUri,
    lineagePrefix, endpointName, endpointConfigName, modelName, requestId, decisionUri, times: t, metrics,
    state: { registered: registeredState, approved: approvedState, deployment: deployedState },
    describe: { trainingJob, package: packageAt, endpoint, endpointConfig, model },
    records: { registered, approved, deployment: deployed },
    decisionRecord, manifest, dataObjects, endpointEvent,
  };
}

export type PipelineRun = ReturnType<typeof pipelineRun>;
