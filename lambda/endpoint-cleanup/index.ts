/**
 * CloudFormation custom resource of a model stack: when the stack is deleted, deletes what the
 * pipeline created outside CloudFormation for this model, so `cdk destroy` never leaves a costly
 * endpoint behind: the endpoint's autoscaling target, the endpoint, and the model's endpoint
 * configurations and SageMaker models (names `<model>--c...` / `<model>--m...`). Model packages,
 * data and audit records are never touched.
 *
 * Create and Update do nothing but answer. Every step tolerates "already gone", so a retried
 * delete succeeds. A step that fails answers FAILED with the reason, so CloudFormation shows what
 * is still running instead of silently leaving it.
 *
 * Resource properties: `EndpointName`, `ResourcePrefix` (`<model>--`).
 */
import { ApplicationAutoScalingClient, DeregisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteEndpointCommand, DeleteEndpointConfigCommand, DeleteModelCommand, DescribeEndpointCommand,
  ListEndpointConfigsCommand, ListModelsCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { InvalidEventError, logger } from '../shared/logger';

const sagemaker = new SageMakerClient({});
const autoscaling = new ApplicationAutoScalingClient({});

/** Answers CloudFormation through the pre-signed response URL; replaced in tests. */
export type Responder = (url: string, body: string) => Promise<void>;

const respondWithFetch: Responder = async (url, body) => {
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  if (!response.ok) throw new Error(`CloudFormation response URL answered ${response.status} ${response.statusText}`);
};

/** Polls between "the endpoint is deleting" and "it is gone"; replaced in tests. */
export type Sleeper = (ms: number) => Promise<void>;
const sleep: Sleeper = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

interface CleanupProperties {
  readonly endpointName: string;
  readonly resourcePrefix: string;
}

function propertiesOf(event: CloudFormationCustomResourceEvent): CleanupProperties {
  const p = event.ResourceProperties ?? {};
  const endpointName = p.EndpointName;
  const resourcePrefix = p.ResourcePrefix;
  if (typeof endpointName !== 'string' || !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(endpointName)) {
    throw new InvalidEventError('ResourceProperties.EndpointName', endpointName, 'a SageMaker endpoint name');
  }
  if (typeof resourcePrefix !== 'string' || !/^[a-z][a-z0-9-]{0,23}--$/.test(resourcePrefix)) {
    throw new InvalidEventError('ResourceProperties.ResourcePrefix', resourcePrefix, 'a model name followed by "--"');
  }
  return { endpointName, resourcePrefix };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ObjectNotFoundException' || (e?.name === 'ValidationException' && /could not find|does not exist|not found/i.test(e.message ?? ''));
}

async function ignoringNotFound(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Deletes the endpoint and everything the pipeline made for it; returns what was deleted. */
export async function cleanUp(props: CleanupProperties, wait: Sleeper = sleep, deadline = Date.now() + 10 * 60_000): Promise<string[]> {
  const deleted: string[] = [];
  await ignoringNotFound(() => autoscaling.send(new DeregisterScalableTargetCommand({
    ServiceNamespace: 'sagemaker',
    ResourceId: `endpoint/${props.endpointName}/variant/AllTraffic`,
    ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
  })));
  let exists = true;
  await ignoringNotFound(async () => {
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: props.endpointName }));
    deleted.push(`endpoint ${props.endpointName}`);
  });
  // Configurations and models in use cannot be deleted before the endpoint is gone.
  while (exists) {
    try {
      await sagemaker.send(new DescribeEndpointCommand({ EndpointName: props.endpointName }));
      if (Date.now() > deadline) throw new Error(`Endpoint ${props.endpointName} is still deleting after 10 minutes`);
      await wait(15_000);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      exists = false;
    }
  }
  deleted.push(...await deleteByPrefix(props.resourcePrefix, 'endpoint configuration', async (NextToken) => {
    const page = await sagemaker.send(new ListEndpointConfigsCommand({ NameContains: props.resourcePrefix, NextToken, MaxResults: 100 }));
    return { names: (page.EndpointConfigs ?? []).map((c) => c.EndpointConfigName), next: page.NextToken };
  }, (EndpointConfigName) => sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName }))));
  deleted.push(...await deleteByPrefix(props.resourcePrefix, 'model', async (NextToken) => {
    const page = await sagemaker.send(new ListModelsCommand({ NameContains: props.resourcePrefix, NextToken, MaxResults: 100 }));
    return { names: (page.Models ?? []).map((m) => m.ModelName), next: page.NextToken };
  }, (ModelName) => sagemaker.send(new DeleteModelCommand({ ModelName }))));
  return deleted;
}

/**
 * Deletes every resource a paginated SageMaker list returns whose name starts with `prefix` (the
 * list's NameContains filter also matches the prefix elsewhere in a name); returns what was deleted.
 */
async function deleteByPrefix(
  prefix: string,
  kind: string,
  list: (nextToken?: string) => Promise<{ names: Array<string | undefined>; next?: string }>,
  remove: (name: string) => Promise<unknown>,
): Promise<string[]> {
  const deleted: string[] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    for (const name of page.names) {
      if (!name?.startsWith(prefix)) continue;
      await ignoringNotFound(() => remove(name));
      deleted.push(`${kind} ${name}`);
    }
    token = page.next;
  } while (token);
  return deleted;
}

export async function handler(event: CloudFormationCustomResourceEvent, _context?: unknown, respond: Responder = respondWithFetch, wait: Sleeper = sleep): Promise<void> {
  const physicalId = event.RequestType === 'Create' ? `${String(event.ResourceProperties?.EndpointName)}-cleanup` : event.PhysicalResourceId;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'nothing to do';
  try {
    const props = propertiesOf(event);
    if (event.RequestType === 'Delete') {
      const deleted = await cleanUp(props, wait);
      reason = deleted.length ? `deleted ${deleted.join(', ')}` : 'nothing was deployed';
      logger.info('cleaned up', { endpoint: props.endpointName, deleted });
    }
  } catch (error) {
    status = 'FAILED';
    reason = `Cleanup of the model's endpoint failed: ${(error as Error).message}. Delete it by hand (aws sagemaker delete-endpoint) and retry the stack deletion.`;
    logger.error('cleanup failed', { error: error as Error });
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason.slice(0, 3500),
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  await respond(event.ResponseURL, body);
}
