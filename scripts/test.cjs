#!/usr/bin/env node
// `npm test`: the type check (tsc), the lint (eslint) and the test suites (jest) at the same time. The suites wait on
// child processes (the CDK CLI, cfn-guard, Python, a browser) for part of their run; the two checks use that time.
// The checks' output is printed when they end; the exit code is non-zero when any of the three fails.
/* global require, process, __dirname */
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { spawn } = require('child_process');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { join } = require('path');

const ROOT = join(__dirname, '..');
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const CACHE = join(ROOT, 'node_modules', '.cache', 'mlops-blueprint');

/** Runs a command; resolves with its exit code and, unless `live`, its collected output. */
function run(name, file, args, live) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(file, args, { cwd: ROOT, stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    if (!live) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('error', (error) => done({ name, code: 2, output: `${error.message}\n`, seconds: 0 }));
    child.on('close', (code) => done({ name, code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }));
  });
}

async function main() {
  const jestArgs = process.argv.slice(2);
  // Both keep what they learned under node_modules/.cache (as the synth's caches do), so an unchanged file is not checked
  // again: tsc's build info records each file's hash and what it depends on; eslint's cache is keyed by each file's
  // content and the configuration (its rules read one file at a time, without type information).
  const checks = [
    run('tsc --noEmit', bin('tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', join(CACHE, 'tsc.tsbuildinfo')], false),
    run('eslint .', bin('eslint'), ['.', '--cache', '--cache-strategy', 'content', '--cache-location', join(CACHE, 'eslint') + '/'], false),
  ];
  const suites = run('jest', bin('jest'), jestArgs, true);
  const results = [...(await Promise.all(checks)), await suites];
  for (const r of results.slice(0, 2)) {
    process.stdout.write(`\n${r.name}: ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(1)} s\n${r.output}`);
  }
  process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
}

main();
