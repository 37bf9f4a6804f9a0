/**
 * Synthesized apps for the run-time permission check: the default app in one environment, or several environments of
 * one namespace deployed to the same account and region.
 */
import { models, platformConfig } from '../fixtures/config';
import { buildTestApp } from '../helpers';
import { AwsEnv } from './types';
import { StackInput, World } from './world';

/** The account and region every environment is deployed to in the check. */
export const CHECK_ENV: AwsEnv = { partition: 'aws', region: 'eu-west-1', account: '111122223333' };

/** The stacks of one environment, synthesized with `config` (the default configuration and models unless given) in `CHECK_ENV`. */
export function synthEnvironment(env: string, config: unknown = platformConfig, declarations: unknown = models): StackInput[] {
  const pinned = JSON.parse(JSON.stringify(config));
  for (const environment of Object.values<Record<string, unknown>>(pinned.environments)) {
    environment.account = CHECK_ENV.account;
    environment.region = CHECK_ENV.region;
  }
  const { app } = buildTestApp({ env }, { config: pinned, models: declarations });
  return app.synth().stacks.map((s) => ({ stackName: s.stackName, template: s.template }));
}

/** A world of the given environments, all in the same account and region. */
export function worldOf(envs: readonly string[], config?: unknown, declarations?: unknown): World {
  return new World(
    CHECK_ENV,
    envs.flatMap((env) => synthEnvironment(env, config, declarations)),
  );
}
