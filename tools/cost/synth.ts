/**
 * The stacks to price: the cloud assembly of the CDK app in the folder the command runs in, synthesized
 * the way the CDK CLI does it (cdk-app.ts), or an existing cloud assembly (`--assembly DIR`). Model
 * stacks, their models and the environment come from the templates' `MlopsCost` metadata; the region
 * from the stacks' environments.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { readAssembly } from './assembly';
import { appContext, readCdkJson, runApp } from './cdk-app';
import { StackInput } from './estimate';

/** The environment name when neither the metadata nor `-c env` gives one. */
export const DEFAULT_ENVIRONMENT = 'dev';

/** Options of {@link synthesize}. */
export interface SynthOptions {
  /** `-c` values (env, config, ...). */
  readonly context: Record<string, string>;
  /**
   * Folder to write the cloud assembly to; kept.
   *
   * @default - a temporary folder, removed after reading the templates
   */
  readonly outdir?: string;
  /**
   * Run the compliance packs and bundle the Lambda code, as a plain `cdk synth` does. Without them
   * (`{"aws:cdk:bundling-stacks": [], "compliance": "off"}` in the context) the templates list the
   * same resources (only asset hashes differ) and synth is faster.
   *
   * @default true
   */
  readonly checks?: boolean;
  /**
   * An existing cloud assembly to read instead of running the app.
   *
   * @default - the app of `cwd`'s cdk.json is run
   */
  readonly assembly?: string;
  /**
   * The app's folder (its cdk.json).
   *
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/** The synthesized environment. */
export interface Synthesized {
  /** The environment's name: from the model stacks' metadata, else `-c env`, else dev. */
  readonly environment: string;
  /** The region the stacks deploy to, when their environment names one. */
  readonly region?: string;
  /** Every stack's template, with the model of each model stack. */
  readonly stacks: StackInput[];
  /** Where the cloud assembly is (removed already unless `outdir` or `assembly` was given). */
  readonly assemblyDir: string;
  /** What the app printed on success (standard output, then standard error), to pass on. */
  readonly appOutput: string;
  /** Things the user should know about the figures (several regions, unresolved context lookups). */
  readonly notes: string[];
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function fromAssembly(dir: string, context: Record<string, string>, appOutput: string): Synthesized {
  const assembly = readAssembly(dir);
  const notes: string[] = [];
  const environments = assembly.stacks.flatMap((s) => (s.environment ? [s.environment] : []));
  const environment = mostCommon(environments) ?? context.env ?? DEFAULT_ENVIRONMENT;
  if (new Set(environments).size > 1)
    notes.push(`The model stacks name several environments (${[...new Set(environments)].join(', ')}): reported as ${environment}.`);
  const regions = assembly.stacks.flatMap((s) => (s.region ? [s.region] : []));
  const region = mostCommon(regions);
  if (new Set(regions).size > 1) notes.push(`The stacks deploy to several regions (${[...new Set(regions)].join(', ')}): all priced as ${region}.`);
  if (assembly.missing.length > 0) {
    notes.push(
      `The app asked for context lookups that were not performed (${assembly.missing.join(', ')}): run "cdk synth" once ` +
        'so that cdk.context.json holds them; the templates priced used placeholder values.',
    );
  }
  const stacks: StackInput[] = assembly.stacks.map((s) => ({ name: s.name, template: s.template, ...(s.model ? { model: s.model } : {}) }));
  return { environment, ...(region ? { region } : {}), stacks, assemblyDir: dir, appOutput, notes };
}

/**
 * Runs the app of the folder's cdk.json with the `-c` context (or reads `options.assembly`) and reads
 * every stack of the cloud assembly.
 *
 * @throws AppError when cdk.json is missing or has no app, or the app fails (its standard error in the message)
 * @throws AssemblyError when the cloud assembly cannot be read
 */
export function synthesize(options: SynthOptions): Synthesized {
  if (options.assembly) return fromAssembly(resolve(options.assembly), options.context, '');
  const cwd = options.cwd ?? process.cwd();
  const cdkJson = readCdkJson(cwd);
  const context = appContext(cwd, cdkJson, options.context, options.checks ?? true);
  const outdir = options.outdir ? resolve(cwd, options.outdir) : mkdtempSync(join(tmpdir(), 'mlops-cost-'));
  try {
    const run = runApp(cwd, cdkJson, outdir, context);
    return fromAssembly(outdir, options.context, `${run.stdout}${run.stderr}`);
  } finally {
    if (!options.outdir) rmSync(outdir, { recursive: true, force: true });
  }
}
