import type { DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import type { CloudTrailReference, LineageModelPackage } from '../../contracts/lineage';
import { isObject } from '../shared/input/json';

/*
 * What the lineage recorder reads from SageMaker, and how it keeps only what is known.
 */

/** An ISO time, or undefined. */
export const iso = (d: Date | undefined): string | undefined => (d ? d.toISOString() : undefined);

/** Removes `undefined` values (deeply), so records hold only what is known. */
export function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
  return out as T;
}

/** `sha256:<hex>` when an image URI pins its digest. */
export function digestOf(image: string | undefined): string | undefined {
  return image ? /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1] : undefined;
}

/** Whether a SageMaker error says the resource does not exist. */
function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (e?.name === 'ValidationException' || e?.name === 'ResourceNotFound') && /could not find|does not exist|not found/i.test(e.message ?? '');
}

/** Collects the recorder's own reads (their request IDs are CloudTrail events too) and what it could not read. */
export class Reads {
  public readonly references: CloudTrailReference[] = [];
  public readonly warnings: string[] = [];

  public async describe<T extends { $metadata: { requestId?: string } }>(
    eventName: string,
    resourceName: string,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      const result = await call();
      this.references.push(
        dropUndefined({
          eventSource: 'sagemaker.amazonaws.com',
          eventName,
          resourceName,
          eventTime: new Date().toISOString(),
          timeSource: 'read by the lineage recorder',
          requestId: result.$metadata.requestId,
        }),
      );
      return result;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.warnings.push(`${eventName} ${resourceName}: ${(error as Error).message}`);
      return undefined;
    }
  }
}

/** The package's facts, from its ARN and what `DescribeModelPackage` returned. */
export function packageFacts(arn: string, described: DescribeModelPackageCommandOutput | undefined): LineageModelPackage {
  const fromArn = /:model-package\/([^/]+)\/(\d+)$/.exec(arn);
  const container = described?.InferenceSpecification?.Containers?.[0];
  return dropUndefined({
    arn,
    group: described?.ModelPackageGroupName ?? fromArn?.[1],
    version: described?.ModelPackageVersion ?? (fromArn ? Number(fromArn[2]) : undefined),
    approvalStatus: described?.ModelApprovalStatus,
    approvalDescription: described?.ApprovalDescription,
    creationTime: iso(described?.CreationTime),
    lastModifiedTime: iso(described?.LastModifiedTime),
    lastModifiedBy: described?.LastModifiedBy?.IamIdentity?.Arn,
    inferenceImage: container?.Image,
    inferenceImageDigest: container?.ImageDigest,
    modelDataUrl: container?.ModelDataUrl,
  });
}
