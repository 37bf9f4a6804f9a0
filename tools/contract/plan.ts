/**
 * The plan of one local contract run: what tools/contract/contract_run.py needs to run a model's training code,
 * evaluation and inference handlers under SageMaker's container contract on this machine.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { TRAINING_WRAPPER } from '../../contracts/model-code';
import type { ModelDeclaration, ResolvedCode } from '../../lib';
import { packagePath, resolveCode } from '../../lib';

/** The plan, as contract_run.py reads it (JSON). */
export interface ContractPlan {
  readonly model: string;
  readonly framework: string;
  readonly sourceDir: string;
  readonly trainingEntryPoint: string;
  readonly inferenceEntryPoint: string | null;
  readonly evaluationScript: string | null;
  readonly genericEvaluation: string;
  readonly wrapper: string;
  readonly hyperparameters: Record<string, string>;
  readonly trainData: string;
  readonly testData: string;
  readonly metric: string;
  readonly workDir: string;
}

/** Why a model cannot run locally (then there is no plan). */
export class NotRunnable extends Error {}

/**
 * The plan of `model` (declared in `folder`, with its sample data in `folder/sample/{train,test}`), run in `workDir`.
 *
 * @throws NotRunnable for a model without the team's training code (the built-in algorithm, own images)
 */
export function contractPlan(model: ModelDeclaration, folder: string, workDir: string): ContractPlan {
  if (!model.code?.training) {
    throw new NotRunnable(
      model.framework === 'custom'
        ? `${model.name}: own images run their own code; run them with your container tool as docs/team-guide.md shows`
        : `${model.name}: the built-in ${model.framework} algorithm runs no code of the team's`,
    );
  }
  const code: ResolvedCode = resolveCode(model.code);
  const sample = join(folder, 'sample');
  for (const dir of ['train', 'test']) {
    if (!existsSync(join(sample, dir))) throw new NotRunnable(`${model.name}: no sample data in ${join(sample, dir)} (CSV, label first, no header)`);
  }
  const hyperparameters = { ...(model.training.hyperparameters ?? {}) };
  return {
    model: model.name,
    framework: model.framework,
    sourceDir: code.sourceDir,
    trainingEntryPoint: model.code.training,
    inferenceEntryPoint: code.inferenceEntryPoint ?? null,
    evaluationScript: code.evaluationScript ?? null,
    genericEvaluation: packagePath('pipelines', 'scripts', 'evaluate.py'),
    wrapper: packagePath('pipelines', 'scripts', TRAINING_WRAPPER),
    hyperparameters,
    trainData: join(sample, 'train'),
    testData: join(sample, 'test'),
    metric: model.evaluation.metric,
    workDir,
  };
}
