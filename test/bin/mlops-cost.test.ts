import { spawnSync } from 'child_process';
import { readFileSync, statSync } from 'fs';
import { join } from 'path';

/** The npm bin itself, run as npm would link it: node, the CommonJS shim, tsx, the TypeScript main. Nothing is synthesized. */
const BIN = join(__dirname, '..', '..', 'bin', 'mlops-cost.cjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('bin/mlops-cost.cjs', () => {
  test('is executable and starts with a node shebang', () => {
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('--help prints the usage and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: mlops-cost /);
  });

  test('a usage error exits 2 with the problem on standard error', () => {
    const result = run('--format', 'xml');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Run mlops-cost --help');
  });
});
