import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import { Baseline } from '../shared/drift/baseline';
import { CategoryCounter, NumericHistogram } from '../shared/drift/accumulators';
import { DEFAULT_PSI_EPSILON, jensenShannonDistance, ksDistanceFromBins, psi } from '../shared/drift/drift-stats';
import { WindowAccumulator } from './capture';
import { CaptureCounters } from './window-state';

/**
 * From a window's histograms and the baseline to drift values, and from drift values to CloudWatch
 * metric data (names and dimensions: docs/drift.md). Pure functions.
 */

/** One feature's drift statistics in a window. */
export interface FeatureDrift {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** PSI of the window's bins against the baseline's (NaN when the window has no value of the feature). */
  readonly psi: number;
  /** Binned KS distance (numeric features only; a lower bound of the exact statistic). */
  readonly ksDistance?: number;
  /** Jensen–Shannon distance, base 2 (categorical features only). */
  readonly jsDistance?: number;
  readonly baselineMissingRate: number;
  readonly windowMissingRate: number;
  /** windowMissingRate − baselineMissingRate: positive when more values are missing than in training. */
  readonly missingRateChange: number;
}

/** A window's drift: per feature and of the prediction. */
export interface DriftSummary {
  readonly features: FeatureDrift[];
  /** PSI of the scores against the held-out predictions' (NaN when no score was captured). */
  readonly predictionPsi: number;
  /** Largest finite PSI of the features (NaN when none). */
  readonly maxPsi: number;
  readonly maxKsDistance: number;
  readonly maxJsDistance: number;
}

/** Compares every feature's window histogram with the baseline's. */
export function computeDrift(baseline: Baseline, window: WindowAccumulator, epsilon = DEFAULT_PSI_EPSILON): DriftSummary {
  const features = baseline.features.map((b, i): FeatureDrift => {
    const h = window.histogram(i);
    const seen = h.count + h.missing;
    const windowMissingRate = seen === 0 ? NaN : h.missing / seen;
    const missing = { baselineMissingRate: b.missingRate, windowMissingRate, missingRateChange: windowMissingRate - b.missingRate };
    if (b.kind === 'numeric' && h instanceof NumericHistogram) {
      const counts = h.counts;
      return {
        name: b.name,
        kind: 'numeric',
        psi: psi(b.numeric!.counts, counts, epsilon),
        ksDistance: ksDistanceFromBins(b.numeric!.edges, b.numeric!.counts, counts),
        ...missing,
      };
    }
    if (b.kind === 'categorical' && h instanceof CategoryCounter) {
      const { expected, actual } = categoryVectors(b.categorical!.frequencies, b.categorical!.otherCount, h);
      return {
        name: b.name,
        kind: 'categorical',
        psi: psi(expected, actual, epsilon),
        jsDistance: jensenShannonDistance(expected, actual),
        ...missing,
      };
    }
    throw new Error(`feature ${b.name} is ${b.kind} in the baseline but not in the window`);
  });
  return {
    features,
    predictionPsi: psi(baseline.prediction.counts, window.prediction.counts, epsilon),
    maxPsi: finiteMax(features.map((f) => f.psi)),
    maxKsDistance: finiteMax(features.map((f) => f.ksDistance)),
    maxJsDistance: finiteMax(features.map((f) => f.jsDistance)),
  };
}

/**
 * Aligned count vectors of a categorical feature: the baseline's categories in its order, then
 * "other" (the baseline's otherCount; in the window, every value outside the baseline's categories).
 */
export function categoryVectors(
  frequencies: Record<string, number>,
  otherCount: number,
  window: CategoryCounter,
): { expected: number[]; actual: number[] } {
  const categories = Object.keys(frequencies);
  const expected = categories.map((c) => frequencies[c]);
  const actual = categories.map((c) => window.countOf(c));
  const tracked = actual.reduce((a, b) => a + b, 0);
  expected.push(otherCount);
  actual.push(window.count - tracked);
  return { expected, actual };
}

function finiteMax(values: Array<number | undefined>): number {
  let max = NaN;
  for (const v of values) if (v !== undefined && Number.isFinite(v) && !(v <= max)) max = v;
  return max;
}

/** What the drift job publishes for one window. */
export interface MetricsInput {
  readonly model: string;
  /** End of the window: the timestamp of every data point. */
  readonly timestamp: Date;
  readonly counters: CaptureCounters;
  /** Drift values; absent when there were too few samples (then only the counts are published). */
  readonly drift?: DriftSummary;
}

/** SchemaViolations: everything captured that could not be used (see capture.ts). */
export function schemaViolations(counters: CaptureCounters): number {
  return counters.schemaViolations + counters.malformedRecords + counters.predictionViolations;
}

/**
 * CloudWatch data points: per model (dimension Model) SampleCount, SchemaViolations,
 * InsufficientData (1 without drift values, else 0) and, with drift values, MaxPSI, MaxKSDistance,
 * MaxJSDistance, PredictionPSI; per feature (dimensions Model, Feature) PSI, KSDistance (numeric),
 * JSDistance (categorical), MissingRateChange. Undefined values (NaN: nothing to compare) are left out,
 * and values CloudWatch would reject as too small (|v| < 1e-100) are sent as 0.
 */
export function metricData(input: MetricsInput): MetricDatum[] {
  const data: MetricDatum[] = [];
  const model = [{ Name: 'Model', Value: input.model }];
  const add = (name: string, value: number | undefined, dimensions = model, unit: 'None' | 'Count' = 'None') => {
    if (value === undefined || !Number.isFinite(value)) return;
    data.push({ MetricName: name, Dimensions: dimensions, Timestamp: input.timestamp, Unit: unit, Value: Math.abs(value) < 1e-100 ? 0 : value });
  };
  add('SampleCount', input.counters.samples, model, 'Count');
  add('SchemaViolations', schemaViolations(input.counters), model, 'Count');
  add('InsufficientData', input.drift ? 0 : 1);
  const drift = input.drift;
  if (!drift) return data;
  add('MaxPSI', drift.maxPsi);
  add('MaxKSDistance', drift.maxKsDistance);
  add('MaxJSDistance', drift.maxJsDistance);
  add('PredictionPSI', drift.predictionPsi);
  for (const f of drift.features) {
    const dimensions = [...model, { Name: 'Feature', Value: f.name }];
    add('PSI', f.psi, dimensions);
    add('KSDistance', f.ksDistance, dimensions);
    add('JSDistance', f.jsDistance, dimensions);
    add('MissingRateChange', f.missingRateChange, dimensions);
  }
  return data;
}

/** PutMetricData takes at most 1000 metrics per call (and 1 MB; 1000 of these data points are ~200 KB). */
export const MAX_METRICS_PER_CALL = 1000;

/** Splits `items` into batches of at most `size`. */
export function batches<T>(items: readonly T[], size = MAX_METRICS_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
