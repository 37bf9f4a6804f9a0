import { CategoryCounter, NumericHistogram } from './drift-stats';
import { parseDecimal } from './parse-decimal';

/**
 * The drift baseline of a model version: what its training data and its held-out predictions looked
 * like, feature by feature, in the bins the drift job later counts live traffic in (docs/drift.md).
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

export type FeatureType = 'integral' | 'fractional' | 'string';
export type FeatureKind = 'numeric' | 'categorical';

/** One model input, in the order of the CSV columns after the label (env FEATURES_JSON). */
export interface FeatureSpec {
  readonly name: string;
  readonly type: FeatureType;
}

/** Numeric distribution summary: right-closed bins on `edges` (lambda/shared/drift-stats.ts), counts of every non-missing value. */
export interface NumericSummary {
  /** Strictly increasing quantile edges; `edges.length + 1` bins, the outer ones open-ended. */
  readonly edges: number[];
  /** Non-missing values per bin. */
  readonly counts: number[];
  /** null when there is no non-missing value (also for max and mean). */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

export interface CategoricalSummary {
  /** Count of each category (the CSV field's text, normalised by {@link categoryKey}). */
  readonly frequencies: Record<string, number>;
  /** Values of categories beyond the first `maxCategories` distinct ones. */
  readonly otherCount: number;
}

export interface FeatureBaseline {
  readonly name: string;
  readonly kind: FeatureKind;
  /** Missing values (empty CSV fields) / rowCount. */
  readonly missingRate: number;
  readonly numeric?: NumericSummary;
  readonly categorical?: CategoricalSummary;
}

/** Version 1 of the baseline JSON (stored next to the model version; the drift job reads it). */
export interface Baseline {
  readonly schemaVersion: 1;
  readonly model: string;
  readonly createdAt: string;
  readonly source: {
    /** The training data manifest (lambda/snapshot-training-data), pinning object versions. */
    readonly manifestUri: string;
    /** The training data prefix the manifest lists. */
    readonly dataUri: string;
    /** The CSV objects summarised. */
    readonly objectCount: number;
    /** The held-out predictions summarised as `prediction`. */
    readonly predictionsUri: string;
  };
  /** Training rows (CSV lines that are not blank). */
  readonly rowCount: number;
  readonly features: FeatureBaseline[];
  /** The model's scores on held-out data, summarised like a numeric feature. */
  readonly prediction: NumericSummary & { readonly count: number };
}

export interface BaselineOptions {
  /**
   * Quantile bins per numeric feature (fewer when values repeat: equal edges are merged).
   * @default 10 (deciles: 9 edges)
   */
  readonly bins?: number;
  /**
   * Distinct categories kept per categorical feature; further ones are counted in `otherCount`.
   * @default 100
   */
  readonly maxCategories?: number;
  /**
   * Values sampled per numeric feature to place the edges.
   * @default 50,000
   */
  readonly reservoirSize?: number;
}

export const DEFAULT_BINS = 10;
export const DEFAULT_MAX_CATEGORIES = 100;
export const DEFAULT_RESERVOIR_SIZE = 50_000;

/** A baseline or training-data row that does not have the expected shape; names where, the value and the rule. */
export class InvalidBaselineError extends Error {
  constructor(source: string, field: string, value: unknown, expected: string) {
    super(`Invalid baseline ${source}: ${field} is ${JSON.stringify(value) ?? 'missing'}; expected ${expected}`);
    this.name = 'InvalidBaseline';
  }
}

/** A training data line that cannot be summarised: names the object, the line, the value and the rule. */
export class TrainingDataError extends Error {
  constructor(where: string, problem: string) {
    super(`Invalid training data at ${where}: ${problem}`);
    this.name = 'InvalidTrainingData';
  }
}

// ---------------------------------------------------------------------------------------------
// Features

const FEATURE_TYPES: readonly FeatureType[] = ['integral', 'fractional', 'string'];

/**
 * Parses the FEATURES_JSON environment variable: a non-empty JSON array of `{ name, type }`, unique
 * names, type 'integral' | 'fractional' | 'string'. Every problem is reported at once.
 */
export function parseFeatures(text: string | undefined, field = 'FEATURES_JSON'): FeatureSpec[] {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new Error(`${field} is ${JSON.stringify(text) ?? 'missing'}; expected a JSON array of { name, type }`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${field} is ${JSON.stringify(value)}; expected a non-empty JSON array of { name, type }`);
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((f: unknown, i) => {
    const { name, type } = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') problems.push(`${field}[${i}].name is ${JSON.stringify(name) ?? 'missing'}; expected a non-empty string`);
    else if (seen.has(name)) problems.push(`${field}[${i}].name is ${JSON.stringify(name)}; expected a name not used by another feature`);
    else seen.add(name);
    if (!FEATURE_TYPES.includes(type as FeatureType)) problems.push(`${field}[${i}].type is ${JSON.stringify(type) ?? 'missing'}; expected one of ${FEATURE_TYPES.join(', ')}`);
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return (value as FeatureSpec[]).map(({ name, type }) => ({ name, type }));
}

/** 'string' features are categorical (their encoded value is a category); the others numeric. */
export function featureKind(type: FeatureType): FeatureKind {
  return type === 'string' ? 'categorical' : 'numeric';
}

/**
 * The category a field's text stands for: trimmed, and a numeric text written canonically ("1.0",
 * "01" and the JSON number 1 are all "1"), so training CSV text and captured JSON numbers agree.
 */
export function categoryKey(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const n = Number(trimmed);
  return Number.isFinite(n) ? String(n) : trimmed;
}

// ---------------------------------------------------------------------------------------------
// Builder

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

  constructor(readonly capacity: number, seed: number) {
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
  get count(): number { return this.seen; }

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
  get count(): number { return this.histogram!.count; }

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

  constructor(private readonly features: readonly FeatureSpec[], options: BaselineOptions = {}) {
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
      throw new TrainingDataError(where, `the row has ${fields.length} columns; expected ${this.features.length + 1} (the label, then ${this.features.map((f) => f.name).join(', ')})`);
    }
    this.rows[this.pass - 1]++;
    for (let i = 0; i < this.features.length; i++) {
      const text = fields[i + 1];
      const column = this.numeric[i];
      if (column) {
        const value = numericValue(text);
        if (value === null) throw new TrainingDataError(where, `${this.features[i].name} is ${JSON.stringify(text)}; expected a finite number or an empty field (missing)`);
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
    if (value === null || value === undefined) throw new TrainingDataError(where, `the prediction is ${JSON.stringify(line)}; expected a finite number`);
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
  get rowCount(): number { return this.rows[0]; }

  /**
   * The baseline.
   * @throws Error when pass 2 saw different data than pass 1 (row or prediction counts differ)
   */
  build(meta: { model: string; createdAt: string; source: Baseline['source'] }): Baseline {
    if (this.pass !== 2) throw new Error('build called before the second pass');
    if (this.rows[0] !== this.rows[1] || this.predictions[0] !== this.predictions[1]) {
      throw new Error(`the data changed between the two passes: ${this.rows[0]} then ${this.rows[1]} rows, ${this.predictions[0]} then ${this.predictions[1]} predictions`);
    }
    const rowCount = this.rows[0];
    const features = this.features.map((f, i): FeatureBaseline => {
      const column = this.numeric[i];
      if (column) {
        return { name: f.name, kind: 'numeric', missingRate: rate(column.missing, rowCount), numeric: column.summary() };
      }
      const counter = this.categorical[i]!;
      return { name: f.name, kind: 'categorical', missingRate: rate(counter.missing, rowCount), categorical: { frequencies: Object.fromEntries(counter.entries), otherCount: counter.other } };
    });
    return { schemaVersion: 1, model: meta.model, createdAt: meta.createdAt, source: meta.source, rowCount, features, prediction: { ...this.prediction.summary(), count: this.prediction.count } };
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

// ---------------------------------------------------------------------------------------------
// Reading a baseline back

/**
 * Checks that `value` (parsed JSON read from `source`) is a version-1 baseline the drift job can use:
 * every field it reads, with its shape. @throws InvalidBaselineError naming the first bad field
 */
export function parseBaseline(value: unknown, source: string): Baseline {
  const fail = (field: string, v: unknown, expected: string): never => { throw new InvalidBaselineError(source, field, v, expected); };
  const b = isObject(value) ? value : fail('the document', value, 'a JSON object');
  if (b.schemaVersion !== 1) fail('schemaVersion', b.schemaVersion, '1');
  if (typeof b.model !== 'string' || b.model === '') fail('model', b.model, 'a non-empty string');
  if (!Number.isInteger(b.rowCount) || (b.rowCount as number) < 0) fail('rowCount', b.rowCount, 'a non-negative integer');
  if (!Array.isArray(b.features) || b.features.length === 0) fail('features', b.features, 'a non-empty array');
  (b.features as unknown[]).forEach((f, i) => {
    const field = `features[${i}]`;
    const feature = isObject(f) ? f : fail(field, f, 'an object');
    if (typeof feature.name !== 'string' || feature.name === '') fail(`${field}.name`, feature.name, 'a non-empty string');
    if (!(typeof feature.missingRate === 'number' && feature.missingRate >= 0 && feature.missingRate <= 1)) fail(`${field}.missingRate`, feature.missingRate, 'a number in [0, 1]');
    if (feature.kind === 'numeric') checkNumericSummary(feature.numeric, `${field}.numeric`, fail);
    else if (feature.kind === 'categorical') checkCategoricalSummary(feature.categorical, `${field}.categorical`, fail);
    else fail(`${field}.kind`, feature.kind, '"numeric" or "categorical"');
  });
  checkNumericSummary(b.prediction, 'prediction', fail);
  return value as Baseline;
}

type Fail = (field: string, value: unknown, expected: string) => never;

function checkNumericSummary(value: unknown, field: string, fail: Fail): void {
  const s = isObject(value) ? value : fail(field, value, 'an object with edges and counts');
  const edges = s.edges;
  if (!Array.isArray(edges) || !edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > edges[i - 1]))) fail(`${field}.edges`, edges, 'strictly increasing finite numbers');
  const counts = s.counts;
  if (!Array.isArray(counts) || counts.length !== (edges as number[]).length + 1 || !counts.every((c) => Number.isInteger(c) && c >= 0)) {
    fail(`${field}.counts`, counts, `${(edges as number[]).length + 1} non-negative integers (one per bin: edges.length + 1)`);
  }
}

function checkCategoricalSummary(value: unknown, field: string, fail: Fail): void {
  const s = isObject(value) ? value : fail(field, value, 'an object with frequencies');
  const frequencies = isObject(s.frequencies) ? s.frequencies : fail(`${field}.frequencies`, s.frequencies, 'an object of category counts');
  for (const [category, count] of Object.entries(frequencies)) {
    if (!Number.isInteger(count) || (count as number) < 0) fail(`${field}.frequencies[${JSON.stringify(category)}]`, count, 'a non-negative integer');
  }
  if (!Number.isInteger(s.otherCount) || (s.otherCount as number) < 0) fail(`${field}.otherCount`, s.otherCount, 'a non-negative integer');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that the baseline describes exactly the configured features, in order and of the same kind.
 * @throws Error listing every difference
 */
export function checkBaselineMatches(baseline: Baseline, features: readonly FeatureSpec[], source: string): void {
  const problems: string[] = [];
  if (baseline.features.length !== features.length) {
    problems.push(`it has ${baseline.features.length} features (${baseline.features.map((f) => f.name).join(', ')}); FEATURES_JSON has ${features.length} (${features.map((f) => f.name).join(', ')})`);
  }
  features.forEach((f, i) => {
    const b = baseline.features[i];
    if (b && (b.name !== f.name || b.kind !== featureKind(f.type))) problems.push(`feature ${i} is ${b.name} (${b.kind}); FEATURES_JSON says ${f.name} (${featureKind(f.type)})`);
  });
  if (problems.length > 0) throw new Error(`Baseline ${source} does not match FEATURES_JSON: ${problems.join('; ')}`);
}
