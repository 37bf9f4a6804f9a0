/** Helpers of the model schema: cross-field rules on the raw object, and number checks. */
import { isPlainObject, Problem, Schema, show } from './schema';

/** Whether `value` is an integer in `[min, max]`. */
export function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Adds a cross-field rule that runs on the raw object even when the base schema found problems, so
 * that one run reports everything. The rule must skip fields the base schema already rejects.
 */
export function withRule<T>(base: Schema<T>, rule: (raw: Record<string, unknown>, path: string) => Problem[]): Schema<T> {
  return {
    expected: base.expected,
    check(value, path, problems) {
      const checked = base.check(value, path, problems);
      if (!isPlainObject(value)) return checked;
      const extra = rule(value, path);
      problems.push(...extra);
      return extra.length ? undefined : checked;
    },
  };
}

/** A finite number of at least `min` (no upper bound). */
export function numberAtLeast(min: number | undefined): Schema<number> {
  const expected = min === undefined ? 'a finite number' : `a number of at least ${min}`;
  return {
    expected,
    check(value, path, problems) {
      if (typeof value !== 'number' || !Number.isFinite(value) || (min !== undefined && value < min)) {
        problems.push({ path, got: show(value), expected });
        return undefined;
      }
      return value;
    },
  };
}
