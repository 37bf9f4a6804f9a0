/** How the deployment stage waits on an endpoint: its statuses, the poll interval and the bounded number of looks. */
import { ResolvedServing } from '../../contracts/serving';

/** Seconds between two looks at an endpoint that is creating or updating. */
export const ENDPOINT_POLL_SECONDS = 60;

/**
 * Every `EndpointStatus` of DescribeEndpoint (SageMaker API reference): the statuses that pass by themselves
 * are waited for (a bounded number of looks); the others end the deployment, notified.
 */
export const ENDPOINT_STATUSES = {
  /** CreateEndpoint, UpdateEndpoint, maintenance or an autoscaling rollback is under way. */
  transitional: ['Creating', 'Updating', 'SystemUpdating', 'RollingBack'],
  /** Serving. */
  inService: 'InService',
  /** Only DeleteEndpoint can follow. */
  failed: 'Failed',
  /** Needs an operator: not serving, being deleted, or a mix of the old and new configurations. */
  stuck: ['OutOfService', 'Deleting', 'UpdateRollbackFailed'],
} as const;

/**
 * How many looks each wait takes at most, from the serving settings: creation may take the model download
 * and the container's startup health check; a rollout its guardrails' maximum execution time and the
 * termination wait; each with 30 minutes of margin. Serverless endpoints get an hour.
 */
export function endpointPollBounds(s: ResolvedServing): { creation: number; rollout: number } {
  const looks = (seconds: number) => Math.ceil((seconds + 1800) / ENDPOINT_POLL_SECONDS);
  if (s.mode !== 'realtime') return { creation: looks(1800), rollout: looks(1800) };
  return {
    creation: looks(s.modelDataDownloadTimeoutSeconds + s.startupHealthCheckTimeoutSeconds),
    rollout: looks(s.rollout.maximumExecutionTimeoutSeconds + s.rollout.terminationWaitSeconds),
  };
}

/** The longest the deployment stage can wait on the endpoint: before an update (idle) and during it (rollout), or a creation. */
export function deploymentWaitSeconds(serving: ResolvedServing): number {
  const bounds = endpointPollBounds(serving);
  return (Math.max(bounds.creation, bounds.rollout) + bounds.rollout) * ENDPOINT_POLL_SECONDS;
}
