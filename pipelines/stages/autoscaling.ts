/** The deployment stage's autoscaling steps: deregistration before an instance type change, registration after a rollout. */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RealtimeServing, VARIANT_NAME } from '../../contracts/serving';
import { sdkCall } from './sdk-call';
import { StagePermissions } from './stage';

/** The scalable dimension of a SageMaker variant's instance count. */
const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

/** The variant's Application Auto Scaling resource id. */
function resourceId(endpointName: string): string {
  return `endpoint/${endpointName}/variant/${VARIANT_NAME}`;
}

/**
 * Autoscaling blocks an update that changes a registered variant's instance type: `DescribeCurrentConfig`
 * reads the deployed configuration (`$.deployment.previous.name`) and, when the type changes,
 * `DeregisterForTypeChange` deregisters the variant (registering again after the rollout restores it) before
 * `update`. Returns the first step and its SDK-call states (the caller adds the failure catch).
 */
export function typeChangeSteps(
  scope: Construct,
  endpointName: string,
  serving: RealtimeServing,
  update: sfn.IChainable,
): {
  readonly start: sfn.IChainable;
  readonly tasks: sfn.CustomState[];
} {
  const describePrevious = sdkCall(scope, 'DescribeCurrentConfig', {
    service: 'sagemaker',
    action: 'describeEndpointConfig',
    parameters: { 'EndpointConfigName.$': '$.deployment.previous.name' },
    resultSelector: { 'variants.$': '$.ProductionVariants' },
    resultPath: '$.deployment.previous.config',
  });
  const deregister = sdkCall(scope, 'DeregisterForTypeChange', {
    service: 'applicationautoscaling',
    action: 'deregisterScalableTarget',
    parameters: { ServiceNamespace: 'sagemaker', ResourceId: resourceId(endpointName), ScalableDimension: DIMENSION },
    resultPath: null,
  });
  deregister.addCatch(update, { errors: ['ApplicationAutoScaling.ObjectNotFoundException'], resultPath: sfn.JsonPath.DISCARD });
  // A serverless variant has no InstanceType: a change of type too.
  const previousType = '$.deployment.previous.config.variants[0].InstanceType';
  const sameType = new sfn.Choice(scope, 'InstanceTypeChanges')
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent(previousType),
        sfn.Condition.isString(previousType),
        sfn.Condition.stringEquals(previousType, serving.instanceType),
      ),
      update,
    )
    .otherwise(deregister.next(update));
  describePrevious.next(sameType);
  return { start: describePrevious, tasks: [describePrevious, deregister] };
}

/**
 * After the endpoint serves: registers the variant's scalable target (registering again is an update) and its
 * target tracking policies, on invocations per instance and, when set, GPU utilization. Returns the steps in
 * order (the caller chains them and adds the failure catch).
 */
export function scalingSteps(scope: Construct, endpointName: string, a: NonNullable<RealtimeServing['autoscaling']>): sfn.CustomState[] {
  const register = (id: string, action: string, parameters: object) =>
    sdkCall(scope, id, { service: 'applicationautoscaling', action, parameters, resultPath: null });
  const steps = [
    register('RegisterScalableTarget', 'registerScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId(endpointName),
      ScalableDimension: DIMENSION,
      MinCapacity: a.minInstances,
      MaxCapacity: a.maxInstances,
    }),
    register('ScaleOnInvocations', 'putScalingPolicy', {
      PolicyName: 'invocations-per-instance',
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId(endpointName),
      ScalableDimension: DIMENSION,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: a.targetInvocationsPerInstance,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        ScaleInCooldown: a.scaleInCooldownSeconds,
        ScaleOutCooldown: a.scaleOutCooldownSeconds,
      },
    }),
  ];
  if (a.targetGpuUtilization !== undefined) {
    steps.push(
      register('ScaleOnGpuUtilization', 'putScalingPolicy', {
        PolicyName: 'gpu-utilization',
        ServiceNamespace: 'sagemaker',
        ResourceId: resourceId(endpointName),
        ScalableDimension: DIMENSION,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: a.targetGpuUtilization,
          CustomizedMetricSpecification: {
            MetricName: 'GPUUtilization',
            Namespace: '/aws/sagemaker/Endpoints',
            Dimensions: [
              { Name: 'EndpointName', Value: endpointName },
              { Name: 'VariantName', Value: VARIANT_NAME },
            ],
            Statistic: 'Average',
            Unit: 'Percent',
          },
          ScaleInCooldown: a.scaleInCooldownSeconds,
          ScaleOutCooldown: a.scaleOutCooldownSeconds,
        },
      }),
    );
  }
  return steps;
}

/**
 * What the autoscaling steps need: Application Auto Scaling on SageMaker variants (which checks that the
 * caller may describe and resize the endpoint), the alarms target tracking creates, and its service-linked role.
 */
export function autoscalingPermissions(scope: Construct, endpointName: string): StagePermissions & { readonly endpointActions: string[] } {
  const stack = Stack.of(scope);
  const targetTrackingAlarms = stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `TargetTracking-endpoint/${endpointName}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const scalableTargets = stack.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' });
  return {
    endpointActions: ['sagemaker:UpdateEndpointWeightsAndCapacities'],
    statements: [
      // Target tracking creates and removes its own alarms on the endpoint's behalf.
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
        resources: [targetTrackingAlarms],
      }),
      new iam.PolicyStatement({
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [
          stack.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName:
              'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
          }),
        ],
        conditions: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
      }),
      // The Application Auto Scaling Describe actions have no resource-level permissions.
      new iam.PolicyStatement({
        actions: ['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScalingPolicies'],
        resources: ['*'],
      }),
      // A scalable target's ARN ends in an ID Application Auto Scaling generates, never the endpoint's name: limited
      // to this account and region and, by condition keys, to SageMaker variants' instance counts.
      new iam.PolicyStatement({
        actions: [
          'application-autoscaling:RegisterScalableTarget',
          'application-autoscaling:PutScalingPolicy',
          'application-autoscaling:DeregisterScalableTarget',
        ],
        resources: [scalableTargets],
        conditions: {
          StringEquals: { 'application-autoscaling:service-namespace': 'sagemaker', 'application-autoscaling:scalable-dimension': DIMENSION },
        },
      }),
    ],
    wildcards: [
      {
        resources: [targetTrackingAlarms, scalableTargets],
        reason:
          'Target tracking names its alarms after the endpoint, and scalable targets end in a generated ID (limited by condition keys to ' +
            'SageMaker variant instance counts).',
      },
    ],
  };
}
