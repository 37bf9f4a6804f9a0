import { binIndex, checkEdges, total } from './drift-stats';

/*
 * Streaming accumulators of the drift checks (bounded memory, mergeable, JSON-serialisable): the baseline step and the
 * drift job bin data with them, persist them as JSON between invocations and merge partial states. Bins on edges as in
 * drift-stats.ts.
 */

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
      throw new RangeError(
        `state.counts has ${Array.isArray(state.counts) ? state.counts.length : 'no'} bins; expected ${state.edges.length + 1} (edges.length + 1)`,
      );
    }
    const count = total('state.counts', state.counts);
    for (const [field, value] of [
      ['state.missing', state.missing],
      ['state.count', state.count],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`${field} is ${value}; expected a non-negative integer`);
    }
    if (state.count !== count) throw new RangeError(`state.count is ${state.count}; expected the sum of state.counts (${count})`);
    if (!Number.isFinite(state.sum)) throw new RangeError(`state.sum is ${state.sum}; expected a finite number`);
    return new NumericHistogram(
      Float64Array.from(state.edges),
      [...state.counts],
      state.missing,
      state.count,
      state.sum,
      state.min ?? Infinity,
      state.max ?? -Infinity,
    );
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
      throw new RangeError(
        `cannot merge histograms on different edges: [${[...this.edgeValues].join(', ')}] and [${[...other.edgeValues].join(', ')}]`,
      );
    }
    for (let i = 0; i < this.binCounts.length; i++) this.binCounts[i] += other.binCounts[i];
    this.missingCount += other.missingCount;
    this.valueCount += other.valueCount;
    this.valueSum += other.valueSum;
    this.minimum = Math.min(this.minimum, other.minimum);
    this.maximum = Math.max(this.maximum, other.maximum);
    return this;
  }

  get edges(): number[] {
    return [...this.edgeValues];
  }
  get counts(): number[] {
    return [...this.binCounts];
  }
  get missing(): number {
    return this.missingCount;
  }
  /** Non-missing values added. */
  get count(): number {
    return this.valueCount;
  }
  /** Mean of the non-missing values; NaN when there is none. */
  get mean(): number {
    return this.valueCount === 0 ? NaN : this.valueSum / this.valueCount;
  }
  get min(): number | null {
    return this.valueCount === 0 ? null : this.minimum;
  }
  get max(): number | null {
    return this.valueCount === 0 ? null : this.maximum;
  }

  toState(): NumericHistogramState {
    return {
      edges: this.edges,
      counts: this.counts,
      missing: this.missingCount,
      count: this.valueCount,
      sum: this.valueSum,
      min: this.min,
      max: this.max,
    };
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
    if (!Number.isInteger(maxCategories) || maxCategories < 0)
      throw new RangeError(`maxCategories is ${maxCategories}; expected a non-negative integer`);
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
      throw new RangeError(
        `state.categories has ${Array.isArray(state.categories) ? state.categories.length : 'no'} entries; expected an array of at most ` +
          `${state.maxCategories} [category, count] pairs`,
      );
    }
    for (const entry of state.categories) {
      const [category, count] = Array.isArray(entry) ? entry : [];
      if (typeof category !== 'string' || !Number.isInteger(count) || (count as number) < 0 || counter.counts.has(category)) {
        throw new RangeError(`state.categories entry ${JSON.stringify(entry)}; expected a unique [category, non-negative integer] pair`);
      }
      counter.counts.set(category, count as number);
    }
    for (const [field, value] of [
      ['state.other', state.other],
      ['state.missing', state.missing],
    ] as const) {
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
  get entries(): Array<[string, number]> {
    return [...this.counts];
  }
  /** Count of `category` (0 when unknown; an untracked value is in {@link other}). */
  countOf(category: string): number {
    return this.counts.get(category) ?? 0;
  }
  get other(): number {
    return this.otherCount;
  }
  get missing(): number {
    return this.missingCount;
  }
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

/** Whether two number arrays hold the same values in the same order. */
function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
