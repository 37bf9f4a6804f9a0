/** The deployment stage's first steps: this run's SageMaker model and endpoint configuration. */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RealtimeServing, ResolvedServing, VARIANT_NAME } from '../../contracts/serving';
import { NetworkSettings, passJobRole } from './jobs';
import { sdkCall } from './sdk-call';
import { resourceTags, StagePermissions } from './stage';
import type { ApprovalDeploymentTarget } from '../../contracts/approval';

/** The endpoint the pipeline deploys to (lib/model/model-endpoint.ts: its alarms and dashboard). */
export interface EndpointRef {
  readonly endpointName: string;
  readonly endpointArn: string;
  /** The endpoint's own alarms that roll an update back. */
  readonly rollbackAlarms: cloudwatch.IAlarm[];
}

/** Every alarm that rolls an update back: the endpoint's own, then the serving settings' extra ones (names). */
export function rollbackAlarmNames(props: { readonly endpoint: EndpointRef; readonly serving: ResolvedServing }): string[] {
  return [...props.endpoint.rollbackAlarms.map((a) => a.alarmName), ...(props.serving.mode === 'realtime' ? props.serving.rollbackAlarmNames : [])];
}

/** Properties of {@link endpointConfigSteps}. */
export interface EndpointConfigProps {
  readonly modelName: string;
  readonly environmentName: string;
  /** `<namespace>-<environment>-<model>`: models and configurations are named `<prefix>--<m|c><12 hex>`. */
  readonly runtimeNamePrefix: string;
  readonly serving: ResolvedServing;
  /** Role the SageMaker model runs as (reads the artifact, pulls the image, writes captured data). */
  readonly executionRole: iam.IRole;
  /** Key for the endpoint's volumes (where allowed) and captured data. */
  readonly dataKey: kms.IKey;
  /** Where captured requests and responses go: SageMaker appends `<endpoint>/<variant>/yyyy/mm/dd/hh/`. */
  readonly capture: { readonly bucket: s3.IBucket; readonly prefix: string };
  /** Subnets and security groups of the model's containers. @default - no VPC */
  readonly vpc?: NetworkSettings;
}

/**
 * `CreateModel` (from `$.registration.modelPackageArn`, named `$.deployment.modelName`) then `CreateEndpointConfig`
 * (`$.deployment.endpointConfigName`): new names every run, both are immutable. Returns both SDK-call states, chained.
 */
export function endpointConfigSteps(
  scope: Construct,
  props: EndpointConfigProps,
): { readonly createModel: sfn.CustomState; readonly createConfig: sfn.CustomState } {
  const s = props.serving;
  const tags = resourceTags(props.modelName, props.environmentName);
  const sagemaker = (id: string, action: string, parameters: object) =>
    sdkCall(scope, id, { service: 'sagemaker', action, parameters, resultPath: null });
  const createModel = sagemaker('CreateModel', 'createModel', {
    'ModelName.$': '$.deployment.modelName',
    ExecutionRoleArn: props.executionRole.roleArn,
    PrimaryContainer: { 'ModelPackageName.$': '$.registration.modelPackageArn' },
    ...(props.vpc && s.mode === 'realtime' ? { VpcConfig: { Subnets: props.vpc.subnetIds, SecurityGroupIds: props.vpc.securityGroupIds } } : {}),
    Tags: tags,
  });
  const variant =
    s.mode === 'realtime'
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
  const createConfig = sagemaker('CreateEndpointConfig', 'createEndpointConfig', {
    'EndpointConfigName.$': '$.deployment.endpointConfigName',
    ProductionVariants: [variant],
    // Instance types with local NVMe storage reject a volume key (it is encrypted by the instance).
    ...(s.mode === 'realtime' && s.volumeKmsAllowed ? { KmsKeyId: props.dataKey.keyArn } : {}),
    ...(s.mode === 'realtime' && s.capture
      ? {
          DataCaptureConfig: {
            EnableCapture: true,
            InitialSamplingPercentage: s.capture.samplingPercent,
            DestinationS3Uri: `s3://${props.capture.bucket.bucketName}/${props.capture.prefix}`,
            KmsKeyId: props.dataKey.keyArn,
            CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
            CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
          },
        }
      : {}),
    Tags: tags,
  });
  createModel.next(createConfig);
  return { createModel, createConfig };
}

/** The ARN patterns of this model's per-run SageMaker models and endpoint configurations. */
export function perRunArns(scope: Construct, runtimeNamePrefix: string): { readonly model: string; readonly endpointConfig: string } {
  const arn = (type: string) => Stack.of(scope).formatArn({ service: 'sagemaker', resource: type, resourceName: `${runtimeNamePrefix}--*` });
  return { model: arn('model'), endpointConfig: arn('endpoint-config') };
}

/** What {@link endpointConfigSteps} need: create (and tag) this model's models and configurations, passing the model's role. */
export function endpointConfigPermissions(
  scope: Construct,
  props: Pick<EndpointConfigProps, 'runtimeNamePrefix' | 'executionRole'>,
): StagePermissions {
  const arns = perRunArns(scope, props.runtimeNamePrefix);
  return {
    statements: [
      new iam.PolicyStatement({
        actions: ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:AddTags'],
        resources: [arns.model, arns.endpointConfig],
      }),
      passJobRole(props.executionRole),
    ],
    wildcards: [
      {
        resources: [arns.model, arns.endpointConfig],
        reason: 'Each run creates a SageMaker model and endpoint configuration named <namespace>-<environment>-<model>--<letter><12 hex digits>.',
      },
    ],
  };
}

/** The guardrails' traffic routing for a rollout (SageMaker's limits validated in lib/config/serving.ts). */
export function trafficRouting(rollout: RealtimeServing['rollout']): object {
  switch (rollout.strategy) {
    case 'canary':
      return { Type: 'CANARY', WaitIntervalInSeconds: rollout.waitSeconds, CanarySize: { Type: 'CAPACITY_PERCENT', Value: rollout.trafficPercent } };
    case 'linear':
      return {
        Type: 'LINEAR',
        WaitIntervalInSeconds: rollout.waitSeconds,
        LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: rollout.trafficPercent },
      };
    default:
      return { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: rollout.waitSeconds };
  }
}

/** Where approving deploys, for the approval page: the endpoint and how an update reaches it (the approval contract). */
export function approvalTarget(props: { readonly endpoint: EndpointRef; readonly serving: ResolvedServing }): ApprovalDeploymentTarget {
  const s = props.serving;
  const endpointName = props.endpoint.endpointName;
  if (s.mode === 'serverless') return { endpointName, mode: s.mode, memoryMb: s.memoryMb, maxConcurrency: s.maxConcurrency };
  return {
    endpointName,
    mode: s.mode,
    instanceType: s.instanceType,
    instanceCount: s.instanceCount,
    ...(s.autoscaling ? { autoscaling: { minInstances: s.autoscaling.minInstances, maxInstances: s.autoscaling.maxInstances } } : {}),
    rollout: s.rollout,
    rollbackAlarmNames: rollbackAlarmNames(props),
  };
}
