/**
 * Model declarations for the synth benchmark (scripts/bench.ts): `count` clones of the `churn`
 * model of models/churn/model.ts, named m001, m002, ... Nothing else differs between the clones.
 */
import type { ModelDeclaration } from '../lib/config/model';
import { join } from 'path';
import { collectModelFolders } from '../lib/config/model-folders';

/** The name of the `index`-th generated model (1-based): m001, m002, ..., m100. */
export function benchModelName(index: number): string {
  return `m${String(index).padStart(3, '0')}`;
}

/**
 * `count` deep copies of models/churn/model.ts's declaration, named m001 to m<count>. With
 * `extraRounds` > 0, m001 trains with that many more boosting rounds (num_round): one model edited,
 * as between two synths of a working day; only its stack's template changes.
 */
export function benchModels(count: number, extraRounds = 0): ModelDeclaration[] {
  const churn = collectModelFolders(join(__dirname, '..', 'models')).models.find((m) => (m as ModelDeclaration).name === 'churn') as
    | ModelDeclaration
    | undefined;
  if (!churn) throw new Error('models/ has no folder churn whose model to clone');
  return Array.from({ length: count }, (_, i) => {
    const model = { ...structuredClone(churn), name: benchModelName(i + 1) };
    if (extraRounds > 0 && i === 0) {
      const rounds = Number(model.training.hyperparameters?.num_round ?? 100);
      model.training = { ...model.training, hyperparameters: { ...model.training.hyperparameters, num_round: String(rounds + extraRounds) } };
    }
    return model;
  });
}
