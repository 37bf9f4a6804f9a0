import type { FeatureDefinition } from '../../../contracts/features';
import { isObject } from '../input/json';
import { type FeatureKind, featureKind } from './features';

/**
 * The drift baseline of a model version: what its training data and its held-out predictions looked
 * like, feature by feature, in the bins the drift job later counts live traffic in (docs/drift.md).
 * The document's types, its reader and its errors; built by baseline-builder.ts.
 */

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

/** Categorical distribution summary: the count of each category. */
export interface CategoricalSummary {
  /** Count of each category (the CSV field's text, normalised by {@link categoryKey}). */
  readonly frequencies: Record<string, number>;
  /** Values of categories beyond the first `maxCategories` distinct ones. */
  readonly otherCount: number;
}

/** One feature's baseline: its kind, missing rate and distribution summary. */
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

/** Options of the baseline builder (baseline-builder.ts). */
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

/** Default of {@link BaselineOptions.bins}. */
export const DEFAULT_BINS = 10;
/** Default of {@link BaselineOptions.maxCategories}. */
export const DEFAULT_MAX_CATEGORIES = 100;
/** Default of {@link BaselineOptions.reservoirSize}. */
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
// Reading a baseline back

/**
 * Checks that `value` (parsed JSON read from `source`) is a version-1 baseline the drift job can use:
 * every field it reads, with its shape. @throws InvalidBaselineError naming the first bad field
 */
export function parseBaseline(value: unknown, source: string): Baseline {
  const fail = (field: string, v: unknown, expected: string): never => {
    throw new InvalidBaselineError(source, field, v, expected);
  };
  const b = isObject(value) ? value : fail('the document', value, 'a JSON object');
  if (b.schemaVersion !== 1) fail('schemaVersion', b.schemaVersion, '1');
  if (typeof b.model !== 'string' || b.model === '') fail('model', b.model, 'a non-empty string');
  if (!Number.isInteger(b.rowCount) || (b.rowCount as number) < 0) fail('rowCount', b.rowCount, 'a non-negative integer');
  if (!Array.isArray(b.features) || b.features.length === 0) fail('features', b.features, 'a non-empty array');
  (b.features as unknown[]).forEach((f, i) => {
    const field = `features[${i}]`;
    const feature = isObject(f) ? f : fail(field, f, 'an object');
    if (typeof feature.name !== 'string' || feature.name === '') fail(`${field}.name`, feature.name, 'a non-empty string');
    if (!(typeof feature.missingRate === 'number' && feature.missingRate >= 0 && feature.missingRate <= 1))
      fail(`${field}.missingRate`, feature.missingRate, 'a number in [0, 1]');
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
  if (!Array.isArray(edges) || !edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > edges[i - 1])))
    fail(`${field}.edges`, edges, 'strictly increasing finite numbers');
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

/**
 * Checks that the baseline describes exactly the configured features, in order and of the same kind.
 * @throws Error listing every difference
 */
export function checkBaselineMatches(baseline: Baseline, features: readonly FeatureDefinition[], source: string): void {
  const problems: string[] = [];
  if (baseline.features.length !== features.length) {
    problems.push(
      `it has ${baseline.features.length} features (${baseline.features.map((f) => f.name).join(', ')}); FEATURES_JSON has ${features.length} ` +
        `(${features.map((f) => f.name).join(', ')})`,
    );
  }
  features.forEach((f, i) => {
    const b = baseline.features[i];
    if (b && (b.name !== f.name || b.kind !== featureKind(f.type)))
      problems.push(`feature ${i} is ${b.name} (${b.kind}); FEATURES_JSON says ${f.name} (${featureKind(f.type)})`);
  });
  if (problems.length > 0) throw new Error(`Baseline ${source} does not match FEATURES_JSON: ${problems.join('; ')}`);
}
