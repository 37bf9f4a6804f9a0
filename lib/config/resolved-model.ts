/**
 * A model resolved for one environment: its declaration with every default applied, its names and prefixes, its
 * serving settings in the environment. Plain data, built by `resolveModel`; the constructs read it instead of
 * applying defaults themselves.
 */
import type { ResolvedCode, ResolvedImage, ResolvedTuning } from '../../contracts/model-code';
import type { EvaluationDeclaration, FeatureDeclaration, FeaturesDeclaration, ModelDeclaration } from './model';
import type { MlopsCostMetadata } from '../../contracts/cost';
import type { ResolvedTraining } from '../../contracts/training';

export type { ResolvedTraining };
import type { ResolvedServing } from './serving';

/** The S3 key prefixes of one model (in the lake's and the audit bucket). */
export interface ModelPrefixes {
  /** `<model>/`: the model's curated data, its offline feature store and its captured requests. */
  readonly data: string;
  /** `<model>/train/`: the default training data (curated bucket). */
  readonly trainingData: string;
  /** `<model>/test/`: the default evaluation data (curated bucket). */
  readonly evaluationData: string;
  /** `<model>/code/preprocess.py`: the preprocessing script's key (curated bucket). */
  readonly preprocessingScript: string;
  /** `models/<model>/`: everything the model's jobs write (artifacts bucket). */
  readonly model: string;
  /** `models/<model>/runs`: one folder per pipeline run (no trailing slash). */
  readonly runs: string;
  /** `models/<model>/serving/`: what serves. */
  readonly serving: string;
  /** `models/<model>/serving/current.json`: the serving record. */
  readonly servingRecord: string;
  /** `lineage/<qualified name>/`: the lineage records (audit bucket). */
  readonly lineage: string;
  /** `decisions/<qualified name>/`: the approval decisions (audit bucket). */
  readonly decisions: string;
}

/** A processing job (evaluation, preprocessing), every default applied. */
export interface ResolvedProcessing {
  readonly instanceType: string;
  readonly maxRuntimeSeconds: number;
  /** The instance type has NVIDIA GPUs (the job runs the GPU image). */
  readonly gpu: boolean;
  /** The job's volume may carry a KMS key. */
  readonly volumeKmsAllowed: boolean;
}

/** The evaluation job and the quality gate. */
export type ResolvedEvaluation = ResolvedProcessing &
  Pick<EvaluationDeclaration, 'metric' | 'direction' | 'threshold'> & {
    /** The values the metric can take; a report outside them fails the run. `undefined` bounds: unbounded on that side. */
    readonly range: { readonly min?: number; readonly max?: number };
  };

/** The approval gate in the environment. */
export type ResolvedApproval = { readonly mode: 'human'; readonly approvers: string[]; readonly timeoutHours: number } | { readonly mode: 'auto' };

/** Drift statistics and alarms, every default applied. */
export interface ResolvedDrift {
  readonly psiThreshold: number;
  readonly ksThreshold: number;
  readonly jsThreshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly minSamples: number;
  readonly maxFeatureAlarms: number;
  readonly retrainOnDrift: boolean;
}

/** Retraining guardrails, every default applied. */
export interface ResolvedRetraining {
  readonly cooldownMinutes: number;
  readonly maxStartsPerDay: number;
  /** An EventBridge Scheduler expression; `undefined`: no scheduled retraining. */
  readonly schedule?: string;
}

/** A model resolved for one environment. */
export interface ResolvedModel {
  /** The validated declaration, as written. */
  readonly declaration: ModelDeclaration;
  /** The model's name. */
  readonly name: string;
  readonly namespace: string;
  readonly environmentName: string;
  readonly production: boolean;
  /**
   * `<namespace>-<environment>-<model>`: the feature group, the model package group and the endpoint, and the
   * prefix (before `--`) of every SageMaker job, model and endpoint configuration the pipeline creates.
   */
  readonly qualifiedName: string;
  readonly prefixes: ModelPrefixes;
  readonly framework: ModelDeclaration['framework'];
  /** The model needs a GPU (training image). */
  readonly gpu: boolean;
  readonly description?: string;
  /** The features, `onlineStore` defaulted. */
  readonly features: FeaturesDeclaration & { readonly onlineStore: boolean };
  /** The input features: all but the record identifier and the event time, in declaration order (the CSV columns after the label). */
  readonly inputFeatures: FeatureDeclaration[];
  readonly training: ResolvedTraining;
  /** The framework container's version; `undefined`: the newest the blueprint lists (own images have none). */
  readonly frameworkVersion?: string;
  /** The team's code, paths resolved; `undefined`: the built-in algorithm, or own images without an evaluation script. */
  readonly code?: ResolvedCode;
  /** The team's own images (framework `custom`). */
  readonly images?: { readonly training: ResolvedImage; readonly inference: ResolvedImage };
  /** A tuning job instead of one training job. */
  readonly tuning?: ResolvedTuning;
  readonly evaluation: ResolvedEvaluation;
  /** `undefined`: no preprocessing step. */
  readonly preprocessing?: ResolvedProcessing;
  /** AWS accounts that may read the model's packages; `undefined`: none. */
  readonly crossAccountReaders?: string[];
  readonly approval: ResolvedApproval;
  readonly serving: ResolvedServing;
  /** Drift statistics run: a real-time endpoint with data capture. */
  readonly monitored: boolean;
  readonly drift: ResolvedDrift;
  readonly retraining: ResolvedRetraining;
  /** The `MlopsCost` template metadata. */
  readonly cost: MlopsCostMetadata;
}
