/**
 * The shared state of one lineage audit (tools/audit/chain.ts) and the helpers its steps use.
 */
import { CloudTrailReference, DeploymentMilestoneRecord, LineageRecord, parseLineageKey, validateLineageRecord } from '../../contracts/lineage';
import type { LineageOptions } from './args';
import { AuditAws } from './aws';
import { ChainLink, ChainStep, Finding, FindingCode, FINDINGS, HistoryEntry, STEP_TITLES } from './report';

/** A record as read: the parsed record, the object it came from and that object's version. */
export interface Loaded<R extends LineageRecord = LineageRecord> {
  readonly record: R;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** At most this many missing data objects are named in a finding (all are counted). */
export const MAX_NAMED_OBJECTS = 10;
export const DAY_MS = 24 * 3600 * 1000;

/** Bucket and key of an `s3://` URI. */
export function splitS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

export const lastPart = (arn: string, separator: string) => arn.slice(arn.lastIndexOf(separator) + 1);
export const time = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d).toISOString());

/** The package's name from a SageMaker model container's `ModelPackageName`, which may be an ARN or a `group/version` name. */
export function samePackage(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const tail = (x: string) => x.replace(/^arn:[^:]+:sagemaker:[^:]*:\d+:model-package\//, '').toLowerCase();
  return tail(a) === tail(b);
}

/** When a deployment record's deployment happened. */
export function deployedTime(record: DeploymentMilestoneRecord): string {
  return record.deployment.deployedAt ?? record.recordedAt;
}

/** The entries sorted by key, for comparing and printing. */
export function sorted(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
}

/** What an audit has found so far, and the reads every step shares: records, locks, findings and chain links. */
export class AuditState {
  public readonly findings: Finding[] = [];
  public readonly notes: string[] = [];
  public readonly chain = new Map<ChainStep, ChainLink>();
  public readonly cloudTrail: CloudTrailReference[] = [];
  public readonly history: HistoryEntry[] = [];
  public readonly locked: Array<{ what: string; bucket: string; key: string; versionId?: string; step: ChainStep }> = [];
  public bucket = '';
  public prefix = '';
  public readonly qualifiedName: string;

  constructor(
    public readonly aws: AuditAws,
    public readonly options: LineageOptions,
    public readonly now: Date,
  ) {
    this.qualifiedName = `${options.namespace}-${options.environment}-${options.model}`;
  }

  public async readAll(keys: string[]): Promise<Loaded[]> {
    const out: Loaded[] = [];
    for (const [i, key] of keys.entries()) {
      const loaded = await this.readOne(key);
      if (loaded) out.push(loaded);
      if (keys.length > 20 && ((i + 1) % 20 === 0 || i + 1 === keys.length))
        this.aws.progress.update(`Reading deployment records: ${i + 1} of ${keys.length}`);
    }
    this.aws.progress.done();
    return out;
  }

  public async readOne(key: string | undefined): Promise<Loaded | undefined> {
    if (!key) return undefined;
    const read = await this.aws.getText(this.bucket, key);
    if (!read) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(read.text);
    } catch {
      this.find('RECORD_INVALID', `s3://${this.bucket}/${key} is not JSON.`);
      return undefined;
    }
    const validation = validateLineageRecord(json);
    if (!validation.valid) {
      this.find(
        'RECORD_INVALID',
        `s3://${this.bucket}/${key}: ${validation.problems.slice(0, 5).join('; ')}` +
          `${validation.problems.length > 5 ? `; and ${validation.problems.length - 5} more` : ''}` +
          `.`,
      );
      return undefined;
    }
    const parsed = parseLineageKey(this.prefix, key);
    if (parsed && (validation.record.milestone !== parsed.milestone || validation.record.execution.name !== parsed.executionName)) {
      this.find(
        'RECORD_INVALID',
        `s3://${this.bucket}/${key} holds the ${validation.record.milestone} record of ${validation.record.execution.name}: not what its key says.`,
      );
      return undefined;
    }
    return { record: validation.record, bucket: this.bucket, key, versionId: read.versionId };
  }

  public track(loaded: Loaded, what: string, step: ChainStep): void {
    this.locked.push({ what, bucket: loaded.bucket, key: loaded.key, versionId: loaded.versionId, step });
    this.cloudTrail.push(...loaded.record.cloudTrail.filter((r) => r.timeSource !== 'read by the lineage recorder'));
    for (const warning of loaded.record.warnings ?? []) this.notes.push(`The ${what} noted: ${warning}`);
  }

  public async checkLocks(): Promise<void> {
    for (const r of this.locked) {
      const lock = await this.aws.objectLock(r.bucket, r.key, r.versionId);
      const uri = `s3://${r.bucket}/${r.key}${r.versionId ? ` (version ${r.versionId})` : ''}`;
      if (!lock.mode && !lock.legalHold) {
        this.find('RECORD_NOT_LOCKED', `The ${r.what} ${uri} has no Object Lock retention and no legal hold.`, r.step);
      } else if (lock.mode && lock.retainUntil && lock.retainUntil < this.now && !lock.legalHold) {
        this.notes.push(
          `The ${r.what} ${uri} was locked (${lock.mode}) until ${lock.retainUntil.toISOString()}: its retention has ended, as configured.`,
        );
      }
    }
  }

  public find(code: FindingCode, message: string, step?: ChainStep): void {
    if (this.findings.some((f) => f.code === code && f.message === message)) return;
    this.findings.push({ code, severity: FINDINGS[code].severity, message, step, explanation: FINDINGS[code].explanation });
  }

  public link(step: ChainStep, name: string, facts: Array<{ label: string; value: string }>, status?: 'missing'): void {
    this.chain.set(step, { step, title: STEP_TITLES[step], name, status: status ?? 'ok', facts });
  }
}
