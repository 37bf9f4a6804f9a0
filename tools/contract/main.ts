/**
 * The local run of SageMaker's container contract (docs/team-guide.md), run by bin/mlops-contract.cjs:
 * `mlops-contract [MODEL ...] [--models DIR] [--python PATH] [--keep]` (`npm run contract -- ...` in the blueprint).
 *
 * For each model folder (all of them without names): trains the team's code on the folder's sample data in a temporary
 * `/opt/ml`-shaped tree, evaluates it, and answers a sample request through the team's inference handlers, with the
 * Python of this machine (`--python`, else `MLOPS_PYTHON`, else `python3`). Exit code 1 when a model breaks the contract.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { collectModelFolders, ConfigError, packagePath, parseModels } from '../../lib';
import { contractPlan, NotRunnable } from './plan';

const USAGE = `usage: mlops-contract [MODEL ...] [--models DIR] [--python PATH] [--keep]

Runs each model's training code, evaluation and inference handlers locally under SageMaker's container contract,
on the sample data of its folder (models/<name>/sample/{train,test}).

  MODEL           a model's folder name (default: every folder)
  --models DIR    the folder of the model folders (default: ./models)
  --python PATH   the Python interpreter (default: $MLOPS_PYTHON, else python3)
  --keep          keep the temporary /opt/ml trees (their paths are printed)`;

interface Args {
  readonly names: string[];
  readonly models: string;
  readonly python: string;
  readonly keep: boolean;
  readonly help: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const names: string[] = [];
  let models = 'models';
  let python = process.env.MLOPS_PYTHON || 'python3';
  let keep = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--keep') keep = true;
    else if (arg === '--models' || arg === '--python') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
      if (arg === '--models') models = value;
      else python = value;
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else names.push(arg);
  }
  return { names, models, python, keep, help };
}

/** Runs the command with the arguments after `mlops-contract`; returns the exit code. */
export function main(argv: readonly string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`mlops-contract: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let folders;
  let declarations;
  try {
    folders = collectModelFolders(args.models);
    declarations = parseModels(folders.models, args.models, folders.sources);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 1;
  }
  const unknown = args.names.filter((name) => !declarations.some((d) => d.name === name));
  if (unknown.length) {
    process.stderr.write(
      `mlops-contract: no model folder ${unknown.join(', ')} in ${args.models} (found: ${declarations.map((d) => d.name).join(', ')})\n`,
    );
    return 2;
  }
  const script = packagePath('tools', 'contract', 'contract_run.py');
  let failed = 0;
  for (const model of declarations.filter((d) => args.names.length === 0 || args.names.includes(d.name))) {
    const workDir = mkdtempSync(join(tmpdir(), `mlops-contract-${model.name}-`));
    try {
      const plan = contractPlan(model, resolve(args.models, model.name), workDir);
      const planFile = join(workDir, 'plan.json');
      writeFileSync(planFile, JSON.stringify(plan, null, 2));
      process.stdout.write(`contract: ${model.name} (${model.framework}) in ${workDir}\n`);
      const started = Date.now();
      const run = spawnSync(args.python, [script, '--plan', planFile], { stdio: 'inherit' });
      if (run.error) {
        process.stderr.write(`contract: ${model.name}: cannot run ${args.python}: ${run.error.message} (set --python or MLOPS_PYTHON)\n`);
        failed++;
      } else if (run.status !== 0) failed++;
      process.stdout.write(`contract: ${model.name}: ${run.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (e) {
      if (!(e instanceof NotRunnable)) throw e;
      process.stdout.write(`contract: skipped ${e.message}\n`);
    } finally {
      if (!args.keep) rmSync(workDir, { recursive: true, force: true });
    }
  }
  return failed ? 1 : 0;
}
