import type { FeatureDefinition, FeatureType } from '../../contracts/features';
import type { DriftDeclaration, RetrainingDeclaration } from './monitoring';
import type { ServingDeclaration } from './serving';

/**
 * The declaration of one model: what ML teams write (about 15 lines) to get the whole per-model
 * MLOps loop. Validated on every synth by `modelSchema` / `parseModels`; every problem names the
 * model, the field and the value.
 */

/** One feature of the model's feature group (the shape the handlers read too: contracts/features.ts). */
export type FeatureDeclaration = FeatureDefinition;
export type { FeatureType };

/** The model's features (one SageMaker Feature Store feature group). */
export interface FeaturesDeclaration {
  /** Name of the feature that identifies a record; must be one of `definitions`. */
  readonly recordIdentifier: string;
  /** Name of the feature holding the event time; must be one of `definitions`, of type `string` or `fractional`. */
  readonly eventTime: string;
  /** The features, 1-2500, unique names. */
  readonly definitions: FeatureDeclaration[];
  /**
   * Keep an online store (KMS-encrypted) for low-latency reads at inference time.
   *
   * @default false
   */
  readonly onlineStore?: boolean;
}

/** Training job settings. */
export interface TrainingDeclaration {
  /** SageMaker training instance type, e.g. `ml.m5.xlarge` or `ml.g5.2xlarge`. */
  readonly instanceType: string;
  /**
   * Number of training instances.
   *
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Use managed spot training (with checkpoints in the artifacts bucket).
   *
   * @default true
   */
  readonly spot?: boolean;
  /**
   * Maximum training time, in minutes.
   *
   * @default 60
   */
  readonly maxRuntimeMinutes?: number;
  /**
   * Maximum time to wait for spot capacity plus training, in minutes (spot only; at least `maxRuntimeMinutes`).
   *
   * @default 2 x maxRuntimeMinutes
   */
  readonly maxWaitMinutes?: number;
  /**
   * Size of the training volume, in GB.
   *
   * @default 30
   */
  readonly volumeSizeGb?: number;
  /**
   * Hyperparameters passed to the algorithm or script.
   *
   * @default - none
   */
  readonly hyperparameters?: Record<string, string>;
}

/** The quality gate: the candidate must reach the threshold, and be at least as good as the approved model when there is one. */
export interface EvaluationDeclaration {
  /** The gate's metric: one of those the evaluation step computes (`auc`, `accuracy`, `rmse`). */
  readonly metric: 'auc' | 'accuracy' | 'rmse';
  /** Whether higher (`maximize`) or lower (`minimize`) is better. */
  readonly direction: 'maximize' | 'minimize';
  /** The threshold the candidate's metric must reach (at least, for `maximize`; at most, for `minimize`). */
  readonly threshold: number;
  /**
   * Processing instance type of the evaluation job.
   *
   * @default ml.m5.large
   */
  readonly instanceType?: string;
}

/** Optional data preparation before training. */
export interface PreprocessingDeclaration {
  /** Processing instance type. */
  readonly instanceType: string;
  /**
   * Maximum run time, in minutes.
   *
   * @default 30
   */
  readonly maxRuntimeMinutes?: number;
}

/** The model registry settings. */
export interface RegistryDeclaration {
  /**
   * AWS accounts allowed to read and deploy this model's packages (for example a separate production account).
   *
   * @default - no cross-account access, no resource policy
   */
  readonly crossAccountReaders?: string[];
}

/** One model. */
export interface ModelDeclaration {
  /**
   * The model's name: lower-case letters, digits and hyphens, starting with a letter, at most 24
   * characters (it prefixes SageMaker job names, which are limited to 63).
   */
  readonly name: string;
  /** A sentence for people. */
  readonly description?: string;
  /** Training framework: SageMaker's built-in XGBoost, or a PyTorch framework container. */
  readonly framework: 'xgboost' | 'pytorch';
  /**
   * Whether the model needs a GPU to train (and, later, to serve). A GPU model on a CPU instance type is an error.
   *
   * @default false
   */
  readonly gpu?: boolean;
  /** The features. */
  readonly features: FeaturesDeclaration;
  /** Optional data preparation. @default - no preprocessing step */
  readonly preprocessing?: PreprocessingDeclaration;
  /** Training settings. */
  readonly training: TrainingDeclaration;
  /** The quality gate. */
  readonly evaluation: EvaluationDeclaration;
  /** Registry settings. @default - a private model package group */
  readonly registry?: RegistryDeclaration;
  /**
   * Who may approve a new version, per environment name: e-mail addresses. Every environment whose
   * approval mode is `human` (the default) needs at least one.
   *
   * @default - none (only environments with `approval.mode: 'auto'` can run the model)
   */
  readonly approvers?: Record<string, string[]>;
  /**
   * How the approved model is served (endpoint type, size, autoscaling, rollout, data capture), with
   * per-environment overrides. See docs/serving.md.
   *
   * @default - a real-time endpoint: one `ml.g5.xlarge` for GPU models, one `ml.m5.large` otherwise,
   *   autoscaling to two, all-at-once rollout with a baking period and auto-rollback, 25% data capture
   */
  readonly serving?: ServingDeclaration;
  /**
   * Drift statistics of the captured data (real-time endpoints with capture) and their alarms.
   * See docs/drift.md.
   *
   * @default - PSI 0.2, KS 0.1, JS 0.1, 2 of 3 hourly windows, retraining on drift
   */
  readonly drift?: DriftDeclaration;
  /**
   * Guardrails of automatic retraining, and an optional schedule. See docs/retraining.md.
   *
   * @default - 6-hour cooldown, at most 3 starts a day, no schedule
   */
  readonly retraining?: RetrainingDeclaration;
}
