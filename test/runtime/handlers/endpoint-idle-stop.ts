/** Calls of `lambda/endpoint-idle-stop`: describes its endpoint, reads its invocations, deletes it when idle. */
import { HandlerCallInput, HandlerCallTable } from '../types';
import { sagemakerArn, variable } from './common';
import { deregisterVariant } from './endpoint-housekeeping';

const endpoint = (input: HandlerCallInput) => variable(input, 'ENDPOINT_NAME');

export const ENDPOINT_IDLE_STOP_CALLS: HandlerCallTable = {
  DescribeEndpointCommand: (input) => [{ action: 'sagemaker:DescribeEndpoint', resource: sagemakerArn(input.aws, 'endpoint', endpoint(input)),
    why: 'DescribeEndpointCommand (status and last change)' }],
  // GetMetricData has no required resource type (metrics have no ARN).
  GetMetricDataCommand: () => [{ action: 'cloudwatch:GetMetricData', resource: '*',
    why: 'GetMetricDataCommand (the endpoint\'s invocations over the idle window)' }],
  DeregisterScalableTargetCommand: (input) => deregisterVariant(input, endpoint(input),
    'DeregisterScalableTargetCommand (the idle endpoint\'s autoscaling)'),
  DeleteEndpointCommand: (input) => [{ action: 'sagemaker:DeleteEndpoint', resource: sagemakerArn(input.aws, 'endpoint', endpoint(input)),
    why: 'DeleteEndpointCommand (stops the idle endpoint)' }],
};
