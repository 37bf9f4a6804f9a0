import { spawnSync } from 'child_process';
import { join } from 'path';

// The job scripts run in SageMaker's containers; their framework-independent logic (metrics,
// CSV reading, safe model extraction) is tested here with the machine's python3.
test('pipeline job scripts: python unit tests pass', () => {
  const result = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', join(__dirname, 'scripts'), '-p', 'test_*.py', '-v'], { encoding: 'utf8' });
  expect(result.error).toBeUndefined();
  expect(result.stderr).toMatch(/Ran \d+ tests/);
  expect(result.stderr).toMatch(/\nOK\s*$/);
  expect(result.status).toBe(0);
});
