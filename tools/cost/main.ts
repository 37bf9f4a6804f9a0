/**
 * The bill before the deploy (docs/cost.md), run by bin/mlops-cost.cjs: `mlops-cost -c env=NAME [-c config=FILE.json]
 * [--output DIR | --assembly DIR] [--format text|json] [--region REGION] [load flags]` (`npm run cost -- ...` in the blueprint).
 *
 * Synthesizes the CDK app of the folder it runs in as the CDK CLI does (its cdk.json's `app` command), or
 * reads an existing cloud assembly, reads every template of it, and prints the estimated monthly cost
 * per stack and per model, at idle and at a stated load, from the dated price table
 * tools/cost/prices.json, with the assumptions behind the figures.
 */
import { parseArgs, usage, UsageError } from './args';
import { estimate } from './estimate';
import { loadProfile } from './load-profile';
import { chooseRegion, loadPriceTable, PriceTableError } from './prices';
import { renderJson, renderText } from './report';
import { AssemblyError } from './assembly';
import { AppError } from './cdk-app';
import { synthesize } from './synth';

/** Runs the command with the arguments after `mlops-cost` (or `npm run cost --`); returns the exit code. */
export function main(argv: readonly string[]): number {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  let synthesized;
  let table;
  try {
    table = loadPriceTable();
    if (args.assembly) process.stderr.write(`Reading the cloud assembly ${args.assembly} ...\n`);
    else process.stderr.write(`Synthesizing ${args.context.env ?? 'dev'}${args.checks ? ' with the compliance packs' : ' (--no-checks)'} ...\n`);
    synthesized = synthesize({ context: args.context, outdir: args.output, checks: args.checks, assembly: args.assembly });
  } catch (e) {
    if (e instanceof AppError || e instanceof AssemblyError) {
      // The app's own standard error is in the message verbatim; no stack trace.
      process.stderr.write(`\n${e.message}${e.message.endsWith('\n') ? '' : '\n'}`);
      return 2;
    }
    if (!(e instanceof PriceTableError)) throw e;
    process.stderr.write(`\n${e.message}\n\n`);
    return 1;
  }
  if (synthesized.appOutput) process.stderr.write(synthesized.appOutput);
  for (const note of synthesized.notes) process.stderr.write(`Note: ${note}\n`);
  if (args.output) process.stderr.write(`Cloud assembly written to ${synthesized.assemblyDir}\n`);
  const result = estimate(synthesized.stacks, {
    environment: synthesized.environment,
    region: chooseRegion(table, synthesized.region, args.region),
    load: loadProfile(args.load),
  });
  process.stdout.write(args.format === 'json' ? renderJson(result) : renderText(result, { details: args.details }));
  return 0;
}
