/**
 * The middle of the chain: the model package, the pipeline execution that registered it and the
 * approval decision behind it.
 */
import type { DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import type { DecisionRecord } from '../../contracts/approval';
import { DecisionMilestoneRecord, DeploymentMilestoneRecord, Milestone, RegisteredRecord } from '../../contracts/lineage';
import { AuditState, lastPart, Loaded, samePackage, splitS3Uri, time } from './audit-state';
import { auditData, auditTraining } from './training-data';

/** The model package, the approval and the pipeline execution behind `packageArn`; returns the execution, when known. */
export async function auditPackageLineage(
  audit: AuditState,
  packageArn: string | undefined,
  deployed: Loaded<DeploymentMilestoneRecord> | undefined,
  index: Map<string, Map<Milestone, string>>,
) {
  let pkg: DescribeModelPackageCommandOutput | undefined;
  if (packageArn) {
    pkg = await audit.aws.describeModelPackage(packageArn);
    if (!pkg) audit.find('PACKAGE_MISSING', `Model package ${packageArn} does not exist in the registry.`, 'model-package');
  } else {
    audit.link('model-package', 'not found', [], 'missing');
  }
  if (pkg) {
    if (pkg.ModelApprovalStatus !== 'Approved') {
      audit.find(
        'PACKAGE_NOT_APPROVED',
        `Model package ${pkg.ModelPackageArn} is ${pkg.ModelApprovalStatus ?? 'without status'}${audit.options.at ? ' now' : ''}, not Approved.`,
        'model-package',
      );
    }
    audit.link('model-package', pkg.ModelPackageArn ?? packageArn!, [
      { label: 'Version', value: `${pkg.ModelPackageGroupName ?? '?'} version ${pkg.ModelPackageVersion ?? '?'}` },
      { label: 'Status', value: pkg.ModelApprovalStatus ?? 'unknown' },
      { label: 'Approval description', value: pkg.ApprovalDescription ?? 'none' },
      ...(pkg.LastModifiedBy?.IamIdentity?.Arn
        ? [{ label: 'Last changed by', value: `${pkg.LastModifiedBy.IamIdentity.Arn} at ${time(pkg.LastModifiedTime)}` }]
        : []),
      { label: 'Registered', value: time(pkg.CreationTime) ?? 'unknown' },
      ...(pkg.InferenceSpecification?.Containers ?? []).map((c) => ({
        label: 'Inference image',
        value: `${c.Image ?? '?'}${c.ImageDigest ? ` (${c.ImageDigest})` : ''}`,
      })),
    ]);
  } else if (packageArn) {
    audit.link('model-package', packageArn, [], 'missing');
  }

  const executionArn = deployed?.record.execution.arn ?? pkg?.CustomerMetadataProperties?.executionArn;
  const executionName = executionArn ? lastPart(executionArn, ':') : undefined;
  const records = executionName ? index.get(executionName) : undefined;
  const registered = (await audit.readOne(records?.get('registered'))) as Loaded<RegisteredRecord> | undefined;
  const approvedRecord = (await audit.readOne(records?.get('approved'))) as Loaded<DecisionMilestoneRecord> | undefined;
  if (executionName) {
    for (const [milestone, loaded] of [
      ['registered', registered],
      ['approved', approvedRecord],
    ] as const) {
      if (!loaded) {
        audit.find(
          'LINEAGE_RECORD_MISSING',
          `Execution ${executionName} has no ${milestone} record (s3://${audit.bucket}/${audit.prefix}${executionName}/).`,
          milestone === 'registered' ? 'training-job' : 'approval',
        );
      }
    }
    if (records?.has('rejected'))
      audit.notes.push(`Execution ${executionName} also has a rejected record: the candidate was rejected at some point.`);
  }
  if (registered && packageArn && !samePackage(registered.record.modelPackageArn, packageArn)) {
    audit.find(
      'RECORD_MISMATCH',
      `Registered record ${registered.record.recordUri} is about ${registered.record.modelPackageArn}, not ${packageArn}.`,
      'model-package',
    );
  }
  if (registered) audit.track(registered, 'registered record', 'training-job');

  await auditApproval(audit, pkg, packageArn, approvedRecord);
  await auditTraining(audit, pkg, registered);
  await auditData(audit, pkg, registered);

  const trigger = registered?.record.trigger;
  if (executionArn) {
    const startTime = registered?.record.execution.startTime ?? deployed?.record.execution.startTime;
    audit.link('execution', executionArn, [
      ...(startTime ? [{ label: 'Started', value: startTime }] : []),
      ...(trigger ? [{ label: 'Trigger', value: describeTrigger(trigger) }] : []),
      { label: 'Records', value: records ? [...records.keys()].join(', ') : 'none' },
    ]);
  } else {
    audit.link('execution', 'not found', [], 'missing');
  }
  return executionArn ? { arn: executionArn, name: executionName!, startTime: registered?.record.execution.startTime, trigger } : undefined;
}

/** The approval decision record of the package, checked against the package and locked. */
export async function auditApproval(
  audit: AuditState,
  pkg: DescribeModelPackageCommandOutput | undefined,
  packageArn: string | undefined,
  approved: Loaded<DecisionMilestoneRecord> | undefined,
) {
  if (approved) audit.track(approved, 'approved record', 'approval');
  const uri = approved?.record.decision.recordUri ?? recordUriFromDescription(pkg?.ApprovalDescription);
  if (!uri) {
    audit.find(
      'NO_APPROVAL_RECORD',
      `Model package ${packageArn ?? '(unknown)'} has no decision record: no approved lineage record, and its approval description ` +
        `${pkg?.ApprovalDescription ? `("${pkg.ApprovalDescription}") names none` : 'is empty'}` +
        `${pkg?.LastModifiedBy?.IamIdentity?.Arn ? `; last changed by ${pkg.LastModifiedBy.IamIdentity.Arn}` : ''}` +
        `.`,
      'approval',
    );
    audit.link('approval', 'not found', [], 'missing');
    return;
  }
  if (!approved) audit.notes.push(`The decision record was found through the package's approval description, not through a lineage record.`);
  const location = splitS3Uri(uri);
  const read = location ? await audit.aws.getText(location.bucket, location.key) : undefined;
  if (!location || !read) {
    audit.find('NO_APPROVAL_RECORD', `The decision record ${uri} does not exist.`, 'approval');
    audit.link('approval', uri, [], 'missing');
    return;
  }
  let decision: Partial<DecisionRecord> = {};
  try {
    decision = JSON.parse(read.text);
  } catch {
    audit.find('APPROVAL_MISMATCH', `The decision record ${uri} is not JSON.`, 'approval');
  }
  if (decision.decision !== undefined && (decision.decision !== 'approved' || !samePackage(decision.modelPackageArn, packageArn))) {
    audit.find(
      'APPROVAL_MISMATCH',
      `The decision record ${uri} says ${decision.decision} for ${decision.modelPackageArn}, not approved for ${packageArn}.`,
      'approval',
    );
  }
  audit.locked.push({ what: 'decision record', bucket: location.bucket, key: location.key, versionId: read.versionId, step: 'approval' });
  audit.link('approval', uri, [
    { label: 'Decision', value: `${decision.decision ?? '?'} by ${decision.approver ?? '?'} at ${decision.decidedAt ?? '?'}` },
    { label: 'Comment', value: decision.comment ?? '' },
    ...(decision.requestId ? [{ label: 'Request', value: decision.requestId }] : []),
    ...(decision.evidence
      ? [
          {
            label: 'Evidence',
            value:
              `${decision.evidence.metric} ${decision.evidence.candidateValue}` +
              `${decision.evidence.approvedValue !== undefined ? ` vs approved ${decision.evidence.approvedValue}` : ''}`,
          },
        ]
      : []),
  ]);
}

/** The decision record URI that `MarkApproved` writes into the package's `ApprovalDescription`: `(record s3://...)`. */
export function recordUriFromDescription(description: string | undefined): string | undefined {
  return description ? /\(record (s3:\/\/[^\s)]+)\)/.exec(description)?.[1] : undefined;
}

/** A trigger in words: `drift (alarm mlops-prod-churn-drift, event 1234)`. */
export function describeTrigger(trigger: RegisteredRecord['trigger']): string {
  const parts = [
    trigger.alarmName && `alarm ${trigger.alarmName}`,
    trigger.eventId && `event ${trigger.eventId}`,
    trigger.eventTime && `at ${trigger.eventTime}`,
  ].filter(Boolean);
  return `${trigger.type}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
