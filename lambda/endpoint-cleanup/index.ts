/**
 * CloudFormation custom resource of a model stack: when the stack is deleted, deletes what the
 * pipeline created outside CloudFormation for this model in this environment, so `cdk destroy` never
 * leaves a costly endpoint behind: the endpoint's autoscaling target, the endpoint, and the model's
 * endpoint configurations and SageMaker models (names `<qualified name>--<letter><id>`). Model
 * packages, data and audit records are never touched.
 *
 * Environments may share an account: only names that start with this model's own
 * `<namespace>-<environment>-<model>--` are deleted (ListEndpointConfigs/ListModels `NameContains` is a
 * substring match, so the list is filtered again by exact prefix). Namespace, environment and model
 * names never contain `--` and never end with a hyphen, so no other qualified name's resources start
 * with this prefix. SageMaker does not refuse to delete an endpoint configuration that an endpoint
 * still uses, so this naming rule (also the IAM pattern of the function) is what keeps every other
 * environment's serving configurations safe; this model's own endpoint is gone before its
 * configurations are deleted.
 *
 * Create and Update do nothing but validate and answer. Every step tolerates "already gone", so a
 * retried delete succeeds. A step that fails answers FAILED with the reason, so CloudFormation shows
 * what is still running instead of silently leaving it.
 *
 * Resource properties: `EndpointName` (the qualified name), `ResourcePrefix` (`<qualified name>--`).
 */
import { ApplicationAutoScalingClient, DeregisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  ListModelsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { logger } from '../shared/logging/logger';
import { isQualifiedName, QUALIFIED_NAME_RULE } from '../../contracts/names';

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

/** The event's properties; every problem is reported at once, naming the property, its value and the rule. */
function propertiesOf(event: CloudFormationCustomResourceEvent): CleanupProperties {
  const p = event.ResourceProperties ?? {};
  const endpointName: unknown = p.EndpointName;
  const resourcePrefix: unknown = p.ResourcePrefix;
  const problems: string[] = [];
  const problem = (field: string, value: unknown, rule: string) =>
    problems.push(`ResourceProperties.${field} is ${JSON.stringify(value) ?? 'missing'}; expected ${rule}`);
  if (!isQualifiedName(endpointName)) problem('EndpointName', endpointName, QUALIFIED_NAME_RULE);
  const prefixedName = typeof resourcePrefix === 'string' && resourcePrefix.endsWith('--') ? resourcePrefix.slice(0, -2) : undefined;
  if (!isQualifiedName(prefixedName)) {
    problem('ResourcePrefix', resourcePrefix, `${QUALIFIED_NAME_RULE}, followed by "--"`);
  } else if (isQualifiedName(endpointName) && prefixedName !== endpointName) {
    problem('ResourcePrefix', resourcePrefix, `the endpoint's qualified name followed by "--" (${JSON.stringify(`${endpointName}--`)})`);
  }
  if (problems.length) throw Object.assign(new Error(`Invalid event: ${problems.join('; ')}`), { name: 'InvalidEventError' });
  return { endpointName: endpointName as string, resourcePrefix: resourcePrefix as string };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (
    e?.name === 'ObjectNotFoundException' || (e?.name === 'ValidationException' && /could not find|does not exist|not found/i.test(e.message ?? ''))
  );
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
  await ignoringNotFound(() =>
    autoscaling.send(
      new DeregisterScalableTargetCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: `endpoint/${props.endpointName}/variant/AllTraffic`,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      }),
    ),
  );
  let exists = true;
  await ignoringNotFound(async () => {
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: props.endpointName }));
    deleted.push(`endpoint ${props.endpointName}`);
  });
  // SageMaker does not refuse to delete a configuration an endpoint uses: wait until this endpoint is gone.
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
  deleted.push(
    ...(await deleteByPrefix(
      props.resourcePrefix,
      'endpoint configuration',
      async (NextToken) => {
        const page = await sagemaker.send(new ListEndpointConfigsCommand({ NameContains: props.resourcePrefix, NextToken, MaxResults: 100 }));
        return { names: (page.EndpointConfigs ?? []).map((c) => c.EndpointConfigName), next: page.NextToken };
      },
      (EndpointConfigName) => sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName })),
    )),
  );
  deleted.push(
    ...(await deleteByPrefix(
      props.resourcePrefix,
      'model',
      async (NextToken) => {
        const page = await sagemaker.send(new ListModelsCommand({ NameContains: props.resourcePrefix, NextToken, MaxResults: 100 }));
        return { names: (page.Models ?? []).map((m) => m.ModelName), next: page.NextToken };
      },
      (ModelName) => sagemaker.send(new DeleteModelCommand({ ModelName })),
    )),
  );
  return deleted;
}

/**
 * Deletes every resource a paginated SageMaker list returns whose name starts with `prefix`; returns what
 * was deleted. The list's `NameContains` filter also matches the prefix elsewhere in a name (another
 * namespace's `x-<prefix>...`): those are skipped.
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

/** The endpoint cleanup's Lambda handler (a CloudFormation custom resource). */
export async function handler(
  event: CloudFormationCustomResourceEvent,
  _context?: unknown,
  respond: Responder = respondWithFetch,
  wait: Sleeper = sleep,
): Promise<void> {
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
    reason = `Cleanup of the model's endpoint failed: ${(error as Error).message}. Delete it by hand (aws sagemaker delete-endpoint) and retry the ` +
      `stack deletion.`;
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
