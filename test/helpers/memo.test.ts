import { existsSync, readdirSync, rmSync } from 'fs';
import { join } from 'path';
import { VALIDATION_CACHE_ENV, VALIDATION_CACHE_ROOT } from '../../lib/private/validation-cache';
import { diskMemo, diskMemoAsync, packageVersion } from './disk-memo';
import { workerMemo } from './worker-memo';

describe('diskMemo', () => {
  const name = `test-disk-memo-${process.pid}-${Date.now()}`;
  const dir = join(VALIDATION_CACHE_ROOT, name);
  const saved = process.env[VALIDATION_CACHE_ENV];
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env[VALIDATION_CACHE_ENV];
    else process.env[VALIDATION_CACHE_ENV] = saved;
  });

  test('computes once per inputs; the next call (a later run) reads the result from disk', () => {
    const compute = jest.fn(() => ({ errors: ['x'] }));
    expect(diskMemo(name, { version: '1', definition: 'a' }, compute)).toEqual({ errors: ['x'] });
    expect(diskMemo(name, { version: '1', definition: 'a' }, compute)).toEqual({ errors: ['x'] });
    expect(compute).toHaveBeenCalledTimes(1);
    // other inputs (a new tool version) compute again
    expect(diskMemo(name, { version: '2', definition: 'a' }, () => ({ errors: [] }))).toEqual({ errors: [] });
    expect(readdirSync(dir)).toHaveLength(2);
  });

  test('a computation that throws leaves nothing behind, so the next run computes again', () => {
    expect(() => diskMemo(name, { x: 1 }, () => { throw new Error('the tool did not finish'); })).toThrow('the tool did not finish');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    expect(diskMemo(name, { x: 1 }, () => 'done')).toBe('done');
  });

  test('asynchronously: a result not worth keeping is returned and computed again next time; one worth keeping is read', async () => {
    const failing = jest.fn(async () => ['broken.guard']);
    const keepEmpty = (failed: string[]) => failed.length === 0;
    expect(await diskMemoAsync(name, { z: 1 }, failing, keepEmpty)).toEqual(['broken.guard']);
    expect(await diskMemoAsync(name, { z: 1 }, failing, keepEmpty)).toEqual(['broken.guard']);
    expect(failing).toHaveBeenCalledTimes(2);
    const passing = jest.fn(async () => [] as string[]);
    await diskMemoAsync(name, { z: 1 }, passing, keepEmpty);
    expect(await diskMemoAsync(name, { z: 1 }, passing, keepEmpty)).toEqual([]);
    expect(passing).toHaveBeenCalledTimes(1);
  });

  test(`${VALIDATION_CACHE_ENV}=off computes every time and writes nothing`, () => {
    process.env[VALIDATION_CACHE_ENV] = 'off';
    const compute = jest.fn(() => 42);
    diskMemo(name, { y: 1 }, compute);
    diskMemo(name, { y: 1 }, compute);
    expect(compute).toHaveBeenCalledTimes(2);
    expect(existsSync(dir)).toBe(false);
  });

  test('packageVersion finds the version from the package entry, also of a nested copy', () => {
    expect(packageVersion('asl-validator')).toMatch(/^4\./);
    expect(packageVersion('asl-validator', join(require.resolve('aws-local-stepfunctions'), '..'))).toMatch(/^3\./);
  });
});

describe('workerMemo', () => {
  const shared = (globalThis as Record<symbol, Map<string, string> | undefined>)[Symbol.for('mlops-blueprint.test.worker-memo')];

  test('the test environment provides the worker\'s store (a Map of its own realm)', () => {
    expect(Object.prototype.toString.call(shared)).toBe('[object Map]');
  });

  test('computes once per key and leaves the value as JSON text for the worker\'s later files', () => {
    const key = `test-worker-memo-${Date.now()}`;
    const compute = jest.fn(() => ({ templates: { a: 1 } }));
    expect(workerMemo(key, compute)).toEqual({ templates: { a: 1 } });
    expect(workerMemo(key, compute)).toEqual({ templates: { a: 1 } });
    expect(compute).toHaveBeenCalledTimes(1);
    expect(shared?.get(key)).toBe('{"templates":{"a":1}}');
    shared?.delete(key);
  });

  test('a value another file of the worker computed is read, not computed again', () => {
    const key = `test-worker-memo-other-${Date.now()}`;
    shared?.set(key, '{"from":"another file"}');
    expect(workerMemo(key, () => ({ from: 'this file' }))).toEqual({ from: 'another file' });
    shared?.delete(key);
  });
});

describe('the worker\'s CloudFormation validator module', () => {
  test('a test file gets the instance the environment loaded, whose engine accepts this file\'s objects', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('@aws/cloudformation-validate');
    expect(module).toBe((globalThis as Record<symbol, unknown>)[Symbol.for('mlops-blueprint.test.shared-cfn-validate')]);
    const engine = new module.CompositeEngine({});
    const template = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { Nonsense: true } } } });
    const report = engine.validateTemplate(new module.TemplateContent(template, 't.json'), { detailLevel: 'STANDARD', severityLevel: 'WARN' });
    expect(JSON.stringify(report.diagnostics)).toMatch(/Nonsense/);
    engine.free();
  });
});
