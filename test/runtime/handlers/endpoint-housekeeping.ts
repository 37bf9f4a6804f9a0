/** What the endpoint's cleanup and idle-stop functions share: deregistering the variant's autoscaling. */
import { HandlerCallInput, RuntimeCall } from '../types';
import { arnOf, sagemakerArn } from './common';

/**
 * DeregisterScalableTarget of `endpoint/<endpoint>/variant/AllTraffic`. The scalable target's ARN ends in an ID that
 * Application Auto Scaling generates (one stands in for it); the namespace and dimension are condition keys.
 * Application Auto Scaling validates the caller's permissions on the target service before it acts ("Permissions
 * validation for API calls on target resources"); of the SageMaker permissions it documents for endpoints
 * (DescribeEndpoint, DescribeEndpointConfig, UpdateEndpointWeightsAndCapacities), deregistering reads the endpoint.
 */
export function deregisterVariant(input: HandlerCallInput, endpointName: string, why: string): RuntimeCall[] {
  const target = arnOf(input.aws, 'application-autoscaling', 'scalable-target/0123456789abcdef0123456789abcdef');
  return [
    {
      action: 'application-autoscaling:DeregisterScalableTarget', resource: target, why,
      context: { 'application-autoscaling:service-namespace': 'sagemaker',
        'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount' },
    },
    { action: 'sagemaker:DescribeEndpoint', resource: sagemakerArn(input.aws, 'endpoint', endpointName),
      why: `${why}: Application Auto Scaling checks the endpoint` },
  ];
}
