/**
 * A model's MLOps loop as other code sees it: its names, its endpoint, `grantInvoke` and `metric*`, whether it is
 * defined in this app (`MlopsModel`) or imported by name from another one (`MlopsModelBase.fromModelName`).
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { qualifiedModelName } from '../config/resolve-model';
import { endpointArnOf, EndpointBase } from './endpoint-base';

/** A model's MLOps loop in one environment. */
export interface IMlopsModel extends IConstruct {
  /** The model's name. */
  readonly modelName: string;
  /** The environment's name. */
  readonly environmentName: string;
  /** `<namespace>-<environment>-<model>`: the name of its endpoint, model package group and feature group. */
  readonly qualifiedName: string;
  /** The endpoint's name (the endpoint exists once the pipeline has deployed an approved model). */
  readonly endpointName: string;
  /** The endpoint's ARN. */
  readonly endpointArn: string;
  /** The model registry's model package group. */
  readonly modelPackageGroupName: string;
  /** The model package group's ARN. */
  readonly modelPackageGroupArn: string;
  /** The Feature Store feature group. */
  readonly featureGroupName: string;

  /** Lets `grantee` invoke the endpoint (real-time, streaming and asynchronous invocations). */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
  /** A metric of the endpoint's variant in the `AWS/SageMaker` namespace. @default - sum over 1 minute */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests to the endpoint. @default - sum over 1 minute */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests the model answered with a 4XX error. @default - sum over 1 minute */
  metricInvocation4xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests the model answered with a 5XX error. @default - sum over 1 minute */
  metricInvocation5xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Time the model took to answer, in microseconds. @default - average over 1 minute */
  metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** The names that identify a model in one environment of one installation. */
export interface MlopsModelNameAttributes {
  /** The installation's namespace (the `namespace` of the platform configuration). */
  readonly namespace: string;
  /** The environment's name. */
  readonly environmentName: string;
  /** The model's name (the `name` of its declaration). */
  readonly modelName: string;
}

/**
 * What every {@link IMlopsModel} derives from its qualified name: the endpoint, registry and feature group names
 * and ARNs (in the stack's partition, region and account), `grantInvoke` and the endpoint's metrics.
 */
export abstract class MlopsModelBase extends EndpointBase implements IMlopsModel {
  /**
   * A model defined elsewhere (another app, another stack), from its names. Its names follow the same rule as
   * `MlopsModel`'s; its ARNs are in the partition, region and account of the stack of `scope`.
   *
   * @throws ConfigError naming each invalid part, or a qualified name longer than the pipeline allows
   */
  public static fromModelName(scope: Construct, id: string, attrs: MlopsModelNameAttributes): IMlopsModel {
    const qualifiedName = qualifiedModelName(attrs, `MlopsModel.fromModelName(${JSON.stringify(id)})`);
    class Import extends MlopsModelBase {
      public readonly modelName = attrs.modelName;
      public readonly environmentName = attrs.environmentName;
      public readonly qualifiedName = qualifiedName;
    }
    return new Import(scope, id);
  }

  public abstract readonly modelName: string;
  public abstract readonly environmentName: string;
  public abstract readonly qualifiedName: string;

  public get endpointName(): string {
    return this.qualifiedName;
  }

  public get endpointArn(): string {
    return endpointArnOf(this, this.endpointName);
  }

  public get modelPackageGroupName(): string {
    return this.qualifiedName;
  }

  public get modelPackageGroupArn(): string {
    // SageMaker ARNs are lower-case in IAM matching; qualified names are lower-case by rule.
    return Stack.of(this).formatArn({
      service: 'sagemaker',
      resource: 'model-package-group',
      resourceName: this.modelPackageGroupName.toLowerCase(),
    });
  }

  public get featureGroupName(): string {
    return this.qualifiedName;
  }
}
