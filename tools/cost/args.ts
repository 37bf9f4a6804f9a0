/**
 * Command line of `npm run cost`: `-c key=value` like the CDK CLI, plus the estimate's own flags.
 */
import { LOAD_FIELDS, LoadProfile } from './load-profile';

/** What the command line asks for. */
export interface CostArgs {
  /** Context values (`-c env=prod`, `--context config=file.json`), as strings like the CDK CLI passes them. */
  readonly context: Record<string, string>;
  /** Where to write the cloud assembly; kept after the run. @default - a temporary folder, removed */
  readonly output?: string;
  /** An existing cloud assembly to price instead of running the app. */
  readonly assembly?: string;
  readonly format: 'text' | 'json';
  /** The region to price environment-agnostic stacks in. */
  readonly region?: string;
  /** Run the compliance packs and bundle Lambda code, as a plain `cdk synth` does (`--no-checks`: false). */
  readonly checks: boolean;
  /** Print how each line was computed (text format). */
  readonly details: boolean;
  /** Load profile fields given on the command line. */
  readonly load: Partial<LoadProfile>;
  readonly help: boolean;
}

/** A command line that cannot be used; the message lists every problem. */
export class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid arguments (${problems.length} problem${problems.length === 1 ? '' : 's'}` +
        `):\n${problems.map((p) => `  - ${p}`).join('\n')}\n\nRun mlops-cost --help (in ` +
        `the blueprint's repository: npm run cost -- --help) for the usage.`,
    );
    this.name = 'UsageError';
  }
}

/** The usage text, with every load flag and its default. */
export function usage(): string {
  const width = Math.max(...LOAD_FIELDS.map((f) => f.flag.length)) + 2;
  return [
    'Usage: mlops-cost [-c env=NAME] [-c config=FILE.json] [--output DIR] [--format text|json] [--region REGION] [--no-checks] [load flags]',
    '       mlops-cost --assembly DIR [-c env=NAME] [--format text|json] [--region REGION] [load flags]',
    "       (in the blueprint's repository: npm run cost -- [options])",
    '',
    'Run from your CDK app\'s folder: synthesizes the app of its cdk.json as cdk synth does (the "app" command, with',
    "cdk.json's context and the -c values) and estimates the monthly cost of every stack and model, at idle",
    '(deployed, no traffic, empty lake) and at the stated load, from the price table tools/cost/prices.json of the package.',
    "Model stacks are found by their MlopsCost template metadata; the region comes from the stacks' environment.",
    '',
    '  -c, --context KEY=VALUE  context value, as with the CDK CLI (env: the environment, default dev; config: a JSON configuration)',
    '  -o, --output DIR         write the cloud assembly to DIR and keep it (default: a temporary folder, removed)',
    '  --assembly DIR           price the cloud assembly in DIR (written by cdk synth -o DIR) without running the app',
    '  --format text|json       report format (default text)',
    '  --region REGION          region to price environment-agnostic stacks in (default us-east-1)',
    '  --no-checks              skip the compliance packs and Lambda bundling (same resources, faster synth): adds the context',
    '                           {"aws:cdk:bundling-stacks": [], "compliance": "off"}',
    '  --details                print how each line was computed (text format)',
    '  -h, --help               this text',
    '',
    'Load flags (per month unless said otherwise):',
    ...LOAD_FIELDS.map((f) => `  --${f.flag.padEnd(width)}${f.description} [${f.unit}] (default ${f.default})`),
  ].join('\n');
}

/**
 * Parses the arguments after `npm run cost --`.
 *
 * @throws UsageError listing every problem
 */
export function parseArgs(argv: readonly string[]): CostArgs {
  const problems: string[] = [];
  const context: Record<string, string> = {};
  const load: Partial<Record<keyof LoadProfile, number>> = {};
  let output: string | undefined;
  let assembly: string | undefined;
  let format: 'text' | 'json' = 'text';
  let region: string | undefined;
  let checks = true;
  let details = false;
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) {
        problems.push(`${name}: expected a value after it`);
        return undefined;
      }
      i++;
      return next;
    };

    switch (name) {
      case '-c':
      case '--context': {
        const pair = value();
        if (pair === undefined) break;
        const at = pair.indexOf('=');
        if (at <= 0) problems.push(`${name} ${pair}: expected KEY=VALUE, e.g. -c env=prod`);
        else context[pair.slice(0, at)] = pair.slice(at + 1);
        break;
      }
      case '-o':
      case '--output':
        output = value();
        break;
      case '--assembly':
        assembly = value();
        break;
      case '--format': {
        const f = value();
        if (f === 'text' || f === 'json') format = f;
        else if (f !== undefined) problems.push(`--format: got "${f}"; expected text or json`);
        break;
      }
      case '--region': {
        const r = value();
        if (r !== undefined && !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(r))
          problems.push(`--region: got "${r}"; expected an AWS region such as eu-west-1`);
        else region = r;
        break;
      }
      case '--no-checks':
        checks = false;
        break;
      case '--details':
        details = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default: {
        const field = name.startsWith('--') ? LOAD_FIELDS.find((f) => f.flag === name.slice(2)) : undefined;
        if (!field) {
          problems.push(`${arg}: unknown argument`);
          break;
        }
        const raw = value();
        if (raw === undefined) break;
        const n = Number(raw.replace(/_/g, ''));
        if (raw.trim() === '' || !Number.isFinite(n) || n < field.min || n > field.max) {
          problems.push(`--${field.flag}: got "${raw}"; expected a number from ${field.min} to ${field.max} (${field.unit})`);
        } else {
          load[field.key] = n;
        }
      }
    }
  }
  if (assembly !== undefined) {
    if (output !== undefined) problems.push('--output: the app is not run with --assembly, so there is no cloud assembly to write');
    if (!checks) problems.push('--no-checks: the app is not run with --assembly; the assembly is priced as it was synthesized');
    const others = Object.keys(context).filter((k) => k !== 'env');
    if (others.length > 0)
      problems.push(`-c ${others.join(', -c ')}: the app is not run with --assembly; only -c env (the environment's name) applies`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  return { context, output, assembly, format, region, checks, details, load: load as Partial<LoadProfile>, help };
}
