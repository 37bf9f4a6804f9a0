import { FeatureDefinition } from '../../contracts/features';
import { Baseline } from '../shared/drift/baseline';
import { featureKind } from '../shared/drift/features';
import { CategoryCounter, NumericHistogram } from '../shared/drift/accumulators';
import { ByteSource, forEachLine, LineReadStats } from '../shared/drift/line-reader';
import { parseDecimal } from '../shared/drift/parse-decimal';
import { forEachScore, Payload } from './payload';
import { RowBinner } from './rows';
import { CaptureCounters, emptyCounters, WindowState } from './window-state';

/**
 * The drift job's core, free of AWS calls: parses SageMaker data capture records (JSON lines) and bins
 * their inputs and outputs into the baseline's edges and categories, in memory that does not grow with
 * the data (one histogram or category counter per feature, plus counters).
 *
 * A capture record (one line):
 * `{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1,2.5,0","encoding":"CSV"},
 *   "endpointOutput":{"observedContentType":"text/csv","mode":"OUTPUT","data":"0.73","encoding":"CSV"}},
 *   "eventMetadata":{"eventId":"…","inferenceTime":"2026-11-22T09:12:01Z"},"eventVersion":"0"}`
 *
 * Input payloads (`encoding` CSV, JSON, or BASE64 of either; the format comes from
 * `observedContentType`, else from `encoding`):
 * - **CSV**: one row per line (a request may hold several), the features in FEATURES_JSON order, no
 *   label, no quoting; an empty field is a missing value.
 * - **JSON**: `{"instances": [row, …]}`, an array of rows, one row (an array of values), or one object
 *   keyed by feature name; a row is an array of values in FEATURES_JSON order or such an object.
 *   `null` is a missing value.
 *
 * **Schema violations** are counted, never thrown, and the row is left out of every histogram (so
 * every feature is counted over the same rows): a wrong number of columns, a value of a numeric feature
 * that is not a finite number, an object row with an unknown or a missing field, a value of the wrong
 * JSON type, a payload that cannot be parsed. A line that is not a capture record (not JSON, no
 * `captureData.endpointInput.data`) is a malformed record.
 *
 * Output payloads: every number in a CSV output (split on commas and lines), or in a JSON output
 * (a number, an array of numbers or of `[score, …]`, `{"predictions": […]}`, `{"score": n}`) is one
 * score, binned on the baseline's prediction edges; anything else is a prediction violation.
 */

/** Histograms of one window: one per feature (on the baseline's edges or categories) and one of the scores. */
export class WindowAccumulator {
  /** Empty histograms on the baseline's edges and categories, for the features in FEATURES_JSON order. */
  static forBaseline(baseline: Baseline, features: readonly FeatureDefinition[]): WindowAccumulator {
    const histograms = features.map((f, i) => {
      const b = baseline.features[i];
      if (!b || b.name !== f.name || b.kind !== featureKind(f.type))
        throw new Error(`baseline feature ${i} is ${b?.name} (${b?.kind}); FEATURES_JSON says ${f.name} (${featureKind(f.type)})`);
      return b.kind === 'numeric'
        ? NumericHistogram.onEdges(b.numeric!.edges)
        : CategoryCounter.withCategories(Object.keys(b.categorical!.frequencies));
    });
    return new WindowAccumulator(features, histograms, NumericHistogram.onEdges(baseline.prediction.edges), emptyCounters());
  }

  /** Restores a persisted window; its features must be FEATURES_JSON's. */
  static fromState(state: WindowState, features: readonly FeatureDefinition[]): WindowAccumulator {
    if (state?.schemaVersion !== 1 || !Array.isArray(state.features) || state.features.length !== features.length) {
      throw new Error(`window state does not match FEATURES_JSON: expected schemaVersion 1 and ${features.length} features`);
    }
    const histograms = features.map((f, i) => {
      const s = state.features[i];
      if (s.name !== f.name || s.kind !== featureKind(f.type))
        throw new Error(`window state feature ${i} is ${s.name} (${s.kind}); FEATURES_JSON says ${f.name} (${featureKind(f.type)})`);
      return s.kind === 'numeric' ? NumericHistogram.fromState(s.numeric!) : CategoryCounter.fromState(s.categorical!);
    });
    const counters = emptyCounters();
    for (const key of Object.keys(counters) as Array<keyof CaptureCounters>) {
      const value = state.counters?.[key];
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`window state counters.${key} is ${JSON.stringify(value)}; expected a non-negative integer`);
      counters[key] = value;
    }
    return new WindowAccumulator(features, histograms, NumericHistogram.fromState(state.prediction), counters);
  }

  private readonly names: string[];
  private readonly rows: RowBinner;

  private constructor(
    readonly features: readonly FeatureDefinition[],
    private readonly histograms: Array<NumericHistogram | CategoryCounter>,
    readonly prediction: NumericHistogram,
    readonly counters: CaptureCounters,
  ) {
    this.names = features.map((f) => f.name);
    this.rows = new RowBinner(features, histograms, counters);
  }

  /** The histogram of feature `i` (FEATURES_JSON order). */
  histogram(i: number): NumericHistogram | CategoryCounter {
    return this.histograms[i];
  }

  /** Parses one capture line and bins what it holds. Never throws on bad data: it counts it. */
  addLine(line: string): void {
    if (line.length === 0) return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      // A blank line is not a record; anything else that is not JSON is a malformed one.
      if (line.trim() !== '') this.counters.malformedRecords++;
      return;
    }
    const capture = (record as { captureData?: { endpointInput?: Payload; endpointOutput?: Payload } } | null)?.captureData;
    const input = capture?.endpointInput;
    if (typeof input?.data !== 'string') {
      this.counters.malformedRecords++;
      return;
    }
    this.counters.records++;
    this.rows.addInput(input);
    const output = capture!.endpointOutput;
    if (output && typeof output.data === 'string') this.addOutput(output);
  }

  /** Counts a line that could not even be read (longer than the line limit). */
  addMalformed(count = 1): void {
    this.counters.malformedRecords += count;
  }

  /** Adds another partial window of the same baseline (counts add up; order does not matter). */
  merge(other: WindowAccumulator): this {
    this.histograms.forEach((h, i) => {
      const o = other.histograms[i];
      if (h instanceof NumericHistogram && o instanceof NumericHistogram) h.merge(o);
      else if (h instanceof CategoryCounter && o instanceof CategoryCounter) h.merge(o);
      else throw new Error(`cannot merge windows: feature ${this.names[i]} has different kinds`);
    });
    this.prediction.merge(other.prediction);
    for (const key of Object.keys(this.counters) as Array<keyof CaptureCounters>) this.counters[key] += other.counters[key];
    return this;
  }

  toState(): WindowState {
    return {
      schemaVersion: 1,
      features: this.features.map((f, i) => {
        const h = this.histograms[i];
        return h instanceof NumericHistogram
          ? { name: f.name, kind: 'numeric', numeric: h.toState() }
          : { name: f.name, kind: 'categorical', categorical: h.toState() };
      }),
      prediction: this.prediction.toState(),
      counters: { ...this.counters },
    };
  }

  toJSON(): WindowState {
    return this.toState();
  }

  // -------------------------------------------------------------------------------------------
  // Output

  private addOutput(output: Payload): void {
    forEachScore(
      output,
      (score) => this.addScore(score),
      () => this.counters.predictionViolations++,
    );
  }

  private addScore(value: unknown): void {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? (parseDecimal(value, 0, value.length) ?? (value.trim() !== '' ? +value : NaN))
          : NaN;
    if (Number.isFinite(n)) {
      this.prediction.add(n);
      this.counters.predictions++;
    } else {
      this.counters.predictionViolations++;
    }
  }
}

/**
 * Streams one capture object (plain or gzip JSON lines) into `window`: the function the drift job
 * runs per S3 object and the benchmark runs on local files. Lines too long to read are counted as
 * malformed records.
 */
export async function addCaptureStream(source: ByteSource, window: WindowAccumulator): Promise<LineReadStats> {
  const stats = await forEachLine(source, (line) => window.addLine(line));
  if (stats.oversizedLines > 0) window.addMalformed(stats.oversizedLines);
  return stats;
}
