/**
 * A team's own model code and images, as the workflow, the constructs and the local contract run see them once a
 * declaration is resolved (lib/config/resolve-model.ts). Types and constants only.
 *
 * The container contract the blueprint relies on (docs/team-guide.md):
 * - training: the SageMaker training toolkit runs {@link TRAINING_WRAPPER} (`sagemaker_program`) from the extracted
 *   source package; it runs the team's entry point with the hyperparameters as `--name value` arguments, then copies
 *   the inference code into `$SM_MODEL_DIR/code/`, so the model artifact carries its own serving code;
 * - serving: the framework's inference toolkit imports `code/<inference file>` from the model directory
 *   (`SAGEMAKER_PROGRAM`, `SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code`);
 * - evaluation: a processing job runs the evaluation script; it writes `evaluation.json` with
 *   `{"metrics": {"<name>": <number>, ...}}` into {@link EVALUATION_ENV.outputDir}.
 */

/** SageMaker framework containers the blueprint runs a team's scripts in. */
export type ScriptFramework = 'pytorch' | 'tensorflow' | 'sklearn' | 'xgboost';

/**
 * How the model is trained and served: SageMaker's built-in XGBoost algorithm (no code), a framework container
 * running the team's scripts, or the team's own images.
 */
export type ModelFramework = ScriptFramework | 'custom';

/** The team's code folder and the files in it the blueprint hands to the containers. Paths are POSIX, relative to `sourceDir`. */
export interface ResolvedCode {
  /** Absolute path of the folder packaged as the source of the training job (and of the served model's code). */
  readonly sourceDir: string;
  /** The training script the framework container runs; `undefined` for own images, which run their own code. */
  readonly trainingEntryPoint?: string;
  /** The module with `model_fn` (and optionally `input_fn`, `predict_fn`, `output_fn`) the serving container imports. */
  readonly inferenceEntryPoint?: string;
  /** The team's evaluation script, replacing the blueprint's generic one. */
  readonly evaluationScript?: string;
}

/** An image of the team's own, in an ECR repository of this or another account. */
export interface ResolvedImage {
  /** `arn:<partition>:ecr:<region>:<account>:repository/<name>`, or the repository's name in the stack's account and region. */
  readonly repository: string;
  /** The tag, when no digest is given. */
  readonly tag?: string;
  /** `sha256:<64 hex>`: pins the exact image. */
  readonly digest?: string;
}

/** One range of a hyperparameter tuning job. */
export type TuningRange =
  | {
      readonly name: string;
      readonly type: 'continuous' | 'integer';
      readonly min: number;
      readonly max: number;
      readonly scaling: 'Auto' | 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';
    }
  | { readonly name: string; readonly type: 'categorical'; readonly values: readonly string[] };

/** A hyperparameter tuning job, every default applied. */
export interface ResolvedTuning {
  /** The objective: a metric the training code prints (found with `regex`) or, for the built-in algorithm, its metric name. */
  readonly objective: { readonly metric: string; readonly direction: 'maximize' | 'minimize'; readonly regex?: string };
  readonly ranges: readonly TuningRange[];
  readonly maxJobs: number;
  readonly maxParallelJobs: number;
  readonly strategy: 'Bayesian' | 'Random' | 'Hyperband' | 'Grid';
}

/** The file the training toolkit runs (`sagemaker_program`): the blueprint's wrapper, placed at the root of the source package. */
export const TRAINING_WRAPPER = 'mlops_train.py';

/** The wrapper's settings file, next to it in the source package: {@link TrainingWrapperSettings} as JSON. */
export const TRAINING_WRAPPER_SETTINGS = 'mlops_train.json';

/** What the wrapper reads from {@link TRAINING_WRAPPER_SETTINGS}. */
export interface TrainingWrapperSettings {
  /** The team's training script, relative to the package root. */
  readonly entryPoint: string;
  /** Files copied into `$SM_MODEL_DIR/code/` after training (the inference module, `requirements.txt` when present). */
  readonly inferenceFiles: readonly string[];
}

/** Where the serving containers find the inference code inside the extracted model artifact. */
export const SERVING_CODE_DIR = '/opt/ml/model/code';

/** Environment variables of the evaluation job, naming its folders (the local contract run points them elsewhere). */
export const EVALUATION_ENV = {
  /** The model artifact (`model.tar.gz`). */
  modelDir: 'MLOPS_MODEL_DIR',
  /** The held-out data (CSV, label in the first column, no header). */
  dataDir: 'MLOPS_DATA_DIR',
  /** Where `evaluation.json` and `predictions.csv` are written. */
  outputDir: 'MLOPS_OUTPUT_DIR',
  /** The declared gate metric, so a generic script can say when it cannot compute it. */
  metric: 'MLOPS_METRIC',
} as const;

/** The report's file name in the evaluation output folder. */
export const EVALUATION_REPORT = 'evaluation.json';
