import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { lineageKey, LineageRecord, validateLineageRecord } from '../../contracts/lineage';
import { InvalidEventError, requiredEnv } from '../shared/input/event';
import { logger } from '../shared/logging/logger';
import { BUILDERS } from './builders';
import { Json, RecordLineageResult, requiredText, validate } from './event';
import { dropUndefined, Reads } from './reads';

export { normaliseTrigger, validate } from './event';

/**
 * Writes one lineage record (contracts/lineage) per pipeline milestone to the Object Lock
 * audit bucket, so that an auditor can follow any deployed model back to its data.
 *
 * Input (invoked synchronously by the training pipeline):
 * `{ milestone, executionArn, executionStartTime?, model, environment, state }` where `state` is the
 * pipeline state (`$`). What each milestone reads of it ({@link LineagePipelineState}):
 *
 * - `registered` requires `trainingDataUri`, `dataSnapshot.manifestUri`, `training.jobName`, `training.jobArn`,
 *   `registration.modelPackageArn`; optional: `trigger`, `evaluationDataUri`, `dataSnapshot.manifestVersionId` /
 *   `objectCount` / `totalBytes`, `training.modelArtifactUri`, `evaluation.report.metrics`, `baseline.baselineUri`.
 * - `approved`, `rejected` require `registration.modelPackageArn`, `approval.decision` (matching the milestone),
 *   `approval.approver`, `approval.decidedAt`, `approval.comment`, `approval.recordUri`; optional: `approval.requestId`.
 * - `deployed`, `rollback`, `deployment-failed` require `registration.modelPackageArn`, `deployment.endpointName`,
 *   `deployment.endpointConfigName`, `deployment.modelName`; optional: `deployment.previous.name` (or
 *   `deployment.previousEndpointConfigName`), `deploymentProblem` (`error`, `cause`; or a caught `error`: `Error`, `Cause`).
 *
 * It adds what SageMaker knows: `registered` reads `DescribeTrainingJob` and `DescribeModelPackage`;
 * `approved`/`rejected` read `DescribeModelPackage` (status, description, who changed it and when);
 * the deployment milestones read `DescribeEndpoint`, `DescribeEndpointConfig` and `DescribeModel`.
 * A resource SageMaker no longer finds is noted in the record's `warnings`; any other error fails
 * the invocation (the pipeline retries it).
 *
 * Output: `{ recordUri, versionId }`. The key is
 * `<LINEAGE_PREFIX><execution name>/<nn>-<milestone>.json` with `nn` fixed per milestone, so a retry
 * rewrites the same key: Object Lock keeps every version, the first one included.
 *
 * Environment: `AUDIT_BUCKET_NAME`, `LINEAGE_PREFIX` (e.g. `lineage/mlops-prod-churn/`),
 * `MODEL_NAME` and `ENVIRONMENT_NAME` (an event for another model or environment is refused),
 * optional `FEATURE_GROUP_NAME`.
 */

const s3 = new S3Client({});

/** The lineage recorder's Lambda handler (see the module comment). */
export async function handler(rawEvent: unknown, context?: Pick<Context, 'functionName' | 'awsRequestId'>): Promise<RecordLineageResult> {
  const event = validate(rawEvent);
  const bucket = requiredEnv('AUDIT_BUCKET_NAME');
  const prefix = requiredEnv('LINEAGE_PREFIX');
  const modelName = requiredEnv('MODEL_NAME');
  const environmentName = requiredEnv('ENVIRONMENT_NAME');
  if (event.model !== modelName) throw new InvalidEventError('model', event.model, `"${modelName}": this function records only its own model`);
  if (event.environment !== environmentName)
    throw new InvalidEventError('environment', event.environment, `"${environmentName}": this function records only its own environment`);
  const state = event.state as unknown as Json;
  const modelPackageArn = requiredText(state, 'registration.modelPackageArn');
  const reads = new Reads();
  const body = await BUILDERS[event.milestone]({ event, state, reads, modelPackageArn });

  const key = lineageKey(prefix, event.executionName, event.milestone);
  const recordUri = `s3://${bucket}/${key}`;
  const record = dropUndefined({
    schemaVersion: 1,
    milestone: event.milestone,
    recordedAt: new Date().toISOString(),
    recordUri,
    model: event.model,
    environment: event.environment,
    execution: {
      arn: event.executionArn,
      name: event.executionName,
      startTime: event.executionStartTime ? new Date(event.executionStartTime).toISOString() : undefined,
    },
    modelPackageArn,
    ...body,
    cloudTrail: [...body.cloudTrail, ...reads.references].map(dropUndefined),
    warnings: reads.warnings.length > 0 ? reads.warnings : undefined,
    recordedBy: context ? { functionName: context.functionName, awsRequestId: context.awsRequestId } : undefined,
  }) as unknown as LineageRecord;
  // The record must be readable by the auditor's command: a record that fails the schema is a bug here.
  const validation = validateLineageRecord(record);
  if (!validation.valid) throw new Error(`Lineage record for ${event.milestone} does not match schema version 1: ${validation.problems.join('; ')}`);

  const written = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(record, null, 2),
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  logger.info('lineage recorded', {
    milestone: event.milestone,
    model: event.model,
    environment: event.environment,
    executionArn: event.executionArn,
    modelPackageArn,
    recordUri,
    versionId: written.VersionId,
    warnings: reads.warnings.length,
  });
  return { recordUri, versionId: written.VersionId };
}
