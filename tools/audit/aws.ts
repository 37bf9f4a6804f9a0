import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  DescribeEndpointConfigCommandOutput,
  DescribeModelCommand,
  DescribeModelCommandOutput,
  DescribeModelPackageCommand,
  DescribeModelPackageCommandOutput,
  DescribeModelPackageGroupCommand,
  DescribeTrainingJobCommand,
  DescribeTrainingJobCommandOutput,
  ListModelPackagesCommand,
} from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AuditError, errorName, explain, httpStatus } from './errors';
import { AuditAwsSession } from './aws-session';
import { ENDPOINT_EVENT_NAMES, EndpointEvent, parseEndpointEvent } from './cloudtrail-events';

export { ENDPOINT_EVENT_NAMES, EVENT_HISTORY_DAYS, parseEndpointEvent } from './cloudtrail-events';
export type { EndpointEvent } from './cloudtrail-events';
export type { Identity } from './aws-session';

/** An object's protection against deletion and overwrite. */
export interface ObjectLock {
  /** `GOVERNANCE` or `COMPLIANCE`; absent when the object has no retention. */
  readonly mode?: string;
  readonly retainUntil?: Date;
  /** Whether a legal hold is on. */
  readonly legalHold: boolean;
}

/** Parallel `HeadObject` calls when checking data versions. */
const HEAD_CONCURRENCY = 16;

/**
 * Every AWS read of the audit, one method per question. Each failure becomes an {@link AuditError}
 * naming the IAM action and the resource; "not found" answers are `undefined` (the chain decides
 * whether that is a finding). Nothing here writes.
 */
export class AuditAws extends AuditAwsSession {
  /** The audit bucket's name, from the platform's SSM parameter `/<namespace>/<env>/platform/audit-bucket-arn`. */
  public async auditBucketFromSsm(namespace: string, environment: string): Promise<string> {
    const name = `/${namespace}/${environment}/platform/audit-bucket-arn`;
    const client = new SSMClient({ region: await this.region() });
    const resource = await this.arn('ssm', `parameter${name}`);
    let value: string | undefined;
    try {
      value = (await client.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
    } catch (error) {
      if (errorName(error) === 'ParameterNotFound') {
        throw new AuditError(
          'unknown-model',
          `There is no platform for namespace "${namespace}" and environment "${environment}" in ${await this.region()}: ` +
            `the SSM parameter ${name} does not exist. Check --namespace, --env and --region.`,
        );
      }
      throw explain(error, 'ssm:GetParameter', resource);
    }
    const bucket = /^arn:[a-z-]+:s3:::([^/]+)$/.exec(value ?? '')?.[1];
    if (!bucket) throw new AuditError('configuration', `The SSM parameter ${name} holds ${JSON.stringify(value)}, not an S3 bucket ARN.`);
    return bucket;
  }

  /** Every key under a prefix (all pages). */
  public async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    let page = 0;
    do {
      const out = await this.call('s3:ListBucket', `${await this.s3Arn(bucket)} (prefix ${prefix})`, () =>
        this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
      );
      page++;
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
      if (page > 1 || token) this.settings.progress.update(`Listing s3://${bucket}/${prefix}: page ${page}, ${keys.length} records`);
    } while (token);
    this.settings.progress.done();
    return keys;
  }

  /** An object's text and version, or `undefined` when that object (or version) does not exist. */
  public async getText(bucket: string, key: string, versionId?: string): Promise<{ text: string; versionId?: string } | undefined> {
    const action = versionId ? 's3:GetObjectVersion' : 's3:GetObject';
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      return { text: (await out.Body?.transformToString()) ?? '', versionId: out.VersionId };
    } catch (error) {
      if (['NoSuchKey', 'NoSuchVersion', 'NotFound'].includes(errorName(error)) || httpStatus(error) === 404) return undefined;
      // A version ID that is not even well-formed cannot exist.
      if (versionId && (errorName(error) === 'InvalidArgument' || httpStatus(error) === 400)) return undefined;
      throw explain(error, action, await this.s3Arn(bucket, key, versionId));
    }
  }

  /** Whether an object version is protected: its Object Lock retention and legal hold. */
  public async objectLock(bucket: string, key: string, versionId?: string): Promise<ObjectLock> {
    const resource = await this.s3Arn(bucket, key, versionId);
    const none = (error: unknown) =>
      /NoSuchObjectLockConfiguration|ObjectLockConfigurationNotFound/.test(errorName(error)) || httpStatus(error) === 404;
    let mode: string | undefined;
    let retainUntil: Date | undefined;
    try {
      const out = await this.s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      mode = out.Retention?.Mode;
      retainUntil = out.Retention?.RetainUntilDate;
    } catch (error) {
      if (!none(error)) throw explain(error, 's3:GetObjectRetention', resource);
    }
    let legalHold = false;
    try {
      const out = await this.s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      legalHold = out.LegalHold?.Status === 'ON';
    } catch (error) {
      if (!none(error)) throw explain(error, 's3:GetObjectLegalHold', resource);
    }
    return { mode, retainUntil, legalHold };
  }

  /**
   * Whether each object version still exists (`HeadObject` with its version ID, a few in parallel):
   * `missing` (404, or a malformed version ID) or `delete-marker` (405) for those that do not.
   */
  public async dataVersions(
    objects: ReadonlyArray<{ bucket: string; key: string; versionId: string }>,
  ): Promise<Array<'present' | 'missing' | 'delete-marker'>> {
    const results = new Array<'present' | 'missing' | 'delete-marker'>(objects.length);
    let next = 0;
    let finished = 0;
    const worker = async () => {
      while (next < objects.length) {
        const i = next++;
        const o = objects[i];
        try {
          await this.s3.send(new HeadObjectCommand({ Bucket: o.bucket, Key: o.key, VersionId: o.versionId }));
          results[i] = 'present';
        } catch (error) {
          const status = httpStatus(error);
          if (status === 404 || ['NotFound', 'NoSuchKey', 'NoSuchVersion'].includes(errorName(error))) results[i] = 'missing';
          else if (status === 405 || errorName(error) === 'MethodNotAllowed') results[i] = 'delete-marker';
          else if (status === 400 || errorName(error) === 'BadRequest') results[i] = 'missing';
          else throw explain(error, 's3:GetObjectVersion (HeadObject)', await this.s3Arn(o.bucket, o.key, o.versionId));
        }
        finished++;
        if (objects.length > 100 && (finished % 100 === 0 || finished === objects.length)) {
          this.settings.progress.update(`Checking training data versions: ${finished} of ${objects.length}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(HEAD_CONCURRENCY, objects.length) }, worker));
    this.settings.progress.done();
    return results;
  }

  /** Whether the model's package group exists. */
  public async modelPackageGroupExists(group: string): Promise<boolean> {
    return (
      (await this.describe('sagemaker:DescribeModelPackageGroup', 'model-package-group', group, () =>
        this.sagemaker.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group })),
      )) !== undefined
    );
  }

  /** The most recently created `Approved` package of a group. */
  public async latestApprovedPackage(group: string): Promise<string | undefined> {
    const out = await this.call('sagemaker:ListModelPackages', `model package group ${group}`, () =>
      this.sagemaker.send(
        new ListModelPackagesCommand({
          ModelPackageGroupName: group,
          ModelApprovalStatus: 'Approved',
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: 1,
        }),
      ),
    );
    return out.ModelPackageSummaryList?.[0]?.ModelPackageArn;
  }

  public describeModelPackage(arn: string): Promise<DescribeModelPackageCommandOutput | undefined> {
    return this.describe('sagemaker:DescribeModelPackage', undefined, arn, () =>
      this.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn })),
    );
  }

  public describeEndpoint(name: string): Promise<DescribeEndpointCommandOutput | undefined> {
    return this.describe('sagemaker:DescribeEndpoint', 'endpoint', name, () =>
      this.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name })),
    );
  }

  public describeEndpointConfig(name: string): Promise<DescribeEndpointConfigCommandOutput | undefined> {
    return this.describe('sagemaker:DescribeEndpointConfig', 'endpoint-config', name, () =>
      this.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })),
    );
  }

  public describeModel(name: string): Promise<DescribeModelCommandOutput | undefined> {
    return this.describe('sagemaker:DescribeModel', 'model', name, () => this.sagemaker.send(new DescribeModelCommand({ ModelName: name })));
  }

  public describeTrainingJob(name: string): Promise<DescribeTrainingJobCommandOutput | undefined> {
    return this.describe('sagemaker:DescribeTrainingJob', 'training-job', name, () =>
      this.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name })),
    );
  }

  /**
   * The CloudTrail management events that created, updated or deleted the endpoint between `start`
   * and `end` (event history reaches back {@link EVENT_HISTORY_DAYS} days). `LookupEvents` takes one
   * attribute: events are looked up by name, every page read, and kept when their
   * `requestParameters.endpointName` is this endpoint.
   */
  public async endpointEvents(endpointName: string, start: Date, end: Date): Promise<EndpointEvent[]> {
    const events: EndpointEvent[] = [];
    for (const eventName of ENDPOINT_EVENT_NAMES) {
      let token: string | undefined;
      let page = 0;
      let seen = 0;
      do {
        const out = await this.call('cloudtrail:LookupEvents', `event history (${eventName}, ${start.toISOString()} to ${end.toISOString()})`, () =>
          this.cloudtrail.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
              StartTime: start,
              EndTime: end,
              NextToken: token,
              MaxResults: 50,
            }),
          ),
        );
        page++;
        for (const e of out.Events ?? []) {
          seen++;
          const parsed = parseEndpointEvent(e.CloudTrailEvent, eventName, e.EventTime);
          if (parsed?.endpointName === endpointName) events.push({ ...parsed, eventId: parsed.eventId ?? e.EventId });
        }
        token = out.NextToken;
        if (page > 1 || token) {
          this.settings.progress.update(
            `Reading CloudTrail ${eventName} events since ${start.toISOString().slice(0, 10)}: page ${page}, ${seen} events, ` +
              `${events.filter((x) => x.eventName === eventName).length} for ${endpointName}`,
          );
        }
      } while (token);
      this.settings.progress.done();
    }
    return events.sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
  }
}
