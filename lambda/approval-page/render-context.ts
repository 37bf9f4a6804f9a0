import type { ApprovalDeploymentTarget, ApprovalRequest, ApprovalTrigger } from '../../contracts/approval';
import { code, definitions, escapeHtml, formatNumber, formatSeconds, formatTime } from './format';

/**
 * The run's context on the approval page: what approving deploys and how (from the request's deployment
 * target), and what started the run. Pure functions, no I/O; every value escaped.
 */

/** How an update moves traffic, in words: `canary: 25 % of capacity first, watched 10 min, then the rest`. */
export function rolloutText(target: ApprovalDeploymentTarget): string {
  const r = target.rollout;
  if (target.mode === 'serverless') {
    return 'none: serverless endpoints have no deployment guardrails, an update switches to the new model without staged traffic';
  }
  if (!r) return 'not recorded';
  const wait = formatSeconds(r.waitSeconds);
  const shift =
    r.strategy === 'canary'
      ? `canary: ${r.trafficPercent} % of capacity first, watched ${wait}, then the rest`
      : r.strategy === 'linear'
        ? `linear: steps of ${r.trafficPercent} % of capacity, each watched ${wait}`
        : `all at once, then watched ${wait}`;
  const old = `the old fleet is kept ${formatSeconds(r.terminationWaitSeconds)} more for a fast rollback`;
  return `${shift}; ${old}; at most ${formatSeconds(r.maximumExecutionTimeoutSeconds)} in all`;
}

function servingText(target: ApprovalDeploymentTarget): string {
  if (target.mode === 'serverless') {
    return `serverless, ${formatNumber(target.memoryMb)} MB memory, at most ${formatNumber(target.maxConcurrency)} concurrent invocations`;
  }
  const a = target.autoscaling;
  const scaling = a ? `, autoscaling ${a.minInstances} to ${a.maxInstances} instances` : ', fixed fleet';
  return `real-time, ${formatNumber(target.instanceCount)} × ${String(target.instanceType)}${scaling}`;
}

/** What approving does: the endpoint, how it serves and how an update reaches it (absent from requests stored before it was recorded). */
export function deploymentSection(request: ApprovalRequest): string {
  const target = request.deployment;
  const update =
    target?.mode === 'serverless'
      ? 'an existing one is switched to it'
      : 'an existing one is updated as the rollout says, and rolls back by itself if an alarm fires';
  const intro =
    `Approving marks the candidate package Approved and deploys it to the endpoint below in ${code(request.environment)}: ` +
    `a new endpoint is created with it; ${update}. Rejecting marks it Rejected and deploys nothing.`;
  if (!target) return `<p>${intro}</p><p>The deployment target was not recorded with this request.</p>`;
  const alarms = target.rollbackAlarmNames ?? [];
  return `<p>${intro}</p>${definitions([
    ['Endpoint', code(target.endpointName)],
    ['Environment', code(request.environment)],
    ['Serving', escapeHtml(servingText(target))],
    ['Rollout of an update', escapeHtml(rolloutText(target))],
    ...(target.mode === 'realtime' ? [['Rollback alarms', alarms.length > 0 ? alarms.map(code).join(', ') : 'none'] as const] : []),
  ])}`;
}

/** `drift: alarm <name>`, `schedule`, `manual start` with the reason and time when given. */
export function triggerHtml(trigger: ApprovalTrigger | undefined): string {
  if (!trigger) return 'not recorded with this request';
  const head =
    trigger.type === 'unspecified'
      ? 'not stated in the execution input'
      : trigger.type === 'drift'
        ? `drift${trigger.alarmName ? ` (alarm ${code(trigger.alarmName)})` : ''}`
        : trigger.type === 'manual'
          ? 'manual start'
          : 'schedule';
  const time = trigger.time ? ` at ${escapeHtml(formatTime(trigger.time))}` : '';
  return `${head}${time}${trigger.reason ? `: <span class="comment">${escapeHtml(trigger.reason)}</span>` : ''}`;
}
