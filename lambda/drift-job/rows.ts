import type { FeatureDefinition } from '../../contracts/features';
import { CategoryCounter, NumericHistogram } from '../shared/drift/accumulators';
import { categoryKey } from '../shared/drift/features';
import { parseDecimal } from '../shared/drift/parse-decimal';
import { decode, jsonRows, Payload } from './payload';
import type { CaptureCounters } from './window-state';

/** Distinct category texts whose normalised key is remembered, per feature (bounded memory). */
const CATEGORY_KEY_CACHE = 1024;

/**
 * Bins the input rows of captured payloads into a window's feature histograms (capture.ts describes the formats): a row is
 * staged value by value and counted only when every value is valid, else it is a schema violation.
 */
export class RowBinner {
  private readonly numeric: Array<NumericHistogram | undefined>;
  private readonly categorical: Array<CategoryCounter | undefined>;
  private readonly names: string[];
  /** Staging of one row: numeric values (NaN = missing) and category keys ('' = missing), committed only if the whole row is valid. */
  private readonly stagedNumbers: Float64Array;
  private readonly stagedCategories: string[];
  private readonly categoryKeys: Array<Map<string, string>>;

  /**
   * @param features the input features, in FEATURES_JSON order
   * @param histograms one per feature, in that order
   * @param counters the window's counters, updated in place
   */
  constructor(
    features: readonly FeatureDefinition[],
    histograms: ReadonlyArray<NumericHistogram | CategoryCounter>,
    private readonly counters: CaptureCounters,
  ) {
    this.numeric = histograms.map((h) => (h instanceof NumericHistogram ? h : undefined));
    this.categorical = histograms.map((h) => (h instanceof CategoryCounter ? h : undefined));
    this.names = features.map((f) => f.name);
    this.stagedNumbers = new Float64Array(features.length);
    this.stagedCategories = new Array<string>(features.length).fill('');
    this.categoryKeys = features.map(() => new Map<string, string>());
  }

  /** Bins the rows of one input payload. Never throws on bad data: it counts it. */
  addInput(input: Payload): void {
    const decoded = decode(input);
    if (decoded === undefined) {
      this.violation();
      return;
    }
    if (decoded.format === 'csv') this.addCsv(decoded.text);
    else this.addJson(decoded.text);
  }

  private addCsv(text: string): void {
    if (text.indexOf('\n') === -1) {
      this.addCsvRow(text);
      return;
    }
    for (const row of text.split('\n')) {
      const trimmed = row.endsWith('\r') ? row.slice(0, -1) : row;
      if (trimmed.length > 0) this.addCsvRow(trimmed);
    }
  }

  private addCsvRow(row: string): void {
    this.counters.rows++;
    const last = this.names.length - 1;
    let start = 0;
    for (let i = 0; i <= last; i++) {
      const comma = row.indexOf(',', start);
      // Every field but the last ends at a comma; the last one at the end of the row.
      if (i < last ? comma === -1 : comma !== -1) {
        this.counters.schemaViolations++;
        return;
      }
      const end = i < last ? comma : row.length;
      if (!this.stageField(i, row, start, end)) {
        this.counters.schemaViolations++;
        return;
      }
      start = end + 1;
    }
    this.commit();
  }

  /** Stages CSV field `row[start, end)` of feature `i` (without copying numeric fields on the fast path). */
  private stageField(i: number, row: string, start: number, end: number): boolean {
    if (this.numeric[i] !== undefined) {
      const n = parseDecimal(row, start, end);
      if (n !== undefined) {
        this.stagedNumbers[i] = n;
        return true;
      }
    }
    return this.stage(i, row.slice(start, end));
  }

  private addJson(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.violation();
      return;
    }
    const rows = jsonRows(value);
    if (rows === undefined) {
      this.violation();
      return;
    }
    for (const row of rows) this.addJsonRow(row);
  }

  private addJsonRow(row: unknown): void {
    this.counters.rows++;
    if (Array.isArray(row)) {
      if (row.length !== this.names.length) {
        this.counters.schemaViolations++;
        return;
      }
      for (let i = 0; i < row.length; i++) {
        if (!this.stage(i, row[i])) {
          this.counters.schemaViolations++;
          return;
        }
      }
    } else {
      const object = row as Record<string, unknown>;
      if (Object.keys(object).length !== this.names.length) {
        this.counters.schemaViolations++;
        return;
      }
      for (let i = 0; i < this.names.length; i++) {
        if (!Object.prototype.hasOwnProperty.call(object, this.names[i]) || !this.stage(i, object[this.names[i]])) {
          this.counters.schemaViolations++;
          return;
        }
      }
    }
    this.commit();
  }

  /** Validates value `i` of a row into the staging area; false when it breaks the schema. */
  private stage(i: number, value: unknown): boolean {
    if (this.numeric[i] !== undefined) {
      let n: number;
      if (typeof value === 'string') {
        n = +value;
        // +'' and +'  ' are 0: a blank field is a missing value, not zero.
        if (n === 0 && value.trim() === '') n = NaN;
        else if (!Number.isFinite(n)) return false;
      } else if (typeof value === 'number') {
        if (!Number.isFinite(value)) return false;
        n = value;
      } else if (value === null) {
        n = NaN;
      } else {
        return false;
      }
      this.stagedNumbers[i] = n;
      return true;
    }
    if (typeof value === 'string') this.stagedCategories[i] = this.categoryKeyOf(i, value);
    else if (typeof value === 'number' && Number.isFinite(value)) this.stagedCategories[i] = String(value);
    else if (typeof value === 'boolean') this.stagedCategories[i] = String(value);
    else if (value === null) this.stagedCategories[i] = '';
    else return false;
    return true;
  }

  /** {@link categoryKey}, remembered for up to CATEGORY_KEY_CACHE distinct texts per feature (categories repeat). */
  private categoryKeyOf(i: number, text: string): string {
    const cache = this.categoryKeys[i];
    let key = cache.get(text);
    if (key === undefined) {
      key = categoryKey(text);
      if (cache.size < CATEGORY_KEY_CACHE) cache.set(text, key);
    }
    return key;
  }

  private commit(): void {
    for (let i = 0; i < this.names.length; i++) {
      const numeric = this.numeric[i];
      if (numeric !== undefined) {
        const n = this.stagedNumbers[i];
        if (n !== n) numeric.addMissing();
        else numeric.add(n);
      } else {
        const key = this.stagedCategories[i];
        if (key === '') this.categorical[i]!.addMissing();
        else this.categorical[i]!.add(key);
      }
    }
    this.counters.samples++;
  }

  private violation(): void {
    this.counters.schemaViolations++;
  }

}
