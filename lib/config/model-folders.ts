/**
 * The app's models, one folder each: `models/<name>/model.ts` declares the model (its default export, or an export
 * named `model`) and `models/<name>/code/` holds the team's code. {@link collectModelFolders} reads every folder and
 * makes each declaration's code folder absolute, so the declaration reads the same wherever the app runs.
 */
import { existsSync, readdirSync, statSync } from 'fs';
import { isAbsolute, join, relative, resolve } from 'path';
import { ConfigError, isPlainObject, Problem, show } from './schema';

/** The declaration files looked for in a model's folder, in this order (TypeScript in the repository, JavaScript when compiled). */
export const DECLARATION_FILES: readonly string[] = ['model.ts', 'model.js'];

/** What {@link collectModelFolders} found. */
export interface ModelFolders {
  /** The declarations, as written, with `code.directory` made absolute; ordered by folder name. */
  readonly models: unknown[];
  /** How each model is named in problems (same order): its name and declaration file, e.g. `"churn" (models/churn/model.ts)`. */
  readonly sources: string[];
}

/**
 * Reads `<root>/<name>/model.ts` of every folder of `root`.
 *
 * @throws ConfigError naming every folder without a declaration, every file that does not export one, and every
 *   declaration whose name is not its folder's
 */
export function collectModelFolders(root: string): ModelFolders {
  const base = resolve(root);
  if (!existsSync(base)) return { models: [], sources: [] };
  const problems: Problem[] = [];
  const models: unknown[] = [];
  const sources: string[] = [];
  const folders = readdirSync(base).filter((name) => !name.startsWith('.') && statSync(join(base, name)).isDirectory()).sort();
  for (const folder of folders) {
    const file = DECLARATION_FILES.map((name) => join(base, folder, name)).find((path) => existsSync(path));
    const shown = relative(process.cwd(), file ?? join(base, folder)) || folder;
    if (!file) {
      problems.push({ path: shown, got: 'no declaration', expected: `a file ${DECLARATION_FILES.join(' or ')} exporting the model's declaration` });
      continue;
    }
    const exported = require(file) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
    const declaration = exported.default ?? exported.model;
    if (!isPlainObject(declaration)) {
      problems.push({ path: shown, got: show(declaration), expected: 'a default export (or an export named model) with the declaration' });
      continue;
    }
    if (declaration.name !== folder) {
      problems.push({ path: `${shown}: name`, got: show(declaration.name), expected: `${show(folder)}, the name of the model's folder` });
    }
    models.push(withAbsoluteCode(declaration, join(base, folder)));
    sources.push(`${show(folder)} (${shown})`);
  }
  if (problems.length > 0) throw new ConfigError(relative(process.cwd(), base) || base, problems);
  return { models, sources };
}

/** The declaration with `code.directory` (default `code`) resolved against the model's folder. */
function withAbsoluteCode(declaration: Record<string, unknown>, folder: string): Record<string, unknown> {
  if (!isPlainObject(declaration.code)) return declaration;
  const directory = declaration.code.directory ?? 'code';
  if (typeof directory !== 'string' || isAbsolute(directory)) return declaration;
  return { ...declaration, code: { ...declaration.code, directory: join(folder, directory) } };
}
