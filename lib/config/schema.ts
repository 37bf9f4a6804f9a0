/**
 * A small, dependency-free schema language for the blueprint's configuration.
 *
 * Every check collects problems instead of throwing, so one run reports every
 * mistake in a configuration file at once. Each problem names the path of the
 * field, the value found and what was expected. Objects reject unknown keys so
 * that a typo never passes silently.
 */
import { closest } from '../../contracts/suggest';
import { ConfigError, fail, Problem, show } from './problems';

export { closest, editDistance } from '../../contracts/suggest';
export { ConfigError, formatProblems, show } from './problems';
export type { Problem, ProblemGroup } from './problems';

/** A check for one value; returns the value (with defaults applied) or `undefined` after recording problems. */
export interface Schema<T> {
  /** Human description of an acceptable value, used in messages. */
  readonly expected: string;
  check(value: unknown, path: string, problems: Problem[]): T | undefined;
}

/** Marks an object field optional, with an optional default used when the key is absent. */
export interface OptionalSchema<T> {
  readonly optional: true;
  readonly inner: Schema<T>;
  readonly defaultValue?: T;
}

/** Options of {@link str}. */
export interface StringOptions {
  /** Pattern the whole string must match. @default - any string */
  readonly pattern?: RegExp;
  /** Description used in messages instead of the pattern. @default - derived from the pattern */
  readonly expected?: string;
  /** Minimum length. @default 1 */
  readonly minLength?: number;
  /** Maximum length. @default - unlimited */
  readonly maxLength?: number;
}

/** A non-empty string, optionally matching a pattern and length limits. */
export function str(options: StringOptions = {}): Schema<string> {
  const minLength = options.minLength ?? 1;
  const parts = [options.expected ?? (options.pattern ? `a string matching ${options.pattern}` : 'a non-empty string')];
  if (options.maxLength !== undefined) parts.push(`of at most ${options.maxLength} characters`);
  const expected = parts.join(' ');
  return {
    expected,
    check(value, path, problems) {
      if (typeof value !== 'string') return fail(problems, path, value, expected);
      if (value.length < minLength || (options.maxLength !== undefined && value.length > options.maxLength)) {
        return fail(problems, path, value, expected);
      }
      if (options.pattern && !options.pattern.test(value)) return fail(problems, path, value, expected);
      return value;
    },
  };
}

/** An integer in `[min, max]`, or one of `allowed` when given. */
export function int(min: number, max: number, allowed?: readonly number[]): Schema<number> {
  const expected = allowed
    ? `one of ${allowed.join(', ')}`
    : `an integer from ${min} to ${max}`;
  return {
    expected,
    check(value, path, problems) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return fail(problems, path, value, expected);
      }
      if (allowed && !allowed.includes(value)) return fail(problems, path, value, expected);
      return value;
    },
  };
}

/** A number (not necessarily an integer) in `[min, max]`. */
export function num(min: number, max: number): Schema<number> {
  const expected = `a number from ${min} to ${max}`;
  return {
    expected,
    check(value, path, problems) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
        return fail(problems, path, value, expected);
      }
      return value;
    },
  };
}

/** `true` or `false`. */
export function bool(): Schema<boolean> {
  return {
    expected: 'true or false',
    check(value, path, problems) {
      return typeof value === 'boolean' ? value : fail(problems, path, value, 'true or false');
    },
  };
}

/** One of a fixed list of strings. */
export function oneOf<T extends string>(...values: T[]): Schema<T> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    expected,
    check(value, path, problems) {
      return (values as unknown[]).includes(value) ? (value as T) : fail(problems, path, value, expected);
    },
  };
}

/** Options of {@link arrayOf}. */
export interface ArrayOptions {
  /** Minimum number of items. @default 0 */
  readonly minItems?: number;
  /** Maximum number of items. @default - unlimited */
  readonly maxItems?: number;
  /** Reject duplicate items (compared as JSON). @default false */
  readonly unique?: boolean;
}

/** An array whose every item passes `item`. */
export function arrayOf<T>(item: Schema<T>, options: ArrayOptions = {}): Schema<T[]> {
  const min = options.minItems ?? 0;
  const bounds = options.maxItems !== undefined ? `${min} to ${options.maxItems}` : `at least ${min}`;
  const expected = `a list of ${bounds} items, each ${item.expected}${options.unique ? ', without duplicates' : ''}`;
  return {
    expected,
    check(value, path, problems) {
      if (!Array.isArray(value)) return fail(problems, path, value, expected);
      if (value.length < min || (options.maxItems !== undefined && value.length > options.maxItems)) {
        return fail(problems, path, value, expected);
      }
      const before = problems.length;
      const out = value.map((v, i) => item.check(v, `${path}[${i}]`, problems));
      if (options.unique) {
        const seen = new Set<string>();
        value.forEach((v, i) => {
          const key = JSON.stringify(v);
          if (seen.has(key)) fail(problems, `${path}[${i}]`, v, 'a value not already in the list');
          seen.add(key);
        });
      }
      return problems.length === before ? (out as T[]) : undefined;
    },
  };
}

/** A map from keys matching `key` to values passing `value`. */
export function recordOf<T>(key: Schema<string>, value: Schema<T>, options: { minKeys?: number } = {}): Schema<Record<string, T>> {
  const minKeys = options.minKeys ?? 0;
  const expected = `an object with ${minKeys > 0 ? `at least ${minKeys} ` : ''}keys that are ${key.expected}`;
  return {
    expected,
    check(input, path, problems) {
      if (!isPlainObject(input) || Object.keys(input).length < minKeys) return fail(problems, path, input, expected);
      const before = problems.length;
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(input)) {
        const childPath = path ? `${path}.${k}` : k;
        if (key.check(k, `${childPath} (key)`, problems) === undefined) continue;
        const checked = value.check(v, childPath, problems);
        if (checked !== undefined) out[k] = checked;
      }
      return problems.length === before ? out : undefined;
    },
  };
}

/** Declares an optional object field, with a default used when the key is absent. */
export function optional<T>(inner: Schema<T>, defaultValue?: T): OptionalSchema<T> {
  return { optional: true, inner, defaultValue };
}

/** The field schemas of an object, one per key of `T`. */
export type Shape<T> = {
  readonly [K in keyof T]-?: undefined extends T[K] ? OptionalSchema<Exclude<T[K], undefined>> : Schema<T[K]> | OptionalSchema<T[K]>;
};

/** An object that is not null and not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with exactly the given fields; unknown keys are problems. */
export function obj<T>(shape: Shape<T>, description = 'an object'): Schema<T> {
  const known = Object.keys(shape);
  return {
    expected: description,
    check(input, path, problems) {
      if (!isPlainObject(input)) return fail(problems, path, input, description);
      const before = problems.length;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(input)) {
        if (!known.includes(key)) {
          const hint = closest(key, known);
          problems.push({
            path: path ? `${path}.${key}` : key,
            got: 'an unknown key',
            expected: `one of the known keys ${known.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`,
          });
        }
      }
      for (const key of known) {
        const field = (shape as Record<string, Schema<unknown> | OptionalSchema<unknown>>)[key];
        const childPath = path ? `${path}.${key}` : key;
        const value = input[key];
        if ('optional' in field) {
          if (value === undefined) {
            // Run the default through the inner schema too, so nested defaults apply.
            if (field.defaultValue !== undefined) out[key] = field.inner.check(field.defaultValue, childPath, problems);
            continue;
          }
          out[key] = field.inner.check(value, childPath, problems);
        } else {
          if (value === undefined) {
            problems.push({ path: childPath, got: 'nothing', expected: `a required value: ${field.expected}` });
            continue;
          }
          out[key] = field.check(value, childPath, problems);
        }
      }
      return problems.length === before ? (out as T) : undefined;
    },
  };
}

/** Adds a cross-field rule to a schema; `rule` returns problems for a value that passed the base schema. */
export function refine<T>(base: Schema<T>, rule: (value: T, path: string) => Problem[]): Schema<T> {
  return {
    expected: base.expected,
    check(value, path, problems) {
      const checked = base.check(value, path, problems);
      if (checked === undefined) return undefined;
      const extra = rule(checked, path);
      problems.push(...extra);
      return extra.length ? undefined : checked;
    },
  };
}

/** Runs a schema over `value` and returns the checked value, or throws one {@link ConfigError} listing every problem. */
export function parse<T>(schema: Schema<T>, value: unknown, source: string, path = ''): T {
  const problems: Problem[] = [];
  const out = schema.check(value, path, problems);
  if (problems.length > 0 || out === undefined) {
    throw new ConfigError(source, problems.length ? problems : [{ path: path || '(root)', got: show(value), expected: schema.expected }]);
  }
  return out;
}
