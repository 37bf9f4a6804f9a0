import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BundleHandlerOptions, BundleManifest, bundleHandler, BUNDLING_LINE_PREFIX, handlerCode } from '../../lib/private/bundling';
import { MlopsFunction } from '../../lib/private/mlops-function';
import { newApp } from '../helpers';

// The real esbuild, observed: tests assert when it runs and when it does not.
jest.mock('esbuild', () => {
  const actual = jest.requireActual<typeof import('esbuild')>('esbuild');
  return { ...actual, buildSync: jest.fn(actual.buildSync) };
});
const buildSync = esbuild.buildSync as jest.MockedFunction<typeof esbuild.buildSync>;

const HANDLER = `import { greet } from './helper';

export const handler = async (event: { name: string }): Promise<{ message: string }> => {
  const greetingForTheCaller = greet(event.name);
  return { message: greetingForTheCaller };
};
`;
const HELPER = `export function greet(name: string): string {
  return \`hello \${name}\`;
}
`;

/** Temporary folders of this file, deleted after its tests. */
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A temporary project (handler/index.ts importing handler/helper.ts) and cache folder, and a bundle function logging into `lines`. */
function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'mlops-bundling-'));
  roots.push(root);
  mkdirSync(join(root, 'handler'));
  writeFileSync(join(root, 'handler', 'index.ts'), HANDLER);
  writeFileSync(join(root, 'handler', 'helper.ts'), HELPER);
  const cacheDir = join(root, 'cache', 'handler');
  const lines: string[] = [];
  const options: BundleHandlerOptions = { entry: join(root, 'handler', 'index.ts'), cacheDir, root, log: (line) => lines.push(line) };
  return { root, cacheDir, lines, bundle: () => bundleHandler(options) };
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const manifestOf = (cacheDir: string): BundleManifest => JSON.parse(readFileSync(join(cacheDir, 'manifest.json'), 'utf8'));
const writeManifest = (cacheDir: string, manifest: BundleManifest) => writeFileSync(join(cacheDir, 'manifest.json'), JSON.stringify(manifest));
/** The bundle's index.js with its modification time. */
const snapshot = (dir: string) => ({ code: readFileSync(join(dir, 'index.js'), 'utf8'), mtimeMs: statSync(join(dir, 'index.js')).mtimeMs });
/** Runs the bundle's handler in a fresh node process. */
function invoke(dir: string, event: object): unknown {
  const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler(${JSON.stringify(event)}).then((r) => process.stdout.write(JSON.stringify(r)))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

beforeEach(() => buildSync.mockClear());

describe('bundleHandler', () => {
  test('the first call bundles: minified CommonJS index.js linking its external source map, and a manifest of both inputs', () => {
    const { root, cacheDir, lines, bundle } = fixture();

    const result = bundle();

    expect(result).toEqual({ dir: join(cacheDir, 'out'), rebuilt: true, reason: 'no cached bundle' });
    expect(lines).toEqual([`${BUNDLING_LINE_PREFIX}handler (no cached bundle)`]);
    expect(readdirSync(result.dir).sort()).toEqual(['index.js', 'index.js.map']);
    expect(readdirSync(cacheDir).sort()).toEqual(['manifest.json', 'out']);
    const code = readFileSync(join(result.dir, 'index.js'), 'utf8');
    expect(code).not.toContain('greetingForTheCaller'); // minified
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
    const map = JSON.parse(readFileSync(join(result.dir, 'index.js.map'), 'utf8'));
    const sources = Object.fromEntries(map.sources.map((s: string, i: number) => [s.replace(/^(\.\.\/)+/, ''), map.sourcesContent[i]]));
    expect(sources).toEqual({ 'handler/helper.ts': HELPER, 'handler/index.ts': HANDLER });
    const manifest = manifestOf(cacheDir);
    expect(manifest).toMatchObject({ esbuildVersion: esbuild.version, entry: 'handler/index.ts' });
    expect(manifest.inputs).toEqual({
      'handler/helper.ts': sha256(join(root, 'handler', 'helper.ts')),
      'handler/index.ts': sha256(join(root, 'handler', 'index.ts')),
    });
    expect(invoke(result.dir, { name: 'ops' })).toEqual({ message: 'hello ops' });
  });

  test('the second call reuses the bundle: no esbuild run, no line, same file', () => {
    const { cacheDir, lines, bundle } = fixture();
    const first = bundle();
    const before = snapshot(first.dir);
    const manifest = readFileSync(join(cacheDir, 'manifest.json'), 'utf8');
    buildSync.mockClear();

    const second = bundle();

    expect(second).toEqual({ dir: first.dir, rebuilt: false });
    expect(buildSync).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
    expect(snapshot(second.dir)).toEqual(before);
    expect(readFileSync(join(cacheDir, 'manifest.json'), 'utf8')).toBe(manifest);
  });

  test('editing an imported file bundles again, with the change', () => {
    const { root, cacheDir, lines, bundle } = fixture();
    bundle();
    writeFileSync(join(root, 'handler', 'helper.ts'), HELPER.replace('hello', 'hi'));

    const result = bundle();

    expect(result.rebuilt).toBe(true);
    expect(lines[1]).toBe(`${BUNDLING_LINE_PREFIX}handler (inputs changed: handler/helper.ts)`);
    expect(invoke(result.dir, { name: 'ops' })).toEqual({ message: 'hi ops' });
    expect(manifestOf(cacheDir).inputs['handler/helper.ts']).toBe(sha256(join(root, 'handler', 'helper.ts')));
    expect(bundle().rebuilt).toBe(false);
  });

  test('another esbuild version or other options in the manifest bundle again', () => {
    const { cacheDir, lines, bundle } = fixture();
    bundle();
    const manifest = manifestOf(cacheDir);

    writeManifest(cacheDir, { ...manifest, esbuildVersion: '0.27.0' });
    expect(bundle().rebuilt).toBe(true);
    writeManifest(cacheDir, { ...manifest, optionsHash: 'f'.repeat(64) });
    expect(bundle().rebuilt).toBe(true);

    expect(lines.slice(1)).toEqual([
      `${BUNDLING_LINE_PREFIX}handler (esbuild version changed from 0.27.0 to ${esbuild.version})`,
      `${BUNDLING_LINE_PREFIX}handler (bundling options changed)`,
    ]);
    expect(manifestOf(cacheDir)).toEqual(manifest);
  });

  test('a tsconfig.json esbuild reads is an input', () => {
    const { root, cacheDir, bundle } = fixture();
    writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }');
    bundle();
    expect(Object.keys(manifestOf(cacheDir).inputs)).toContain('tsconfig.json');

    writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "strict": false } }');
    expect(bundle().reason).toBe('inputs changed: tsconfig.json');
  });

  test('a missing or changed output bundles again', () => {
    const { cacheDir, bundle } = fixture();
    const { dir } = bundle();
    const code = readFileSync(join(dir, 'index.js'), 'utf8');

    rmSync(join(dir, 'index.js.map'));
    expect(bundle().reason).toBe('cached index.js.map missing or changed');
    expect(existsSync(join(dir, 'index.js.map'))).toBe(true);

    writeFileSync(join(dir, 'index.js'), code.replace('hello', 'HELLO'));
    expect(bundle().reason).toBe('cached index.js missing or changed');
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toBe(code);
    expect(readdirSync(cacheDir).sort()).toEqual(['manifest.json', 'out']);
  });

  test('temporary folders left by a crashed build are deleted by the next build once an hour old', () => {
    const { cacheDir, bundle } = fixture();
    bundle();
    for (const name of ['out.tmp-old', 'out.old-old', 'out.tmp-recent']) mkdirSync(join(cacheDir, name));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const name of ['out.tmp-old', 'out.old-old']) utimesSync(join(cacheDir, name), twoHoursAgo, twoHoursAgo);
    process.env.MLOPS_BUNDLE_CACHE = 'off';
    try {
      bundle();
    } finally {
      delete process.env.MLOPS_BUNDLE_CACHE;
    }
    expect(readdirSync(cacheDir).sort()).toEqual(['manifest.json', 'out', 'out.tmp-recent']);
  });

  test('a syntax error fails naming the entry, with esbuild\'s message, and leaves the cached bundle as it was', () => {
    const { root, cacheDir, bundle } = fixture();
    const first = bundle();
    const before = snapshot(first.dir);
    const manifest = readFileSync(join(cacheDir, 'manifest.json'), 'utf8');
    writeFileSync(join(root, 'handler', 'helper.ts'), 'export function greet(name: string): string {\n  return name +;\n}\n');

    expect(() => bundle()).toThrow(/^esbuild could not bundle handler\/index\.ts:\n[^]*Unexpected ";"[^]*handler\/helper\.ts:2:15/);

    expect(snapshot(first.dir)).toEqual(before);
    expect(readFileSync(join(cacheDir, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(readdirSync(cacheDir).sort()).toEqual(['manifest.json', 'out']);
  });

  test('an input modified while esbuild runs leaves no manifest: the next call bundles again', () => {
    const { root, cacheDir, bundle } = fixture();
    const actual = jest.requireActual<typeof import('esbuild')>('esbuild').buildSync;
    buildSync.mockImplementationOnce((options) => {
      const result = actual(options);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // past the build's start, at file time resolution
      writeFileSync(join(root, 'handler', 'helper.ts'), HELPER.replace('hello', 'hi'));
      return result;
    });

    expect(bundle().rebuilt).toBe(true);
    expect(existsSync(join(cacheDir, 'manifest.json'))).toBe(false);

    const next = bundle();
    expect(next).toMatchObject({ rebuilt: true, reason: 'no cached bundle' });
    expect(invoke(next.dir, { name: 'ops' })).toEqual({ message: 'hi ops' });
  });

  test('MLOPS_BUNDLE_CACHE=off bundles every time', () => {
    const { lines, bundle } = fixture();
    bundle();
    process.env.MLOPS_BUNDLE_CACHE = 'off';
    try {
      expect(bundle().rebuilt).toBe(true);
      expect(bundle().rebuilt).toBe(true);
    } finally {
      delete process.env.MLOPS_BUNDLE_CACHE;
    }
    expect(lines.slice(1)).toEqual([`${BUNDLING_LINE_PREFIX}handler (MLOPS_BUNDLE_CACHE=off)`, `${BUNDLING_LINE_PREFIX}handler (MLOPS_BUNDLE_CACHE=off)`]);
    expect(bundle().rebuilt).toBe(false);
  });
});

describe('handlerCode', () => {
  test('a stack that needs no bundling gets its function without an esbuild run: index.handler, Node.js 24, ARM', () => {
    const stack = new Stack(newApp(), 'Test');
    expect(stack.bundlingRequired).toBe(false);

    new MlopsFunction(stack, 'Cleanup', {
      handler: 'endpoint-cleanup',
      description: 'test',
      logsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      statements: [],
      invokedBy: 'a test',
    });

    expect(buildSync).not.toHaveBeenCalled();
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(1);
    expect(functions[0].Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect(functions[0].Properties.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  });

  test('a handler folder name must be a plain name with an index.ts', () => {
    const stack = new Stack(newApp(), 'Test');
    expect(() => handlerCode(stack, '../bin')).toThrow('Invalid handler folder name "../bin"');
    expect(() => handlerCode(stack, 'shared')).toThrow('No Lambda handler entry at lambda/shared/index.ts');
  });
});
