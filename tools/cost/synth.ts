/**
 * Synthesizes the blueprint's app in-process, the way bin/app.ts builds it (same configuration,
 * models and buildMlopsApp), with the context the CDK CLI would pass: cdk.json's context plus the
 * `-c` values.
 */
import { App } from 'aws-cdk-lib';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { models } from '../../config/models';
import { platformConfig } from '../../config/platform';
import { buildMlopsApp } from '../../lib';
import { StackInput } from './estimate';

/** cdk.json's context (feature flags), as the CLI passes it to the app: the cdk.json of the folder the command runs in. */
function cdkJsonContext(): Record<string, unknown> {
  const file = join(process.cwd(), 'cdk.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).context ?? {}) : {};
}

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
   * Run the compliance packs and bundle the Lambda code, as bin/app.ts does. Without them the
   * templates list the same resources (only asset hashes differ) and synth is much faster.
   *
   * @default true
   */
  readonly checks?: boolean;
}

/** The synthesized environment. */
export interface Synthesized {
  /** The environment's name. */
  readonly environment: string;
  /** The region the stacks deploy to, when the configuration names one. */
  readonly region?: string;
  /** Every stack's template, with the model of each model stack. */
  readonly stacks: StackInput[];
  /** Where the cloud assembly is (removed already unless `outdir` was given). */
  readonly assemblyDir: string;
}

/**
 * Builds and synthesizes the app for the `-c` context. A bad configuration throws the same
 * `ConfigError` bin/app.ts reports.
 */
export function synthesize(options: SynthOptions): Synthesized {
  const checks = options.checks ?? true;
  const outdir = options.outdir ? resolve(options.outdir) : mkdtempSync(join(tmpdir(), 'mlops-cost-'));
  const app = new App({
    autoSynth: false,
    outdir,
    context: { ...cdkJsonContext(), ...(checks ? {} : { 'aws:cdk:bundling-stacks': [] }), ...options.context },
  });
  try {
    const built = buildMlopsApp(app, {
      config: platformConfig,
      configSource: 'config/platform.ts',
      models,
      modelsSource: 'config/models.ts',
      complianceChecks: checks,
    });
    const assembly = app.synth();
    const modelByStack = new Map(Object.entries(built.models).map(([name, stack]) => [stack.stackName, name]));
    const stacks: StackInput[] = assembly.stacks.map((artifact) => {
      const model = modelByStack.get(artifact.stackName);
      return { name: artifact.stackName, template: artifact.template, ...(model ? { model } : {}) };
    });
    return { environment: built.selected.name, region: built.selected.environment.region, stacks, assemblyDir: outdir };
  } finally {
    if (!options.outdir) rmSync(outdir, { recursive: true, force: true });
  }
}
