import type { FeatureDefinition } from '../../../contracts/features';
import { CategoryCounter, NumericHistogram } from './accumulators';
import { categoryKey, featureKind } from './features';
import { parseDecimal } from './parse-decimal';
import {
  Baseline,
  BaselineOptions,
  DEFAULT_BINS,
  DEFAULT_MAX_CATEGORIES,
  DEFAULT_RESERVOIR_SIZE,
  FeatureBaseline,
  NumericSummary,
  TrainingDataError,
} from './baseline';

/**
 * Builds the drift baseline of a model version (baseline.ts) from its training data and held-out predictions.
 *
 * Built in two passes over the training data, in bounded memory:
 * 1. Pass 1 keeps, per numeric feature, a **uniform reservoir sample** (at most `reservoirSize` values,
 *    seeded, so the same data gives the same sample) and counts missing values; categorical features are
 *    counted completely in this pass.
 * 2. The quantile edges are taken from each reservoir; pass 2 counts **every** value into those edges
 *    and records min, max and mean.
 *
 * Why: exact quantiles of a stream need memory proportional to the data (or many passes), while bin
 * edges only need to be good cut points: a 50,000-value sample puts each decile within about ±0.2
 * percentile points of the true one (binomial standard error sqrt(p(1 − p)/n) ≤ 0.0023). The counts
 * the statistics compare are exact, not sampled, because pass 2 counts everything. Memory:
 * reservoirSize × 8 bytes per numeric feature (400 KB at the default) plus maxCategories entries per
 * categorical one, whatever the data size. Cost: the data is read twice.
 */

/** mulberry32: a small seeded PRNG (uniform in [0, 1)), so that sampling is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform sample of at most `capacity` values of a stream (Vitter's algorithm R), seeded. */
export class ReservoirSample {
  private readonly values: Float64Array;
  private seen = 0;
  private readonly random: () => number;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`reservoir capacity is ${capacity}; expected a positive integer`);
    this.values = new Float64Array(capacity);
    this.random = seededRandom(seed);
  }

  add(value: number): void {
    if (this.seen < this.capacity) {
      this.values[this.seen] = value;
    } else {
      const j = Math.floor(this.random() * (this.seen + 1));
      if (j < this.capacity) this.values[j] = value;
    }
    this.seen++;
  }

  /** Values offered so far (not only kept). */
  get count(): number {
    return this.seen;
  }

  /** The kept values, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.values.slice(0, Math.min(this.seen, this.capacity)).sort();
  }
}

/**
 * Interior quantile edges at j/bins, j = 1..bins−1, by the inverse empirical CDF (the smallest value
 * whose CDF reaches j/bins; "inverted_cdf" in numpy), so every edge is an observed value and an
 * integral feature gets integral edges. Equal edges are merged. No value gives no edge (one bin).
 */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins is ${bins}; expected a positive integer`);
  const n = sorted.length;
  const edges: number[] = [];
  if (n === 0) return edges;
  for (let j = 1; j < bins; j++) {
    const index = Math.max(0, Math.ceil((j * n) / bins) - 1);
    const edge = sorted[index];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Pass-1 and pass-2 state of one numeric column. */
class NumericColumn {
  private readonly sample: ReservoirSample;
  private histogram?: NumericHistogram;
  missing = 0;

  constructor(reservoirSize: number, seed: number) {
    this.sample = new ReservoirSample(reservoirSize, seed);
  }

  firstPass(value: number | undefined): void {
    if (value === undefined) this.missing++;
    else this.sample.add(value);
  }

  startSecondPass(bins: number): void {
    this.histogram = NumericHistogram.onEdges(quantileEdges(this.sample.sorted(), bins));
  }

  secondPass(value: number | undefined): void {
    if (value !== undefined) this.histogram!.add(value);
  }

  /** Non-missing values counted in pass 2. */
  get count(): number {
    return this.histogram!.count;
  }

  summary(): NumericSummary {
    const h = this.histogram!;
    return { edges: h.edges, counts: h.counts, min: h.min, max: h.max, mean: h.count === 0 ? null : h.mean };
  }
}

/**
 * Builds a {@link Baseline} from CSV rows (label first, then the features in `features` order) and
 * prediction lines, in two passes: call {@link addTrainingRow}/{@link addPrediction} for every line,
 * {@link startSecondPass}, the same calls again over the same data, then {@link build}.
 */
export class BaselineBuilder {
  private readonly bins: number;
  private readonly numeric: Array<NumericColumn | undefined>;
  private readonly categorical: Array<CategoryCounter | undefined>;
  private readonly prediction: NumericColumn;
  private pass: 1 | 2 = 1;
  private rows = [0, 0];
  private predictions = [0, 0];

  constructor(
    private readonly features: readonly FeatureDefinition[],
    options: BaselineOptions = {},
  ) {
    this.bins = options.bins ?? DEFAULT_BINS;
    if (!Number.isInteger(this.bins) || this.bins < 1) throw new RangeError(`bins is ${this.bins}; expected a positive integer`);
    const reservoirSize = options.reservoirSize ?? DEFAULT_RESERVOIR_SIZE;
    const maxCategories = options.maxCategories ?? DEFAULT_MAX_CATEGORIES;
    this.numeric = features.map((f, i) => (featureKind(f.type) === 'numeric' ? new NumericColumn(reservoirSize, 0x5eed + i) : undefined));
    this.categorical = features.map((f) => (featureKind(f.type) === 'categorical' ? CategoryCounter.bounded(maxCategories) : undefined));
    this.prediction = new NumericColumn(reservoirSize, 0x5eed - 1);
  }

  /**
   * Adds one training CSV line (blank lines are skipped). `where` names the line in errors.
   * @throws TrainingDataError on a wrong column count or a non-numeric value of a numeric feature
   */
  addTrainingRow(line: string, where: string): void {
    if (line.trim() === '') return;
    const fields = line.split(',');
    if (fields.length !== this.features.length + 1) {
      throw new TrainingDataError(
        where,
        `the row has ${fields.length} columns; expected ${this.features.length + 1} (the label, then ${this.features.map((f) => f.name).join(', ')})`,
      );
    }
    this.rows[this.pass - 1]++;
    for (let i = 0; i < this.features.length; i++) {
      const text = fields[i + 1];
      const column = this.numeric[i];
      if (column) {
        const value = numericValue(text);
        if (value === null)
          throw new TrainingDataError(
            where,
            `${this.features[i].name} is ${JSON.stringify(text)}; expected a finite number or an empty field (missing)`,
          );
        if (this.pass === 1) column.firstPass(value);
        else column.secondPass(value);
      } else if (this.pass === 1) {
        const key = categoryKey(text);
        if (key === '') this.categorical[i]!.addMissing();
        else this.categorical[i]!.add(key);
      }
    }
  }

  /**
   * Adds one line of the predictions file (one score per line; blank lines are skipped).
   * @throws TrainingDataError when the line is not a finite number
   */
  addPrediction(line: string, where: string): void {
    if (line.trim() === '') return;
    const value = numericValue(line);
    if (value === null || value === undefined)
      throw new TrainingDataError(where, `the prediction is ${JSON.stringify(line)}; expected a finite number`);
    this.predictions[this.pass - 1]++;
    if (this.pass === 1) this.prediction.firstPass(value);
    else this.prediction.secondPass(value);
  }

  /** Places the edges from pass 1's samples and starts counting. */
  startSecondPass(): void {
    if (this.pass !== 1) throw new Error('startSecondPass called twice');
    this.pass = 2;
    for (const column of this.numeric) column?.startSecondPass(this.bins);
    this.prediction.startSecondPass(this.bins);
  }

  /** Rows of the first pass (the training row count). */
  get rowCount(): number {
    return this.rows[0];
  }

  /**
   * The baseline.
   * @throws Error when pass 2 saw different data than pass 1 (row or prediction counts differ)
   */
  build(meta: { model: string; createdAt: string; source: Baseline['source'] }): Baseline {
    if (this.pass !== 2) throw new Error('build called before the second pass');
    if (this.rows[0] !== this.rows[1] || this.predictions[0] !== this.predictions[1]) {
      throw new Error(
        `the data changed between the two passes: ${this.rows[0]} then ${this.rows[1]} rows, ${this.predictions[0]} then ` +
          `${this.predictions[1]} predictions`,
      );
    }
    const rowCount = this.rows[0];
    const features = this.features.map((f, i): FeatureBaseline => {
      const column = this.numeric[i];
      if (column) {
        return { name: f.name, kind: 'numeric', missingRate: rate(column.missing, rowCount), numeric: column.summary() };
      }
      const counter = this.categorical[i]!;
      return {
        name: f.name,
        kind: 'categorical',
        missingRate: rate(counter.missing, rowCount),
        categorical: { frequencies: Object.fromEntries(counter.entries), otherCount: counter.other },
      };
    });
    return {
      schemaVersion: 1,
      model: meta.model,
      createdAt: meta.createdAt,
      source: meta.source,
      rowCount,
      features,
      prediction: { ...this.prediction.summary(), count: this.prediction.count },
    };
  }
}

/** A CSV field as a number: undefined when empty (missing), null when not a finite number. */
export function numericValue(text: string): number | undefined | null {
  const fast = parseDecimal(text, 0, text.length);
  if (fast !== undefined) return fast;
  if (text === '' || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
