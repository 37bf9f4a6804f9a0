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

/**
 * `count` deep copies of config/models.ts's `churn` declaration, named m001 to m<count>. With
 * `extraRounds` > 0, m001 trains with that many more boosting rounds (num_round): one model edited,
 * as between two synths of a working day; only its stack's template changes.
 */
export function benchModels(count: number, extraRounds = 0): ModelDeclaration[] {
  const churn = models.find((m) => m.name === 'churn');
  if (!churn) throw new Error('config/models.ts declares no model named "churn" to clone');
  return Array.from({ length: count }, (_, i) => {
    const model = { ...structuredClone(churn), name: benchModelName(i + 1) };
    if (extraRounds > 0 && i === 0) {
      const rounds = Number(model.training.hyperparameters?.num_round ?? 100);
      model.training = { ...model.training, hyperparameters: { ...model.training.hyperparameters, num_round: String(rounds + extraRounds) } };
    }
    return model;
  });
}
