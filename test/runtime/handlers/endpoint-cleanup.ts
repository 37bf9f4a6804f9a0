/**
 * Calls of `lambda/endpoint-cleanup` (custom resource). Events: `{ RequestType, ResourceProperties: { EndpointName,
 * ResourcePrefix } }`. It deletes the endpoint, then the configurations and models whose names start with the prefix;
 * those are named `<prefix>c<12 hex>` and `<prefix>m<12 hex>` by the deployment (one of each stands in).
 */
import { HandlerCallInput, HandlerCallTable, RuntimeCall } from '../types';
import { at, distinct, objectEvents, sagemakerArn } from './common';
import { deregisterVariant } from './endpoint-housekeeping';

const SUFFIX = '0123456789ab';

function perResource(command: string, calls: (input: HandlerCallInput, endpoint: string, prefix: string) => RuntimeCall[]) {
  return (input: HandlerCallInput): RuntimeCall[] => {
    const deletes = objectEvents(input, command, 'ResourceProperties.EndpointName and ResourcePrefix').filter((e) => e.RequestType === 'Delete');
    if (deletes.length === 0) throw new Error(`call table of ${input.functionName}: ${command} is sent on Delete, and no event is a Delete request`);
    return distinct(deletes.flatMap((e) => calls(input, String(at(e, 'ResourceProperties.EndpointName')), String(at(e,
      'ResourceProperties.ResourcePrefix')))));
  };
}

export const ENDPOINT_CLEANUP_CALLS: HandlerCallTable = {
  DeregisterScalableTargetCommand: perResource('DeregisterScalableTargetCommand', (input, endpoint) =>
    deregisterVariant(input, endpoint, 'DeregisterScalableTargetCommand (the endpoint\'s autoscaling, before deleting it)')),
  DeleteEndpointCommand: perResource('DeleteEndpointCommand', (input, endpoint) =>
    [{ action: 'sagemaker:DeleteEndpoint', resource: sagemakerArn(input.aws, 'endpoint', endpoint),
      why: 'DeleteEndpointCommand (the stack\'s endpoint)' }]),
  DescribeEndpointCommand: perResource('DescribeEndpointCommand', (input, endpoint) =>
    [{ action: 'sagemaker:DescribeEndpoint', resource: sagemakerArn(input.aws, 'endpoint', endpoint),
      why: 'DescribeEndpointCommand (waits until the endpoint is gone)' }]),
  // List actions have no resource type.
  ListEndpointConfigsCommand: perResource('ListEndpointConfigsCommand', () =>
    [{ action: 'sagemaker:ListEndpointConfigs', resource: '*', why: 'ListEndpointConfigsCommand (the configurations with the prefix)' }]),
  ListModelsCommand: perResource('ListModelsCommand', () => [{ action: 'sagemaker:ListModels', resource: '*',
    why: 'ListModelsCommand (the models with the prefix)' }]),
  DeleteEndpointConfigCommand: perResource('DeleteEndpointConfigCommand', (input, _endpoint, prefix) =>
    [{ action: 'sagemaker:DeleteEndpointConfig', resource: sagemakerArn(input.aws, 'endpoint-config', `${prefix}c${SUFFIX}`),
      why: 'DeleteEndpointConfigCommand (a configuration of this endpoint)' }]),
  DeleteModelCommand: perResource('DeleteModelCommand', (input, _endpoint, prefix) =>
    [{ action: 'sagemaker:DeleteModel', resource: sagemakerArn(input.aws, 'model', `${prefix}m${SUFFIX}`),
      why: 'DeleteModelCommand (a model of this endpoint)' }]),
};
