/**
 * What each framework needs from a declaration (docs/team-guide.md):
 *
 * | framework                       | `code`                                   | `images`  |
 * |---------------------------------|------------------------------------------|-----------|
 * | `xgboost`                       | none (built-in algorithm) or training + inference (script mode) | no |
 * | `pytorch`, `tensorflow`, `sklearn` | training + inference                  | no        |
 * | `custom`                        | evaluation only (the images hold the rest) | required |
 *
 * and: the files named exist, the gate's metric is one the evaluation writes, tuning names hyperparameters that are
 * not also fixed, script mode leaves `sagemaker_` hyperparameters to the training toolkit.
 */
import { CodeDeclaration } from './model-code';
import { codeFileProblems, GENERIC_METRICS, METRIC_NAME } from './code-schema';
import { isPlainObject, Problem, show } from './schema';
import { SUPPORTED_VERSIONS } from '../model/container-images';

const SCRIPT_ONLY = ['pytorch', 'tensorflow', 'sklearn'];

/** The cross-field rules of the table above, on the raw declaration (fields the schema rejects are skipped). */
export function frameworkRules(raw: Record<string, unknown>, path: string): Problem[] {
  const framework = raw.framework;
  if (typeof framework !== 'string') return [];
  const code = isPlainObject(raw.code) ? (raw.code as CodeDeclaration) : undefined;
  const problems: Problem[] = [];
  const need = (field: string, why: string) => problems.push({ path: `${path}.${field}`, got: 'nothing', expected: why });
  const scriptMode = SCRIPT_ONLY.includes(framework) || (framework === 'xgboost' && code !== undefined);

  if (scriptMode) {
    if (code?.training === undefined) need('code.training', `the training script, because framework ${show(framework)} runs the team's code`);
    if (code?.inference === undefined) need('code.inference', 'the inference module (model_fn...), which the serving container imports');
  }
  if (framework === 'custom') {
    if (raw.images === undefined) need('images', 'the training and inference images (ECR), because framework is "custom"');
    if (code?.evaluation === undefined) need('code.evaluation', 'an evaluation script, because the generic one cannot load a model of an own image');
    if (code?.training !== undefined) {
      problems.push({ path: `${path}.code.training`, got: show(code.training), expected: 'nothing: an own training image runs its own code' });
    }
  } else if (raw.images !== undefined) {
    problems.push({
      path: `${path}.images`,
      got: 'images',
      expected: `nothing, or framework "custom" (framework ${show(framework)} uses SageMaker's images)`,
    });
  }
  if (typeof code?.inference === 'string' && code.inference.includes('/')) {
    problems.push({
      path: `${path}.code.inference`,
      got: show(code.inference),
      expected: "a module at the root of the code folder (the serving container imports it by name from the model's code/ folder)",
    });
  }
  if (code) problems.push(...codeFileProblems(code, `${path}.code`));
  problems.push(...versionRules(raw, path));

  const metric = isPlainObject(raw.evaluation) ? raw.evaluation.metric : undefined;
  if (typeof metric === 'string' && METRIC_NAME.test(metric) && code?.evaluation === undefined && !GENERIC_METRICS.includes(metric)) {
    problems.push({
      path: `${path}.evaluation.metric`,
      got: show(metric),
      expected:
        `one of the generic evaluation's metrics (${GENERIC_METRICS.join(', ')}), ` +
        'or an own evaluation script (code.evaluation) that writes it',
    });
  }
  problems.push(...trainingRules(raw, path, scriptMode || framework === 'custom'));
  return problems;
}

function trainingRules(raw: Record<string, unknown>, path: string, ownCode: boolean): Problem[] {
  if (!isPlainObject(raw.training)) return [];
  const problems: Problem[] = [];
  const fixed = isPlainObject(raw.training.hyperparameters) ? Object.keys(raw.training.hyperparameters) : [];
  if (ownCode && raw.framework !== 'custom') {
    for (const name of fixed.filter((n) => n.startsWith('sagemaker_'))) {
      problems.push({
        path: `${path}.training.hyperparameters.${name}`,
        got: show(name),
        expected: 'a name not starting with "sagemaker_" (reserved for the training toolkit, which runs the team\'s script)',
      });
    }
  }
  const tuning = raw.training.tuning;
  if (!isPlainObject(tuning)) return problems;
  if (raw.framework === 'xgboost' && !ownCode) {
    problems.push({
      path: `${path}.training.tuning`,
      got: 'tuning of the built-in algorithm',
      expected: "script mode (code) or no tuning: the built-in XGBoost's tunable metrics are validation:* and the job has no validation channel",
    });
  }
  if (isPlainObject(tuning.ranges)) {
    for (const name of Object.keys(tuning.ranges).filter((n) => fixed.includes(n))) {
      problems.push({
        path: `${path}.training.tuning.ranges.${name}`,
        got: show(name),
        expected: 'a hyperparameter not also fixed in training.hyperparameters',
      });
    }
  }
  if (ownCode && isPlainObject(tuning.objective) && tuning.objective.regex === undefined) {
    problems.push({
      path: `${path}.training.tuning.objective.regex`,
      got: 'nothing',
      expected: "a regular expression that finds the objective in the training log, because the team's code prints its own metrics",
    });
  }
  return problems;
}

/** A framework version must be one the blueprint has images for; own images have none. */
function versionRules(raw: Record<string, unknown>, path: string): Problem[] {
  const { framework, frameworkVersion: version } = raw;
  if (typeof version !== 'string' || typeof framework !== 'string') return [];
  const at = `${path}.frameworkVersion`;
  if (framework === 'custom') return [{ path: at, got: show(version), expected: 'nothing: own images have no framework version' }];
  const supported = (SUPPORTED_VERSIONS as Record<string, readonly string[] | undefined>)[framework];
  if (!supported || supported.includes(version)) return [];
  return [{ path: at, got: show(version), expected: `one of the ${framework} versions with images: ${supported.join(', ')}` }];
}
