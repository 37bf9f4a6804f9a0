/**
 * The lineage audit of one model: finds what the endpoint serves (tools/audit/serving.ts), follows it back through the model
 * package and approval (package-lineage.ts) to the training job and data (training-data.ts), checks the records' locks and
 * assembles the report. The shared state and reads are in audit-state.ts.
 */
import {
  CloudTrailReference,
  DeploymentMilestoneRecord,
  isDeploymentRecord,
  lineagePrefix,
  Milestone,
  parseLineageKey,
} from '../../contracts/lineage';
import type { LineageOptions } from './args';
import { AuditState, deployedTime, Loaded } from './audit-state';
import { AuditAws } from './aws';
import { AuditError } from './errors';
import { auditPackageLineage } from './package-lineage';
import { AuditReport, CHAIN_STEPS, REPORT_VERSION } from './report';
import { auditEndpoint } from './serving';

export { describeTrigger, recordUriFromDescription } from './package-lineage';

/**
 * Builds the audit of one model's lineage: the chain from the endpoint (or, with nothing deployed,
 * the latest approved package) back to the training data versions, the endpoint's configuration
 * history, and every finding. Throws {@link AuditError} when the audit cannot run.
 */
export async function auditLineage(aws: AuditAws, options: LineageOptions, now: Date = new Date()): Promise<AuditReport> {
  return new LineageAudit(aws, options, now).run();
}

class LineageAudit extends AuditState {
  public async run(): Promise<AuditReport> {
    const o = this.options;
    const identity = await this.aws.identity();
    const region = await this.aws.region();
    this.bucket = o.auditBucket ?? (await this.aws.auditBucketFromSsm(o.namespace, o.environment));
    this.prefix = lineagePrefix(o.namespace, o.environment, o.model);

    const keys = await this.aws.listKeys(this.bucket, this.prefix);
    const index = new Map<string, Map<Milestone, string>>();
    let foreign = 0;
    for (const key of keys) {
      const parsed = parseLineageKey(this.prefix, key);
      if (!parsed) {
        foreign++;
        continue;
      }
      if (!index.has(parsed.executionName)) index.set(parsed.executionName, new Map());
      index.get(parsed.executionName)!.set(parsed.milestone, key);
    }
    if (foreign > 0)
      this.notes.push(`${foreign} object(s) under s3://${this.bucket}/${this.prefix} are not named like lineage records and were ignored.`);
    if (keys.length === 0) {
      if (!(await this.aws.modelPackageGroupExists(this.qualifiedName))) {
        throw new AuditError(
          'unknown-model',
          `Unknown model "${o.model}" in namespace "${o.namespace}", environment "${o.environment}" ` +
            `(${region}): there are no lineage records under ` +
            `s3://${this.bucket}/${this.prefix} and no model package group ${this.qualifiedName}. Check --model, --env, --namespace and --region.`,
        );
      }
      this.find(
        'NO_LINEAGE_RECORDS',
        `Model package group ${this.qualifiedName} exists, but there is no lineage record under s3://${this.bucket}/${this.prefix}.`,
      );
    }

    const deployments = (
      await this.readAll(
        keys.filter((k) => {
          const m = parseLineageKey(this.prefix, k)?.milestone;
          return m === 'deployed' || m === 'rollback' || m === 'deployment-failed';
        }),
      )
    ).filter((l): l is Loaded<DeploymentMilestoneRecord> => isDeploymentRecord(l.record));

    let endpointName =
      o.endpoint ??
      [...deployments]
        .filter((d) => d.record.milestone === 'deployed')
        .sort((a, b) => deployedTime(b.record).localeCompare(deployedTime(a.record)))[0]?.record.deployment.endpointName;
    // The deployment step names the endpoint <namespace>-<env>-<model>: one deployed without any
    // record is still found (and its configuration flagged).
    if (!endpointName && (await this.aws.describeEndpoint(this.qualifiedName))) {
      endpointName = this.qualifiedName;
      this.notes.push(
        `No deployment record names an endpoint: ${endpointName} is audited because the deployment step names endpoints <namespace>-<env>-<model>.`,
      );
    }

    let packageArn: string | undefined;
    let deployed: Loaded<DeploymentMilestoneRecord> | undefined;
    if (endpointName) {
      const served = await auditEndpoint(
        this,
        endpointName,
        deployments.filter((d) => d.record.deployment.endpointName === endpointName),
      );
      if (!served) return this.report(identity, region, endpointName, index);
      ({ packageArn, deployed } = served);
    } else {
      this.notes.push(`No deployment of ${o.model} in ${o.environment} is recorded: the chain starts at the latest approved model package.`);
      packageArn = await this.aws.latestApprovedPackage(this.qualifiedName);
      if (!packageArn) {
        this.notes.push(`Model package group ${this.qualifiedName} has no Approved package: nothing has been approved yet.`);
        return this.report(identity, region, undefined, index);
      }
    }

    const execution = await auditPackageLineage(this, packageArn, deployed, index);
    await this.checkLocks();
    return this.report(identity, region, endpointName, index, execution);
  }

  /** A record's endpoint call, made exact with the CloudTrail event the history found (its time and request ID). */
  private withEventHistory(reference: CloudTrailReference): CloudTrailReference {
    if (reference.eventName !== 'CreateEndpoint' && reference.eventName !== 'UpdateEndpoint') return reference;
    const served = this.chain.get('endpoint-config')?.name;
    const event = [...this.history]
      .reverse()
      .find(
        (h) =>
          h.source === 'cloudtrail' &&
          h.what === reference.eventName &&
          h.endpointConfigName === served &&
          !h.failed &&
          (!reference.eventTime || h.time <= reference.eventTime),
      );
    return event
      ? { ...reference, eventTime: event.time, timeSource: 'CloudTrail event history', requestId: event.requestId ?? reference.requestId }
      : reference;
  }

  private report(
    identity: { arn: string; account: string },
    region: string,
    endpointName: string | undefined,
    index: Map<string, Map<Milestone, string>>,
    execution?: AuditReport['execution'],
  ): AuditReport {
    const chain = CHAIN_STEPS
      .filter((s) => this.chain.has(s))
      .map((s) => {
        const link = this.chain.get(s)!;
        return link.status === 'ok' && this.findings.some((f) => f.step === s) ? { ...link, status: 'flagged' as const } : link;
      });
    const seen = new Set<string>();
    const cloudTrail = this.cloudTrail
      .map((r) => this.withEventHistory(r))
      .filter((r) => {
        const id = `${r.eventName} ${r.resourceName} ${r.eventTime ?? ''}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
    return {
      reportVersion: REPORT_VERSION,
      generatedAt: this.now.toISOString(),
      readBy: { arn: identity.arn, account: identity.account, region },
      subject: {
        namespace: this.options.namespace,
        environment: this.options.environment,
        model: this.options.model,
        auditBucket: this.bucket,
        lineagePrefix: this.prefix,
        endpointName,
        at: this.options.at?.toISOString(),
      },
      chain,
      execution,
      history: this.history,
      records: { total: [...index.values()].reduce((s, m) => s + m.size, 0), executions: index.size },
      findings: this.findings,
      notes: this.notes,
      cloudTrail,
    };
  }
}
