import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { platformConfig } from '../../config/platform';
import { complianceChecksRequested } from '../../lib/compliance';
import { buildBlueprintApp } from '../../bin/app';
import { ConfigError } from '../../lib/config/schema';
import { buildMlopsApp } from '../../lib/mlops-app';
import { CDK_JSON_CONTEXT, defaultConfig } from '../helpers';

const ROOT = join(__dirname, '..', '..');

/** Runs the app the way `cdk synth` does (cdk.json's app command), with context passed like the CLI. */
function runApp(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'mlops-bin-'));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, ...context }),
      AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '',
    },
  });
  return { ...result, outdir };
}

/**
 * bin/app.ts's app with the CLI's context; returns the configuration error's message, having checked that no stack was
 * constructed.
 */
function configErrorOf(context: Record<string, unknown>): string {
  const app = new App({ autoSynth: false, outdir: mkdtempSync(join(tmpdir(), 'mlops-bin-')), context: { ...CDK_JSON_CONTEXT, ...context } });
  let error: unknown;
  try {
    buildBlueprintApp(app);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(app.node.children).toEqual([]);
  return (error as ConfigError).message;
}

describe('bin/app.ts', () => {
  test('a bad configuration file fails with the list of problems, no stack trace, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlops-badconfig-'));
    const file = join(dir, 'platform.json');
    const config = defaultConfig();
    config.environments.dev.audit.objectLockRetentionDays = -5;
    config.environments.dev.dataLake.noncurrentVersionExpirationDays = 'ninety';
    writeFileSync(file, JSON.stringify(config));

    const result = runApp({ config: file });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Invalid configuration in ${file} (2 problems):`);
    expect(result.stderr).toContain('environments.dev.audit.objectLockRetentionDays: got -5; expected an integer from 1 to 36500');
    expect(result.stderr).toContain('environments.dev.dataLake.noncurrentVersionExpirationDays: got "ninety"; expected an integer from 1 to 3650');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(result.outdir)).toEqual([]);
  });

  // The app's other configuration errors take the same path out of bin/app.ts as the one above (exit 1, the list, no
  // trace, nothing written): they are checked in this process, where "before construction" can be seen directly.
  test('an unknown region, a region without the PyTorch images and a bad namespace fail together, before construction', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlops-badregion-'));
    const file = join(dir, 'platform.json');
    const config = defaultConfig();
    config.environments.dev.region = 'us-east-9';
    config.environments.prod.region = 'us-gov-west-1';
    config.namespace = 'ml--ops';
    writeFileSync(file, JSON.stringify(config));

    const message = configErrorOf({ config: file });

    expect(message).toContain(`Invalid configuration in ${file} (3 problems):`);
    expect(message).toContain('namespace: got "ml--ops"; expected lower-case letters, digits and single hyphens');
    expect(message).toContain('environments.dev.region: got "us-east-9"; expected an AWS region known to aws-cdk-lib');
    expect(message).toContain('environments.prod.region: got "us-gov-west-1"; '
      + 'expected a region where the blueprint knows the pytorch container images that model "fraud-dl" needs');
  });

  test('an unknown environment fails naming the known ones', () => {
    expect(configErrorOf({ env: 'staging' })).toContain('env: got "staging"; expected one of the environments in config/platform.ts: dev, prod');
  });

  test('the default configuration synthesizes the dev platform with every compliance pack on', () => {
    const result = runApp({});
    expect(result.stderr).not.toMatch(/ERROR|WARNING/);
    expect(result.status).toBe(0);
    expect(existsSync(join(result.outdir, 'mlops-dev-platform.template.json'))).toBe(true);
  });
});

describe('the compliance switch (-c compliance=on|off)', () => {
  const requested = (context: Record<string, unknown>) => complianceChecksRequested(new App({ context }));

  test('without it, the packs run when the CLI synthesizes for deployment (synth, deploy, diff) and not for cdk ls or destroy', () => {
    // The CLI passes the stacks to bundle: ["**"] (or the selected ones) for synth, deploy, diff, watch, import; [] otherwise.
    expect(requested({ 'aws:cdk:bundling-stacks': ['**'] })).toBe(true);
    expect(requested({ 'aws:cdk:bundling-stacks': ['mlops-dev-platform'] })).toBe(true);
    expect(requested({ 'aws:cdk:bundling-stacks': [] })).toBe(false);
    expect(requested({})).toBe(true);
  });

  test('on and off override the default either way; anything else is a configuration error', () => {
    expect(requested({ 'compliance': 'on', 'aws:cdk:bundling-stacks': [] })).toBe(true);
    expect(requested({ 'compliance': 'off', 'aws:cdk:bundling-stacks': ['**'] })).toBe(false);
    expect(() => requested({ compliance: 'maybe' })).toThrow(ConfigError);
  });

  test('with the packs off, the CloudFormation validator still runs, cached (not aws-cdk-lib\'s uncached default)', () => {
    const plugins = (context: Record<string, unknown>) => {
      const app = new App({ context: { ...CDK_JSON_CONTEXT, ...context } });
      buildMlopsApp(app, { config: platformConfig, configSource: 'config/platform.ts' });
      return app.policyValidationBeta1.map((p) => p.name);
    };
    // One registered CloudFormation validator (ours, cached) means aws-cdk-lib adds no default instance on synth.
    expect(plugins({ 'aws:cdk:bundling-stacks': [] })).toEqual(['CloudFormation Validate']);
    expect(plugins({ 'compliance': 'off' })).toEqual(['CloudFormation Validate']);
    const on = plugins({});
    expect(on).toHaveLength(5);
    expect(on[0]).toBe('CloudFormation Validate');
  });

  test('a bad value fails the app before anything is built', () => {
    expect(configErrorOf({ compliance: 'maybe' })).toContain('compliance: got "maybe"; expected "on" or "off"');
  });
});

