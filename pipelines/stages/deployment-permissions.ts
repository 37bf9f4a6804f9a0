/** The IAM permissions of the deployment stage. */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { autoscalingPermissions } from './autoscaling';
import type { DeploymentStageProps } from './deployment-props';
import { endpointConfigPermissions } from './endpoint-config';
import { lineagePermissions } from './lineage';
import { publishPermissions } from './notifications';
import { mergePermissions, StagePermissions } from './stage';

/**
 * What the deployment stage may do: create this model's SageMaker models and endpoint configurations,
 * create/update/describe/delete its one endpoint, register its autoscaling, write the serving record, read
 * its rollback alarms, notify problems and record lineage.
 */
export function deploymentPermissions(scope: Construct, props: DeploymentStageProps): StagePermissions {
  const stack = Stack.of(scope);
  const servingObjects = props.servingRecord.bucket.arnForObjects(`${props.servingRecord.prefix}*`);
  const endpointConfigs = stack.formatArn({ service: 'sagemaker', resource: 'endpoint-config', resourceName: `${props.runtimeNamePrefix}--*` });
  const autoscaling = autoscalingPermissions(scope, props.endpoint.endpointName);
  const rollbackAlarms = props.endpoint.rollbackAlarms.map((a) => a.alarmArn);
  return mergePermissions(
    endpointConfigPermissions(scope, props),
    {
      statements: [
        // CreateEndpoint and UpdateEndpoint are also authorized against the endpoint configuration they deploy
        // (both resource types are required: Service Authorization Reference; aws/aws-cdk#11594).
        new iam.PolicyStatement({ actions: ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'], resources: [endpointConfigs] }),
        new iam.PolicyStatement({
          actions: [
            'sagemaker:CreateEndpoint',
            'sagemaker:UpdateEndpoint',
            'sagemaker:DescribeEndpoint',
            'sagemaker:DeleteEndpoint',
            'sagemaker:AddTags',
            ...autoscaling.endpointActions,
          ],
          resources: [props.endpoint.endpointArn],
        }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [servingObjects] }),
        ...(rollbackAlarms.length ? [new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: rollbackAlarms })] : []),
        // ListEndpoints has no resource-level permissions.
        new iam.PolicyStatement({ actions: ['sagemaker:ListEndpoints'], resources: ['*'] }),
      ],
      wildcards: [
        {
          resources: [servingObjects],
          reason: "The serving record lives under this model's serving prefix of the artifacts bucket, written once per deployment.",
        },
      ],
    },
    autoscaling,
    publishPermissions(props.notifications),
    ...(props.lineage ? [lineagePermissions(props.lineage)] : []),
  );
}
