/**
 * Drift statistics and the streaming accumulators they are computed from (docs/drift.md).
 *
 * Pure code, no AWS calls: the baseline step and the drift job bin data with the accumulators below,
 * persist them as JSON between invocations, merge partial states, and compare the final counts with
 * the statistics below. Every statistic is checked against SciPy to 1e-9 by
 * test/lambda/drift-stats.test.ts (reference values from scripts/drift-reference.py).
 *
 * Conventions shared by every function here:
 * - **Bins on edges.** `edges` are strictly increasing finite numbers `e_0 < … < e_{m-1}`; a histogram
 *   on them has `m + 1` counts, bins closed on the right: `(-∞, e_0]`, `(e_0, e_1]`, …,
 *   `(e_{m-2}, e_{m-1}]`, `(e_{m-1}, +∞)`. The two outer bins are open-ended, so every finite value
 *   has a bin. Right-closed bins make the cumulative count at edge `e_i` equal to `#{x ≤ e_i}`, the
 *   empirical CDF SciPy's `ks_2samp` evaluates (`searchsorted(..., side='right')`).
 * - **Empty distributions.** A binned statistic of a distribution with no observation (all counts 0)
 *   is `NaN` (undefined, as SciPy's `jensenshannon` returns for a zero vector); callers skip `NaN`s.
 *   The exact KS statistic of an empty sample throws, as `scipy.stats.ks_2samp` does.
 * - **Malformed input** (negative or non-finite counts, mismatched lengths, unsorted edges) throws a
 *   `RangeError` naming the argument, the value and the rule.
 */

/** Default PSI smoothing: a bin's proportion below this is raised to it (see {@link psi}). */
export const DEFAULT_PSI_EPSILON = 1e-4;

// ---------------------------------------------------------------------------------------------
// Statistics

/**
 * Population Stability Index of `actual` against `expected`, over the same bins:
 * `PSI = Σ_i (a_i − e_i) · ln(a_i / e_i)` where `e_i`, `a_i` are the bins' proportions
 * (`count / total`). Natural logarithm, so the usual reading applies: < 0.1 stable, 0.1–0.2 moderate
 * shift, > 0.2 significant shift.
 *
 * **Empty bins** would make the logarithm infinite, so every proportion below `epsilon` is raised to
 * `epsilon` (`p_i = max(count_i / total, epsilon)`) before the sum; the proportions are not
 * renormalised. With the default 1e-4, a bin empty in the baseline that holds 1 % of the window
 * contributes `(0.01 − 0.0001) · ln(100) ≈ 0.046`. Bins empty on both sides contribute 0.
 *
 * @param expectedCounts baseline counts per bin (non-negative, finite)
 * @param actualCounts window counts over the same bins
 * @param epsilon smallest proportion, in (0, 1)
 * @returns PSI ≥ 0, or `NaN` when either side has no observation
 * @throws RangeError when the lengths differ, there is no bin, a count is negative or not finite, or epsilon is out of range
 */
export function psi(expectedCounts: readonly number[], actualCounts: readonly number[], epsilon: number = DEFAULT_PSI_EPSILON): number {
  checkSameLength('expectedCounts', expectedCounts, 'actualCounts', actualCounts);
  if (!(epsilon > 0 && epsilon < 1)) throw new RangeError(`epsilon is ${epsilon}; expected a number in (0, 1)`);
  const expectedTotal = total('expectedCounts', expectedCounts);
  const actualTotal = total('actualCounts', actualCounts);
  if (expectedTotal === 0 || actualTotal === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < expectedCounts.length; i++) {
    const e = Math.max(expectedCounts[i] / expectedTotal, epsilon);
    const a = Math.max(actualCounts[i] / actualTotal, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/**
 * Exact two-sample Kolmogorov–Smirnov statistic `D = sup_x |F_a(x) − F_b(x)|`, with `F` the
 * right-continuous empirical CDFs (`F(x) = #{v ≤ x} / n`). Equals `scipy.stats.ks_2samp(a, b).statistic`:
 * the supremum is reached at a data point, and tied values (within or across samples) are consumed
 * together before the CDFs are compared, as SciPy's `searchsorted(side='right')` does.
 * O((n + m) log(n + m)) time, O(n + m) memory (sorted copies); the inputs are not modified.
 *
 * @returns D in [0, 1]
 * @throws RangeError when a sample is empty (as `ks_2samp` raises) or holds NaN
 */
export function ksDistance(sampleA: readonly number[], sampleB: readonly number[]): number {
  const a = sortedCopy('sampleA', sampleA);
  const b = sortedCopy('sampleB', sampleB);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] <= b[j] ? a[i] : b[j];
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  // Past the end of one sample its CDF is 1; the other's only grows, so the largest gap left is now.
  return Math.max(d, Math.abs(i / a.length - j / b.length));
}

/**
 * Kolmogorov–Smirnov distance of two histograms on the same edges (the production form: the drift job
 * keeps counts, not samples): `max_i |C_a(i) − C_b(i)|` over the edges, `C(i)` the cumulative
 * proportion of bins `0..i`, i.e. the empirical CDF at `e_i` (bins are right-closed).
 *
 * **A lower bound of the exact statistic**: the supremum is only looked for at the edges, so a gap
 * between two edges goes unseen. Equal to {@link ksDistance} of the underlying samples when every
 * value of both samples lies on an edge (e.g. an integral feature whose every value is an edge).
 * With 10 quantile bins, the exact value can exceed this one by up to the mass of the bins around the
 * maximum gap (≈ 0.1 each side).
 *
 * @param edges strictly increasing finite bin edges (length m)
 * @param countsA counts of the m + 1 bins
 * @param countsB counts of the same bins
 * @returns distance in [0, 1], or `NaN` when either histogram is empty
 * @throws RangeError when edges are not strictly increasing or counts are not of length m + 1
 */
export function ksDistanceFromBins(edges: readonly number[], countsA: readonly number[], countsB: readonly number[]): number {
  checkEdges('edges', edges);
  if (countsA.length !== edges.length + 1) throw new RangeError(`countsA has ${countsA.length} bins; expected ${edges.length + 1} (edges.length + 1)`);
  checkSameLength('countsA', countsA, 'countsB', countsB);
  const totalA = total('countsA', countsA);
  const totalB = total('countsB', countsB);
  if (totalA === 0 || totalB === 0) return NaN;
  let cumulativeA = 0;
  let cumulativeB = 0;
  let d = 0;
  for (let i = 0; i < edges.length; i++) {
    cumulativeA += countsA[i];
    cumulativeB += countsB[i];
    d = Math.max(d, Math.abs(cumulativeA / totalA - cumulativeB / totalB));
  }
  return d;
}

/**
 * Jensen–Shannon **distance** (the square root of the divergence), in **base 2**, so it lies in
 * [0, 1]: 0 for identical distributions, 1 for disjoint supports. Matches
 * `scipy.spatial.distance.jensenshannon(p, q, base=2)`: both vectors are normalised to sum to 1,
 * `m = (p + q) / 2`, `JS = sqrt((KL(p‖m) + KL(q‖m)) / 2 / ln 2)`, with `0 · log 0 = 0`. Accepts counts
 * or probabilities. Rounding can leave the divergence a hair below 0; it is clamped to 0.
 *
 * @returns distance in [0, 1], or `NaN` when either vector sums to 0
 * @throws RangeError when the lengths differ, there is no bin, or a value is negative or not finite
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  checkSameLength('p', p, 'q', q);
  const totalP = total('p', p);
  const totalQ = total('q', q);
  if (totalP === 0 || totalQ === 0) return NaN;
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / totalP;
    const qi = q[i] / totalQ;
    const mi = (pi + qi) / 2;
    if (pi > 0) divergence += pi * Math.log(pi / mi);
    if (qi > 0) divergence += qi * Math.log(qi / mi);
  }
  return Math.sqrt(Math.max(0, divergence / 2 / Math.LN2));
}

// ---------------------------------------------------------------------------------------------
// Streaming accumulators (bounded memory, mergeable, JSON-serialisable)

/** JSON form of a {@link NumericHistogram}. `min`/`max` are null while `count` is 0. */
export interface NumericHistogramState {
  readonly edges: number[];
  readonly counts: number[];
  readonly missing: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * Counts of numeric values in the right-closed bins of fixed edges (module doc), plus missing values,
 * count, sum, min and max. Memory: O(edges), whatever the number of values.
 */
export class NumericHistogram {
  /** An empty histogram on `edges` (copied; must be strictly increasing and finite; may be empty: one bin). */
  static onEdges(edges: readonly number[]): NumericHistogram {
    checkEdges('edges', edges);
    return new NumericHistogram(Float64Array.from(edges), new Array<number>(edges.length + 1).fill(0), 0, 0, 0, Infinity, -Infinity);
  }

  /** Restores a histogram from its JSON form, checking its shape. */
  static fromState(state: NumericHistogramState): NumericHistogram {
    checkEdges('state.edges', state.edges);
    if (!Array.isArray(state.counts) || state.counts.length !== state.edges.length + 1) {
      throw new RangeError(`state.counts has ${Array.isArray(state.counts) ? state.counts.length : 'no'} bins; expected ${state.edges.length + 1} (edges.length + 1)`);
    }
    const count = total('state.counts', state.counts);
    for (const [field, value] of [['state.missing', state.missing], ['state.count', state.count]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`${field} is ${value}; expected a non-negative integer`);
    }
    if (state.count !== count) throw new RangeError(`state.count is ${state.count}; expected the sum of state.counts (${count})`);
    if (!Number.isFinite(state.sum)) throw new RangeError(`state.sum is ${state.sum}; expected a finite number`);
    return new NumericHistogram(Float64Array.from(state.edges), [...state.counts], state.missing, state.count, state.sum, state.min ?? Infinity, state.max ?? -Infinity);
  }

  private constructor(
    private readonly edgeValues: Float64Array,
    private readonly binCounts: number[],
    private missingCount: number,
    private valueCount: number,
    private valueSum: number,
    private minimum: number,
    private maximum: number,
  ) {}

  /** Adds one value. `NaN` counts as missing; ±Infinity lands in the outer bins. */
  add(value: number): void {
    if (value !== value) {
      this.missingCount++;
      return;
    }
    this.binCounts[binIndex(this.edgeValues, value)]++;
    this.valueCount++;
    this.valueSum += value;
    if (value < this.minimum) this.minimum = value;
    if (value > this.maximum) this.maximum = value;
  }

  /** Counts one missing value. */
  addMissing(): void {
    this.missingCount++;
  }

  /** Adds `other`'s counts to this histogram. @throws RangeError when the edges differ */
  merge(other: NumericHistogram): this {
    if (!sameNumbers(this.edgeValues, other.edgeValues)) {
      throw new RangeError(`cannot merge histograms on different edges: [${[...this.edgeValues].join(', ')}] and [${[...other.edgeValues].join(', ')}]`);
    }
    for (let i = 0; i < this.binCounts.length; i++) this.binCounts[i] += other.binCounts[i];
    this.missingCount += other.missingCount;
    this.valueCount += other.valueCount;
    this.valueSum += other.valueSum;
    this.minimum = Math.min(this.minimum, other.minimum);
    this.maximum = Math.max(this.maximum, other.maximum);
    return this;
  }

  get edges(): number[] { return [...this.edgeValues]; }
  get counts(): number[] { return [...this.binCounts]; }
  get missing(): number { return this.missingCount; }
  /** Non-missing values added. */
  get count(): number { return this.valueCount; }
  /** Mean of the non-missing values; NaN when there is none. */
  get mean(): number { return this.valueCount === 0 ? NaN : this.valueSum / this.valueCount; }
  get min(): number | null { return this.valueCount === 0 ? null : this.minimum; }
  get max(): number | null { return this.valueCount === 0 ? null : this.maximum; }

  toState(): NumericHistogramState {
    return { edges: this.edges, counts: this.counts, missing: this.missingCount, count: this.valueCount, sum: this.valueSum, min: this.min, max: this.max };
  }

  toJSON(): NumericHistogramState {
    return this.toState();
  }
}

/** JSON form of a {@link CategoryCounter}: `[category, count]` pairs in first-seen order. */
export interface CategoryCounterState {
  readonly maxCategories: number;
  readonly categories: Array<[string, number]>;
  readonly other: number;
  readonly missing: number;
}

/**
 * Frequencies of categorical values with bounded memory: the first `maxCategories` distinct values
 * get their own count; any further distinct value is counted in `other`. Plus missing values.
 *
 * Which values get their own count depends on the order they arrive in once the cap is reached; the
 * drift job avoids that by pre-seeding the baseline's categories ({@link CategoryCounter.withCategories}),
 * so every later value outside them is `other`, in any order.
 */
export class CategoryCounter {
  /** An empty counter that tracks at most `maxCategories` distinct values (0: everything is `other`). */
  static bounded(maxCategories: number): CategoryCounter {
    if (!Number.isInteger(maxCategories) || maxCategories < 0) throw new RangeError(`maxCategories is ${maxCategories}; expected a non-negative integer`);
    return new CategoryCounter(maxCategories, new Map(), 0, 0);
  }

  /** An empty counter on a fixed set of categories (all at 0): any other value is counted in `other`. */
  static withCategories(categories: readonly string[]): CategoryCounter {
    const counts = new Map<string, number>();
    for (const c of categories) {
      if (typeof c !== 'string') throw new RangeError(`category ${JSON.stringify(c)} is not a string`);
      if (counts.has(c)) throw new RangeError(`category ${JSON.stringify(c)} is listed twice`);
      counts.set(c, 0);
    }
    return new CategoryCounter(categories.length, counts, 0, 0);
  }

  /** Restores a counter from its JSON form, checking its shape. */
  static fromState(state: CategoryCounterState): CategoryCounter {
    const counter = CategoryCounter.bounded(state.maxCategories);
    if (!Array.isArray(state.categories) || state.categories.length > state.maxCategories) {
      throw new RangeError(`state.categories has ${Array.isArray(state.categories) ? state.categories.length : 'no'} entries; expected an array of at most ${state.maxCategories} [category, count] pairs`);
    }
    for (const entry of state.categories) {
      const [category, count] = Array.isArray(entry) ? entry : [];
      if (typeof category !== 'string' || !Number.isInteger(count) || (count as number) < 0 || counter.counts.has(category)) {
        throw new RangeError(`state.categories entry ${JSON.stringify(entry)}; expected a unique [category, non-negative integer] pair`);
      }
      counter.counts.set(category, count as number);
    }
    for (const [field, value] of [['state.other', state.other], ['state.missing', state.missing]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`${field} is ${value}; expected a non-negative integer`);
    }
    counter.otherCount = state.other;
    counter.missingCount = state.missing;
    return counter;
  }

  private constructor(
    readonly maxCategories: number,
    private readonly counts: Map<string, number>,
    private otherCount: number,
    private missingCount: number,
  ) {}

  /** Counts one occurrence of `category`. */
  add(category: string): void {
    const current = this.counts.get(category);
    if (current !== undefined) this.counts.set(category, current + 1);
    else if (this.counts.size < this.maxCategories) this.counts.set(category, 1);
    else this.otherCount++;
  }

  /** Counts one missing value. */
  addMissing(): void {
    this.missingCount++;
  }

  /**
   * Adds `other`'s counts: shared categories are summed, new ones are tracked while there is room,
   * the rest go to `other`. Merging counters on the same fixed categories is exact and order-free.
   */
  merge(other: CategoryCounter): this {
    for (const [category, count] of other.counts) {
      const current = this.counts.get(category);
      if (current !== undefined) this.counts.set(category, current + count);
      else if (this.counts.size < this.maxCategories) this.counts.set(category, count);
      else this.otherCount += count;
    }
    this.otherCount += other.otherCount;
    this.missingCount += other.missingCount;
    return this;
  }

  /** `[category, count]` pairs in first-seen (or seeded) order. */
  get entries(): Array<[string, number]> { return [...this.counts]; }
  /** Count of `category` (0 when unknown; an untracked value is in {@link other}). */
  countOf(category: string): number { return this.counts.get(category) ?? 0; }
  get other(): number { return this.otherCount; }
  get missing(): number { return this.missingCount; }
  /** Non-missing values added (tracked categories plus other). */
  get count(): number {
    let sum = this.otherCount;
    for (const c of this.counts.values()) sum += c;
    return sum;
  }

  toState(): CategoryCounterState {
    return { maxCategories: this.maxCategories, categories: this.entries, other: this.otherCount, missing: this.missingCount };
  }

  toJSON(): CategoryCounterState {
    return this.toState();
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Index of the right-closed bin of `value` on `edges`: the number of edges strictly below it. */
export function binIndex(edges: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (edges[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function checkSameLength(nameA: string, a: readonly number[], nameB: string, b: readonly number[]): void {
  if (a.length === 0) throw new RangeError(`${nameA} is empty; expected at least one bin`);
  if (a.length !== b.length) throw new RangeError(`${nameA} has ${a.length} bins and ${nameB} has ${b.length}; expected the same bins`);
}

function total(name: string, counts: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c >= 0 && c < Infinity)) throw new RangeError(`${name}[${i}] is ${c}; expected a finite non-negative number`);
    sum += c;
  }
  return sum;
}

function checkEdges(name: string, edges: readonly number[]): void {
  if (!Array.isArray(edges)) throw new RangeError(`${name} is ${JSON.stringify(edges)}; expected an array of strictly increasing finite numbers`);
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
      throw new RangeError(`${name}[${i}] is ${edges[i]}; expected strictly increasing finite numbers`);
    }
  }
}

function sortedCopy(name: string, sample: readonly number[]): Float64Array {
  if (sample.length === 0) throw new RangeError(`${name} is empty; expected at least one value (the KS statistic of an empty sample is undefined)`);
  const copy = Float64Array.from(sample);
  for (let i = 0; i < copy.length; i++) {
    if (Number.isNaN(copy[i])) throw new RangeError(`${name}[${i}] is NaN; expected a number`);
  }
  return copy.sort();
}

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
