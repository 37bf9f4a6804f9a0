/**
 * How a model is served: the declaration ML teams write (`serving` on a model, with per-environment
 * overrides), its schema (serving-schema.ts, re-exported here), and `resolveServing`, which applies the defaults for one environment and
 * checks every rule SageMaker enforces only at deploy or run time (volume keys on instance storage, startup timeouts,
 * guardrails, autoscaling, scale to zero, serverless limits: docs/serving.md).
 *
 * The pipeline owns the endpoint (see docs/serving.md); these settings become its endpoint
 * configuration, deployment guardrails and autoscaling policies.
 */
import { Problem, show } from './schema';
import { GPU_INSTANCE_FAMILIES, INSTANCE_FAMILIES, parseInstanceType } from './instance-types';
import type {
  RealtimeServing, ResolvedServing, ServingDeclaration, ServingSettingsDeclaration,
} from '../../contracts/serving';
export type {
  AutoscalingDeclaration, CaptureDeclaration, RealtimeServing, ResolvedServing, RolloutDeclaration, ServerlessDeclaration,
  ServerlessServing, ServingDeclaration, ServingSettingsDeclaration,
} from '../../contracts/serving';

export { servingSchema } from './serving-schema';

/** The defaults documented above. */
export const SERVING_DEFAULTS = Object.freeze({
  cpuInstanceType: 'ml.m5.large',
  gpuInstanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  targetInvocationsPerInstance: 100,
  targetGpuUtilization: 70,
  scaleInCooldownSeconds: 600,
  scaleOutCooldownSeconds: 60,
  canaryPercent: 25,
  linearPercent: 20,
  waitSeconds: 600,
  terminationWaitSeconds: 300,
  samplingPercent: 25,
  nonProductionStopWhenIdleHours: 4,
  serverlessMemoryMb: 2048,
  serverlessMaxConcurrency: 5,
  latencyThresholdMs: 500,
});

/** What {@link resolveServing} needs to know about the model and the environment. */
export interface ServingContext {
  /** The model needs a GPU. */
  readonly gpu: boolean;
  /** The environment runs SageMaker in a VPC. */
  readonly vpc: boolean;
  /** The environment is a production one (endpoints are never stopped when idle by default). */
  readonly production: boolean;
}

/** The settings for `environmentName`: the base declaration with that environment's overrides. */
export function servingSettingsFor(serving: ServingDeclaration | undefined, environmentName: string): ServingSettingsDeclaration {
  const { environments, ...base } = serving ?? {};
  return { ...base, ...(environments?.[environmentName] ?? {}) };
}

/**
 * Applies the defaults for one environment and checks every rule SageMaker would only enforce at deploy time.
 *
 * @param declared the model's settings for this environment ({@link servingSettingsFor})
 * @param path the path named in problems, e.g. `models[0] "churn".serving (environment "prod")`
 * @returns the settings, or the problems (all of them)
 */
export function resolveServing(
  declared: ServingSettingsDeclaration,
  context: ServingContext,
  path: string,
): { serving?: ResolvedServing; problems: Problem[] } {
  const problems: Problem[] = [];
  const at = (key: string) => `${path}.${key}`;
  const latencyThresholdMs = declared.latencyThresholdMs ?? SERVING_DEFAULTS.latencyThresholdMs;

  if ((declared.mode ?? 'realtime') === 'serverless') {
    // Serverless Inference: CPU only, no VPC, data capture, multiple variants or guardrails (SageMaker rejects them at deploy time).
    const why = 'nothing, because serverless endpoints do not support it';
    if (context.gpu)
      problems.push({ path: at('mode'), got: '"serverless" for a model with gpu: true', expected: '"realtime": serverless inference has no GPUs' });
    if (context.vpc)
      problems.push({
        path: at('mode'),
        got: '"serverless" in an environment with sagemakerVpc',
        expected: '"realtime": serverless endpoints cannot run in a VPC',
      });
    for (const key of [
      'instanceType',
      'instanceCount',
      'autoscaling',
      'rollout',
      'startupHealthCheckTimeoutSeconds',
      'modelDataDownloadTimeoutSeconds',
      'rollbackAlarmNames',
      'stopWhenIdleHours',
    ] as const) {
      if (declared[key] !== undefined) problems.push({ path: at(key), got: show(declared[key]), expected: `${why} (mode is "serverless")` });
    }
    if (declared.capture !== undefined && declared.capture !== false) {
      problems.push({
        path: at('capture'),
        got: show(declared.capture),
        expected: 'false or nothing: serverless endpoints cannot capture data (drift statistics need mode "realtime")',
      });
    }
    const s = declared.serverless ?? {};
    const maxConcurrency = s.maxConcurrency ?? SERVING_DEFAULTS.serverlessMaxConcurrency;
    if (s.provisionedConcurrency !== undefined && s.provisionedConcurrency > maxConcurrency) {
      problems.push({
        path: at('serverless.provisionedConcurrency'),
        got: show(s.provisionedConcurrency),
        expected: `at most maxConcurrency (${maxConcurrency})`,
      });
    }
    if (problems.length) return { problems };
    return {
      problems,
      serving: {
        mode: 'serverless',
        memoryMb: s.memoryMb ?? SERVING_DEFAULTS.serverlessMemoryMb,
        maxConcurrency,
        provisionedConcurrency: s.provisionedConcurrency,
        latencyThresholdMs,
      },
    };
  }

  if (declared.serverless !== undefined) {
    problems.push({
      path: at('serverless'),
      got: show(declared.serverless),
      expected: 'nothing, because mode is "realtime" (set mode: "serverless" to use it)',
    });
  }
  const instanceType = declared.instanceType ?? (context.gpu ? SERVING_DEFAULTS.gpuInstanceType : SERVING_DEFAULTS.cpuInstanceType);
  const info = parseInstanceType(instanceType);
  if (!info) {
    problems.push({
      path: at('instanceType'),
      got: show(instanceType),
      expected: 'a known SageMaker instance type "ml.<family>.<size>" (see lib/config/instance-types.ts)',
    });
  } else if (context.gpu && !info.gpu) {
    const note = INSTANCE_FAMILIES[info.family].neuron ? ` (${info.family} is AWS Inferentia/Trainium, not an NVIDIA GPU)` : '';
    problems.push({
      path: at('instanceType'),
      got: show(instanceType),
      expected: `a GPU instance type (families ${GPU_INSTANCE_FAMILIES.join(', ')}), because the model has gpu: true${note}`,
    });
  }
  const gpu = info?.gpu ?? false;
  const instanceCount = declared.instanceCount ?? SERVING_DEFAULTS.instanceCount;

  // Autoscaling: instance-type changes need deregistration; scale to zero needs inference components and a step policy.
  let autoscaling: RealtimeServing['autoscaling'];
  if (declared.autoscaling !== false) {
    const a = declared.autoscaling ?? {};
    const minInstances = a.minInstances ?? instanceCount;
    const maxInstances = a.maxInstances ?? Math.max(2, 2 * instanceCount);
    if (minInstances < 1) {
      problems.push({
        path: at('autoscaling.minInstances'),
        got: show(minInstances),
        expected:
          'at least 1: plain endpoint variants cannot scale to zero (only inference components can); use mode "serverless" for a CPU model that ' +
            'should cost nothing while idle',
      });
    }
    if (minInstances > instanceCount)
      problems.push({ path: at('autoscaling.minInstances'), got: show(minInstances), expected: `at most instanceCount (${instanceCount})` });
    if (maxInstances < instanceCount)
      problems.push({ path: at('autoscaling.maxInstances'), got: show(maxInstances), expected: `at least instanceCount (${instanceCount})` });
    if (a.targetGpuUtilization !== undefined && info && !gpu) {
      problems.push({
        path: at('autoscaling.targetGpuUtilization'),
        got: show(a.targetGpuUtilization),
        expected: `nothing, because ${instanceType} has no GPU`,
      });
    }
    autoscaling = {
      minInstances,
      maxInstances,
      targetInvocationsPerInstance: a.targetInvocationsPerInstance ?? SERVING_DEFAULTS.targetInvocationsPerInstance,
      targetGpuUtilization: a.targetGpuUtilization ?? (gpu ? SERVING_DEFAULTS.targetGpuUtilization : undefined),
      scaleInCooldownSeconds: a.scaleInCooldownSeconds ?? SERVING_DEFAULTS.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: a.scaleOutCooldownSeconds ?? SERVING_DEFAULTS.scaleOutCooldownSeconds,
    };
  }

  // Deployment guardrails: SageMaker's limits on canary size, linear steps, waits and timeouts. The variant name is fixed
  // ("AllTraffic") by the pipeline, as guardrails need the same name across updates.
  const r = declared.rollout ?? { strategy: instanceCount >= 2 ? 'canary' : 'all-at-once' };
  const trafficPercent =
    r.trafficPercent ?? (r.strategy === 'linear' ? SERVING_DEFAULTS.linearPercent : r.strategy === 'canary' ? SERVING_DEFAULTS.canaryPercent : 100);
  if (r.strategy === 'canary') {
    if (trafficPercent > 50)
      problems.push({ path: at('rollout.trafficPercent'), got: show(trafficPercent), expected: 'at most 50: a canary is at most half the fleet' });
    const canaryInstances = Math.ceil((trafficPercent / 100) * instanceCount);
    if (instanceCount < 2) {
      problems.push({
        path: at('rollout.strategy'),
        got: `"canary" with instanceCount ${instanceCount}`,
        expected: 'instanceCount of at least 2 (a canary must be at most half the instances), or strategy "all-at-once"',
      });
    } else if (trafficPercent <= 50 && canaryInstances > Math.floor(instanceCount / 2)) {
      problems.push({
        path: at('rollout.trafficPercent'),
        got: show(trafficPercent),
        expected: `a canary of at most half of ${instanceCount} instances (${trafficPercent}% rounds up to ${canaryInstances})`,
      });
    }
  } else if (r.strategy === 'linear') {
    if (trafficPercent < 10 || trafficPercent > 50)
      problems.push({ path: at('rollout.trafficPercent'), got: show(trafficPercent), expected: 'a linear step of 10 to 50 percent' });
  } else if (r.trafficPercent !== undefined) {
    problems.push({
      path: at('rollout.trafficPercent'),
      got: show(r.trafficPercent),
      expected: 'nothing, because strategy "all-at-once" shifts all traffic at once',
    });
  }
  const waitSeconds = r.waitSeconds ?? SERVING_DEFAULTS.waitSeconds;
  const terminationWaitSeconds = r.terminationWaitSeconds ?? SERVING_DEFAULTS.terminationWaitSeconds;
  const shifts = r.strategy === 'linear' ? Math.ceil(100 / Math.min(Math.max(trafficPercent, 10), 50)) : 1;
  const totalWaits = shifts * waitSeconds + terminationWaitSeconds;
  const maximumExecutionTimeoutSeconds = r.maximumExecutionTimeoutSeconds ?? Math.min(28800, Math.max(600, totalWaits + 1800));
  if (maximumExecutionTimeoutSeconds <= totalWaits) {
    problems.push({
      path: at(r.maximumExecutionTimeoutSeconds === undefined ? 'rollout.waitSeconds' : 'rollout.maximumExecutionTimeoutSeconds'),
      got: r.maximumExecutionTimeoutSeconds === undefined ? show(waitSeconds) : show(r.maximumExecutionTimeoutSeconds),
      expected: `a rollout whose waits (${shifts} x ${waitSeconds} s + ${terminationWaitSeconds} s termination wait = ${totalWaits} s) fit in the ` +
        `maximum execution time (${maximumExecutionTimeoutSeconds} s, at most 28800)`,
    });
  }

  if (problems.length) return { problems };
  return {
    problems,
    serving: {
      mode: 'realtime',
      instanceType,
      instanceCount,
      gpu,
      volumeKmsAllowed: !(info?.localNvme ?? false),
      autoscaling,
      rollout: { strategy: r.strategy, trafficPercent, waitSeconds, terminationWaitSeconds, maximumExecutionTimeoutSeconds },
      capture: declared.capture === false ? undefined : { samplingPercent: declared.capture?.samplingPercent ?? SERVING_DEFAULTS.samplingPercent },
      startupHealthCheckTimeoutSeconds: declared.startupHealthCheckTimeoutSeconds ?? (gpu ? 900 : 300),
      modelDataDownloadTimeoutSeconds: declared.modelDataDownloadTimeoutSeconds ?? (gpu ? 1200 : 600),
      latencyThresholdMs,
      rollbackAlarmNames: declared.rollbackAlarmNames ?? [],
      stopWhenIdleHours:
        declared.stopWhenIdleHours === false
          ? undefined
          : (declared.stopWhenIdleHours ?? (context.production ? undefined : SERVING_DEFAULTS.nonProductionStopWhenIdleHours)),
    },
  };
}
