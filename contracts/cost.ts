/**
 * The `MlopsCost` template metadata of a model stack: what the model's serving, training, evaluation,
 * preprocessing and drift checks run on, written by lib/model/mlops-model.ts and read by the cost estimate
 * (`npm run cost`). SageMaker endpoints and jobs are not CloudFormation resources in this project (the
 * pipeline owns them), so this is how the estimate learns about them. Types and constants only.
 */

/** Key of the metadata in the template's top-level `Metadata`. */
export const COST_METADATA_KEY = 'MlopsCost';

/** A SageMaker job as written: the instance it runs on and for how long at most. */
export interface CostJobEntry {
  readonly instanceType: string;
  /** Training only (the other jobs run on one instance). */
  readonly instanceCount?: number;
  readonly maxRuntimeMinutes: number;
  /** Training only: managed spot training. */
  readonly spot?: boolean;
  /** Training only: the training jobs a tuning job runs at most (absent: one training job). */
  readonly jobs?: number;
}

/** A real-time endpoint as written. */
export interface CostRealtimeServingEntry {
  readonly mode: 'realtime';
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** Data capture, or `false` when the endpoint captures nothing. */
  readonly capture: { readonly samplingPercent: number } | false;
  /** The endpoint is deleted after this many idle hours (non-production). */
  readonly stopWhenIdleHours?: number;
}

/** A serverless endpoint as written. */
export interface CostServerlessServingEntry {
  readonly mode: 'serverless';
  readonly memoryMb: number;
  readonly maxConcurrency: number;
  readonly provisionedConcurrency: number;
}

/** The `MlopsCost` entry as the model construct writes it (readers check every field: templates may come from elsewhere). */
export interface MlopsCostMetadata {
  readonly model: string;
  readonly environment: string;
  readonly serving: CostRealtimeServingEntry | CostServerlessServingEntry;
  readonly training: CostJobEntry;
  readonly evaluation: CostJobEntry;
  /** `null`: the model has no preprocessing step. */
  readonly preprocessing: CostJobEntry | null;
  /** `null`: the model has no drift checks. */
  readonly drift: { readonly scheduleMinutes: number; readonly memoryMb: number } | null;
  readonly retraining: { readonly maxStartsPerDay: number };
}
