import { spawnSync } from 'child_process';
import { readFileSync, statSync } from 'fs';
import { join } from 'path';

/** The npm bin itself, run as npm would link it: node, the CommonJS shim, tsx, the TypeScript main. No AWS call is made. */
const BIN = join(__dirname, '..', '..', 'bin', 'mlops-audit.cjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 60_000 });

describe('bin/mlops-audit.cjs', () => {
  test('is executable and starts with a node shebang', () => {
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('--help prints the usage and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^mlops-audit: read the lineage of a deployed model/);
    expect(result.stdout).toContain('mlops-audit lineage --model NAME --env ENV [options]');
  });

  test('a usage error exits 2 with the problem on standard error', () => {
    const result = run('lineage', '--model', 'churn');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('mlops-audit: --env: got nothing; expected an environment name');
  });
});
