/** Reading a cloud assembly, and the default app synthesized in-process. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { collectModelFolders } from '../../lib/config/model-folders';
import { platformConfig } from '../../config/platform';
import { buildMlopsApp } from '../../lib/mlops-app';
import { CDK_JSON_CONTEXT } from './context';

/** One stack of a cloud assembly: its template, parsed, and the template file's size. */
export interface StackFacts {
  readonly name: string;
  readonly templateFile: string;
  readonly template: CfnTemplate;
  readonly bytes: number;
}

/** The parts of a CloudFormation template the benchmark reads. */
export interface CfnTemplate {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

/** The stacks of the cloud assembly in `outdir`, from its manifest. */
export function stacksOf(outdir: string): StackFacts[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  return Object.entries<{ type: string; properties?: { templateFile?: string } }>(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
    .map(([name, a]) => {
      const templateFile = join(outdir, a.properties!.templateFile!);
      return { name, templateFile, template: JSON.parse(readFileSync(templateFile, 'utf8')), bytes: statSync(templateFile).size };
    });
}

/** How many resources a stack's template declares. */
export const resourceCount = (s: StackFacts): number => Object.keys(s.template.Resources ?? {}).length;

/**
 * The default app (the models/ folders) for `env`, built in-process without compliance checks or
 * bundling: the same resources and acknowledgements. The caller removes `app.outdir`.
 */
export function defaultAppInProcess(env: string): App {
  const app = new App({
    autoSynth: false,
    outdir: mkdtempSync(join(tmpdir(), 'mlops-bench-app-')),
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], env },
  });
  const { models, sources } = collectModelFolders(join(__dirname, '..', '..', 'models'));
  buildMlopsApp(app, {
    config: platformConfig,
    configSource: 'config/platform.ts',
    models,
    modelsSource: 'models/',
    modelSources: sources,
    complianceChecks: false,
  });
  return app;
}

/** The default app's stacks for `env`, synthesized in-process. */
export function defaultAppStacks(env: string): StackFacts[] {
  const outdir = defaultAppInProcess(env).synth().directory;
  const stacks = stacksOf(outdir);
  rmSync(outdir, { recursive: true, force: true });
  return stacks;
}
