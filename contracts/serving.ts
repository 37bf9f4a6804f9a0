/**
 * Serving contract: the serving declaration ML teams write and the resolved settings shared by the
 * constructs (lib/model) and the deployment workflow (pipelines/stages). Types and constants only:
 * the schema and `resolveServing`, which applies the defaults, live in lib/config/serving.ts.
 */

/** The one production variant of every endpoint: guardrails need the same name across updates. */
export const VARIANT_NAME = 'AllTraffic';

/** Target-tracking autoscaling of a real-time endpoint's variant. */
export interface AutoscalingDeclaration {
  /**
   * Fewest instances. At least 1: plain endpoint variants cannot scale to zero (only inference
   * components can); CPU models that should cost nothing when idle use `mode: 'serverless'`.
   *
   * @default - the initial instance count
   */
  readonly minInstances?: number;
  /** Most instances. @default - twice the initial instance count, at least 2 */
  readonly maxInstances?: number;
  /**
   * Target of `SageMakerVariantInvocationsPerInstance` (invocations per instance per minute).
   *
   * @default 100
   */
  readonly targetInvocationsPerInstance?: number;
  /**
   * Target average GPU utilization in percent (GPU instance types only).
   *
   * @default 70 on GPU instance types, none otherwise
   */
  readonly targetGpuUtilization?: number;
  /** Seconds after a scale-in before the next scale-in. @default 600 */
  readonly scaleInCooldownSeconds?: number;
  /** Seconds after a scale-out before the next scale-out. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
}

/** How an update shifts traffic from the serving fleet (blue) to the new one (green). */
export interface RolloutDeclaration {
  /**
   * `canary`: a share of the traffic first, then the rest. `linear`: equal steps. `all-at-once`:
   * everything at once, then a baking period; all three roll back on the alarms.
   */
  readonly strategy: 'canary' | 'linear' | 'all-at-once';
  /**
   * Canary size or linear step, in percent of the fleet's capacity: canary at most 50 (and at most
   * half the instances), linear 10-50.
   *
   * @default 25 for canary, 20 for linear
   */
  readonly trafficPercent?: number;
  /** Seconds to watch the alarms after each traffic shift (0-3600). @default 600 */
  readonly waitSeconds?: number;
  /** Seconds the old fleet stays up after all traffic moved, for a fast rollback (0-3600). @default 300 */
  readonly terminationWaitSeconds?: number;
  /**
   * Longest the whole rollout may take (600-28800), above the sum of its waits.
   *
   * @default - the sum of the waits plus 30 minutes, at least 600
   */
  readonly maximumExecutionTimeoutSeconds?: number;
}

/** Serverless inference (CPU only; no VPC, data capture, guardrails or autoscaling). */
export interface ServerlessDeclaration {
  /** Memory in MB: 1024, 2048, 3072, 4096, 5120 or 6144. @default 2048 */
  readonly memoryMb?: number;
  /** Most concurrent invocations (1-200). @default 5 */
  readonly maxConcurrency?: number;
  /**
   * Concurrency kept warm (1 to `maxConcurrency`); billed while idle.
   *
   * @default - none: the endpoint costs nothing while idle, with cold starts
   */
  readonly provisionedConcurrency?: number;
}

/** Request and response capture to the lake's capture bucket, for drift statistics. */
export interface CaptureDeclaration {
  /** Percent of requests captured (1-100). @default 25 */
  readonly samplingPercent?: number;
}

/** The settings of `serving` that an environment may override. */
export interface ServingSettingsDeclaration {
  /** `realtime`: instances behind an endpoint; `serverless`: SageMaker Serverless Inference (CPU only). @default 'realtime' */
  readonly mode?: 'realtime' | 'serverless';
  /** Real-time instance type. @default - `ml.g5.xlarge` for GPU models, `ml.m5.large` otherwise */
  readonly instanceType?: string;
  /** Instances at creation (real-time). @default 1 */
  readonly instanceCount?: number;
  /** Autoscaling (real-time), or `false` for a fixed fleet. @default - see AutoscalingDeclaration */
  readonly autoscaling?: AutoscalingDeclaration | false;
  /** Update strategy (real-time). @default - canary 25% with 2+ instances, all-at-once with baking with 1 */
  readonly rollout?: RolloutDeclaration;
  /** Data capture (real-time), or `false`. @default - 25% of requests */
  readonly capture?: CaptureDeclaration | false;
  /** Serverless settings (serverless mode only). @default - see ServerlessDeclaration */
  readonly serverless?: ServerlessDeclaration;
  /**
   * Seconds SageMaker waits for the container's health check after start (60-3600).
   *
   * @default 900 on GPU instance types, 300 otherwise
   */
  readonly startupHealthCheckTimeoutSeconds?: number;
  /**
   * Seconds SageMaker allows for downloading the model artifact (60-3600).
   *
   * @default 1200 on GPU instance types, 600 otherwise
   */
  readonly modelDataDownloadTimeoutSeconds?: number;
  /** The latency alarm's threshold: 90th percentile of ModelLatency, in milliseconds. @default 500 */
  readonly latencyThresholdMs?: number;
  /**
   * Names of further CloudWatch alarms (in the same account and region) that roll an update back.
   *
   * @default - only the blueprint's 5XX and latency alarms
   */
  readonly rollbackAlarmNames?: string[];
  /**
   * Delete the endpoint after this many hours without an invocation (1-168), or `false` to keep it.
   * Starting the pipeline with `{ "redeploy": true }` brings the approved model back without training.
   *
   * @default - 4 in non-production environments, false in production ones
   */
  readonly stopWhenIdleHours?: number | false;
}

/** How the model is served, with per-environment overrides. */
export interface ServingDeclaration extends ServingSettingsDeclaration {
  /**
   * Overrides per environment name; each replaces the whole value of the keys it sets.
   *
   * @default - the same settings in every environment
   */
  readonly environments?: Record<string, ServingSettingsDeclaration>;
}

/** Real-time serving, every default applied. */
export interface RealtimeServing {
  readonly mode: 'realtime';
  readonly instanceType: string;
  readonly instanceCount: number;
  /** The instance type has NVIDIA GPUs. */
  readonly gpu: boolean;
  /** An endpoint configuration may carry a volume KMS key (no local NVMe storage). */
  readonly volumeKmsAllowed: boolean;
  readonly autoscaling?: Required<Omit<AutoscalingDeclaration, 'targetGpuUtilization'>> & { readonly targetGpuUtilization?: number };
  readonly rollout: Required<RolloutDeclaration>;
  readonly capture?: Required<CaptureDeclaration>;
  readonly startupHealthCheckTimeoutSeconds: number;
  readonly modelDataDownloadTimeoutSeconds: number;
  readonly latencyThresholdMs: number;
  readonly rollbackAlarmNames: string[];
  /** Hours without an invocation after which the endpoint is deleted (non-production). */
  readonly stopWhenIdleHours?: number;
}

/** Serverless serving, every default applied. */
export interface ServerlessServing {
  readonly mode: 'serverless';
  readonly memoryMb: number;
  readonly maxConcurrency: number;
  readonly provisionedConcurrency?: number;
  readonly latencyThresholdMs: number;
}

/** Serving settings of one model in one environment. */
export type ResolvedServing = RealtimeServing | ServerlessServing;
