/**
 * Deployment stage: deploys the approved model package. The pipeline, not CloudFormation, owns the endpoint
 * (docs/serving.md).
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { VARIANT_NAME } from '../../contracts/serving';
import { runtimeName } from '../runtime-names';
import { scalingSteps, typeChangeSteps } from './autoscaling';
import { deploymentPermissions } from './deployment-permissions';
import { DeploymentProblems, endpointStatusIs } from './deployment-problems';
import {
  endpointConfigSteps,
  rollbackAlarmNames,
  trafficRouting,
} from './endpoint-config';

export { approvalTarget, rollbackAlarmNames } from './endpoint-config';
export type { EndpointRef } from './endpoint-config';
import { ENDPOINT_POLL_SECONDS, ENDPOINT_STATUSES, endpointPollBounds } from './endpoint-status';
import { recordMilestone } from './lineage';
import { sdkCall } from './sdk-call';
import { catchInto, StagePermissions } from './stage';
import type { DeploymentStageProps } from './deployment-props';

export type { DeploymentStageProps } from './deployment-props';


/** The serving record's object name under `servingRecord.prefix`. */
export const SERVING_RECORD_FILE = 'current.json';

/**
 * **Input**: `$.registration.modelPackageArn` (and `baselineUriPath`). A SageMaker model and an endpoint
 * configuration (new names every run: both are immutable), then the endpoint is created (first run) or updated
 * with deployment guardrails and auto-rollback (later runs), autoscaling is registered, and the serving record is
 * written. **Output**: `$.deployment` (names, polls), `$.serving` (what serves now), then `deployed`.
 * **Errors**: each notified and ending in `DeploymentFailed` with a readable cause: `EndpointCreationFailed` (the
 * failed endpoint is deleted, so the next run starts clean), `RolloutRolledBack` (an alarm fired: the previous
 * model still serves), `EndpointUpdateFailed`, `RolloutRollbackFailed`, `EndpointNotUpdatable` (an operator must
 * act), `EndpointWaitExceeded`; failed calls go to `onFailure`.
 */
export function deploymentStage(
  scope: Construct,
  props: DeploymentStageProps,
): StagePermissions & { readonly start: sfn.State; readonly deployed: sfn.Pass } {
  const s = props.serving;
  const endpointName = props.endpoint.endpointName;
  const names = new sfn.Pass(scope, 'PrepareDeployment', {
    comment:
      'Names for the SageMaker model and endpoint configuration of this run: <prefix>--m<12 hex>, <prefix>--c<12 hex> (63 characters at most).',
    parameters: {
      endpointName,
      modelName: runtimeName(props.runtimeNamePrefix, 'm'),
      endpointConfigName: runtimeName(props.runtimeNamePrefix, 'c'),
      polls: { creation: 0, idle: 0, rollout: 0 },
    },
    resultPath: '$.deployment',
  });
  const { createModel, createConfig } = endpointConfigSteps(scope, props);
  const sagemaker = (id: string, action: string, parameters: object, extra: { resultSelector?: object; resultPath?: string } = {}) =>
    sdkCall(scope, id, { service: 'sagemaker', action, parameters, resultSelector: extra.resultSelector, resultPath: extra.resultPath ?? null });

  // Does the endpoint exist? ListEndpoints matches substrings ("churn" also finds "churn2"), so each
  // listed name is compared with the exact one, without JSONPath filters (whose empty results differ
  // between engines) and without relying on the error name of a failed DescribeEndpoint.
  const findEndpoint = sagemaker(
    'FindEndpoint',
    'listEndpoints',
    { NameContains: endpointName, MaxResults: 100 },
    {
      resultSelector: { 'endpoints.$': '$.Endpoints' },
      resultPath: '$.existing',
    },
  );
  const matchNames = new sfn.Map(scope, 'MatchEndpointNames', {
    itemsPath: '$.existing.endpoints',
    itemSelector: { 'same.$': `States.ArrayContains(States.Array($$.Map.Item.Value.EndpointName), '${endpointName}')` },
    resultPath: '$.existing.matches',
    maxConcurrency: 1,
  });
  matchNames.itemProcessor(new sfn.Pass(scope, 'NameMatches', { outputPath: '$.same' }));
  const summarize = new sfn.Pass(scope, 'SummarizeEndpointSearch', {
    parameters: { 'found.$': 'States.ArrayContains($.existing.matches, true)' },
    resultPath: '$.existing',
  });
  const endpointExists = new sfn.Choice(scope, 'EndpointExists');
  const problems = new DeploymentProblems(scope, { ...props, endpointName });
  const wait = (id: string) => new sfn.Wait(scope, id, { time: sfn.WaitTime.duration(Duration.seconds(ENDPOINT_POLL_SECONDS)) });

  // First deployment: create, wait until InService; a failed creation is deleted again.
  const createEndpoint = sagemaker('CreateEndpoint', 'createEndpoint', {
    EndpointName: endpointName,
    'EndpointConfigName.$': '$.deployment.endpointConfigName',
    Tags: [
      { Key: 'mlops:model', Value: props.modelName },
      { Key: 'mlops:environment', Value: props.environmentName },
    ],
  });
  const waitForCreation = wait('WaitForEndpointCreation');
  // The whole description: FailureReason is only there on failures, and selecting a missing field fails the state.
  const describe = (id: string) => sagemaker(id, 'describeEndpoint', { EndpointName: endpointName }, { resultPath: '$.endpoint' });
  const describeCreation = describe('DescribeNewEndpoint');
  const creationStatus = new sfn.Choice(scope, 'EndpointCreationStatus');
  const deleteFailedEndpoint = sagemaker('DeleteFailedEndpoint', 'deleteEndpoint', { EndpointName: endpointName });

  const { creationFailed, notUpdatable, rolledBack, updateFailed, creationUnusable, rollbackFailed } = problems.endings(s);

  // Later deployments: wait until the endpoint is idle, then update with guardrails.
  const describeCurrent = describe('DescribeEndpoint');
  const currentStatus = new sfn.Choice(scope, 'EndpointIdle');
  const waitForIdle = wait('WaitForIdleEndpoint');
  const rememberPrevious = new sfn.Pass(scope, 'RememberPreviousConfig', {
    parameters: { 'name.$': '$.endpoint.EndpointConfigName' },
    resultPath: '$.deployment.previous',
  });
  const update = sagemaker('UpdateEndpoint', 'updateEndpoint', {
    EndpointName: endpointName,
    'EndpointConfigName.$': '$.deployment.endpointConfigName',
    ...(s.mode === 'realtime'
      ? {
          // Keep the instance count autoscaling chose (counts otherwise reset to the initial count); data capture follows the new configuration.
          RetainAllVariantProperties: true,
          ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DataCaptureConfig' }],
          DeploymentConfig: {
            BlueGreenUpdatePolicy: {
              TrafficRoutingConfiguration: trafficRouting(s.rollout),
              TerminationWaitInSeconds: s.rollout.terminationWaitSeconds,
              MaximumExecutionTimeoutInSeconds: s.rollout.maximumExecutionTimeoutSeconds,
            },
            AutoRollbackConfiguration: { Alarms: rollbackAlarmNames(props).map((name) => ({ AlarmName: name })) },
          },
        }
      : {}),
  });
  const typeChange = s.mode === 'realtime' && s.autoscaling ? typeChangeSteps(scope, endpointName, s, update) : undefined;
  const beforeUpdate = typeChange?.start ?? update;
  const waitForRollout = wait('WaitForRollout');
  const describeRollout = describe('DescribeRollout');
  waitForRollout.next(describeRollout);
  const rolloutStatus = new sfn.Choice(scope, 'RolloutStatus');

  // Every wait is bounded: a transitional status past its number of looks ends in EndpointWaitExceeded.
  const transitional = endpointStatusIs(...ENDPOINT_STATUSES.transitional);
  const bounds = endpointPollBounds(s);

  // After success: autoscaling (registering again is an update), then the serving record.
  const scalingTasks = s.mode === 'realtime' && s.autoscaling ? scalingSteps(scope, endpointName, s.autoscaling) : [];
  update.next(waitForRollout);
  describeRollout.next(rolloutStatus);
  const recordServing = sdkCall(scope, 'RecordServing', {
    service: 's3',
    action: 'putObject',
    parameters: {
      Bucket: props.servingRecord.bucket.bucketName,
      Key: `${props.servingRecord.prefix}${SERVING_RECORD_FILE}`,
      ContentType: 'application/json',
      'Body.$': sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.serving')),
    },
    resultPath: null,
  });
  const describeServing = new sfn.Pass(scope, 'DescribeServing', {
    comment: 'What serves now, for the drift job and auditors (models/<model>/serving/current.json).',
    parameters: {
      schemaVersion: 1,
      endpointName,
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

  names.next(createModel);
  createConfig.next(findEndpoint).next(matchNames).next(summarize).next(endpointExists);
  endpointExists.when(sfn.Condition.booleanEquals('$.existing.found', true), describeCurrent).otherwise(createEndpoint);
  createEndpoint.next(waitForCreation).next(describeCreation).next(creationStatus);
  const creationPoll = problems.boundedWait('creation', waitForCreation, bounds.creation);
  creationStatus
    .when(endpointStatusIs(ENDPOINT_STATUSES.inService), afterInService)
    .when(endpointStatusIs(ENDPOINT_STATUSES.failed), deleteFailedEndpoint.next(creationFailed).next(problems.recordFailure))
    .when(creationPoll.exceeded, creationPoll.onExceeded)
    .when(transitional, creationPoll.look)
    .when(endpointStatusIs(...ENDPOINT_STATUSES.stuck), creationUnusable.next(problems.recordFailure))
    .otherwise(creationUnusable);
  describeCurrent.next(currentStatus);
  waitForIdle.next(describeCurrent);
  const idlePoll = problems.boundedWait('idle', waitForIdle, bounds.rollout);
  currentStatus
    .when(endpointStatusIs(ENDPOINT_STATUSES.inService), rememberPrevious.next(beforeUpdate))
    .when(endpointStatusIs(ENDPOINT_STATUSES.failed, ...ENDPOINT_STATUSES.stuck), notUpdatable.next(problems.recordFailure))
    .when(idlePoll.exceeded, idlePoll.onExceeded)
    .when(transitional, idlePoll.look)
    .otherwise(notUpdatable);
  const rolloutPoll = problems.boundedWait('rollout', waitForRollout, bounds.rollout);
  rolloutStatus
    .when(
      sfn.Condition.and(
        endpointStatusIs(ENDPOINT_STATUSES.inService),
        sfn.Condition.stringEqualsJsonPath('$.endpoint.EndpointConfigName', '$.deployment.endpointConfigName'),
      ),
      afterInService,
    )
    .when(endpointStatusIs(ENDPOINT_STATUSES.inService), rolledBack.next(problems.recordRollback()))
    .when(rolloutPoll.exceeded, rolloutPoll.onExceeded)
    .when(transitional, rolloutPoll.look)
    .when(endpointStatusIs('UpdateRollbackFailed'), rollbackFailed.next(problems.recordFailure))
    .when(endpointStatusIs(ENDPOINT_STATUSES.failed, 'OutOfService', 'Deleting'), updateFailed.next(problems.recordFailure))
    .otherwise(updateFailed);

  for (const task of [
    createModel,
    createConfig,
    findEndpoint,
    createEndpoint,
    describeCreation,
    deleteFailedEndpoint,
    describeCurrent,
    ...(typeChange?.tasks ?? []),
    update,
    describeRollout,
    ...scalingTasks,
    recordServing,
    ...(recordDeployed ? [recordDeployed] : []),
  ]) {
    catchInto(task, props.onFailure);
  }
  return { start: names, deployed, ...deploymentPermissions(scope, props) };
}
