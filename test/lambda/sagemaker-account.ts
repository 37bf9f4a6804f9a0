import { ApplicationAutoScalingClient, DeregisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteEndpointCommand, DeleteEndpointConfigCommand, DeleteModelCommand, DescribeEndpointCommand,
  ListEndpointConfigsCommand, ListModelsCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** An endpoint of the fake account: its status, the configuration and models it serves. */
export interface FakeEndpoint {
  status: string;
  readonly config: string;
  readonly models: string[];
}

const PAGE_SIZE = 3;
const notFound = (message: string) => Object.assign(new Error(message), { name: 'ValidationException' });
/** A per-run suffix in the pipeline's shape: a letter and 12 hex digits. */
const suffix = (letter: string, i: number, k: number) => `${letter}${(i * 16 + k).toString(16).padStart(12, '0')}`;

/**
 * One account and region shared by several environments, as SageMaker and Application Auto Scaling would answer
 * the endpoint cleanup: per qualified name, an InService endpoint serving its current configuration and model, an
 * older configuration and model, and an autoscaling target; plus names of the old `<model>--` naming. Lists filter
 * by substring (`NameContains`) and paginate; deleting an endpoint configuration or model in use is NOT refused
 * (DeleteEndpointConfig API reference), exactly like SageMaker.
 */
export function fakeAccount(qualifiedNames: readonly string[], legacyModelNames: readonly string[] = []) {
  const endpoints = new Map<string, FakeEndpoint>();
  const configs = new Set<string>();
  const models = new Set<string>();
  const scalingTargets = new Set<string>();
  const listed: string[] = [];
  qualifiedNames.forEach((qn, i) => {
    const [current, older] = [1, 2].map((k) => `${qn}--${suffix('c', i, k)}`);
    const [model, olderModel] = [1, 2].map((k) => `${qn}--${suffix('m', i, k)}`);
    endpoints.set(qn, { status: 'InService', config: current, models: [model] });
    [current, older].forEach((c) => configs.add(c));
    [model, olderModel].forEach((m) => models.add(m));
    scalingTargets.add(`endpoint/${qn}/variant/AllTraffic`);
  });
  legacyModelNames.forEach((name, i) => {
    configs.add(`${name}--${suffix('c', 99, i)}`);
    models.add(`${name}--${suffix('m', 99, i)}`);
  });

  const page = (names: Set<string>, nameContains: string | undefined, token: string | undefined) => {
    const matching = [...names].filter((n) => n.includes(nameContains ?? '')).sort();
    const start = Number(token ?? 0);
    const slice = matching.slice(start, start + PAGE_SIZE);
    listed.push(...slice);
    return { slice, next: start + PAGE_SIZE < matching.length ? String(start + PAGE_SIZE) : undefined };
  };
  const remove = (names: Set<string>, name: string | undefined, kind: string) => {
    if (!name || !names.delete(name)) throw notFound(`Could not find ${kind} "${name}".`);
    return {};
  };

  return {
    endpoints,
    listed,
    /** Sorted names of everything in the account. */
    snapshot: () => ({
      endpoints: [...endpoints.keys()].sort(),
      configs: [...configs].sort(),
      models: [...models].sort(),
      scalingTargets: [...scalingTargets].sort(),
    }),
    /** Answers the clients' commands from this account. */
    mock(sagemaker: AwsClientStub<SageMakerClient>, autoscaling: AwsClientStub<ApplicationAutoScalingClient>): void {
      sagemaker.on(DeleteEndpointCommand).callsFake(({ EndpointName }) => {
        const endpoint = endpoints.get(EndpointName);
        if (!endpoint) throw notFound(`Could not find endpoint "${EndpointName}".`);
        endpoint.status = 'Deleting';
        return {};
      });
      sagemaker.on(DescribeEndpointCommand).callsFake(({ EndpointName }) => {
        const endpoint = endpoints.get(EndpointName);
        if (!endpoint) throw notFound(`Could not find endpoint "${EndpointName}".`);
        // A deleting endpoint is gone at the next poll.
        if (endpoint.status === 'Deleting') endpoints.delete(EndpointName);
        return { EndpointName, EndpointStatus: endpoint.status, EndpointConfigName: endpoint.config };
      });
      sagemaker.on(ListEndpointConfigsCommand).callsFake(({ NameContains, NextToken }) => {
        const { slice, next } = page(configs, NameContains, NextToken);
        return { EndpointConfigs: slice.map((EndpointConfigName) => ({ EndpointConfigName })), NextToken: next };
      });
      sagemaker.on(ListModelsCommand).callsFake(({ NameContains, NextToken }) => {
        const { slice, next } = page(models, NameContains, NextToken);
        return { Models: slice.map((ModelName) => ({ ModelName })), NextToken: next };
      });
      sagemaker.on(DeleteEndpointConfigCommand).callsFake(({ EndpointConfigName }) => remove(configs, EndpointConfigName, 'endpoint configuration'));
      sagemaker.on(DeleteModelCommand).callsFake(({ ModelName }) => remove(models, ModelName, 'model'));
      autoscaling.on(DeregisterScalableTargetCommand).callsFake(({ ResourceId }) => {
        if (!scalingTargets.delete(ResourceId)) throw Object.assign(new Error('No scalable target found'), { name: 'ObjectNotFoundException' });
        return {};
      });
    },
  };
}
