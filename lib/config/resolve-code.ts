/** Resolution of a model's own code, images, tuning and metric range: paths made absolute, defaults applied. */
import type { ResolvedCode, ResolvedImage, ResolvedTuning } from '../../contracts/model-code';
import { codeDirectory } from './code-schema';
import { EvaluationDeclaration } from './model';
import { CodeDeclaration, ImageDeclaration, TuningDeclaration } from './model-code';
import { MODEL_DEFAULTS } from './model-defaults';
import { isBoundedMetric } from './model-schema';

/** The code folder made absolute (relative folders are relative to the working directory; the app's folders are absolute). */
export function resolveCode(code: CodeDeclaration): ResolvedCode {
  return {
    sourceDir: codeDirectory(code),
    trainingEntryPoint: code.training,
    inferenceEntryPoint: code.inference,
    evaluationScript: code.evaluation,
  };
}

export function resolveImage(image: ImageDeclaration): ResolvedImage {
  return { repository: image.repository, tag: image.tag, digest: image.digest };
}

export function resolveTuning(tuning: TuningDeclaration): ResolvedTuning {
  return {
    objective: tuning.objective,
    ranges: Object.entries(tuning.ranges).map(([name, range]) =>
      range.type === 'categorical' ? { name, type: 'categorical', values: range.values } : { name, ...range, scaling: range.scaling ?? 'Auto' },
    ),
    maxJobs: tuning.maxJobs ?? MODEL_DEFAULTS.tuningMaxJobs,
    maxParallelJobs: tuning.maxParallelJobs ?? Math.min(MODEL_DEFAULTS.tuningMaxParallelJobs, tuning.maxJobs ?? MODEL_DEFAULTS.tuningMaxJobs),
    strategy: tuning.strategy ?? MODEL_DEFAULTS.tuningStrategy,
  };
}

/** The declared range, or [0, 1] for ratio metrics, else unbounded. */
export function metricRange(evaluation: EvaluationDeclaration): { readonly min?: number; readonly max?: number } {
  if (evaluation.range) return { min: evaluation.range[0], max: evaluation.range[1] };
  return isBoundedMetric(evaluation.metric) ? { min: 0, max: 1 } : {};
}
