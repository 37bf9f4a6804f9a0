import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../compliance';
import { MlopsFunction } from '../private/mlops-function';

/**
 * The functions that delete a model's pipeline-owned endpoint: the cleanup custom resource's (on `cdk destroy`)
 * and the idle check's (non-production). Environments may share an account, so each may reach only its own
 * model's resources in its own environment (docs/serving.md#environments-sharing-an-account).
 */
export interface EndpointHousekeepingProps {
  /** The endpoint's name, the model's qualified name `<namespace>-<environment>-<model>`. */
  readonly endpointName: string;
  /** The endpoint's ARN (lower case). */
  readonly endpointArn: string;
  /** Key ARN of the functions' log groups and dead-letter queues. */
  readonly logsKeyArn: string;
}

/**
 * The prefix of every SageMaker model and endpoint configuration the pipeline creates for the endpoint's model:
 * `<qualified name>--`. No other model's or environment's names start with it: their qualified names differ and
 * no part of a qualified name contains `--` or ends with a hyphen.
 */
export function runtimeNamePrefix(endpointName: string): string {
  return `${endpointName}--`;
}

/** The cleanup custom resource's function: deletes the endpoint, then this model's configurations and models. */
export function endpointCleanupFunction(scope: Construct, props: EndpointHousekeepingProps): MlopsFunction {
  const stack = Stack.of(scope);
  const prefix = runtimeNamePrefix(props.endpointName);
  // `*`: the pipeline's per-run suffix (`<letter><id>`), unknown until it runs.
  const configs = stack.formatArn({ service: 'sagemaker', resource: 'endpoint-config', resourceName: `${prefix}*` });
  const models = stack.formatArn({ service: 'sagemaker', resource: 'model', resourceName: `${prefix}*` });
  const scaling = ownScalingStatement(scope);
  const cleanup = new MlopsFunction(scope, 'Cleanup', {
    handler: 'endpoint-cleanup',
    description: `Deletes endpoint ${props.endpointName} and the pipeline's SageMaker models and configurations when the stack is deleted`,
    logsKeyArn: props.logsKeyArn,
    invokedBy: 'CloudFormation (custom resource)',
    // CloudFormation invokes custom resources asynchronously: keep failed events.
    deadLetterQueue: true,
    timeout: Duration.minutes(12),
    statements: [
      new iam.PolicyStatement({ actions: ['sagemaker:DeleteEndpoint', 'sagemaker:DescribeEndpoint'], resources: [props.endpointArn] }),
      new iam.PolicyStatement({ actions: ['sagemaker:DeleteEndpointConfig'], resources: [configs] }),
      new iam.PolicyStatement({ actions: ['sagemaker:DeleteModel'], resources: [models] }),
      // `*`: List actions have no resource-level permissions; the handler keeps only names starting with the prefix.
      new iam.PolicyStatement({ actions: ['sagemaker:ListEndpointConfigs', 'sagemaker:ListModels'], resources: ['*'] }),
      scaling.statement,
    ],
  });
  const policy = cleanup.policy.node.defaultChild as iam.CfnManagedPolicy;
  acknowledgeWildcardResources(
    policy,
    ['*'],
    'Only sagemaker:ListEndpointConfigs, sagemaker:ListModels and X-Ray tracing are granted on "*": none has resource-level permissions.',
  );
  acknowledgeWildcardResources(
    policy,
    [configs, models],
    "The pipeline names each run's SageMaker model and endpoint configuration <namespace>-<environment>-<model>--<letter><id>; " +
      "the pattern is this model's qualified name in this environment, which no other model's or environment's names start with.",
  );
  acknowledgeWildcardResources(policy, [scaling.targets], SCALING_TARGETS_REASON);
  return cleanup;
}

/** The idle check's function: hourly, deletes the endpoint when it has served nothing for `hours` (lambda/endpoint-idle-stop). */
export function idleStopFunction(scope: Construct, hours: number, props: EndpointHousekeepingProps): MlopsFunction {
  const scaling = ownScalingStatement(scope);
  const fn = new MlopsFunction(scope, 'IdleStop', {
    handler: 'endpoint-idle-stop',
    description: `Deletes endpoint ${props.endpointName} after ${hours} hours without an invocation`,
    logsKeyArn: props.logsKeyArn,
    invokedBy: 'EventBridge Scheduler',
    deadLetterQueue: true,
    environment: { ENDPOINT_NAME: props.endpointName, IDLE_HOURS: String(hours) },
    statements: [
      new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint'], resources: [props.endpointArn] }),
      // `*`: CloudWatch metrics have no ARN; the handler queries this endpoint's Invocations only.
      new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
      scaling.statement,
    ],
  });
  const policy = fn.policy.node.defaultChild as iam.CfnManagedPolicy;
  acknowledgeWildcardResources(
    policy,
    ['*'],
    'Only cloudwatch:GetMetricData and X-Ray tracing are granted on "*": metrics and trace segments have no resource-level permissions.',
  );
  acknowledgeWildcardResources(policy, [scaling.targets], SCALING_TARGETS_REASON);
  fn.addSchedule('Schedule', 'cron(45 * * * ? *)', {}, `Hourly idle check of ${props.endpointName}`);
  return fn;
}

const SCALING_TARGETS_REASON =
  "A scalable target's ARN ends in an ID Application Auto Scaling generates; the statement allows only " +
  'DeregisterScalableTarget, in this account and region, on SageMaker variant instance counts (condition keys), '
  + "and the handler names only this endpoint's variant.";

/**
 * Deregistering the endpoint's autoscaling before deleting it. A scalable target's ARN ends in an ID that
 * Application Auto Scaling generates, not in the endpoint's name, so no ARN pattern can single out this
 * endpoint: the statement is limited to this account and region and, by condition keys, to SageMaker
 * variants' instance counts; the handlers name only this endpoint's variant.
 */
function ownScalingStatement(scope: Construct): { statement: iam.PolicyStatement; targets: string } {
  // `*`: the generated scalable-target ID.
  const targets = Stack.of(scope).formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' });
  const statement = new iam.PolicyStatement({
    actions: ['application-autoscaling:DeregisterScalableTarget'],
    resources: [targets],
    conditions: {
      StringEquals: {
        'application-autoscaling:service-namespace': 'sagemaker',
        'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
      },
    },
  });
  return { statement, targets };
}
