import { Aws, Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ResolvedServing } from '../lib/config/serving';
import { LineageRecorder, recordMilestone } from './lineage';
import { backoff, TRANSIENT_ERRORS } from './resilience';
import { runtimeName } from './runtime-names';

/** The one production variant of every endpoint: guardrails need the same name across updates. */
export const VARIANT_NAME = 'AllTraffic';

/** Seconds between two looks at an endpoint that is creating or updating. */
export const ENDPOINT_POLL_SECONDS = 60;

/**
 * Every `EndpointStatus` of DescribeEndpoint (SageMaker API reference): the statuses that pass by themselves
 * are waited for (a bounded number of looks); the others end the deployment, notified.
 */
export const ENDPOINT_STATUSES = {
  /** CreateEndpoint, UpdateEndpoint, maintenance or an autoscaling rollback is under way. */
  transitional: ['Creating', 'Updating', 'SystemUpdating', 'RollingBack'],
  /** Serving. */
  inService: 'InService',
  /** Only DeleteEndpoint can follow. */
  failed: 'Failed',
  /** Needs an operator: not serving, being deleted, or a mix of the old and new configurations. */
  stuck: ['OutOfService', 'Deleting', 'UpdateRollbackFailed'],
} as const;

/**
 * How many looks each wait takes at most, from the serving settings: creation may take the model download
 * and the container's startup health check; a rollout its guardrails' maximum execution time and the
 * termination wait; each with 30 minutes of margin. Serverless endpoints get an hour.
 */
export function endpointPollBounds(s: ResolvedServing): { creation: number; rollout: number } {
  const looks = (seconds: number) => Math.ceil((seconds + 1800) / ENDPOINT_POLL_SECONDS);
  if (s.mode !== 'realtime') return { creation: looks(1800), rollout: looks(1800) };
  return {
    creation: looks(s.modelDataDownloadTimeoutSeconds + s.startupHealthCheckTimeoutSeconds),
    rollout: looks(s.rollout.maximumExecutionTimeoutSeconds + s.rollout.terminationWaitSeconds),
  };
}

/** What the deployment steps need. */
export interface DeploymentProps {
  /** The model's name (in notifications and tags). */
  readonly modelName: string;
  /** `<namespace>-<environment>-<model>`: SageMaker models and endpoint configurations are named `<prefix>--<m|c><12 hex>`. */
  readonly runtimeNamePrefix: string;
  /** The endpoint's name (`<namespace>-<environment>-<model>`); the pipeline owns the endpoint. */
  readonly endpointName: string;
  /** Serving settings for this environment. */
  readonly serving: ResolvedServing;
  /** Role the SageMaker model runs as (reads the artifact, pulls the image, writes captured data). */
  readonly executionRoleArn: string;
  /** Key for the endpoint's volumes (where allowed) and captured data. */
  readonly kmsKeyArn: string;
  /** `s3://<capture bucket>/<model>/`: SageMaker appends `<endpoint>/<variant>/yyyy/mm/dd/hh/`. */
  readonly captureUri: string;
  /** Alarms that roll an update back (names). */
  readonly rollbackAlarmNames: string[];
  /** Where the record of what is serving is written after a successful deployment. */
  readonly servingRecord: { readonly bucketName: string; readonly key: string };
  /** Subnets and security groups of the model's containers. @default - no VPC */
  readonly vpc?: { readonly subnetIds: string[]; readonly securityGroupIds: string[] };
  /** Topic for deployment notifications. */
  readonly topic: sns.ITopic;
  /** The environment's name, in notifications. */
  readonly environmentName: string;
  /** JSONPath of the model version's drift baseline URI, recorded with what serves. @default - none recorded */
  readonly baselineUriPath?: string;
  /** Lineage records of the deployment's outcomes. @default - none written */
  readonly lineage?: LineageRecorder;
}

/** The deployment steps, entered with the approved package in `$.registration.modelPackageArn`. */
export interface DeploymentChain {
  readonly start: sfn.IChainable;
  /** Continue here after the endpoint serves the new model. */
  readonly deployed: sfn.INextable;
  /** Task states, for the pipeline's common retry and catch. */
  readonly tasks: Array<sfn.CustomState | tasks.LambdaInvoke>;
}

function sdk(scope: Construct, id: string, service: string, action: string, parameters: object, extra: { resultSelector?: object; resultPath?: string | null } = {}): sfn.CustomState {
  return new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:${service}:${action}`,
      Parameters: parameters,
      ...(extra.resultSelector ? { ResultSelector: extra.resultSelector } : {}),
      ResultPath: extra.resultPath === undefined ? null : extra.resultPath,
    },
  });
}

/**
 * Deploys the approved model package: a SageMaker model and an endpoint configuration (new names every
 * run: both are immutable), then the endpoint is created (first run) or updated with deployment
 * guardrails and auto-rollback (later runs), autoscaling is registered, and the serving record is
 * written. The pipeline, not CloudFormation, owns the endpoint: see docs/serving.md.
 *
 * Outcomes besides success, each notified and ending in a Fail state with a readable cause:
 * `EndpointCreationFailed` (the failed endpoint is deleted, so the next run starts clean),
 * `RolloutRolledBack` (an alarm fired: the previous model still serves), `EndpointUpdateFailed`,
 * `EndpointNotUpdatable` (the endpoint is in state Failed and must be deleted by an operator).
 */
export function deploymentChain(scope: Construct, props: DeploymentProps): DeploymentChain {
  const s = props.serving;
  const names = new sfn.Pass(scope, 'PrepareDeployment', {
    comment: 'Names for the SageMaker model and endpoint configuration of this run: <prefix>--m<12 hex>, <prefix>--c<12 hex> (63 characters at most).',
    parameters: {
      endpointName: props.endpointName,
      modelName: runtimeName(props.runtimeNamePrefix, 'm'),
      endpointConfigName: runtimeName(props.runtimeNamePrefix, 'c'),
      polls: { creation: 0, idle: 0, rollout: 0 },
    },
    resultPath: '$.deployment',
  });
  const tags = [{ Key: 'mlops:model', Value: props.modelName }, { Key: 'mlops:environment', Value: props.environmentName }];

  const createModel = sdk(scope, 'CreateModel', 'sagemaker', 'createModel', {
    'ModelName.$': '$.deployment.modelName',
    ExecutionRoleArn: props.executionRoleArn,
    PrimaryContainer: { 'ModelPackageName.$': '$.registration.modelPackageArn' },
    ...(props.vpc && s.mode === 'realtime' ? { VpcConfig: { Subnets: props.vpc.subnetIds, SecurityGroupIds: props.vpc.securityGroupIds } } : {}),
    Tags: tags,
  });

  const variant = s.mode === 'realtime'
    ? {
      VariantName: VARIANT_NAME,
      'ModelName.$': '$.deployment.modelName',
      InstanceType: s.instanceType,
      InitialInstanceCount: s.instanceCount,
      ContainerStartupHealthCheckTimeoutInSeconds: s.startupHealthCheckTimeoutSeconds,
      ModelDataDownloadTimeoutInSeconds: s.modelDataDownloadTimeoutSeconds,
    }
    : {
      VariantName: VARIANT_NAME,
      'ModelName.$': '$.deployment.modelName',
      ServerlessConfig: {
        MemorySizeInMB: s.memoryMb,
        MaxConcurrency: s.maxConcurrency,
        ...(s.provisionedConcurrency ? { ProvisionedConcurrency: s.provisionedConcurrency } : {}),
      },
    };
  const createConfig = sdk(scope, 'CreateEndpointConfig', 'sagemaker', 'createEndpointConfig', {
    'EndpointConfigName.$': '$.deployment.endpointConfigName',
    ProductionVariants: [variant],
    // Instance types with local NVMe storage reject a volume key (it is encrypted by the instance).
    ...(s.mode === 'realtime' && s.volumeKmsAllowed ? { KmsKeyId: props.kmsKeyArn } : {}),
    ...(s.mode === 'realtime' && s.capture ? {
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: s.capture.samplingPercent,
        DestinationS3Uri: props.captureUri,
        KmsKeyId: props.kmsKeyArn,
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
      },
    } : {}),
    Tags: tags,
  });

  // Does the endpoint exist? ListEndpoints matches substrings ("churn" also finds "churn2"), so each
  // listed name is compared with the exact one, without JSONPath filters (whose empty results differ
  // between engines) and without relying on the error name of a failed DescribeEndpoint.
  const findEndpoint = sdk(scope, 'FindEndpoint', 'sagemaker', 'listEndpoints', { NameContains: props.endpointName, MaxResults: 100 }, {
    resultSelector: { 'endpoints.$': '$.Endpoints' },
    resultPath: '$.existing',
  });
  const matchNames = new sfn.Map(scope, 'MatchEndpointNames', {
    itemsPath: '$.existing.endpoints',
    itemSelector: { 'same.$': `States.ArrayContains(States.Array($$.Map.Item.Value.EndpointName), '${props.endpointName}')` },
    resultPath: '$.existing.matches',
    maxConcurrency: 1,
  });
  matchNames.itemProcessor(new sfn.Pass(scope, 'NameMatches', { outputPath: '$.same' }));
  const summarize = new sfn.Pass(scope, 'SummarizeEndpointSearch', {
    parameters: { 'found.$': 'States.ArrayContains($.existing.matches, true)' },
    resultPath: '$.existing',
  });
  const endpointExists = new sfn.Choice(scope, 'EndpointExists');

  // Problems: described once, notified, then a Fail state named after the problem.
  const problem = (id: string, error: string, cause: string) => new sfn.Pass(scope, id, {
    parameters: { error, cause },
    resultPath: '$.deploymentProblem',
  });
  const notifyProblem = new tasks.SnsPublish(scope, 'NotifyDeploymentProblem', {
    topic: props.topic,
    subject: `MLOps ${props.modelName}: deployment did not complete`,
    message: sfn.TaskInput.fromObject({
      model: props.modelName,
      environment: props.environmentName,
      endpoint: props.endpointName,
      execution: sfn.JsonPath.executionId,
      modelPackageArn: sfn.JsonPath.stringAt('$.registration.modelPackageArn'),
      problem: sfn.JsonPath.stringAt('$.deploymentProblem.error'),
      cause: sfn.JsonPath.stringAt('$.deploymentProblem.cause'),
    }),
    resultPath: sfn.JsonPath.DISCARD,
  });
  const deploymentFailed = new sfn.Fail(scope, 'DeploymentFailed', { errorPath: '$.deploymentProblem.error', causePath: '$.deploymentProblem.cause' });
  notifyProblem.addRetry(backoff(TRANSIENT_ERRORS.sns, 2, 5));
  notifyProblem.addCatch(deploymentFailed, { errors: ['States.ALL'], resultPath: '$.notificationError' });
  notifyProblem.next(deploymentFailed);
  // Problems are recorded for auditors before they are notified; a failed record must not hide the problem.
  const recordProblem = (id: string, milestone: 'rollback' | 'deployment-failed'): sfn.IChainable => {
    if (!props.lineage) return notifyProblem;
    const task = recordMilestone(scope, id, props.lineage, milestone);
    task.addCatch(notifyProblem, { errors: ['States.ALL'], resultPath: '$.lineageError' });
    return task.next(notifyProblem);
  };
  const recordFailure = recordProblem('RecordDeploymentFailure', 'deployment-failed');

  // First deployment: create, wait until InService; a failed creation is deleted again.
  const createEndpoint = sdk(scope, 'CreateEndpoint', 'sagemaker', 'createEndpoint', {
    EndpointName: props.endpointName,
    'EndpointConfigName.$': '$.deployment.endpointConfigName',
    Tags: tags,
  });
  const waitForCreation = new sfn.Wait(scope, 'WaitForEndpointCreation', { time: sfn.WaitTime.duration(Duration.seconds(ENDPOINT_POLL_SECONDS)) });
  // The whole description: FailureReason is only there on failures, and selecting a missing field fails the state.
  const describe = (id: string) => sdk(scope, id, 'sagemaker', 'describeEndpoint', { EndpointName: props.endpointName }, { resultPath: '$.endpoint' });
  const described = () => sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.endpoint'));
  const describeCreation = describe('DescribeNewEndpoint');
  const creationStatus = new sfn.Choice(scope, 'EndpointCreationStatus');
  const deleteFailedEndpoint = sdk(scope, 'DeleteFailedEndpoint', 'sagemaker', 'deleteEndpoint', { EndpointName: props.endpointName });
  const creationFailed = problem('EndpointCreationFailed', 'EndpointCreationFailed',
    sfn.JsonPath.format(`Endpoint ${props.endpointName} failed to create and was deleted, the next run creates it again. Check the instance quota of ${s.mode === 'realtime' ? s.instanceType : 'serverless inference'} and the endpoint CloudWatch logs. SageMaker described it as {}`, described()));

  // Later deployments: wait until the endpoint is idle, then update with guardrails.
  const describeCurrent = describe('DescribeEndpoint');
  const currentStatus = new sfn.Choice(scope, 'EndpointIdle');
  const waitForIdle = new sfn.Wait(scope, 'WaitForIdleEndpoint', { time: sfn.WaitTime.duration(Duration.seconds(ENDPOINT_POLL_SECONDS)) });
  const notUpdatable = problem('EndpointNotUpdatable', 'EndpointNotUpdatable',
    sfn.JsonPath.format(`Endpoint ${props.endpointName} is in state {} and cannot be updated. Failed: delete it (aws sagemaker delete-endpoint --endpoint-name ${props.endpointName}) and run the pipeline again; `
      + 'UpdateRollbackFailed: it serves a mix of two configurations, update it to one of them by hand or delete it, then run again; '
      + `OutOfService or Deleting: let the deletion finish, then run again. SageMaker described it as {}`,
      sfn.JsonPath.stringAt('$.endpoint.EndpointStatus'), described()));
  const rememberPrevious = new sfn.Pass(scope, 'RememberPreviousConfig', {
    parameters: { 'name.$': '$.endpoint.EndpointConfigName' },
    resultPath: '$.deployment.previous',
  });
  const update = sdk(scope, 'UpdateEndpoint', 'sagemaker', 'updateEndpoint', {
    EndpointName: props.endpointName,
    'EndpointConfigName.$': '$.deployment.endpointConfigName',
    ...(s.mode === 'realtime' ? {
      // Keep the instance count autoscaling chose (counts otherwise reset to the initial count); data capture follows the new configuration.
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DataCaptureConfig' }],
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: trafficRouting(s.rollout),
          TerminationWaitInSeconds: s.rollout.terminationWaitSeconds,
          MaximumExecutionTimeoutInSeconds: s.rollout.maximumExecutionTimeoutSeconds,
        },
        AutoRollbackConfiguration: { Alarms: props.rollbackAlarmNames.map((name) => ({ AlarmName: name })) },
      },
    } : {}),
  });
  // Autoscaling blocks an update that changes a registered variant's instance type:
  // deregister first when the type changes; registering again after the rollout restores it.
  let beforeUpdate: sfn.IChainable = update;
  const typeChangeTasks: sfn.CustomState[] = [];
  if (s.mode === 'realtime' && s.autoscaling) {
    const describePrevious = sdk(scope, 'DescribeCurrentConfig', 'sagemaker', 'describeEndpointConfig', { 'EndpointConfigName.$': '$.deployment.previous.name' }, {
      resultSelector: { 'variants.$': '$.ProductionVariants' },
      resultPath: '$.deployment.previous.config',
    });
    const deregister = sdk(scope, 'DeregisterForTypeChange', 'applicationautoscaling', 'deregisterScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ResourceId: `endpoint/${props.endpointName}/variant/${VARIANT_NAME}`,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    });
    deregister.addCatch(update, { errors: ['ApplicationAutoScaling.ObjectNotFoundException'], resultPath: sfn.JsonPath.DISCARD });
    // A serverless variant has no InstanceType: a change of type too.
    const previousType = '$.deployment.previous.config.variants[0].InstanceType';
    const sameType = new sfn.Choice(scope, 'InstanceTypeChanges')
      .when(sfn.Condition.and(sfn.Condition.isPresent(previousType), sfn.Condition.isString(previousType), sfn.Condition.stringEquals(previousType, s.instanceType)), update)
      .otherwise(deregister.next(update));
    describePrevious.next(sameType);
    beforeUpdate = describePrevious;
    typeChangeTasks.push(describePrevious, deregister);
  }
  const waitForRollout = new sfn.Wait(scope, 'WaitForRollout', { time: sfn.WaitTime.duration(Duration.seconds(ENDPOINT_POLL_SECONDS)) });
  const describeRollout = describe('DescribeRollout');
  waitForRollout.next(describeRollout);
  const rolloutStatus = new sfn.Choice(scope, 'RolloutStatus');
  const rolledBack = problem('RolloutRolledBack', 'RolloutRolledBack',
    sfn.JsonPath.format(`A rollback alarm fired while ${props.endpointName} moved to {}: SageMaker rolled back, {} still serves. See the alarm history and the endpoint CloudWatch logs.`,
      sfn.JsonPath.stringAt('$.deployment.endpointConfigName'), sfn.JsonPath.stringAt('$.endpoint.EndpointConfigName')));
  const updateFailed = problem('EndpointUpdateFailed', 'EndpointUpdateFailed',
    sfn.JsonPath.format(`Updating ${props.endpointName} to {} ended in state {}. SageMaker described it as {}`,
      sfn.JsonPath.stringAt('$.deployment.endpointConfigName'), sfn.JsonPath.stringAt('$.endpoint.EndpointStatus'), described()));

  const creationUnusable = problem('CreatedEndpointUnusable', 'EndpointCreationFailed',
    sfn.JsonPath.format(`Endpoint ${props.endpointName} is in state {} while it was being created: the pipeline cannot use it. `
      + `Delete it (aws sagemaker delete-endpoint --endpoint-name ${props.endpointName}) and run the pipeline again. SageMaker described it as {}`,
    sfn.JsonPath.stringAt('$.endpoint.EndpointStatus'), described()));
  const rollbackFailed = problem('RolloutRollbackFailed', 'RolloutRollbackFailed',
    sfn.JsonPath.format(`Updating ${props.endpointName} to {} failed and so did the automatic rollback (UpdateRollbackFailed): it serves a mix of `
      + `both configurations. Update it to one configuration by hand (aws sagemaker update-endpoint) or delete it. SageMaker described it as {}`,
    sfn.JsonPath.stringAt('$.deployment.endpointConfigName'), described()));

  // Every wait is bounded: a transitional status past its number of looks ends in EndpointWaitExceeded.
  const STATUS = '$.endpoint.EndpointStatus';
  const status = (...names: readonly string[]) => sfn.Condition.or(...names.map((n) => sfn.Condition.stringEquals(STATUS, n)));
  const transitional = status(...ENDPOINT_STATUSES.transitional);
  const bounds = endpointPollBounds(s);
  const maxLooks = { creation: bounds.creation, idle: bounds.rollout, rollout: bounds.rollout };
  const poll = (kind: 'creation' | 'idle' | 'rollout', wait: sfn.Wait): { exceeded: sfn.Condition; onExceeded: sfn.IChainable; look: sfn.IChainable } => {
    const Kind = kind[0].toUpperCase() + kind.slice(1);
    const counts = Object.fromEntries((['creation', 'idle', 'rollout'] as const).map((k) => [`${k}.$`,
      k === kind ? `States.MathAdd($.deployment.polls.${k}, 1)` : `$.deployment.polls.${k}`]));
    const look = new sfn.Pass(scope, `Count${Kind}Look`, { parameters: counts, resultPath: '$.deployment.polls' });
    look.next(wait);
    const exceeded = problem(`${Kind}WaitExceeded`, 'EndpointWaitExceeded',
      sfn.JsonPath.format(`Endpoint ${props.endpointName} was still in state {} after ${maxLooks[kind]} looks ${ENDPOINT_POLL_SECONDS} seconds apart `
        + `(${kind === 'idle' ? 'waiting for it to become idle' : kind === 'creation' ? 'waiting for its creation' : 'waiting for the rollout'}): `
        + 'the pipeline stopped waiting. Check the endpoint in the SageMaker console and its CloudWatch logs. SageMaker described it as {}',
      sfn.JsonPath.stringAt(STATUS), described()));
    return {
      exceeded: sfn.Condition.and(transitional, sfn.Condition.numberGreaterThanEquals(`$.deployment.polls.${kind}`, maxLooks[kind])),
      onExceeded: exceeded.next(recordFailure),
      look,
    };
  };

  // After success: autoscaling (registering again is an update), then the serving record.
  const resourceId = `endpoint/${props.endpointName}/variant/${VARIANT_NAME}`;
  const scalingTasks: sfn.CustomState[] = [];
  if (s.mode === 'realtime' && s.autoscaling) {
    const a = s.autoscaling;
    scalingTasks.push(sdk(scope, 'RegisterScalableTarget', 'applicationautoscaling', 'registerScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: a.minInstances,
      MaxCapacity: a.maxInstances,
    }));
    scalingTasks.push(sdk(scope, 'ScaleOnInvocations', 'applicationautoscaling', 'putScalingPolicy', {
      PolicyName: 'invocations-per-instance',
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: a.targetInvocationsPerInstance,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        ScaleInCooldown: a.scaleInCooldownSeconds,
        ScaleOutCooldown: a.scaleOutCooldownSeconds,
      },
    }));
    if (a.targetGpuUtilization !== undefined) {
      scalingTasks.push(sdk(scope, 'ScaleOnGpuUtilization', 'applicationautoscaling', 'putScalingPolicy', {
        PolicyName: 'gpu-utilization',
        ServiceNamespace: 'sagemaker',
        ResourceId: resourceId,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: a.targetGpuUtilization,
          CustomizedMetricSpecification: {
            MetricName: 'GPUUtilization',
            Namespace: '/aws/sagemaker/Endpoints',
            Dimensions: [{ Name: 'EndpointName', Value: props.endpointName }, { Name: 'VariantName', Value: VARIANT_NAME }],
            Statistic: 'Average',
            Unit: 'Percent',
          },
          ScaleInCooldown: a.scaleInCooldownSeconds,
          ScaleOutCooldown: a.scaleOutCooldownSeconds,
        },
      }));
    }
  }
  update.next(waitForRollout);
  describeRollout.next(rolloutStatus);
  const recordServing = sdk(scope, 'RecordServing', 's3', 'putObject', {
    Bucket: props.servingRecord.bucketName,
    Key: props.servingRecord.key,
    ContentType: 'application/json',
    'Body.$': sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.serving')),
  });
  const describeServing = new sfn.Pass(scope, 'DescribeServing', {
    comment: 'What serves now, for the drift job and auditors (models/<model>/serving/current.json).',
    parameters: {
      schemaVersion: 1,
      endpointName: props.endpointName,
      variantName: VARIANT_NAME,
      'modelPackageArn.$': '$.registration.modelPackageArn',
      'modelName.$': '$.deployment.modelName',
      'endpointConfigName.$': '$.deployment.endpointConfigName',
      ...(props.baselineUriPath ? { 'baselineUri.$': props.baselineUriPath } : {}),
      'deployedAt.$': '$$.State.EnteredTime',
      'executionArn.$': '$$.Execution.Id',
    },
    resultPath: '$.serving',
  });
  const deployed = new sfn.Pass(scope, 'Deployed', { comment: 'The endpoint serves the approved model.' });

  // Wiring.
  const afterInService: sfn.IChainable = scalingTasks.length
    ? scalingTasks.reduce<sfn.Chain | undefined>((chain, t) => (chain ? chain.next(t) : sfn.Chain.start(t)), undefined)!
    : describeServing;
  if (scalingTasks.length) scalingTasks[scalingTasks.length - 1].next(describeServing);
  const recordDeployed = props.lineage ? recordMilestone(scope, 'RecordDeployed', props.lineage, 'deployed') : undefined;
  if (recordDeployed) describeServing.next(recordServing).next(recordDeployed).next(deployed);
  else describeServing.next(recordServing).next(deployed);

  names.next(createModel).next(createConfig).next(findEndpoint).next(matchNames).next(summarize).next(endpointExists);
  endpointExists
    .when(sfn.Condition.booleanEquals('$.existing.found', true), describeCurrent)
    .otherwise(createEndpoint);
  createEndpoint.next(waitForCreation).next(describeCreation).next(creationStatus);
  const creationPoll = poll('creation', waitForCreation);
  creationStatus
    .when(status(ENDPOINT_STATUSES.inService), afterInService)
    .when(status(ENDPOINT_STATUSES.failed), deleteFailedEndpoint.next(creationFailed).next(recordFailure))
    .when(creationPoll.exceeded, creationPoll.onExceeded)
    .when(transitional, creationPoll.look)
    .when(status(...ENDPOINT_STATUSES.stuck), creationUnusable.next(recordFailure))
    .otherwise(creationUnusable);
  describeCurrent.next(currentStatus);
  waitForIdle.next(describeCurrent);
  const idlePoll = poll('idle', waitForIdle);
  currentStatus
    .when(status(ENDPOINT_STATUSES.inService), rememberPrevious.next(beforeUpdate))
    .when(status(ENDPOINT_STATUSES.failed, ...ENDPOINT_STATUSES.stuck), notUpdatable.next(recordFailure))
    .when(idlePoll.exceeded, idlePoll.onExceeded)
    .when(transitional, idlePoll.look)
    .otherwise(notUpdatable);
  const rolloutPoll = poll('rollout', waitForRollout);
  rolloutStatus
    .when(sfn.Condition.and(status(ENDPOINT_STATUSES.inService), sfn.Condition.stringEqualsJsonPath('$.endpoint.EndpointConfigName', '$.deployment.endpointConfigName')), afterInService)
    .when(status(ENDPOINT_STATUSES.inService), rolledBack.next(recordProblem('RecordRollback', 'rollback')))
    .when(rolloutPoll.exceeded, rolloutPoll.onExceeded)
    .when(transitional, rolloutPoll.look)
    .when(status('UpdateRollbackFailed'), rollbackFailed.next(recordFailure))
    .when(status(ENDPOINT_STATUSES.failed, 'OutOfService', 'Deleting'), updateFailed.next(recordFailure))
    .otherwise(updateFailed);

  const sagemakerTasks = [createModel, createConfig, findEndpoint, createEndpoint, describeCreation, deleteFailedEndpoint, describeCurrent, ...typeChangeTasks.slice(0, 1), update, describeRollout];
  sagemakerTasks.forEach((t) => t.addRetry(backoff(TRANSIENT_ERRORS.sagemakerSdk, 5, 5)));
  [...typeChangeTasks.slice(1), ...scalingTasks].forEach((t) => t.addRetry(backoff(TRANSIENT_ERRORS.autoScalingSdk, 5, 5)));
  recordServing.addRetry(backoff(TRANSIENT_ERRORS.s3Sdk, 2, 5));
  return {
    start: names,
    deployed,
    tasks: [createModel, createConfig, findEndpoint, createEndpoint, describeCreation, deleteFailedEndpoint, describeCurrent, ...typeChangeTasks, update, describeRollout, ...scalingTasks, recordServing, ...(recordDeployed ? [recordDeployed] : [])],
  };
}

/** The guardrails' traffic routing for a rollout (SageMaker's limits validated in lib/config/serving.ts). */
function trafficRouting(rollout: Extract<ResolvedServing, { mode: 'realtime' }>['rollout']): object {
  switch (rollout.strategy) {
    case 'canary':
      return { Type: 'CANARY', WaitIntervalInSeconds: rollout.waitSeconds, CanarySize: { Type: 'CAPACITY_PERCENT', Value: rollout.trafficPercent } };
    case 'linear':
      return { Type: 'LINEAR', WaitIntervalInSeconds: rollout.waitSeconds, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: rollout.trafficPercent } };
    default:
      return { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: rollout.waitSeconds };
  }
}
