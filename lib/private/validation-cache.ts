import { createHash } from 'crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import type { PolicyViolation } from 'aws-cdk-lib';
import { packagePath } from './package-paths';

/** Environment variable that turns every validation result cache off (`off`) for one synth. */
export const VALIDATION_CACHE_ENV = 'MLOPS_VALIDATION_CACHE';

/** Where validation caches live: with other tools' caches, removed by `npm ci`. */
export const VALIDATION_CACHE_ROOT = packagePath('node_modules', '.cache', 'mlops-blueprint');

/** Whether the validation result caches are on (`MLOPS_VALIDATION_CACHE` is not `off`). */
export function validationCacheEnabled(): boolean {
  return process.env[VALIDATION_CACHE_ENV] !== 'off';
}

/** Writes `text` to `file` through a temporary file renamed into place, so a reader never sees it half-written. */
export function writeWhole(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Findings of a deterministic validator, stored per template under a hash of everything the result
 * depends on (the template's bytes and the validator's version, rules and settings), so that a hit
 * is the result the validator would give again. Template paths are not stored: they differ between
 * synths (cdk.out, temporary folders) and are put back on read.
 */
export class ValidationCache {
  constructor(private readonly dir: string) {}

  /** False when `MLOPS_VALIDATION_CACHE=off`: nothing is read or written. */
  public get enabled(): boolean {
    return validationCacheEnabled();
  }

  /** The key of one template's result: `inputs` are whatever else decides the result. */
  public key(inputs: unknown, template: string | Buffer): string {
    return createHash('sha256').update(JSON.stringify(inputs)).update('\0').update(template).digest('hex');
  }

  /** The cached findings, pointed at `templatePath` (and `stackPath` where they name the stack itself). */
  public get(key: string, templatePath: string, stackPath?: string): PolicyViolation[] | undefined {
    if (!this.enabled) return undefined;
    try {
      const violations: PolicyViolation[] = JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')).violations;
      return relocate(violations, templatePath, stackPath);
    } catch {
      return undefined;
    }
  }

  /** Stores one template's findings (written to a temporary file and renamed: never half-written). */
  public put(key: string, violations: readonly PolicyViolation[]): void {
    if (!this.enabled) return;
    try {
      writeWhole(join(this.dir, `${key}.json`), JSON.stringify({ violations: relocate(violations, '', '') }));
    } catch {
      // A cache that cannot be written only makes the next synth slower.
    }
  }
}

/**
 * The findings of a report that concern one template, each violation narrowed to that template's
 * resources (validators group equal findings of several templates into one violation).
 */
export function violationsOf(violations: readonly PolicyViolation[], templatePath: string): PolicyViolation[] {
  return violations.flatMap((v) => {
    const own = v.violatingResources.filter((r) => r.templatePath === templatePath);
    return own.length > 0 ? [{ ...v, violatingResources: own }] : [];
  });
}

function relocate(violations: readonly PolicyViolation[], templatePath: string, stackPath?: string): PolicyViolation[] {
  return violations.map((v) => ({
    ...v,
    violatingResources: v.violatingResources.map((r) => ({
      ...r,
      templatePath,
      ...(r.constructPath !== undefined && stackPath !== undefined ? { constructPath: stackPath } : {}),
    })),
  }));
}
