import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

/** The name in this package's package.json: the folder holding it is the package root. */
const PACKAGE_NAME = 'mlops-cdk-blueprint';

/**
 * The root of this package: the nearest folder at or above `from` whose package.json is named
 * {@link PACKAGE_NAME}. The same from the TypeScript sources (lib/private/ in the repository) and from
 * the compiled JavaScript (dist/lib/private/ in the repository, or in node_modules/mlops-cdk-blueprint/
 * of an app that installed the package), so that assets the package ships as files (lambda/,
 * pipelines/scripts/) are found in both.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json named ${PACKAGE_NAME} in ${from} or any folder above it`);
  }
}

/** The package root (see {@link packageRoot}). */
export const PACKAGE_ROOT = packageRoot();

/** A path inside the package, from its root: `packagePath('pipelines', 'scripts')`. */
export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
