import { CustomResource, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { vcpusOf } from '../config/instance-types';
import { ResolvedServing } from '../config/serving';
import { MlopsFunction } from '../private/mlops-function';
import { endpointArnOf, EndpointBase } from './endpoint-base';
import { endpointCleanupFunction, idleStopFunction, runtimeNamePrefix } from './endpoint-housekeeping';
import { isQualifiedName, QUALIFIED_NAME_RULE } from '../../contracts/names';
import { VARIANT_NAME } from '../../contracts/serving';

/** Properties of {@link ModelEndpoint}. */
export interface ModelEndpointProps {
  /**
   * The endpoint's name, the model's qualified name `<namespace>-<environment>-<model>`: the pipeline creates
   * the endpoint under it, and names this model's SageMaker models and endpoint configurations `<endpointName>--<id>`.
   */
  readonly endpointName: string;
  /** The model's name: `endpointName` ends with `-<modelName>`. */
  readonly modelName: string;
  /** Serving settings in this environment. */
  readonly serving: ResolvedServing;
  /** Topic of the alarms (KMS-encrypted; its key lets CloudWatch use it). */
  readonly alarmTopic: sns.ITopic;
  /** Key ARN of the cleanup function's log group. */
  readonly logsKeyArn: string;
  /**
   * Delete the endpoint after this many hours without an invocation (checked hourly).
   *
   * @default - never
   */
  readonly stopWhenIdleHours?: number;
}

/**
 * The CloudFormation side of a model's endpoint. The endpoint itself belongs to the training pipeline,
 * which creates it on the first approved model and updates it with guardrails afterwards (docs/serving.md).
 * This construct holds what exists before and around it: the alarms that page people and roll updates
 * back, a dashboard, `grantInvoke` and `metric*` for applications, and a cleanup custom resource that
 * deletes the endpoint (and the pipeline's SageMaker models and endpoint configurations) when the
 * stack is destroyed, so nothing costly is left running.
 */
export class ModelEndpoint extends EndpointBase {
  /** The endpoint's name (it exists once the pipeline has deployed a model). */
  public readonly endpointName: string;
  /** The endpoint's ARN. */
  public readonly endpointArn: string;
  /** Alarms that roll an update back: 5XX errors and model latency. */
  public readonly rollbackAlarms: cloudwatch.Alarm[];
  /** Every alarm of the endpoint. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The endpoint's dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The function that deletes the endpoint when idle (non-production). */
  public readonly idleStopFunction?: MlopsFunction;
  private readonly serving: ResolvedServing;

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    // The configuration is validated before any construct exists; this guards the names the cleanup relies on.
    const qualified = isQualifiedName(props.endpointName);
    if (!qualified || !props.endpointName.endsWith(`-${props.modelName}`)) {
      throw new Error(`ModelEndpoint ${this.node.path}: endpointName is ${JSON.stringify(props.endpointName)}; expected `
        + (qualified ? `<namespace>-<environment>-${props.modelName} (modelName is ${JSON.stringify(props.modelName)})` : QUALIFIED_NAME_RULE));
    }
    this.endpointName = props.endpointName;
    this.serving = props.serving;
    this.endpointArn = endpointArnOf(this, props.endpointName);

    const alarm = (
      id: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      evaluationPeriods: number,
      datapointsToAlarm: number,
    ) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: `${props.endpointName}: ${description}`,
        metric,
        threshold,
        evaluationPeriods,
        datapointsToAlarm,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No endpoint yet, or no traffic: not a problem.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      a.addOkAction(new actions.SnsAction(props.alarmTopic));
      return a;
    };
    const errors = alarm('Errors5xx', 'the model answered with 5XX errors in 2 of the last 3 minutes (rolls an update back)',
      this.metricInvocation5xxErrors({ period: Duration.minutes(1), statistic: 'Sum' }), 0, 3, 2);
    const latency = alarm(
      'Latency',
      `90th percentile model latency above ${this.serving.latencyThresholdMs} ms in 3 of the last 5 minutes (rolls an update back)`,
      this.metricModelLatency({ period: Duration.minutes(1), statistic: 'p90' }),
      this.serving.latencyThresholdMs * 1000,
      5,
      3,
    );
    this.rollbackAlarms = [errors, latency];
    this.alarms = [errors, latency];
    if (props.serving.mode === 'realtime') {
      const vcpus = vcpusOf(props.serving.instanceType) ?? 1;
      this.alarms.push(
        alarm(
          'Cpu',
          `CPU above 90% of its ${vcpus} vCPUs for 10 minutes`,
          this.metricCpuUtilization({ period: Duration.minutes(5) }),
          90 * vcpus,
          2,
          2,
        ),
        alarm('Disk', 'disk above 85% for 10 minutes', this.metricDiskUtilization({ period: Duration.minutes(5) }), 85, 2, 2),
      );
      if (props.serving.gpu) {
        this.alarms.push(
          alarm('GpuMemory', 'GPU memory above 90% for 10 minutes', this.metricGpuMemoryUtilization({ period: Duration.minutes(5) }), 90, 2, 2),
        );
      }
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# ${props.endpointName}\n${describeServing(props.serving)}. The training pipeline creates the endpoint when it deploys the ` +
              `first approved model; until then these graphs are empty.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Invocations and errors',
            left: [this.metricInvocations(), this.metricInvocation4xxErrors(), this.metricInvocation5xxErrors()],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Model latency (microseconds)',
            left: ['p50', 'p90', 'p99'].map((statistic) => this.metricModelLatency({ statistic, label: statistic })),
            width: 8,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8 }),
        ],
        ...(props.serving.mode === 'realtime'
          ? [
              [
                new cloudwatch.GraphWidget({
                  title: 'Instances (percent; CPU is summed over vCPUs)',
                  left: [this.metricCpuUtilization(), this.metricMemoryUtilization(), this.metricDiskUtilization()],
                  width: 12,
                }),
                new cloudwatch.GraphWidget({
                  title: props.serving.gpu ? 'GPU (percent)' : 'Invocations per instance',
                  left: props.serving.gpu
                    ? [this.metricGpuUtilization(), this.metricGpuMemoryUtilization()]
                    : [this.metric('InvocationsPerInstance')],
                  width: 12,
                }),
              ],
            ]
          : []),
      ],
    });

    // Cleanup on `cdk destroy`: the endpoint is not a CloudFormation resource, so delete it here. Environments
    // may share an account: the cleanup and the idle check reach only this model's resources in this environment.
    const housekeeping = { endpointName: props.endpointName, endpointArn: this.endpointArn, logsKeyArn: props.logsKeyArn };
    const cleanup = endpointCleanupFunction(this, housekeeping);
    this.alarms.push(alarm('CleanupFailed', 'the cleanup on stack deletion failed; the failed request is in the dead-letter queue',
      cleanup.deadLetterQueue!.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), 0, 1, 1));
    if (props.stopWhenIdleHours !== undefined) this.idleStopFunction = idleStopFunction(this, props.stopWhenIdleHours, housekeeping);

    new CustomResource(this, 'EndpointCleanup', {
      serviceToken: cleanup.function.functionArn,
      resourceType: 'Custom::MlopsEndpointCleanup',
      properties: { EndpointName: props.endpointName, ResourcePrefix: runtimeNamePrefix(props.endpointName) },
    });
  }

  /** An instance metric of the variant in the `/aws/sagemaker/Endpoints` namespace (real-time endpoints). */
  public metricInstance(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: '/aws/sagemaker/Endpoints',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: VARIANT_NAME },
      period: Duration.minutes(1),
      statistic: 'Average',
      ...props,
    });
  }

  /** CPU utilization in percent, summed over the vCPUs (up to 100 x vCPUs). @default average over 1 minute */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricInstance('CPUUtilization', props);
  }

  /** Memory utilization in percent. @default average over 1 minute */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricInstance('MemoryUtilization', props);
  }

  /** Disk utilization in percent. @default average over 1 minute */
  public metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricInstance('DiskUtilization', props);
  }

  /** GPU utilization in percent, summed over the GPUs (GPU instance types). @default average over 1 minute */
  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricInstance('GPUUtilization', props);
  }

  /** GPU memory utilization in percent, summed over the GPUs (GPU instance types). @default average over 1 minute */
  public metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricInstance('GPUMemoryUtilization', props);
  }
}

function describeServing(s: ResolvedServing): string {
  if (s.mode === 'serverless') return `Serverless inference, ${s.memoryMb} MB, up to ${s.maxConcurrency} concurrent invocations`;
  const scaling = s.autoscaling ? `autoscaling ${s.autoscaling.minInstances}-${s.autoscaling.maxInstances}` : 'fixed size';
  return `Real-time, ${s.instanceCount} x ${s.instanceType} (${scaling}), ${s.rollout.strategy} rollout with auto-rollback`;
}

export { endpointArnOf } from './endpoint-base';
