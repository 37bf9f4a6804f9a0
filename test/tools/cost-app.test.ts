import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { COST_METADATA_KEY, MlopsCostMetadata } from '../../contracts/cost';
import { parseArgs } from '../../tools/cost/args';
import { AssemblyError, readAssembly, regionOf } from '../../tools/cost/assembly';
import { AppError } from '../../tools/cost/cdk-app';
import { main } from '../../tools/cost/main';
import { synthesize } from '../../tools/cost/synth';

// Fast tests of how mlops-cost finds the stacks: fixture cloud assemblies and fixture apps written here, in temporary folders.
// The real app of the repository runs once, in cost-real-app.test.ts.

const BIN = join(__dirname, '..', '..', 'bin', 'mlops-cost.cjs');

const METADATA: MlopsCostMetadata = {
  model: 'churn',
  environment: 'staging',
  serving: { mode: 'realtime', instanceType: 'ml.m5.large', initialInstanceCount: 1, minInstances: 1, maxInstances: 2, capture: false },
  training: { instanceType: 'ml.m5.xlarge', instanceCount: 1, maxRuntimeMinutes: 60, spot: false },
  evaluation: { instanceType: 'ml.m5.large', maxRuntimeMinutes: 60 },
  preprocessing: null,
  drift: null,
  retraining: { maxStartsPerDay: 1 },
};

const KEY = { Type: 'AWS::KMS::Key', Properties: {} };

let dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-cost-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, undefined, 1));

/** A cloud assembly as `cdk synth -o DIR` writes it: a platform stack, a model stack with MlopsCost metadata, and a Stage's nested assembly. */
function writeAssembly(dir: string, region = 'eu-west-1'): void {
  writeJson(join(dir, 'manifest.json'), {
    version: '48.0.0',
    artifacts: {
      'app-platform.assets': { type: 'cdk:asset-manifest', properties: { file: 'app-platform.assets.json' } },
      'app-platform': {
        type: 'aws:cloudformation:stack',
        environment: `aws://123456789012/${region}`,
        properties: { templateFile: 'app-platform.template.json' },
      },
      'app-model-churn': {
        type: 'aws:cloudformation:stack',
        environment: `aws://123456789012/${region}`,
        properties: { templateFile: 'app-model-churn.template.json', stackName: 'churn-stack' },
      },
      'assembly-Extra': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Extra', displayName: 'Extra' } },
      Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
    },
  });
  writeJson(join(dir, 'app-platform.template.json'), { Resources: { Key: KEY } });
  writeJson(join(dir, 'app-model-churn.template.json'), { Resources: { Key: KEY }, Metadata: { [COST_METADATA_KEY]: METADATA } });
  mkdirSync(join(dir, 'assembly-Extra'));
  writeJson(join(dir, 'assembly-Extra', 'manifest.json'), {
    version: '48.0.0',
    artifacts: {
      'Extra-stack': {
        type: 'aws:cloudformation:stack',
        environment: 'aws://unknown-account/unknown-region',
        properties: { templateFile: 'Extra-stack.template.json' },
      },
    },
  });
  writeJson(join(dir, 'assembly-Extra', 'Extra-stack.template.json'), { Resources: { Key: KEY } });
}

/** A folder with a cdk.json whose app is `script` (a node program), and `context`. */
function writeApp(script: string, context: Record<string, unknown> = {}): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'app.js'), script);
  writeJson(join(dir, 'cdk.json'), { app: 'node app.js', context });
  return dir;
}

describe('--assembly: an existing cloud assembly', () => {
  test('every stack of the manifest and its nested assemblies; models, environment and region from the metadata and manifest', () => {
    // GIVEN
    const dir = tempDir();
    writeAssembly(dir);
    // WHEN
    const synthesized = synthesize({ context: { env: 'dev' }, assembly: dir });
    // THEN the metadata's environment wins over -c env; the stack name is properties.stackName, else the artifact id
    expect(synthesized.stacks.map((s) => [s.name, s.model])).toEqual([
      ['app-platform', undefined],
      ['churn-stack', 'churn'],
      ['Extra-stack', undefined],
    ]);
    expect(synthesized).toMatchObject({ environment: 'staging', region: 'eu-west-1', assemblyDir: dir, notes: [] });
  });

  test('the command prices it without running anything: JSON on standard output', () => {
    // GIVEN
    const dir = tempDir();
    writeAssembly(dir, 'eu-central-1');
    const out: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // WHEN
    let code: number;
    try {
      code = main(['--assembly', dir, '--format', 'json']);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    // THEN
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report).toMatchObject({ environment: 'staging', region: 'eu-central-1' });
    expect(report.stacks.map((s: { stack: string }) => s.stack)).toEqual(['app-platform', 'churn-stack', 'Extra-stack']);
    expect(report.models.map((m: { model: string }) => m.model)).toEqual(['churn']);
    expect(report.totals.idle).toBeCloseTo(3 + 0.115 * 730 * 1.2, 6); // three keys + one ml.m5.large at eu-central-1's x1.20
  });

  test('environment-agnostic stacks name no region; without metadata the environment is -c env, else dev', () => {
    expect(regionOf('aws://unknown-account/unknown-region')).toBeUndefined();
    expect(regionOf('aws://123456789012/us-west-2')).toBe('us-west-2');
    const dir = tempDir();
    const stack = { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 't.json' } };
    writeJson(join(dir, 'manifest.json'), { version: '48.0.0', artifacts: { s: stack } });
    writeJson(join(dir, 't.json'), { Resources: {} });
    const synthesized = synthesize({ context: { env: 'qa' }, assembly: dir });
    expect(synthesized.environment).toBe('qa');
    expect(synthesized.region).toBeUndefined();
    expect(synthesize({ context: {}, assembly: dir }).environment).toBe('dev');
  });

  test('a folder without manifest.json, or a stack without its template, names the file and what was expected', () => {
    const dir = tempDir();
    expect(() => readAssembly(dir)).toThrow(AssemblyError);
    expect(() => readAssembly(dir)).toThrow(
      `${join(dir, 'manifest.json')}: not found; expected the manifest of a cloud assembly, as written by cdk synth -o DIR.`,
    );
    writeJson(join(dir, 'manifest.json'), { artifacts: { s: { type: 'aws:cloudformation:stack', properties: { templateFile: 'gone.json' } } } });
    expect(() => readAssembly(dir)).toThrow(`${join(dir, 'gone.json')}: not found; expected the CloudFormation template of stack s.`);
  });

  test('--assembly with options that only apply when the app runs is a usage error', () => {
    expect(parseArgs(['--assembly', 'out', '-c', 'env=prod'])).toMatchObject({ assembly: 'out', context: { env: 'prod' } });
    expect(() => parseArgs(['--assembly', 'out', '-o', 'x', '--no-checks', '-c', 'config=c.json'])).toThrow(
      /3 problems[\s\S]*--output: the app is not run with --assembly[\s\S]*--no-checks[\s\S]*-c config: the app is not run/,
    );
  });
});

describe('the app of cdk.json', () => {
  test('runs through the shell with CDK_OUTDIR and CDK_CONTEXT_JSON: cdk.json context, then -c values, then the --no-checks context', () => {
    // GIVEN an app that writes a one-stack assembly carrying the context it got
    const dir = writeApp(
      `const { writeFileSync } = require('fs'); const { join } = require('path'); const out = process.env.CDK_OUTDIR;
       const stack = { type: 'aws:cloudformation:stack', environment: 'aws://1/us-east-1', properties: { templateFile: 's.json' } };
       writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: { s: stack } }));
       writeFileSync(join(out, 's.json'), JSON.stringify({ Resources: {}, Metadata: { Context: JSON.parse(process.env.CDK_CONTEXT_JSON) } }));
       console.log('hello from the app');`,
      { flag: true, env: 'from-cdk-json' },
    );
    // WHEN
    const synthesized = synthesize({ context: { env: 'qa' }, checks: false, cwd: dir });
    // THEN
    expect(synthesized.stacks[0].template.Metadata?.Context).toEqual({ flag: true, env: 'qa', 'aws:cdk:bundling-stacks': [], compliance: 'off' });
    expect(synthesized).toMatchObject({ environment: 'qa', region: 'us-east-1', appOutput: 'hello from the app\n' });
  });

  test('a context too large for an environment variable goes to the file CONTEXT_OVERFLOW_LOCATION_ENV names, as the CLI does', () => {
    // GIVEN an app that writes the context file it was given into its template
    const dir = writeApp(
      `const { readFileSync, writeFileSync } = require('fs'); const { join } = require('path'); const out = process.env.CDK_OUTDIR;
       const stack = { type: 'aws:cloudformation:stack', properties: { templateFile: 's.json' } };
       writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: { s: stack } }));
       const context = JSON.parse(readFileSync(process.env.CONTEXT_OVERFLOW_LOCATION_ENV, 'utf8'));
       writeFileSync(join(out, 's.json'), JSON.stringify({ Resources: {}, Metadata: { Json: process.env.CDK_CONTEXT_JSON ?? null, Big: context.big.length } }));`,
      { big: 'x'.repeat(200_000) },
    );
    // WHEN
    const synthesized = synthesize({ context: {}, cwd: dir });
    // THEN
    expect(synthesized.stacks[0].template.Metadata).toEqual({ Json: null, Big: 200_000 });
  });

  test('an app that exits 1: its standard error verbatim after a line saying so, exit 2, no stack trace', () => {
    // GIVEN
    const message = '\nInvalid configuration in config/platform.ts (1 problem):\n  - environments.dev.region: got "mars-1"\n\n';
    const dir = writeApp(`process.stderr.write(${JSON.stringify(message)}); process.exit(1);`);
    // WHEN
    const result = spawnSync(process.execPath, [BIN, '-c', 'env=dev'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    // THEN
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `mlops-cost: the app of ${join(dir, 'cdk.json')} (node app.js) exited with code 1; nothing was priced.\nIts standard error:\n${message}`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('a missing cdk.json names the file and what was expected', () => {
    // GIVEN
    const dir = tempDir();
    // THEN
    expect(() => synthesize({ context: {}, cwd: dir })).toThrow(AppError);
    expect(() => synthesize({ context: {}, cwd: dir })).toThrow(
      new RegExp(`^${join(dir, 'cdk.json').replace(/[.\\/]/g, '\\$&')}: not found\\. .*expected a CDK app's cdk\\.json with "app": .*--assembly DIR`),
    );
    writeJson(join(dir, 'cdk.json'), { context: {} });
    expect(() => synthesize({ context: {}, cwd: dir })).toThrow(/cdk\.json: no "app" command; expected a CDK app's cdk\.json with "app"/);
  });

  test('an app that writes no cloud assembly is an error, not an empty estimate', () => {
    const dir = writeApp('');
    expect(() => synthesize({ context: {}, cwd: dir })).toThrow(/exited 0 but wrote no cloud assembly to .*CDK_OUTDIR/);
    expect(readFileSync(join(dir, 'cdk.json'), 'utf8')).toContain('node app.js');
  });
});
