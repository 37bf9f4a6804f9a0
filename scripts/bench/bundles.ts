/** Section 4: the Lambda bundles of the default app, their sizes and cold module-load times. */
import { spawnSync } from 'child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'fs';
import { join } from 'path';
import { buildSync } from 'esbuild';
import { esbuildOptions } from '../../lib/private/bundling';
import { ROOT } from './context';
import { Cell, kib, median, progress, section, table } from './format';
import { stacksOf } from './assembly';
import { SynthRun } from './synth';

const LOAD_RUNS = 5;

function fakeValue(name: string): string {
  if (name.endsWith('_ARN')) return 'arn:aws:service:eu-west-1:123456789012:dummy';
  if (name.endsWith('_URL')) return 'https://example.com/dummy';
  return `dummy-${name.toLowerCase()}`;
}

/** Cold load of one bundle: a fresh `node` requiring its index.js, in ms as the child measured it. */
function loadTime(bundleDir: string, env: Record<string, string>): number | undefined {
  const script =
    `const t=process.hrtime.bigint(); require(${JSON.stringify(join(bundleDir, 'index.js'))}); ` +
    `console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const result = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', ...env },
    timeout: 60_000,
  });
  const ms = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isFinite(ms)) {
    progress(`loading ${bundleDir} failed: ${result.stderr || result.error}`);
    return undefined;
  }
  return ms;
}

/** Prints the bundles of the default app's kept cloud assembly. */
export function bundles(defaultRun: SynthRun | undefined): void {
  if (!defaultRun) {
    section('4. Lambda bundles of the default app', 'The default app did not synthesize.');
    return;
  }
  // Asset hash -> the functions deployed from it (the zip's S3 key is `<hash>.zip`).
  const users = new Map<string, Array<{ stack: string; handler: string; env: Record<string, string> }>>();
  for (const stack of stacksOf(defaultRun.outdir)) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const props = resource.Properties ?? {};
      const key = (props.Code as { S3Key?: unknown } | undefined)?.S3Key;
      if (typeof key !== 'string') continue;
      const variables = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      const env = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : fakeValue(k)]));
      // MlopsFunction names the handler folder in POWERTOOLS_SERVICE_NAME.
      const handler = env.POWERTOOLS_SERVICE_NAME ?? String(props.Description ?? '?');
      const hash = key.replace(/\.zip$/, '');
      users.set(hash, [...(users.get(hash) ?? []), { stack: stack.name, handler, env }]);
    }
  }
  const rows: Cell[][] = [];
  const externalRoot = join(ROOT, 'node_modules', '.cache', 'mlops-blueprint', 'bench-sdk-external');
  for (const dir of readdirSync(defaultRun.outdir)
    .filter((d) => d.startsWith('asset.'))
    .sort()) {
    const bundleDir = join(defaultRun.outdir, dir);
    if (!statSync(bundleDir).isDirectory() || !existsSync(join(bundleDir, 'index.js'))) continue;
    const hash = dir.slice('asset.'.length);
    const fns = users.get(hash) ?? [];
    const handler = [...new Set(fns.map((f) => f.handler))].join(', ') || '(no function found)';
    progress(`cold load of ${handler}: ${LOAD_RUNS} spawns ...`);
    const bundled = loadTimes(bundleDir, fns[0]?.env ?? {});

    // The alternative: the AWS SDK v3 left to the Lambda runtime (external), everything else as
    // bundled. Built inside the repository so that require() finds the SDK in node_modules, as the
    // runtime's own copy would be found: its load time then includes loading the SDK's files.
    let external: { size: string; load: string } = { size: 'n/a', load: 'n/a' };
    if (existsSync(join(ROOT, 'lambda', handler, 'index.ts'))) {
      const outDir = join(externalRoot, handler);
      rmSync(outDir, { recursive: true, force: true });
      buildSync({
        ...esbuildOptions(`lambda/${handler}/index.ts`),
        absWorkingDir: ROOT,
        external: ['@aws-sdk/*'],
        outfile: join(outDir, 'index.js'),
        logLevel: 'silent',
      });
      progress(`cold load of ${handler} with the SDK external: ${LOAD_RUNS} spawns ...`);
      external = { size: kib(statSync(join(outDir, 'index.js')).size), load: loadTimes(outDir, fns[0]?.env ?? {}).median };
    }
    const map = join(bundleDir, 'index.js.map');
    rows.push([
      handler,
      fns.length,
      kib(statSync(join(bundleDir, 'index.js')).size),
      existsSync(map) ? kib(statSync(map).size) : 'none',
      bundled.median,
      bundled.range,
      external.size,
      external.load,
    ]);
  }
  rmSync(externalRoot, { recursive: true, force: true });
  section(
    '4. Lambda bundles of the default app (env=dev)',
    table(
      [
        'handler',
        'functions',
        'index.js (KiB)',
        'index.js.map (KiB)',
        `cold load, median of ${LOAD_RUNS} (ms)`,
        'min–max (ms)',
        'SDK external: index.js (KiB)',
        `SDK external: cold load incl. the SDK (ms)`,
      ],
      rows,
    ),
    `Cold load: a fresh \`node ${process.version}\` process on this machine ` +
      `timing \`require('<bundle>/index.js')\`, with AWS_REGION=eu-west-1 and the function's ` +
      'environment variables (values that are CloudFormation references replaced by dummies). ' +
      "Not the Lambda runtime (Node.js 24 on ARM): it excludes the runtime's own start-up. " +
      'The two "SDK external" columns build the same handler with `@aws-sdk/*` left out of the bundle (as if taken from the runtime), ' +
      'and load it with the SDK read from node_modules.',
  );
}

/** Median and range of LOAD_RUNS cold loads of one bundle. */
function loadTimes(bundleDir: string, env: Record<string, string>): { median: string; range: string } {
  const times = Array.from({ length: LOAD_RUNS }, () => loadTime(bundleDir, env));
  const ok = times.filter((t): t is number => t !== undefined);
  return {
    median: ok.length === LOAD_RUNS ? median(ok).toFixed(1) : `failed (${LOAD_RUNS - ok.length} of ${LOAD_RUNS})`,
    range: ok.length > 0 ? `${Math.min(...ok).toFixed(1)}–${Math.max(...ok).toFixed(1)}` : 'n/a',
  };
}
