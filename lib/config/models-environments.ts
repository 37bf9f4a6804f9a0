/** The rules between the model declarations and the environments of the configuration. */
import { ConfigError, Problem, show } from './schema';
import type { ModelDeclaration } from './model';
import type { EnvironmentConfig } from './environment';
import { modelEnvironmentRules } from './model-environment';

/**
 * Rules between the models and the environments: approvers and serving overrides may only name known
 * environments, every environment that requires human approval needs at least one approver per model,
 * and each model's serving settings must be deployable in every environment (see `serving.ts`).
 *
 * @throws ConfigError (naming `source`, the models' file) listing every problem
 */
export function checkModelsAgainstEnvironments(
  models: readonly ModelDeclaration[],
  environments: Record<string, EnvironmentConfig>,
  source: string,
): void {
  const problems: Problem[] = [];
  const names = Object.keys(environments);
  models.forEach((model, i) => {
    const path = `models[${i}] ${show(model.name)}.approvers`;
    for (const env of Object.keys(model.approvers ?? {})) {
      if (!names.includes(env))
        problems.push({ path: `${path}.${env}`, got: 'an unknown environment', expected: `one of the environments ${names.join(', ')}` });
    }
    const servingPath = `models[${i}] ${show(model.name)}.serving`;
    for (const env of Object.keys(model.serving?.environments ?? {})) {
      if (!names.includes(env))
        problems.push({
          path: `${servingPath}.environments.${env}`,
          got: 'an unknown environment',
          expected: `one of the environments ${names.join(', ')}`,
        });
    }
    for (const [env, config] of Object.entries(environments)) {
      const rules = modelEnvironmentRules({ ...model }, { ...config, environmentName: env }, `models[${i}] ${show(model.name)}`);
      problems.push(...rules.problems);
    }
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
}
