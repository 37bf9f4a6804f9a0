/**
 * The training job of a model as the workflow runs it: the declaration's values with every default applied
 * (lib/config/resolve-model.ts builds it; the training stage in pipelines/stages/training.ts reads it).
 */

/** The training job, every default applied. */
export interface ResolvedTraining {
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  readonly maxRuntimeSeconds: number;
  /** Spot capacity wait plus training; `undefined` without spot. */
  readonly maxWaitSeconds?: number;
  readonly spot: boolean;
  /** The training volume may carry a KMS key (the instance type has no local NVMe storage). */
  readonly volumeKmsAllowed: boolean;
  readonly hyperparameters: Record<string, string>;
  /** `text/csv` for the built-in XGBoost; `undefined` for framework containers. */
  readonly contentType?: string;
}
