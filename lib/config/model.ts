import type { FeatureDefinition, FeatureType } from '../../contracts/features';
import type { CodeDeclaration, ImagesDeclaration, ModelFramework, TuningDeclaration } from './model-code';
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
  /**
   * A hyperparameter tuning job instead of one training job: the best job goes on to evaluation and registration.
   *
   * @default - one training job
   */
  readonly tuning?: TuningDeclaration;
}

/** The quality gate: the candidate must reach the threshold, and be at least as good as the approved model when there is one. */
export interface EvaluationDeclaration {
  /**
   * The gate's metric: a name the evaluation writes into `evaluation.json`. The generic evaluation computes auc,
   * accuracy, f1, precision, recall (0/1 labels), rmse, mae and r2; an own evaluation script (`code.evaluation`) may
   * write any.
   */
  readonly metric: string;
  /** Whether higher (`maximize`) or lower (`minimize`) is better. */
  readonly direction: 'maximize' | 'minimize';
  /** The threshold the candidate's metric must reach (at least, for `maximize`; at most, for `minimize`). */
  readonly threshold: number;
  /**
   * The values the metric can take, `[min, max]`: a reported value outside it fails the run (a broken evaluation),
   * and the threshold must lie within it.
   *
   * @default - [0, 1] for ratio metrics (names ending in auc, accuracy, f1, precision or recall), else unbounded
   */
  readonly range?: [number, number];
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
  /**
   * How the model is trained and served: `xgboost` (SageMaker's built-in algorithm, or script mode with `code`),
   * `pytorch`, `tensorflow` or `sklearn` (SageMaker's framework containers running the team's `code`), or `custom`
   * (the team's own `images`).
   */
  readonly framework: ModelFramework;
  /**
   * The framework container's version (script mode and the built-in algorithm).
   *
   * @default - the newest version the blueprint lists for the framework
   */
  readonly frameworkVersion?: string;
  /**
   * The team's code: training script, inference module, optional evaluation script (docs/team-guide.md).
   *
   * @default - none: only for the built-in XGBoost algorithm and `custom` images with their own code
   */
  readonly code?: CodeDeclaration;
  /**
   * The team's own training and inference images in ECR (framework `custom`).
   *
   * @default - SageMaker's images of the framework
   */
  readonly images?: ImagesDeclaration;
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
