import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AuditError, errorName, explain } from './errors';
import { Progress } from './progress';

/** The caller, as STS sees it. */
export interface Identity {
  readonly account: string;
  readonly arn: string;
  readonly partition: string;
}


const NOT_FOUND = /could not find|does not exist|not found|cannot be found/i;

/**
 * The AWS clients of the audit and what every read needs: the caller, the region, ARNs for messages,
 * and the translation of failures into {@link AuditError}s naming the IAM action and the resource.
 */
export class AuditAwsSession {
  protected readonly s3: S3Client;
  protected readonly sagemaker: SageMakerClient;
  protected readonly cloudtrail: CloudTrailClient;
  protected readonly sts: STSClient;
  protected caller?: Identity;
  private resolvedRegion?: string;

  /** Where long reads report their progress. */
  public readonly progress: Progress;

  constructor(protected readonly settings: { readonly region?: string; readonly progress: Progress }) {
    this.progress = settings.progress;
    const region = settings.region;
    this.s3 = new S3Client({ region, followRegionRedirects: true });
    this.sagemaker = new SageMakerClient({ region });
    // LookupEvents allows 2 calls per second per account and region: retry throttling patiently.
    this.cloudtrail = new CloudTrailClient({ region, maxAttempts: 10 });
    this.sts = new STSClient({ region });
  }

  /** The caller; the first call, so that missing credentials are reported before anything else. */
  public async identity(): Promise<Identity> {
    if (this.caller) return this.caller;
    const out = await this.call('sts:GetCallerIdentity', 'the caller', () => this.sts.send(new GetCallerIdentityCommand({})));
    const arn = out.Arn ?? '';
    this.caller = { account: out.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
    return this.caller;
  }

  /** The region the reads go to: `--region`, or the SDK's configuration. */
  public async region(): Promise<string> {
    if (this.resolvedRegion) return this.resolvedRegion;
    try {
      this.resolvedRegion = this.settings.region ?? (await this.sagemaker.config.region());
    } catch (error) {
      throw explain(error, 'resolving the region', 'the AWS configuration');
    }
    if (!this.resolvedRegion)
      throw new AuditError('configuration', 'No AWS region: pass --region (for example --region eu-west-1) or set AWS_REGION.');
    return this.resolvedRegion;
  }

  /** Runs a SageMaker `Describe*` read; `undefined` when the resource does not exist. */
  protected async describe<T>(action: string, type: string | undefined, name: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      if ((errorName(error) === 'ValidationException' || errorName(error) === 'ResourceNotFound') && NOT_FOUND.test((error as Error).message ?? ''))
        return undefined;
      throw explain(error, action, type ? await this.arn('sagemaker', `${type}/${name.toLowerCase()}`) : name);
    }
  }

  /** Runs a read; a failure becomes an error naming `action` and `resource`. */
  protected async call<T>(action: string, resource: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw explain(error, action, resource);
    }
  }

  /** The ARN of a regional resource of the caller's account, for messages. */
  protected async arn(service: string, resource: string): Promise<string> {
    const id = this.caller ?? { partition: 'aws', account: '<account>' };
    return `arn:${id.partition}:${service}:${await this.region()}:${id.account}:${resource}`;
  }

  /** The ARN of a bucket, an object or an object version, for messages. */
  protected async s3Arn(bucket: string, key?: string, versionId?: string): Promise<string> {
    const partition = this.caller?.partition ?? 'aws';
    return `arn:${partition}:s3:::${bucket}${key === undefined ? '' : `/${key}`}${versionId ? ` (version ${versionId})` : ''}`;
  }
}
