/**
 * The package as another CDK app uses it (`npm run test:package`, run by CI after `npm test`):
 *
 *   1. `npm pack` (which builds dist/ through `prepack`) into a temporary folder;
 *   2. a new app next to it: its own package.json (the tarball, aws-cdk-lib and constructs) and the minimal app of
 *      docs/library.md (its own environment and model, importing only the package's entry `mlops-cdk-blueprint`);
 *   3. `npm install --prefer-offline` (the local npm cache first, the registry for anything missing);
 *   4. the app type-checked against the package's typings and compiled, then synthesized the way the CDK CLI runs an
 *      app (CDK_OUTDIR set), with the Lambda code bundled for real by the package's esbuild (never Docker) and the
 *      compliance packs on;
 *   5. the cloud assembly checked: the platform and model stacks' templates exist, the model stack has the model's
 *      resources, and every Lambda asset is a bundle (index.js), not TypeScript sources;
 *   6. the installed commands `mlops-audit --help`, `mlops-cost --help` and `mlops-contract --help` run without the blueprint's
 *      devDependencies, and the contract run's Python script is in the package.
 *
 * Each step prints its duration. The temporary folder is removed at the end, also on failure, unless
 * MLOPS_PACK_CHECK_KEEP=1 (then its path is printed). Exit code 0 when everything holds, 1 with the failed step and
 * its output otherwise.
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

class CheckFailed extends Error {}

const ROOT = join(__dirname, '..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const TSC = require.resolve('typescript/bin/tsc');
/** The example app's namespace and model: its stacks are `shop-dev-platform` and `shop-dev-model-demand`. */
const NAMESPACE = 'shop';
const MODEL = 'demand';

/** The minimal app of docs/library.md, read from its first TypeScript block: only the package's entry is imported. */
const EXAMPLE = join(ROOT, 'docs', 'library.md');

function appSource(): string {
  const block = /```ts\n([\s\S]*?)```/.exec(readFileSync(EXAMPLE, 'utf8'))?.[1];
  if (!block) throw new CheckFailed(`no \`\`\`ts block in ${EXAMPLE}`);
  return block;
}

/** Runs a command; a non-zero exit fails the check with the command's output. */
function run(what: string, command: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error || result.status !== 0) {
    const tail = output.trim().split('\n').slice(-40).join('\n');
    throw new CheckFailed(`${what} failed (${result.error?.message ?? `exit ${result.status}`}): ${command} ${args.join(' ')}\n${tail}`);
  }
  return output;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

/** Runs one step and prints its duration. */
function step<T>(name: string, body: () => T): T {
  const started = Date.now();
  process.stderr.write(`pack-check: ${name} ...`);
  try {
    return body();
  } finally {
    process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

interface Manifest {
  readonly artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
}

/** Checks the cloud assembly the app wrote: stacks, the model's resources, bundled Lambda assets. */
function checkAssembly(outdir: string): string[] {
  check(existsSync(join(outdir, 'manifest.json')), `no cloud assembly: ${outdir}/manifest.json is missing`);
  const manifest: Manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const names = stacks.map(([name]) => name);
  const platform = `${NAMESPACE}-dev-platform`;
  const model = `${NAMESPACE}-dev-model-${MODEL}`;
  check(
    names.includes(platform) && names.includes(model),
    `expected stacks ${platform} and ${model}; the assembly has ${names.join(', ') || 'none'}`,
  );
  const templates: Record<string, { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> }> = {};
  for (const [name, artifact] of stacks) {
    const file = join(outdir, artifact.properties?.templateFile ?? `${name}.template.json`);
    check(existsSync(file), `the template of ${name} is missing: ${file}`);
    templates[name] = JSON.parse(readFileSync(file, 'utf8'));
  }
  const types = (stack: string) => Object.values(templates[stack].Resources ?? {}).map((r) => r.Type);
  for (const type of [
    'AWS::SageMaker::FeatureGroup',
    'AWS::SageMaker::ModelPackageGroup',
    'AWS::StepFunctions::StateMachine',
    'AWS::Lambda::Function',
  ]) {
    check(types(model).includes(type), `the model stack ${model} has no ${type}`);
  }
  check(types(platform).includes('AWS::S3::Bucket'), `the platform stack ${platform} has no bucket`);
  const groups = Object.values(templates[model].Resources ?? {}).filter((r) => r.Type === 'AWS::SageMaker::ModelPackageGroup');
  check(
    groups.some((g) => JSON.stringify(g.Properties ?? {}).includes(`${NAMESPACE}-dev-${MODEL}`)),
    `no model package group of ${MODEL} in ${model}`,
  );
  const assets = readdirSync(outdir).filter((f) => f.startsWith('asset.') && !f.includes('.', 'asset.'.length));
  const lambdaAssets = assets.filter((dir) => existsSync(join(outdir, dir, 'index.js')) || existsSync(join(outdir, dir, 'index.ts')));
  check(lambdaAssets.length > 0, 'no Lambda code asset in the assembly');
  const unbundled = lambdaAssets.filter((dir) => !existsSync(join(outdir, dir, 'index.js')));
  check(unbundled.length === 0, `Lambda assets without a bundle (TypeScript sources instead): ${unbundled.join(', ')}`);
  return [`${stacks.length} stacks (${names.join(', ')})`, `${lambdaAssets.length} bundled Lambda assets`];
}

function main(): number {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'mlops-pack-check-'));
  const keep = process.env.MLOPS_PACK_CHECK_KEEP === '1';
  try {
    const tarball = step('npm pack (builds dist/)', () => {
      run('npm pack', 'npm', ['pack', '--pack-destination', work], { cwd: ROOT });
      const found = readdirSync(work).filter((f) => f.endsWith('.tgz'));
      check(found.length === 1, `npm pack wrote ${found.length} tarballs to ${work}`);
      return join(work, found[0]);
    });
    const app = join(work, 'app');
    mkdirSync(app);
    const dev: Record<string, string> = PACKAGE.devDependencies;
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify(
        {
          name: 'pack-check-app',
          private: true,
          dependencies: { 'mlops-cdk-blueprint': `file:${tarball}`, 'aws-cdk-lib': dev['aws-cdk-lib'], constructs: dev.constructs },
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(join(app, 'app.ts'), appSource());
    const tsconfig = {
      compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, skipLibCheck: true, types: [], outDir: 'out' },
    };
    writeFileSync(join(app, 'tsconfig.json'), `${JSON.stringify({ ...tsconfig, files: ['app.ts'] }, null, 2)}\n`);
    step('npm install (tarball and peer dependencies)', () =>
      run('npm install', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app }),
    );
    const installed = join(app, 'node_modules', 'mlops-cdk-blueprint');
    check(
      !existsSync(join(installed, 'node_modules', 'tsx')) && !existsSync(join(app, 'node_modules', 'tsx')),
      'tsx (a devDependency) was installed',
    );
    step('type-check and compile the app against the typings', () => run('tsc', process.execPath, [TSC, '-p', app], { cwd: app }));
    const outdir = join(app, 'cdk.out');
    step('synthesize (esbuild bundling, compliance packs)', () =>
      run('synth', process.execPath, [join(app, 'out', 'app.js')], { cwd: app, env: { ...process.env, CDK_OUTDIR: outdir } }),
    );
    const found = step('check the cloud assembly', () => checkAssembly(outdir));
    step('run the installed mlops-audit, mlops-cost and mlops-contract', () => {
      const audit = run('mlops-audit --help', join(app, 'node_modules', '.bin', 'mlops-audit'), ['--help'], { cwd: app });
      check(audit.startsWith('mlops-audit: read the lineage'), `mlops-audit --help printed:\n${audit}`);
      const cost = run('mlops-cost --help', join(app, 'node_modules', '.bin', 'mlops-cost'), ['--help'], { cwd: app });
      check(cost.includes('mlops-cost'), `mlops-cost --help printed:\n${cost}`);
      const contract = run('mlops-contract --help', join(app, 'node_modules', '.bin', 'mlops-contract'), ['--help'], { cwd: app });
      check(contract.startsWith('usage: mlops-contract'), `mlops-contract --help printed:\n${contract}`);
      const script = join(app, 'node_modules', 'mlops-cdk-blueprint', 'tools', 'contract', 'contract_run.py');
      check(existsSync(script), `the package lacks ${script}`);
    });
    process.stdout.write(`pack-check: ok in ${((Date.now() - started) / 1000).toFixed(0)} s: ${found.join(', ')}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof CheckFailed)) throw e;
    process.stderr.write(`\npack-check: ${e.message}\n`);
    return 1;
  } finally {
    if (keep) process.stderr.write(`pack-check: kept ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
