/** The schema of SageMaker instance types, with a suggestion for a mistyped one. */
import { closest, Schema, show } from './schema';
import { KNOWN_INSTANCE_FAMILIES, parseInstanceType } from './instance-types';

const INSTANCE_TYPE_EXPECTED = `a SageMaker instance type "ml.<family>.<size>" of a known family (${KNOWN_INSTANCE_FAMILIES.join(', ')})`;

/** A likely intended instance type for a mistyped one, or `undefined`. */
function instanceTypeHint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const candidates = [value.toLowerCase(), `ml.${value.toLowerCase()}`];
  const direct = candidates.find((c) => c !== value && parseInstanceType(c));
  if (direct) return direct;
  const match = /^ml\.([a-z0-9-]+)\.([a-z0-9]+)$/.exec(value.toLowerCase());
  const family = match && closest(match[1], KNOWN_INSTANCE_FAMILIES);
  return family && parseInstanceType(`ml.${family}.${match[2]}`) ? `ml.${family}.${match[2]}` : undefined;
}

/** A known SageMaker instance type (see `instance-types.ts`). */
export const instanceTypeSchema: Schema<string> = {
  expected: INSTANCE_TYPE_EXPECTED,
  check(value, path, problems) {
    if (parseInstanceType(value)) return value as string;
    const hint = instanceTypeHint(value);
    problems.push({ path, got: show(value), expected: `${INSTANCE_TYPE_EXPECTED}${hint ? ` (did you mean "${hint}"?)` : ''}` });
    return undefined;
  },
};
