import { AslDefinition, LocalRunResult, TaskOverride } from '../helpers/sfn';
import { APPROVE as approve, APPROVED_ARN, defaultDefinitionOf, INPUT, overrides, run } from './fixtures';

// GIVEN one synthesized definition per environment (dev: automatic gate; prod: human gate, guardrails, autoscaling).
const dev = defaultDefinitionOf('dev', 'churn');
const prod = defaultDefinitionOf('prod', 'fraud-dl');
const NOTIFICATIONS = ['NotifyFailure', 'NotifyRejected', 'NotifyDeploymentProblem'];
const decision = (d: string) => ({ ...approve, decision: d });

/**
 * An existing endpoint: DescribeEndpoint answers `current` once, then InService; the rollout answers `rollout` once, then serves the
 * new configuration.
 */
function existing(endpoint: string, current: string, rollout: string, previousType = 'ml.g5.xlarge'): Record<string, TaskOverride> {
  let requested = '';
  return {
    FindEndpoint: { Endpoints: [{ EndpointName: endpoint }] },
    DescribeEndpoint: (_i, info) => ({
      EndpointName: endpoint,
      EndpointStatus: info.attempt === 1 ? current : 'InService',
      EndpointConfigName: 'old',
    }),
    DescribeCurrentConfig: { ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: previousType }] },
    DeregisterForTypeChange: {},
    UpdateEndpoint: (input) => {
      requested = (input as { EndpointConfigName: string }).EndpointConfigName;
      return {};
    },
    DescribeRollout: (_i, info) => ({
      EndpointName: endpoint,
      EndpointStatus: info.attempt === 1 ? rollout : 'InService',
      EndpointConfigName: info.attempt === 1 ? 'old' : requested,
    }),
  };
}

/** Paths through a definition (its endpoint's name, and an approval answer for the human gate): together they enter every Task state. */
function scenariosOf(definition: AslDefinition, endpoint: string) {
  const gate = { RequestApproval: approve };
  const redeploy = {
    FindPackageToRedeploy: { ModelPackageSummaryList: [{ ModelPackageArn: APPROVED_ARN }] },
    DescribePackageToRedeploy: { ModelPackageArn: APPROVED_ARN, CustomerMetadataProperties: { auc: '0.93', baselineUri: 's3://a/b.json' } },
  };
  return [
    { name: 'first model', input: INPUT, overrides: { ...overrides(0.97, 0.9), ...gate } },
    { name: 'below threshold', input: INPUT, overrides: overrides(0.5) },
    { name: 'redeploy', input: { redeploy: true }, overrides: { ...overrides(0.97), ...redeploy } },
    {
      name: 'creation fails',
      input: INPUT,
      overrides: {
        ...overrides(0.97),
        ...gate,
        DescribeNewEndpoint: { EndpointStatus: 'Failed', EndpointConfigName: 'x' },
        DeleteFailedEndpoint: {},
      },
    },
    {
      name: 'update, type change',
      input: INPUT,
      overrides: { ...overrides(0.97), ...gate, ...existing(endpoint, 'Updating', 'Updating', 'ml.g4dn.xlarge') },
    },
    { name: 'rolled back', input: INPUT, overrides: { ...overrides(0.97), ...gate, ...existing(endpoint, 'InService', 'InService') } },
    { name: 'rejected', input: INPUT, overrides: { ...overrides(0.97), RequestApproval: decision('rejected') } },
    { name: 'timed out', input: INPUT, overrides: { ...overrides(0.97), ApprovalTimedOut: decision('rejected') }, timeout: true },
  ].map((sc) => ({ ...sc, definition }));
}
const scenarios = [...scenariosOf(dev, 'mlops-dev-churn'), ...scenariosOf(prod, 'mlops-prod-fraud-dl')].filter(
  (sc) => !sc.timeout || 'RequestApproval' in sc.definition.States,
);
const tasksOf = (definition: AslDefinition) =>
  Object.entries(definition.States)
    .filter(([, s]) => s.Type === 'Task')
    .map(([n]) => n);
const failStates = (definition: AslDefinition) =>
  Object.entries(definition.States)
    .filter(([, s]) => s.Type === 'Fail')
    .map(([n]) => n);

/** Asserts the run ended in a Fail state after a notification Task was entered (at or after the failing task). */
function expectNotifiedFailure(result: LocalRunResult, definition: AslDefinition, failing?: string): void {
  expect(result.status).toBe('FAILED');
  const visited = result.visitedStates;
  expect(failStates(definition)).toContain(visited[visited.length - 1]);
  const from = failing ? visited.lastIndexOf(failing) : 0;
  expect(visited.slice(from).some((state) => NOTIFICATIONS.includes(state))).toBe(true);
}

describe('every workflow path ends in a notified Fail state', () => {
  const baselines = new Map<string, Promise<LocalRunResult>>();
  const baseline = (i: number) => {
    const key = String(i);
    if (!baselines.has(key)) {
      const sc = scenarios[i];
      baselines.set(
        key,
        run(sc.definition, sc.input, { overrides: sc.overrides, errors: sc.timeout ? { RequestApproval: { error: 'States.Timeout' } } : undefined }),
      );
    }
    return baselines.get(key)!;
  };

  test.each([
    ['dev', dev],
    ['prod', prod],
  ] as const)('%s: every Task state failing with an unexpected error ends in a Fail state after a notification', async (_env, definition) => {
    const indexes = scenarios.map((sc, i) => (sc.definition === definition ? i : -1)).filter((i) => i >= 0);
    const reached = await Promise.all(indexes.map(async (i) => ({ i, visited: new Set((await baseline(i)).visitedStates) })));
    const unreached: string[] = [];
    for (const task of tasksOf(definition)) {
      const found = reached.find((r) => r.visited.has(task));
      if (!found) {
        unreached.push(task);
        continue;
      }
      const sc = scenarios[found.i];
      const errors = {
        [task]: { error: 'Unexpected.Failure', cause: `injected into ${task}` },
        ...(sc.timeout && task !== 'RequestApproval' ? { RequestApproval: { error: 'States.Timeout' } } : {}),
      };
      const result = await run(definition, sc.input, { overrides: sc.overrides, errors });
      try {
        expectNotifiedFailure(result, definition, task);
      } catch (error) {
        throw new Error(
          `${task} failing (scenario "${sc.name}") did not end notified: ${result.status} ${result.error}, `
            + `visited ${result.visitedStates.join(' -> ')}\n${error}`,
        );
      }
    }
    expect(unreached).toEqual([]);
  });
});
