/**
 * Stops a non-production endpoint nobody uses: run hourly by EventBridge Scheduler, it deletes the
 * model's endpoint (and deregisters its autoscaling) when it has been InService, unchanged and without
 * a single invocation for `IDLE_HOURS`. Nothing else is touched: the SageMaker model, the endpoint
 * configuration, the package and the serving record stay, and starting the training pipeline with
 * `{ "redeploy": true }` brings the approved model back within minutes, without training.
 *
 * Environment: `ENDPOINT_NAME` (the model's qualified name `<namespace>-<environment>-<model>`), `IDLE_HOURS` (1-168).
 * Its IAM allows describing and deleting that one endpoint only; environments sharing an account never touch each other's.
 * Returns `{ decision: 'stopped' | 'in-use' | 'recently-deployed' | 'busy' | 'not-deployed', endpoint, invocations? }`.
 * Safe to retry: a second run finds the endpoint deleting or gone.
 */
import { ApplicationAutoScalingClient, DeregisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteEndpointCommand, DescribeEndpointCommand, DescribeEndpointCommandOutput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { logger } from '../shared/logging/logger';
import { isQualifiedName, QUALIFIED_NAME_RULE } from '../../contracts/names';

const sagemaker = new SageMakerClient({});
const cloudwatch = new CloudWatchClient({});
const autoscaling = new ApplicationAutoScalingClient({});

/** What the idle check decided. */
export type IdleDecision = 'stopped' | 'in-use' | 'recently-deployed' | 'busy' | 'not-deployed';

/** The idle check's result. */
export interface IdleStopResult {
  readonly decision: IdleDecision;
  readonly endpoint: string;
  readonly invocations?: number;
}

/** The function's settings; every problem is reported at once, naming the variable, its value and the rule. */
function settings(): { endpointName: string; idleHours: number } {
  const endpointName = process.env.ENDPOINT_NAME;
  const raw = process.env.IDLE_HOURS;
  const idleHours = Number(raw);
  const problems: string[] = [];
  const problem = (name: string, value: unknown, rule: string) =>
    problems.push(`Environment variable ${name} is ${JSON.stringify(value) ?? 'missing'}; expected ${rule}`);
  // Only this model's own endpoint, in this environment, is ever described or deleted.
  if (!isQualifiedName(endpointName)) problem('ENDPOINT_NAME', endpointName, QUALIFIED_NAME_RULE);
  if (raw === undefined || !Number.isInteger(idleHours) || idleHours < 1 || idleHours > 168)
    problem('IDLE_HOURS', raw, 'a whole number of hours from 1 to 168');
  if (problems.length) throw new Error(problems.join('; '));
  return { endpointName: endpointName as string, idleHours };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationException' && /could not find|does not exist|not found/i.test(e.message ?? '');
}

async function describe(endpointName: string): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Invocations of the endpoint's variant over the window, summed (no datapoint at all counts as 0). */
async function invocations(endpointName: string, from: Date, to: Date): Promise<number> {
  let total = 0;
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: from,
        EndTime: to,
        NextToken: token,
        MetricDataQueries: [
          {
            Id: 'invocations',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SageMaker',
                MetricName: 'Invocations',
                Dimensions: [
                  { Name: 'EndpointName', Value: endpointName },
                  { Name: 'VariantName', Value: 'AllTraffic' },
                ],
              },
              Period: 3600,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    for (const result of page.MetricDataResults ?? []) total += (result.Values ?? []).reduce((a, b) => a + b, 0);
    token = page.NextToken;
  } while (token);
  return total;
}

/** The idle check's Lambda handler (`now` is injectable for tests). */
export async function handler(_event?: unknown, _context?: unknown, now: () => Date = () => new Date()): Promise<IdleStopResult> {
  const { endpointName, idleHours } = settings();
  const at = now();
  const since = new Date(at.getTime() - idleHours * 3_600_000);
  const endpoint = await describe(endpointName);
  const decide = (decision: IdleDecision, extra: Partial<IdleStopResult> = {}): IdleStopResult => {
    const result = { decision, endpoint: endpointName, ...extra };
    logger.info('idle check', { ...result, idleHours, since: since.toISOString() });
    return result;
  };
  if (!endpoint) return decide('not-deployed');
  if (endpoint.EndpointStatus !== 'InService') return decide('busy');
  const changed = endpoint.LastModifiedTime ?? endpoint.CreationTime;
  if (changed && changed.getTime() > since.getTime()) return decide('recently-deployed');
  const count = await invocations(endpointName, since, at);
  if (count > 0) return decide('in-use', { invocations: count });
  try {
    await autoscaling.send(
      new DeregisterScalableTargetCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: `endpoint/${endpointName}/variant/AllTraffic`,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ObjectNotFoundException') throw error;
  }
  try {
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return decide('stopped', { invocations: 0 });
}
