import type { FeatureKind } from '../shared/drift/features';
import type { CategoryCounterState, NumericHistogramState } from '../shared/drift/accumulators';

/*
 * What a window of captured traffic counted, and the JSON form of its histograms (what a continuation persists).
 */

/** Counts of what a window held; all additive, so two partial windows merge by addition. */
export interface CaptureCounters {
  /** Capture records read (lines that are capture records). */
  records: number;
  /** Lines that are not capture records (not JSON, no input data, or too long to read). */
  malformedRecords: number;
  /** Input rows found in the records' payloads (valid or not). */
  rows: number;
  /** Rows that passed validation and were binned: the sample count. */
  samples: number;
  /** Rows (or whole payloads that could not be parsed) that broke the schema. */
  schemaViolations: number;
  /** Scores binned from the records' outputs. */
  predictions: number;
  /** Output values (or payloads) that were not numbers. */
  predictionViolations: number;
}

/** JSON form of one feature's histogram or category counter. */
export interface FeatureWindowState {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly numeric?: NumericHistogramState;
  readonly categorical?: CategoryCounterState;
}

/** JSON form of a {@link WindowAccumulator} (what a continuation persists). */
export interface WindowState {
  readonly schemaVersion: 1;
  readonly features: FeatureWindowState[];
  readonly prediction: NumericHistogramState;
  readonly counters: CaptureCounters;
}

/** Counters of a window that saw nothing yet. */
export const emptyCounters = (): CaptureCounters => ({
  records: 0,
  malformedRecords: 0,
  rows: 0,
  samples: 0,
  schemaViolations: 0,
  predictions: 0,
  predictionViolations: 0,
});
