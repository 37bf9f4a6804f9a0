import { resolveModel } from '../../lib/config/resolve-model';
import { full, minimal } from '../config/resolve-model-fixtures';
import { buildTestApp } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('the construct applies the same values', () => {
  // The model stacks' MlopsCost metadata and serving, built by MlopsModel, against resolveModel's (the resolveModel tests' own fixtures).
  const models = [minimal(), { ...full(), approvers: { prod: ['lead@example.com'] } }];
  test.each(['dev', 'prod'])('%s', (env) => {
    const { stacks } = buildTestApp({ env }, { models, modelsSource: 'test fixtures' });
    const { namespace, environments } = stacks.selected.platform;
    for (const declaration of models) {
      const resolved = resolveModel(declaration, { namespace, environmentName: env, ...environments[env] });
      const stack = stacks.models[declaration.name];
      expect((stack.templateOptions.metadata as any).MlopsCost).toEqual(resolved.cost);
      expect(stack.model.serving).toEqual(resolved.serving);
      expect(stack.model.registry.groupName).toBe(resolved.qualifiedName);
      expect(stack.model.approvalGate !== undefined).toBe(resolved.approval.mode === 'human');
    }
  });
});
