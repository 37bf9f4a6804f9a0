import { spawnSync } from 'child_process';
import { join } from 'path';

// The local run of the container contract (tools/contract/contract_run.py) on tiny standard-library models,
// with the machine's python3.
test('contract run: python unit tests pass', () => {
  const result = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', join(__dirname, 'contract'), '-p', 'test_*.py', '-v'], {
    encoding: 'utf8',
  });
  expect(result.error).toBeUndefined();
  expect(result.stderr).toMatch(/Ran \d+ tests/);
  expect(result.stderr).toMatch(/\nOK\s*$/);
  expect(result.status).toBe(0);
});
