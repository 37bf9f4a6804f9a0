import type { FeatureType } from '../../../contracts/features';

/** How the drift checks treat a feature: 'string' features are categorical (their encoded value is a category), the others numeric. */
export type FeatureKind = 'numeric' | 'categorical';

/** The {@link FeatureKind} of a feature type. */
export function featureKind(type: FeatureType): FeatureKind {
  return type === 'string' ? 'categorical' : 'numeric';
}

/**
 * The category a field's text stands for: trimmed, and a numeric text written canonically ("1.0",
 * "01" and the JSON number 1 are all "1"), so training CSV text and captured JSON numbers agree.
 */
export function categoryKey(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const n = Number(trimmed);
  return Number.isFinite(n) ? String(n) : trimmed;
}
