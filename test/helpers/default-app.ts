/**
 * The fixtures' default app (test/fixtures/config: the default platform configuration and the sample models), as
 * templates: synthesized once per jest worker for the test files that only read them (definitions, properties, names).
 * Files that need the constructs, or change the app, build their own with `buildTestApp`.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { models } from '../fixtures/config';
import { buildTestApp } from '../helpers';
import { workerMemo } from './worker-memo';

export type TemplateJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every stack's template of the default app in `env`, by stack name (`mlops-dev-platform`, `mlops-dev-model-churn`, ...). */
export function defaultAppTemplates(env: 'dev' | 'prod'): Record<string, TemplateJson> {
  return workerMemo(`default-app/${env}`, () => {
    const { app } = buildTestApp({ env }, { models });
    return Object.fromEntries(app.synth().stacks.map((stack) => [stack.stackName, stack.template as TemplateJson]));
  });
}

/** The template of one model's stack in the default app. */
export function defaultModelTemplate(env: 'dev' | 'prod', model: string): Template {
  const name = `mlops-${env}-model-${model}`;
  const template = defaultAppTemplates(env)[name];
  if (!template) throw new Error(`the default app in ${env} has no stack ${name}`);
  return Template.fromJSON(template);
}
