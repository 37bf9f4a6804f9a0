/**
 * The per-model path reads one way: constructs (lib/) use the workflow (pipelines/), never the reverse; the
 * workflow shares types with the constructs only through contracts/.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^;]*? from '([^']+)';/gms)].map((m) => m[1]);
}

test('pipelines/ imports only aws-cdk-lib, constructs, contracts/ and pipelines/ itself', () => {
  const outside = sources(join(ROOT, 'pipelines')).flatMap((file) =>
    imports(file)
      .filter((spec) => {
        if (!spec.startsWith('.')) return !/^(aws-cdk-lib(\/.*)?|constructs)$/.test(spec);
        const target = relative(ROOT, resolve(file, '..', spec));
        return !/^(pipelines|contracts)\//.test(target);
      })
      .map((spec) => `${relative(ROOT, file)}: ${spec}`),
  );
  expect(outside).toEqual([]);
});

test('contracts/serving.ts holds types and constants only: no imports', () => {
  expect(imports(join(ROOT, 'contracts', 'serving.ts'))).toEqual([]);
});
