/** The schema of a model's features (Feature Store feature group): names, types, and the references between them. */
import { arrayOf, bool, closest, isPlainObject, obj, oneOf, optional, Problem, refine, Schema, show, str } from './schema';
import { FeatureDeclaration, FeaturesDeclaration } from './model';
import { withRule } from './schema-rules';

/**
 * Feature Store feature names: FeatureName allows `[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}` (so no trailing underscore);
 * we also refuse hyphens and a leading digit (offline store column names).
 */
export const FEATURE_NAME = /^(?=.{1,64}$)[a-zA-Z](?:_*[a-zA-Z0-9])*$/;
/** The input feature list travels in a Lambda environment variable (drift and baseline functions); Lambda allows 4 KB of variables in all. */
export const MAX_FEATURES_JSON_BYTES = 3072;
/** Feature names Feature Store reserves for its own columns (compared case-insensitively). */
export const RESERVED_FEATURE_NAMES: readonly string[] = ['is_deleted', 'write_time', 'api_invocation_time'];

const featureNameSchema = refine(
  str({
    pattern: FEATURE_NAME,
    expected: 'a feature name: letters, digits and underscores, starting with a letter and not ending with an underscore, at most 64 characters',
  }),
  (name, path) => (RESERVED_FEATURE_NAMES.includes(name.toLowerCase())
    ? [{ path, got: show(name), expected: `a feature name other than those reserved by Feature Store (${RESERVED_FEATURE_NAMES.join(', ')})` }]
    : []),
);

const featureSchema: Schema<FeatureDeclaration> = obj<FeatureDeclaration>({
  name: featureNameSchema,
  type: oneOf('string', 'integral', 'fractional'),
}, 'a feature { name, type }');

/** `recordIdentifier` and `eventTime` must name declared features; names are unique (case-insensitively). */
function featureRules(raw: Record<string, unknown>, path: string): Problem[] {
  const problems: Problem[] = [];
  if (!Array.isArray(raw.definitions)) return problems;
  const declared = raw.definitions.filter(isPlainObject).filter((d) => typeof d.name === 'string');
  const names = declared.map((d) => d.name as string);

  const seen = new Map<string, number>();
  raw.definitions.forEach((d, i) => {
    if (!isPlainObject(d) || typeof d.name !== 'string') return;
    const key = d.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else problems.push({
      path: `${path}.definitions[${i}].name`,
      got: show(d.name),
      expected: `a feature name not already declared by definitions[${first}] (names are compared case-insensitively)`,
    });
  });

  const inputs = declared.filter((d) => d.name !== raw.recordIdentifier && d.name !== raw.eventTime).map((d) => ({ name: d.name, type: d.type }));
  const bytes = Buffer.byteLength(JSON.stringify(inputs));
  if (bytes > MAX_FEATURES_JSON_BYTES) {
    problems.push({
      path: `${path}.definitions`,
      got: `${inputs.length} input features whose list (JSON of names and types) is ${bytes} bytes`,
      expected: `a list of at most ${MAX_FEATURES_JSON_BYTES} bytes, because the drift and baseline functions receive it in a Lambda environment `
        + 'variable and Lambda allows 4 KB of variables per function (fewer features or shorter names)',
    });
  }

  if (names.length === 0) return problems;
  const listed = names.length > 10 ? `${names.slice(0, 10).join(', ')}, ... (${names.length - 10} more)` : names.join(', ');
  for (const key of ['recordIdentifier', 'eventTime'] as const) {
    const ref = raw[key];
    if (typeof ref !== 'string' || ref === '') continue;
    if (!names.includes(ref)) {
      const hint = closest(ref, names);
      problems.push({
        path: `${path}.${key}`,
        got: show(ref),
        expected: `one of the declared features (${listed})${hint ? ` (did you mean "${hint}"?)` : ''}`,
      });
    }
  }
  const eventTime = declared.find((d) => d.name === raw.eventTime);
  if (eventTime?.type === 'integral') {
    problems.push({
      path: `${path}.eventTime`,
      got: `${show(raw.eventTime)} (a feature of type "integral")`,
      expected: 'a feature of type "string" (ISO-8601) or "fractional" (Unix epoch seconds)',
    });
  }
  return problems;
}

/** A model's `features`: the definitions, the record identifier and the event time. */
export const featuresSchema: Schema<FeaturesDeclaration> = withRule(obj<FeaturesDeclaration>({
  recordIdentifier: str({ expected: 'the name of a declared feature' }),
  eventTime: str({ expected: 'the name of a declared feature' }),
  definitions: arrayOf(featureSchema, { minItems: 1, maxItems: 2500 }),
  onlineStore: optional(bool()),
}, 'an object with recordIdentifier, eventTime and definitions'), featureRules);
