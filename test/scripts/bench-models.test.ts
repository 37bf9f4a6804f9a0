import { join } from 'path';
import type { ModelDeclaration } from '../../lib/config/model';
import { collectModelFolders } from '../../lib/config/model-folders';
import { benchModelName, benchModels } from '../../scripts/bench-models';

// The benchmark clones the shipped churn model (models/churn).
const models = collectModelFolders(join(__dirname, '..', '..', 'models')).models as ModelDeclaration[];

describe('benchmark models', () => {
  test('N clones of churn named m001 to mNNN, nothing else different', () => {
    const churn = models.find((m) => m.name === 'churn')!;
    const clones = benchModels(3);
    expect(clones.map((m) => m.name)).toEqual(['m001', 'm002', 'm003']);
    for (const clone of clones) expect({ ...clone, name: 'churn' }).toEqual(churn);
    expect(benchModelName(100)).toBe('m100');
  });

  test('extra rounds change m001\'s num_round only, so only its template changes', () => {
    const churn = models.find((m) => m.name === 'churn')!;
    const [first, second] = benchModels(2, 7);
    expect(first.training.hyperparameters?.num_round).toBe(String(Number(churn.training.hyperparameters?.num_round) + 7));
    expect({ ...first, name: 'churn', training: churn.training }).toEqual(churn);
    expect({ ...second, name: 'churn' }).toEqual(churn);
  });
});
