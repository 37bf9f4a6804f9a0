/**
 * The run-time permission check over one world: gathers every call (services invoking, workflows, SageMaker execution
 * roles, the Feature Store, the Lambda handlers) and evaluates each against IAM.
 */
import { Denial, evaluateAll, PrincipalCall } from './evaluate';
import { distinct } from './handlers/common';
import { handlerCalls } from './function-calls';
import { invokerCalls } from './invoker-calls';
import { ExternalResource, PolicyIndex } from './policies';
import { featureStoreCalls } from './sagemaker-calls';
import { World } from './world';
import { workflowCalls } from './workflow-calls';

/**
 * Resources the system calls that no stack of the world defines, with the resource policy they have.
 * - AWS's framework images (SageMaker built-in algorithms and deep learning containers) live in AWS-owned accounts
 *   whose repository policies let any account pull them.
 * - CDK's bootstrap assets bucket (`cdk-hnb659fds-assets-<account>-<region>`) has only a TLS-only bucket policy: same-
 *   account identity policies decide, so it needs no entry.
 */
export function externalResources(world: World): ExternalResource[] {
  const account = world.aws.account;
  return [
    {
      arnPattern: new RegExp(`^arn:[^:]+:ecr:[^:]+:(?!${account})\\d{12}:repository/`),
      why: 'AWS-owned framework image repositories, pullable from any account',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
            Resource: '*',
          },
        ],
      },
    },
  ];
}

/** Everything the check found in one world. */
export interface CheckResult {
  readonly index: PolicyIndex;
  /** Distinct calls checked. */
  readonly calls: PrincipalCall[];
  readonly denials: Denial[];
  /** Problems that make the check incomplete: Task states no scenario entered, unknown integrations, unmapped SDK commands. */
  readonly gaps: string[];
}

/** Runs the whole check on a world. */
export async function checkWorld(world: World): Promise<CheckResult> {
  const index = new PolicyIndex(world, externalResources(world));
  const calls: PrincipalCall[] = [...invokerCalls(index), ...featureStoreCalls(index)];
  const gaps: string[] = [];
  const lambdaEvents = new Map<string, unknown[]>();
  for (const sm of world.resources('AWS::StepFunctions::StateMachine')) {
    const found = await workflowCalls(index, sm.stack, sm.logicalId);
    calls.push(...found.calls);
    gaps.push(...found.unvisitedTasks.map((t) => `${sm.stack}/${sm.logicalId}: no scenario enters Task state ${t}`));
    gaps.push(...found.unknownIntegrations.map((u) => `no IAM mapping for the integration of ${u}`));
    for (const [fn, events] of found.lambdaEvents) lambdaEvents.set(fn, [...(lambdaEvents.get(fn) ?? []), ...events]);
  }
  const handlers = handlerCalls(index, lambdaEvents);
  calls.push(...handlers.calls);
  gaps.push(...handlers.gaps);
  const unique = distinct(calls);
  return { index, calls: unique, denials: await evaluateAll(index, unique), gaps };
}

/**
 * Evaluates calls already gathered (from `checkWorld` on the same stacks, or on each of several worlds) against the
 * policies of `world`: for a world whose policies were changed, or for several environments together, whose calls are
 * those of each environment (names are resolved per stack, so they are the same), without running the workflows again.
 */
export async function evaluateCalls(world: World, calls: readonly PrincipalCall[], gaps: readonly string[] = []): Promise<CheckResult> {
  const index = new PolicyIndex(world, externalResources(world));
  const unique = distinct(calls);
  return { index, calls: unique, denials: await evaluateAll(index, unique), gaps: [...gaps] };
}

/** Distinct calls checked per kind of principal, e.g. `{ 'Step Functions role': 310, EventBridge: 6 }`. */
export function countByKind(calls: readonly PrincipalCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.kind] = (counts[call.kind] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
