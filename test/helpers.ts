import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { platformConfig } from './fixtures/config';
import { buildMlopsApp, MlopsAppOptions, MlopsStacks } from '../lib/mlops-app';

/** The context of cdk.json (feature flags, strict validation), as the CLI would pass it. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')).context;

/**
 * aws-cdk-lib records where each resource was created (a stack trace in the cloud assembly's metadata); under jest
 * every trace is mapped through source maps, a tenth of a synthesis. Tests read templates and reports, not those
 * traces, so their apps do not record them (findings still name the resource's construct path).
 */
const NO_CREATION_STACK_TRACES = { 'aws:cdk:disable-creation-stack-traces': true, 'aws:cdk:disable-stack-trace': true };

/**
 * A new app with cdk.json's context plus `context`, writing to a fresh temporary folder. Lambda
 * code is not bundled (`aws:cdk:bundling-stacks: []`) unless `context` says otherwise: template
 * tests do not need esbuild runs; test/bin/app.test.ts bundles for real.
 */
export function newApp(context: Record<string, unknown> = {}): App {
  return new App({
    autoSynth: false,
    outdir: mkdtempSync(join(tmpdir(), 'mlops-test-')),
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...NO_CREATION_STACK_TRACES, ...context },
  });
}

/** Builds the blueprint's app for one environment (default config unless given). */
export function buildTestApp(
  context: Record<string, unknown> = {},
  options: Partial<MlopsAppOptions> = {},
): { app: App; stacks: MlopsStacks } {
  const app = newApp(context);
  const stacks = buildMlopsApp(app, { config: platformConfig, configSource: 'config/platform.ts', complianceChecks: false, ...options });
  return { app, stacks };
}

/** A deep copy of the default configuration to mutate in a test. */
export function defaultConfig(): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(JSON.stringify(platformConfig));
}

/** Every resource of a template whose type is `type`, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return template.findResources(type);
}
