/**
 * The lineage record: what one training pipeline execution did at one milestone, written once per
 * milestone to the Object Lock audit bucket by `lambda/record-lineage`, and read back by the
 * auditor's command (`mlops-audit lineage`). Milestones and key scheme here, the record types in
 * records.ts, the validator in validate.ts: no I/O, so both sides share exactly one definition.
 *
 * Where: `s3://<audit bucket>/lineage/<namespace>-<env>-<model>/<execution name>/<nn>-<milestone>.json`
 * ({@link lineageKey}). `nn` is fixed per milestone ({@link MILESTONE_NUMBERS}): a retried write
 * rewrites the same key, and Object Lock keeps every version it ever had.
 *
 * Versioning: `schemaVersion` is 1. Readers ignore fields they do not know; a change that removes
 * or redefines a field increments `schemaVersion`, and readers refuse versions they do not know.
 * Times are ISO 8601 UTC (`2026-11-22T10:00:00.000Z`).
 */

/** The schema version this module writes and reads. */
export const LINEAGE_SCHEMA_VERSION = 1;

/** The milestones of a pipeline execution that are recorded, in the order they can happen. */
export const MILESTONES = ['registered', 'approved', 'rejected', 'deployed', 'rollback', 'deployment-failed'] as const;

/** One recorded milestone. */
export type Milestone = (typeof MILESTONES)[number];

/**
 * The two-digit number that starts each milestone's key: fixed, so that a retry of the same
 * milestone writes the same key, and keys sort in milestone order within an execution's folder.
 * Gaps leave room for later milestones.
 */
export const MILESTONE_NUMBERS: Readonly<Record<Milestone, string>> = {
  registered: '10',
  approved: '20',
  rejected: '21',
  deployed: '30',
  rollback: '31',
  'deployment-failed': '32',
};

/** Milestones whose record has a {@link DecisionMilestoneRecord.decision}. */
export const DECISION_MILESTONES = ['approved', 'rejected'] as const;
/** Milestones whose record has a {@link DeploymentMilestoneRecord.deployment}. */
export const DEPLOYMENT_MILESTONES = ['deployed', 'rollback', 'deployment-failed'] as const;

/** The key prefix of one model's lineage records: `lineage/<namespace>-<env>-<model>/`. */
export function lineagePrefix(namespace: string, environment: string, model: string): string {
  return `lineage/${namespace}-${environment}-${model}/`;
}

/** The key of one milestone's record: `<prefix><execution name>/<nn>-<milestone>.json`. */
export function lineageKey(prefix: string, executionName: string, milestone: Milestone): string {
  return `${prefix}${executionName}/${MILESTONE_NUMBERS[milestone]}-${milestone}.json`;
}

/** Reads a key written by {@link lineageKey} back into its execution name and milestone; `undefined` for any other key. */
export function parseLineageKey(prefix: string, key: string): { executionName: string; milestone: Milestone } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const match = /^([^/]+)\/(\d{2})-([a-z-]+)\.json$/.exec(key.slice(prefix.length));
  if (!match) return undefined;
  const milestone = MILESTONES.find((m) => m === match[3]);
  if (!milestone || MILESTONE_NUMBERS[milestone] !== match[2]) return undefined;
  return { executionName: match[1], milestone };
}
