/**
 * What every SageMaker endpoint of the blueprint offers, whether this app defines it (`ModelEndpoint`, `MlopsModel`)
 * or imports it by name (`MlopsModel.fromModelName`): its name and ARN, `grantInvoke` and the `AWS/SageMaker` metrics
 * of its one variant. Modelled on aws-sagemaker-alpha's `EndpointBase`.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { VARIANT_NAME } from '../../contracts/serving';

/** The ARN of endpoint `endpointName` in the account and region of `scope` (SageMaker ARNs are lower-case). */
export function endpointArnOf(scope: IConstruct, endpointName: string): string {
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: endpointName.toLowerCase() });
}

/** An endpoint's name and ARN with grants and metrics built from them. */
export abstract class EndpointBase extends Construct {
  /** The endpoint's name. */
  public abstract readonly endpointName: string;
  /** The endpoint's ARN. */
  public abstract readonly endpointArn: string;

  /** Lets `grantee` invoke the endpoint: real-time, streaming and asynchronous invocations. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream', 'sagemaker:InvokeEndpointAsync'],
      resourceArns: [this.endpointArn],
    });
  }

  /** A metric of the endpoint's variant in the `AWS/SageMaker` namespace (invocations, errors, latency). @default sum over 1 minute */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: VARIANT_NAME },
      period: Duration.minutes(1),
      statistic: 'Sum',
      ...props,
    });
  }

  /** Requests to the endpoint. @default sum over 1 minute */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', props);
  }

  /** Requests the model answered with a 4XX error. @default sum over 1 minute */
  public metricInvocation4xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation4XXErrors', props);
  }

  /** Requests the model answered with a 5XX error. @default sum over 1 minute */
  public metricInvocation5xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', props);
  }

  /** Time the model took to answer, in microseconds. @default average over 1 minute */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: 'Average', ...props });
  }
}
