/** The bundle folders of a handler's cache folder: replaced by renames, leftovers of crashed builds removed. */
import { mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'fs';
import { join } from 'path';
import { MANIFEST, OUT } from './bundle-manifest';

/** How old a temporary file or folder of the cache is when it is deemed left over by a crashed build. */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

/** Deletes temporary bundle folders and manifests in `cacheDir` left over by builds that crashed. */
export function removeLeftovers(cacheDir: string): void {
  for (const name of readdirSync(cacheDir)) {
    if (![`${OUT}.tmp-`, `${OUT}.old-`, `${MANIFEST}.tmp-`].some((prefix) => name.startsWith(prefix))) continue;
    const path = join(cacheDir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > LEFTOVER_AGE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Deleted meanwhile by another process.
    }
  }
}

/**
 * Puts the complete folder `tmpDir` in place of `outDir` by renaming (the old folder is first renamed
 * into a trash folder, as a rename cannot replace a folder that is not empty). If another process puts
 * its own bundle in place between the two renames, that one goes to the trash too and the rename is
 * tried again. Returns the trash folders, to delete once the manifest is written.
 */
export function replaceDir(tmpDir: string, outDir: string, cacheDir: string): string[] {
  const trash: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(cacheDir, `${OUT}.old-`));
    trash.push(dir);
    try {
      renameSync(outDir, join(dir, OUT));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      renameSync(tmpDir, outDir);
      return trash;
    } catch (e) {
      if (attempt >= 5 || !['ENOTEMPTY', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  }
}
