import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PACKAGE_ROOT, packagePath, packageRoot } from '../../lib/private/package-paths';

describe('package paths', () => {
  test('from the sources, the root is the repository: the shipped assets are found', () => {
    expect(PACKAGE_ROOT).toBe(join(__dirname, '..', '..'));
    expect(packagePath('pipelines', 'scripts', 'evaluate.py')).toBe(join(__dirname, '..', '..', 'pipelines', 'scripts', 'evaluate.py'));
  });

  test('from compiled code deeper in an installed package, the nearest package.json named like ours wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlops-package-paths-'));
    try {
      const installed = join(dir, 'node_modules', 'mlops-cdk-blueprint');
      mkdirSync(join(installed, 'dist', 'lib', 'private'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'their-app' }));
      writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'mlops-cdk-blueprint' }));
      expect(packageRoot(join(installed, 'dist', 'lib', 'private'))).toBe(installed);
      expect(() => packageRoot(dir)).toThrow(/No package.json named mlops-cdk-blueprint/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
