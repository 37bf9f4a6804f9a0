/**
 * Drift statistics, computed from the streaming accumulators of accumulators.ts (docs/drift.md).
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
  if (countsA.length !== edges.length + 1)
    throw new RangeError(`countsA has ${countsA.length} bins; expected ${edges.length + 1} (edges.length + 1)`);
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

/** Throws when two bin counts are empty or of different lengths. */
function checkSameLength(nameA: string, a: readonly number[], nameB: string, b: readonly number[]): void {
  if (a.length === 0) throw new RangeError(`${nameA} is empty; expected at least one bin`);
  if (a.length !== b.length) throw new RangeError(`${nameA} has ${a.length} bins and ${nameB} has ${b.length}; expected the same bins`);
}

/** The sum of `counts`; throws a RangeError naming `name` on a negative or non-finite count. */
export function total(name: string, counts: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c >= 0 && c < Infinity)) throw new RangeError(`${name}[${i}] is ${c}; expected a finite non-negative number`);
    sum += c;
  }
  return sum;
}

/** Throws a RangeError naming `name` unless `edges` are strictly increasing finite numbers. */
export function checkEdges(name: string, edges: readonly number[]): void {
  if (!Array.isArray(edges)) throw new RangeError(`${name} is ${JSON.stringify(edges)}; expected an array of strictly increasing finite numbers`);
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
      throw new RangeError(`${name}[${i}] is ${edges[i]}; expected strictly increasing finite numbers`);
    }
  }
}

/** A sorted copy of a non-empty sample without NaN; throws a RangeError naming `name` otherwise. */
function sortedCopy(name: string, sample: readonly number[]): Float64Array {
  if (sample.length === 0) throw new RangeError(`${name} is empty; expected at least one value (the KS statistic of an empty sample is undefined)`);
  const copy = Float64Array.from(sample);
  for (let i = 0; i < copy.length; i++) {
    if (Number.isNaN(copy[i])) throw new RangeError(`${name}[${i}] is NaN; expected a number`);
  }
  return copy.sort();
}
