/**
 * AWS as the auditor's command sees it, from recorded responses: an in-memory audit bucket, lake
 * buckets (with object versions, Object Lock retention and legal holds), SageMaker resources and
 * CloudTrail event history, answered through aws-sdk-client-mock with the exact errors AWS returns
 * (404 `NotFound` for a missing version on HEAD, `NoSuchObjectLockConfiguration`, SageMaker's
 * `ValidationException` "Could not find...", `AccessDenied`). `prodWorld()` builds the production
 * history of scripts/audit-samples/lineage-history.ts, every record locked as the audit bucket locks it.
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  DescribeTrainingJobCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, AUDITOR, PipelineRun, prodHistory, REGION } from './lineage-history';

export function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'REQ0000000000000' } });
}

interface Version {
  readonly versionId: string;
  readonly body: string;
  retention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; until: string };
  legalHold?: boolean;
}

export interface TrailEvent {
  readonly eventName: string;
  readonly eventTime: string;
  readonly json: Record<string, unknown>;
}

const ENDPOINT_COMMANDS = {
  DescribeEndpoint: DescribeEndpointCommand, DescribeEndpointConfig: DescribeEndpointConfigCommand, DescribeModel: DescribeModelCommand,
  DescribeModelPackage: DescribeModelPackageCommand, DescribeModelPackageGroup: DescribeModelPackageGroupCommand,
  DescribeTrainingJob: DescribeTrainingJobCommand, ListModelPackages: ListModelPackagesCommand, LookupEvents: LookupEventsCommand,
  GetObjectRetention: GetObjectRetentionCommand, GetObject: GetObjectCommand,
  HeadObject: HeadObjectCommand, ListObjectsV2: ListObjectsV2Command, GetCallerIdentity: GetCallerIdentityCommand,
};
export type CommandName = keyof typeof ENDPOINT_COMMANDS;

/** The fake AWS. Mutate its maps to build a scenario, then run the command. */
export class FakeAws {
  public readonly s3 = mockClient(S3Client);
  public readonly sagemaker = mockClient(SageMakerClient);
  public readonly cloudtrail = mockClient(CloudTrailClient);
  public readonly sts = mockClient(STSClient);
  /** `bucket/key` to its versions, oldest first. */
  public readonly objects = new Map<string, Version[]>();
  public readonly trainingJobs = new Map<string, unknown>();
  public readonly packages = new Map<string, unknown>();
  public readonly groups = new Set<string>();
  public readonly endpoints = new Map<string, unknown>();
  public readonly endpointConfigs = new Map<string, unknown>();
  public readonly models = new Map<string, unknown>();
  public events: TrailEvent[] = [];
  /** Commands that fail, by name. */
  public readonly failures = new Map<string, Error>();

  constructor() {
    this.install();
  }

  public reset(): void {
    for (const mock of [this.s3, this.sagemaker, this.cloudtrail, this.sts]) mock.reset();
    for (const map of [this.objects, this.trainingJobs, this.packages, this.endpoints, this.endpointConfigs, this.models, this.failures]) map.clear();
    this.groups.clear();
    this.events = [];
    this.install();
  }

  /** Writes a new version of an object, locked like the audit bucket locks by default. */
  public put(bucket: string, key: string, body: unknown, versionId: string, lock: Partial<Pick<Version, 'retention' | 'legalHold'>> = {}): void {
    const id = `${bucket}/${key}`;
    const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
    this.objects.set(id, [...(this.objects.get(id) ?? []), { versionId, body: text, ...lock }]);
  }

  /** Makes the named command fail with `error`. */
  public fail(command: CommandName, error: Error): void {
    this.failures.set(command, error);
  }

  /** Permanently deletes one object version (as the lake's noncurrent-version expiration does). */
  public deleteVersion(bucket: string, key: string, versionId: string): void {
    const id = `${bucket}/${key}`;
    this.objects.set(id, (this.objects.get(id) ?? []).filter((v) => v.versionId !== versionId));
  }

  /** The calls made of one command. */
  public calls(command: CommandName) {
    const mock = ['DescribeEndpoint', 'DescribeEndpointConfig', 'DescribeModel', 'DescribeModelPackage', 'DescribeModelPackageGroup', 'DescribeTrainingJob', 'ListModelPackages'].includes(command)
      ? this.sagemaker : command === 'LookupEvents' ? this.cloudtrail : command === 'GetCallerIdentity' ? this.sts : this.s3;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (mock as any).commandCalls(ENDPOINT_COMMANDS[command]) as Array<{ args: [{ input: Record<string, unknown> }] }>;
  }

  private guard(command: CommandName): void {
    const failure = this.failures.get(command);
    if (failure) throw failure;
  }

  private version(input: { Bucket?: string; Key?: string; VersionId?: string }): Version | undefined {
    const versions = this.objects.get(`${input.Bucket}/${input.Key}`) ?? [];
    return input.VersionId ? versions.find((v) => v.versionId === input.VersionId) : versions[versions.length - 1];
  }

  private install(): void {
    this.sts.on(GetCallerIdentityCommand).callsFake(() => {
      this.guard('GetCallerIdentity');
      return { Account: ACCOUNT, Arn: AUDITOR, UserId: 'AROAEXAMPLEAUDITOR:jane.doe@example.com' };
    });
    this.s3.on(ListObjectsV2Command).callsFake((input) => {
      this.guard('ListObjectsV2');
      const keys = [...this.objects.entries()].filter(([id, versions]) => id.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`) && versions.length > 0)
        .map(([id]) => id.slice(input.Bucket.length + 1)).sort();
      const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
      const page = keys.slice(start, start + 1000);
      const more = start + 1000 < keys.length;
      return {
        Contents: page.map((Key) => ({ Key })),
        IsTruncated: more,
        NextContinuationToken: more ? String(start + 1000) : undefined,
        KeyCount: page.length,
      };
    });
    this.s3.on(GetObjectCommand).callsFake((input) => {
      this.guard('GetObject');
      const version = this.version(input);
      if (!version) throw input.VersionId ? awsError('NoSuchVersion', 'The specified version does not exist.', 404) : awsError('NoSuchKey', 'The specified key does not exist.', 404);
      return { VersionId: version.versionId, ContentType: 'application/json', Body: { transformToString: async () => version.body } };
    });
    this.s3.on(HeadObjectCommand).callsFake((input) => {
      this.guard('HeadObject');
      const version = this.version(input);
      if (!version) throw awsError('NotFound', 'UnknownError', 404); // HEAD has no body: S3 answers a bare 404
      return { VersionId: version.versionId, ContentLength: version.body.length };
    });
    this.s3.on(GetObjectRetentionCommand).callsFake((input) => {
      this.guard('GetObjectRetention');
      const version = this.version(input);
      if (!version) throw awsError('NoSuchKey', 'The specified key does not exist.', 404);
      if (!version.retention) throw awsError('NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration', 404);
      return { Retention: { Mode: version.retention.mode, RetainUntilDate: new Date(version.retention.until) } };
    });
    this.s3.on(GetObjectLegalHoldCommand).callsFake((input) => {
      const version = this.version(input);
      if (!version?.legalHold) throw awsError('NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration', 404);
      return { LegalHold: { Status: 'ON' } };
    });
    const describe = (command: CommandName, map: Map<string, unknown>, key: (input: Record<string, string>) => string, what: string) =>
      (input: Record<string, string>) => {
        this.guard(command);
        const found = map.get(key(input));
        if (!found) throw awsError('ValidationException', `Could not find ${what} "${key(input)}".`, 400);
        return found;
      };
    this.sagemaker.on(DescribeTrainingJobCommand).callsFake(describe('DescribeTrainingJob', this.trainingJobs, (i) => i.TrainingJobName, 'requested training job'));
    this.sagemaker.on(DescribeModelPackageCommand).callsFake(describe('DescribeModelPackage', this.packages, (i) => i.ModelPackageName, 'model package'));
    this.sagemaker.on(DescribeEndpointCommand).callsFake(describe('DescribeEndpoint', this.endpoints, (i) => i.EndpointName, 'endpoint'));
    this.sagemaker.on(DescribeEndpointConfigCommand).callsFake(describe('DescribeEndpointConfig', this.endpointConfigs, (i) => i.EndpointConfigName, 'endpoint configuration'));
    this.sagemaker.on(DescribeModelCommand).callsFake(describe('DescribeModel', this.models, (i) => i.ModelName, 'model'));
    this.sagemaker.on(DescribeModelPackageGroupCommand).callsFake((input) => {
      this.guard('DescribeModelPackageGroup');
      if (!this.groups.has(input.ModelPackageGroupName)) throw awsError('ValidationException', `ModelPackageGroup ${input.ModelPackageGroupName} does not exist.`, 400);
      return { ModelPackageGroupName: input.ModelPackageGroupName, ModelPackageGroupStatus: 'Completed' };
    });
    this.sagemaker.on(ListModelPackagesCommand).callsFake((input) => {
      this.guard('ListModelPackages');
      const approved = [...this.packages.values()] as Array<{
        ModelPackageArn: string;
        ModelPackageGroupName: string;
        ModelApprovalStatus: string;
        CreationTime: Date;
      }>;
      const list = approved
        .filter((p) => p.ModelPackageGroupName === input.ModelPackageGroupName && p.ModelApprovalStatus === input.ModelApprovalStatus)
        .sort((a, b) => b.CreationTime.getTime() - a.CreationTime.getTime()).slice(0, input.MaxResults ?? 100);
      return {
        ModelPackageSummaryList: list.map((p) => ({
          ModelPackageArn: p.ModelPackageArn,
          ModelApprovalStatus: p.ModelApprovalStatus,
          CreationTime: p.CreationTime,
        })),
      };
    });
    // Event history: newest first, 50 per page (the most LookupEvents returns).
    this.cloudtrail.on(LookupEventsCommand).callsFake((input) => {
      this.guard('LookupEvents');
      const name = input.LookupAttributes?.[0]?.AttributeValue;
      const matching = this.events
        .filter((e) => e.eventName === name && new Date(e.eventTime) >= input.StartTime && new Date(e.eventTime) <= input.EndTime)
        .sort((a, b) => b.eventTime.localeCompare(a.eventTime));
      const start = input.NextToken ? Number(input.NextToken.replace('page-token-', '')) : 0;
      const size = Math.min(input.MaxResults ?? 50, 50);
      const page = matching.slice(start, start + size);
      return {
        Events: page.map((e) => ({
          EventId: String(e.json.eventID), EventName: e.eventName, EventTime: new Date(e.eventTime), EventSource: 'sagemaker.amazonaws.com', ReadOnly: 'false',
          Username: 'states-session', CloudTrailEvent: JSON.stringify(e.json),
        })),
        NextToken: start + size < matching.length ? `page-token-${start + size}` : undefined,
      };
    });
  }

  /** Puts every artefact of a run: its records, decision record, manifest, data versions and SageMaker resources. */
  public addRun(run: PipelineRun, options: { deployment?: boolean } = {}): void {
    const lock = { retention: { mode: 'COMPLIANCE' as const, until: '2033-11-22T00:00:00.000Z' } };
    const auditKey = (uri: string) => uri.slice(`s3://${run.buckets.audit}/`.length);
    this.put(run.buckets.audit, auditKey(run.records.registered.recordUri), run.records.registered, `${run.executionName}-registered-v1`, lock);
    this.put(run.buckets.audit, auditKey(run.records.approved.recordUri), run.records.approved, `${run.executionName}-approved-v1`, lock);
    if (options.deployment ?? true) this.put(run.buckets.audit, auditKey(run.records.deployment.recordUri), run.records.deployment, `${run.executionName}-deployment-v1`, lock);
    this.put(run.buckets.audit, auditKey(run.decisionUri), run.decisionRecord, `${run.requestId}-v1`, lock);
    this.put(run.buckets.artifacts, run.manifestUri.slice(`s3://${run.buckets.artifacts}/`.length), run.manifest, run.manifestVersionId);
    for (const o of run.dataObjects) this.put(run.buckets.curated, o.key, `customer_id,tenure_months\nc-${o.key},12\n`, o.versionId);
    this.trainingJobs.set(run.jobName, run.describe.trainingJob('audit'));
    this.packages.set(run.packageArn, run.describe.package('approved'));
    this.groups.add(run.qualified);
    if (options.deployment ?? true) {
      this.endpointConfigs.set(run.endpointConfigName, run.describe.endpointConfig);
      this.models.set(run.modelName, run.describe.model);
      this.endpoints.set(run.endpointName, run.describe.endpoint);
      this.events.push(run.endpointEvent);
    }
  }
}

/**
 * The production history (v12 deployed, v14 replacing it, v15's canary rolled back): the endpoint
 * serves v14, every record is locked, every data version exists.
 */
export function prodWorld(aws: FakeAws) {
  const history = prodHistory();
  for (const run of history.runs) aws.addRun(run);
  // The endpoint as it is now: after v15's rollback, serving v14.
  aws.endpoints.set(history.v15.endpointName, history.v15.describe.endpoint);
  return history;
}

/** `count` UpdateEndpoint calls of other endpoints of the account, all newer than `after`: they push this endpoint's events to the last pages. */
export function noise(count: number, after: string): TrailEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const eventTime = new Date(new Date(after).getTime() + (i + 1) * 60_000).toISOString();
    const endpointName = `recommender-${i % 7}`;
    return {
      eventName: 'UpdateEndpoint',
      eventTime,
      json: {
        eventVersion: '1.09', eventTime, eventSource: 'sagemaker.amazonaws.com', eventName: 'UpdateEndpoint', awsRegion: REGION,
        userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/recommender-deployer/ci` },
        requestParameters: { endpointName, endpointConfigName: `${endpointName}-cfg-${i}` }, requestID: `noise-${i}`, eventID: `noise-event-${i}`,
      },
    };
  });
}
