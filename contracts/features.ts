/**
 * A model's input features as the constructs declare them and the handlers read them: the model
 * declaration's `features.definitions` (lib/config/model.ts) and the `FEATURES_JSON` environment variable
 * of the baseline and drift functions (the input features, in the column order of the CSV data after the
 * label). Types, constants and pure functions only.
 */

/** Feature value types of SageMaker Feature Store: `string` features are categorical, the others numeric. */
export type FeatureType = 'string' | 'integral' | 'fractional';

/** Every {@link FeatureType}, in the order error messages list them. */
export const FEATURE_TYPES: readonly FeatureType[] = ['integral', 'fractional', 'string'];

/** One feature of the model's feature group. */
export interface FeatureDefinition {
  /**
   * Feature name: letters, digits and underscores (no hyphen), starting with a letter, at most 64
   * characters; `is_deleted`, `write_time` and `api_invocation_time` are reserved by Feature Store.
   */
  readonly name: string;
  /** Value type. */
  readonly type: FeatureType;
}

/** The environment variable holding the input features' JSON (see {@link featuresJson}). */
export const FEATURES_ENV = 'FEATURES_JSON';

/** The value of {@link FEATURES_ENV}: a JSON array of `{ name, type }`, in the given order, other fields left out. */
export function featuresJson(features: readonly FeatureDefinition[]): string {
  return JSON.stringify(features.map((f) => ({ name: f.name, type: f.type })));
}

/**
 * Parses the value of {@link FEATURES_ENV}: a non-empty JSON array of `{ name, type }`, unique
 * names, type 'integral' | 'fractional' | 'string'. Every problem is reported at once.
 */
export function parseFeatures(text: string | undefined, field: string = FEATURES_ENV): FeatureDefinition[] {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new Error(`${field} is ${JSON.stringify(text) ?? 'missing'}; expected a JSON array of { name, type }`);
  }
  if (!Array.isArray(value) || value.length === 0)
    throw new Error(`${field} is ${JSON.stringify(value)}; expected a non-empty JSON array of { name, type }`);
  const problems: string[] = [];
  const seen = new Set<string>();
  value.forEach((f: unknown, i) => {
    const { name, type } = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name === '')
      problems.push(`${field}[${i}].name is ${JSON.stringify(name) ?? 'missing'}; expected a non-empty string`);
    else if (seen.has(name)) problems.push(`${field}[${i}].name is ${JSON.stringify(name)}; expected a name not used by another feature`);
    else seen.add(name);
    if (!FEATURE_TYPES.includes(type as FeatureType)) {
      problems.push(`${field}[${i}].type is ${JSON.stringify(type) ?? 'missing'}; expected one of ${FEATURE_TYPES.join(', ')}`);
    }
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return (value as FeatureDefinition[]).map(({ name, type }) => ({ name, type }));
}
