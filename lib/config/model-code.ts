/**
 * The parts of a model declaration that bring the team's own code and images: script mode in SageMaker's
 * framework containers, own containers in ECR, an own evaluation script, and hyperparameter tuning.
 * See docs/team-guide.md.
 */
import type { ModelFramework } from '../../contracts/model-code';

export type { ModelFramework };

/** The team's code: a folder with the training script, the inference module and optionally an evaluation script. */
export interface CodeDeclaration {
  /**
   * The folder, relative to the model's folder (`models/<name>/`); the app makes it absolute when it collects the
   * folders. Everything in it is packaged (a `requirements.txt` at its root is installed by the containers).
   *
   * @default 'code'
   */
  readonly directory?: string;
  /**
   * The training script the framework container runs (script mode), relative to `directory`. Required for the
   * `pytorch`, `tensorflow` and `sklearn` frameworks and for `xgboost` in script mode; not allowed for `custom`
   * (the image runs its own code).
   *
   * @default - none: the built-in XGBoost algorithm (framework `xgboost`)
   */
  readonly training?: string;
  /**
   * The inference module (`model_fn`, and optionally `input_fn`, `predict_fn`, `output_fn`), relative to
   * `directory`. Packaged into the model artifact's `code/` folder, which the serving container imports.
   * Required with `training`.
   *
   * @default - none
   */
  readonly inference?: string;
  /**
   * The team's evaluation script, replacing the blueprint's generic one. It must write `evaluation.json` with the
   * declared metric (the metrics contract, docs/team-guide.md). Required for `custom` images.
   *
   * @default - the generic evaluation (auc, accuracy, f1, precision, recall, rmse, mae, r2)
   */
  readonly evaluation?: string;
}

/** An image of the team's own in Amazon ECR. Exactly one of `tag` and `digest`. */
export interface ImageDeclaration {
  /** The repository: its name in the deployment account and region, or its ARN (another account or region). */
  readonly repository: string;
  /** @default - none: `digest` is given */
  readonly tag?: string;
  /** `sha256:<64 hex>`. @default - none: `tag` is given */
  readonly digest?: string;
}

/** The team's own training and inference images (framework `custom`). */
export interface ImagesDeclaration {
  /** The training image: follows SageMaker's training contract (reads `/opt/ml/input`, writes `/opt/ml/model`). */
  readonly training: ImageDeclaration;
  /** The inference image: serves `GET /ping` and `POST /invocations` on port 8080 from `/opt/ml/model`. */
  readonly inference: ImageDeclaration;
}

/** One hyperparameter's range: numbers (`min`/`max`) or a list of values. */
export type TuningRangeDeclaration =
  | {
      readonly type: 'continuous' | 'integer';
      readonly min: number;
      readonly max: number;
      /** @default 'Auto' */
      readonly scaling?: 'Auto' | 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';
    }
  | { readonly type: 'categorical'; readonly values: string[] };

/** A hyperparameter tuning job instead of a single training job; the best job goes on to evaluation. */
export interface TuningDeclaration {
  /** What to optimize. */
  readonly objective: {
    /** The metric's name (for the built-in XGBoost algorithm, one of its metrics, e.g. `validation:auc`). */
    readonly metric: string;
    readonly direction: 'maximize' | 'minimize';
    /**
     * A regular expression with one group that finds the metric's value in the training log (script mode and own
     * images), e.g. `validation-auc=([0-9.]+)`.
     *
     * @default - none: the built-in algorithm publishes its metrics itself
     */
    readonly regex?: string;
  };
  /** The ranges, by hyperparameter name (not also among the fixed `hyperparameters`). */
  readonly ranges: Record<string, TuningRangeDeclaration>;
  /** @default 10 */
  readonly maxJobs?: number;
  /** @default 2 */
  readonly maxParallelJobs?: number;
  /** @default 'Bayesian' */
  readonly strategy?: 'Bayesian' | 'Random' | 'Hyperband' | 'Grid';
}
