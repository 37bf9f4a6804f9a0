/**
 * Model declarations for the synth benchmark (scripts/bench.ts): `count` clones of the `churn`
 * model of config/models.ts, named m001, m002, ... Nothing else differs between the clones.
 */
import type { ModelDeclaration } from '../lib/config/model';
import { models } from '../config/models';

/** The name of the `index`-th generated model (1-based): m001, m002, ..., m100. */
export function benchModelName(index: number): string {
  return `m${String(index).padStart(3, '0')}`;
}

/** `count` deep copies of config/models.ts's `churn` declaration, named m001 to m<count>. */
export function benchModels(count: number): ModelDeclaration[] {
  const churn = models.find((m) => m.name === 'churn');
  if (!churn) throw new Error('config/models.ts declares no model named "churn" to clone');
  return Array.from({ length: count }, (_, i) => ({ ...structuredClone(churn), name: benchModelName(i + 1) }));
}
