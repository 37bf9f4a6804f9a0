import type { DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import type { DecisionRecord } from '../../lambda/shared/approval-contract';
import {
  CloudTrailReference,
  DecisionMilestoneRecord,
  DeploymentMilestoneRecord,
  isDeploymentRecord,
  LineageRecord,
  lineagePrefix,
  Milestone,
  parseLineageKey,
  RegisteredRecord,
  validateLineageRecord,
} from '../../lambda/shared/lineage';
import type { LineageOptions } from './args';
import { AuditAws, EndpointEvent, EVENT_HISTORY_DAYS } from './aws';
import { AuditError } from './errors';
import { AuditReport, ChainLink, ChainStep, Finding, FindingCode, FINDINGS, HistoryEntry, REPORT_VERSION, STEP_TITLES } from './report';

/** A record as read: the parsed record, the object it came from and that object's version. */
interface Loaded<R extends LineageRecord = LineageRecord> {
  readonly record: R;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** At most this many missing data objects are named in a finding (all are counted). */
const MAX_NAMED_OBJECTS = 10;
const DAY_MS = 24 * 3600 * 1000;

function splitS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

const lastPart = (arn: string, separator: string) => arn.slice(arn.lastIndexOf(separator) + 1);
const time = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d).toISOString());

/** The package's name from a SageMaker model container's `ModelPackageName`, which may be an ARN or a `group/version` name. */
function samePackage(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const tail = (x: string) => x.replace(/^arn:[^:]+:sagemaker:[^:]*:\d+:model-package\//, '').toLowerCase();
  return tail(a) === tail(b);
}

/** The decision record URI that `MarkApproved` writes into the package's `ApprovalDescription`: `(record s3://...)`. */
export function recordUriFromDescription(description: string | undefined): string | undefined {
  return description ? /\(record (s3:\/\/[^\s)]+)\)/.exec(description)?.[1] : undefined;
}

/**
 * Builds the audit of one model's lineage: the chain from the endpoint (or, with nothing deployed,
 * the latest approved package) back to the training data versions, the endpoint's configuration
 * history, and every finding. Throws {@link AuditError} when the audit cannot run.
 */
export async function auditLineage(aws: AuditAws, options: LineageOptions, now: Date = new Date()): Promise<AuditReport> {
  return new LineageAudit(aws, options, now).run();
}

class LineageAudit {
  private readonly findings: Finding[] = [];
  private readonly notes: string[] = [];
  private readonly chain = new Map<ChainStep, ChainLink>();
  private readonly cloudTrail: CloudTrailReference[] = [];
  private readonly history: HistoryEntry[] = [];
  private readonly locked: Array<{ what: string; bucket: string; key: string; versionId?: string; step: ChainStep }> = [];
  private bucket = '';
  private prefix = '';
  private readonly qualifiedName: string;

  constructor(
    private readonly aws: AuditAws,
    private readonly options: LineageOptions,
    private readonly now: Date,
  ) {
    this.qualifiedName = `${options.namespace}-${options.environment}-${options.model}`;
  }

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
          `Unknown model "${o.model}" in namespace "${o.namespace}", environment "${o.environment}" (${region}): there are no lineage records under ` +
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
      const served = await this.endpoint(
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

    const execution = await this.lineage(packageArn, deployed, index);
    await this.checkLocks();
    return this.report(identity, region, endpointName, index, execution);
  }

  // -------------------------------------------------------------------------------------------
  // Endpoint, configuration history, configuration, SageMaker model

  private async endpoint(endpointName: string, deployments: Array<Loaded<DeploymentMilestoneRecord>>) {
    const o = this.options;
    const endpoint = await this.aws.describeEndpoint(endpointName);
    if (!endpoint && !o.at) {
      throw new AuditError(
        'unknown-endpoint',
        `Endpoint ${endpointName} does not exist in ${await this.aws.region()} (it may have been deleted). ` +
          'To audit what it served in the past, add --at TIME; to audit another endpoint, pass --endpoint NAME.',
      );
    }
    const windowStart = new Date(this.now.getTime() - EVENT_HISTORY_DAYS * DAY_MS);
    const events = await this.aws.endpointEvents(endpointName, windowStart, this.now);
    this.buildHistory(deployments, events);
    if (o.at && o.at < windowStart) {
      this.notes.push(
        `CloudTrail event history reaches back ${EVENT_HISTORY_DAYS} days (to ${windowStart.toISOString()}); before that, the configuration history has only lineage records. ` +
          "Older calls are in the trail's log files in the audit bucket (AWSLogs/).",
      );
    }

    let servingConfig: string | undefined;
    const endpointFacts: Array<{ label: string; value: string }> = [];
    if (o.at) {
      const before = this.history.filter((h) => h.time <= o.at!.toISOString());
      if (before.length === 0) {
        const first = this.history[0];
        this.find(
          'AT_BEFORE_FIRST_DEPLOYMENT',
          `${o.at.toISOString()} is before the first known deployment of ${endpointName}` +
            `${first ? ` (${first.what} at ${first.time})` : ' (none is known)'}.`,
          'endpoint',
        );
        this.link('endpoint', endpointName, [{ label: 'At', value: `${o.at.toISOString()}: no deployment known yet` }]);
        return undefined;
      }
      servingConfig = before[before.length - 1].servingAfter;
      if (!servingConfig) {
        this.notes.push(`At ${o.at.toISOString()} ${endpointName} served nothing: it had been deleted (${before[before.length - 1].time}).`);
        this.link('endpoint', endpointName, [{ label: 'At', value: `${o.at.toISOString()}: deleted` }]);
        return undefined;
      }
      endpointFacts.push({ label: 'At', value: `${o.at.toISOString()} (reconstructed from the configuration history)` });
      if (endpoint) endpointFacts.push({ label: 'Now', value: `${endpoint.EndpointStatus}, serving ${endpoint.EndpointConfigName}` });
      else endpointFacts.push({ label: 'Now', value: 'deleted' });
    } else {
      servingConfig = endpoint!.EndpointConfigName!;
      endpointFacts.push(
        { label: 'Status', value: `${endpoint!.EndpointStatus}${endpoint!.FailureReason ? ` (${endpoint!.FailureReason})` : ''}` },
        { label: 'Created', value: time(endpoint!.CreationTime) ?? 'unknown' },
        { label: 'Last modified', value: time(endpoint!.LastModifiedTime) ?? 'unknown' },
      );
      for (const v of endpoint!.ProductionVariants ?? []) {
        for (const image of v.DeployedImages ?? []) {
          endpointFacts.push({
            label: `Image (${v.VariantName})`,
            value: `${image.SpecifiedImage ?? '?'}${image.ResolvedImage ? ` resolved to ${image.ResolvedImage}` : ''}`,
          });
        }
      }
    }
    if (endpoint?.EndpointArn) endpointFacts.unshift({ label: 'ARN', value: endpoint.EndpointArn });
    this.link('endpoint', endpointName, endpointFacts);

    // The latest deployment of that configuration (before the audited time, when there is one).
    const candidates = deployments
      .filter((d) => d.record.milestone === 'deployed' && d.record.deployment.endpointConfigName === servingConfig)
      .sort((a, b) => deployedTime(b.record).localeCompare(deployedTime(a.record)));
    const deployed = candidates.find((d) => !o.at || deployedTime(d.record) <= o.at.toISOString()) ?? candidates[0];
    if (!deployed) {
      const call = [...this.history].reverse().find((h) => h.source === 'cloudtrail' && h.endpointConfigName === servingConfig && !h.failed);
      this.find(
        'UNEXPLAINED_CONFIG',
        `${endpointName} serves ${servingConfig}${o.at ? ` at ${o.at.toISOString()}` : ''}, and no deployment record explains it` +
          `${call ? `: ${call.what} at ${call.time} by ${call.by ?? 'an unknown caller'}` : ''}.`,
        'endpoint-config',
      );
    } else {
      this.track(deployed, 'deployed record', 'execution');
    }

    const config = await this.aws.describeEndpointConfig(servingConfig);
    const variants = config?.ProductionVariants ?? [];
    const variant = variants.find((v) => v.ModelName);
    const modelName = variant?.ModelName ?? deployed?.record.deployment.modelName;
    const configFacts: Array<{ label: string; value: string }> = [];
    if (config) {
      configFacts.push({ label: 'Created', value: time(config.CreationTime) ?? 'unknown' });
      for (const v of variants) {
        configFacts.push({
          label: `Variant ${v.VariantName}`,
          value: [
            v.ModelName ? `model ${v.ModelName}` : 'no model (inference components)',
            v.ServerlessConfig
              ? `serverless ${v.ServerlessConfig.MemorySizeInMB} MB, concurrency ${v.ServerlessConfig.MaxConcurrency}`
              : `${v.InitialInstanceCount ?? '?'} x ${v.InstanceType ?? '?'}`,
          ].join(', '),
        });
      }
      if (variants.filter((v) => v.ModelName).length > 1)
        this.notes.push(`${servingConfig} has ${variants.length} variants: the chain follows ${variant?.VariantName}.`);
      if (!variant)
        this.notes.push(
          `${servingConfig} names no model (its variants serve inference components): the chain follows the deployment record's model.`,
        );
    } else {
      this.notes.push(`Endpoint configuration ${servingConfig} no longer exists: its model comes from the deployment record.`);
    }
    if (deployed)
      configFacts.push({
        label: 'Deployment record',
        value: `${deployed.record.recordUri} (${deployed.record.deployment.deployedAt ?? deployed.record.recordedAt})`,
      });
    this.link('endpoint-config', servingConfig, configFacts, config || deployed ? undefined : 'missing');

    if (!modelName) {
      this.link('model', 'not found', [], 'missing');
      return { packageArn: deployed?.record.modelPackageArn, deployed };
    }
    const model = await this.aws.describeModel(modelName);
    const containers = [model?.PrimaryContainer, ...(model?.Containers ?? [])].filter((c) => c !== undefined);
    const modelPackage = containers.find((c) => c.ModelPackageName)?.ModelPackageName;
    const modelFacts: Array<{ label: string; value: string }> = [];
    if (model) {
      modelFacts.push({ label: 'Created', value: time(model.CreationTime) ?? 'unknown' });
      modelFacts.push({ label: 'From package', value: modelPackage ?? 'none' });
      if (!modelPackage) {
        this.find(
          'MODEL_WITHOUT_PACKAGE',
          `SageMaker model ${modelName} was created from ${containers.map((c) => c.Image ?? '?').join(', ')} and ${containers.map((c) => c.ModelDataUrl ?? '?').join(', ')}, not from a model package.`,
          'model',
        );
      }
    } else {
      this.notes.push(`SageMaker model ${modelName} no longer exists: its package comes from the deployment record.`);
    }
    if (deployed) {
      const r = deployed.record.deployment;
      if (r.modelName !== modelName) {
        this.find(
          'RECORD_MISMATCH',
          `Deployment record ${deployed.record.recordUri} says ${servingConfig} serves model ${r.modelName}; the configuration serves ${modelName}.`,
          'model',
        );
      }
      if (modelPackage && !samePackage(modelPackage, deployed.record.modelPackageArn)) {
        this.find(
          'RECORD_MISMATCH',
          `Deployment record ${deployed.record.recordUri} says model ${modelName} serves ${deployed.record.modelPackageArn}; SageMaker says ${modelPackage}.`,
          'model',
        );
      }
    }
    this.link('model', modelName, modelFacts, model || deployed ? undefined : 'missing');
    const packageArn = modelPackage ?? deployed?.record.deployment.modelPackageName ?? deployed?.record.modelPackageArn;
    return { packageArn, deployed };
  }

  /** Merges the deployment records and the CloudTrail calls into one timeline, and says what served after each entry. */
  private buildHistory(deployments: Array<Loaded<DeploymentMilestoneRecord>>, events: EndpointEvent[]): void {
    const recorded = new Set(deployments.map((d) => d.record.deployment.endpointConfigName));
    const entries: Array<HistoryEntry & { change?: string | null }> = [];
    for (const { record } of deployments) {
      const d = record.deployment;
      const change =
        record.milestone === 'deployed'
          ? d.endpointConfigName
          : (d.servingEndpointConfigName ?? (record.milestone === 'rollback' ? d.previousEndpointConfigName : undefined));
      entries.push({
        time: deployedTime(record),
        source: 'record',
        what: record.milestone,
        endpointConfigName: d.endpointConfigName,
        by: record.execution.name,
        recordUri: record.recordUri,
        change,
      });
    }
    for (const e of events) {
      const explained = e.eventName === 'DeleteEndpoint' ? undefined : e.endpointConfigName !== undefined && recorded.has(e.endpointConfigName);
      entries.push({
        time: e.eventTime.toISOString(),
        source: 'cloudtrail',
        what: e.eventName,
        endpointConfigName: e.endpointConfigName,
        by: e.caller,
        explained,
        failed: e.errorCode,
        requestId: e.requestId,
        change: e.errorCode ? undefined : e.eventName === 'DeleteEndpoint' ? null : e.endpointConfigName,
      });
      if (!e.errorCode && explained === false) {
        this.find(
          'UNRECORDED_CHANGE',
          `${e.eventName} at ${e.eventTime.toISOString()} by ${e.caller ?? 'an unknown caller'} put ${e.endpointConfigName} on ${e.endpointName}; ` +
            `no lineage record explains it (CloudTrail request ${e.requestId ?? e.eventId ?? 'unknown'}).`,
          'endpoint',
        );
      }
    }
    entries.sort((a, b) => a.time.localeCompare(b.time) || (a.source === b.source ? 0 : a.source === 'cloudtrail' ? -1 : 1));
    let serving: string | undefined;
    for (const { change, ...entry } of entries) {
      if (change === null) serving = undefined;
      else if (change !== undefined) serving = change;
      this.history.push({ ...entry, servingAfter: serving });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Model package, approval, training job, data

  private async lineage(
    packageArn: string | undefined,
    deployed: Loaded<DeploymentMilestoneRecord> | undefined,
    index: Map<string, Map<Milestone, string>>,
  ) {
    let pkg: DescribeModelPackageCommandOutput | undefined;
    if (packageArn) {
      pkg = await this.aws.describeModelPackage(packageArn);
      if (!pkg) this.find('PACKAGE_MISSING', `Model package ${packageArn} does not exist in the registry.`, 'model-package');
    } else {
      this.link('model-package', 'not found', [], 'missing');
    }
    if (pkg) {
      if (pkg.ModelApprovalStatus !== 'Approved') {
        this.find(
          'PACKAGE_NOT_APPROVED',
          `Model package ${pkg.ModelPackageArn} is ${pkg.ModelApprovalStatus ?? 'without status'}${this.options.at ? ' now' : ''}, not Approved.`,
          'model-package',
        );
      }
      this.link('model-package', pkg.ModelPackageArn ?? packageArn!, [
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
      this.link('model-package', packageArn, [], 'missing');
    }

    const executionArn = deployed?.record.execution.arn ?? pkg?.CustomerMetadataProperties?.executionArn;
    const executionName = executionArn ? lastPart(executionArn, ':') : undefined;
    const records = executionName ? index.get(executionName) : undefined;
    const registered = (await this.readOne(records?.get('registered'))) as Loaded<RegisteredRecord> | undefined;
    const approvedRecord = (await this.readOne(records?.get('approved'))) as Loaded<DecisionMilestoneRecord> | undefined;
    if (executionName) {
      for (const [milestone, loaded] of [
        ['registered', registered],
        ['approved', approvedRecord],
      ] as const) {
        if (!loaded) {
          this.find(
            'LINEAGE_RECORD_MISSING',
            `Execution ${executionName} has no ${milestone} record (s3://${this.bucket}/${this.prefix}${executionName}/).`,
            milestone === 'registered' ? 'training-job' : 'approval',
          );
        }
      }
      if (records?.has('rejected'))
        this.notes.push(`Execution ${executionName} also has a rejected record: the candidate was rejected at some point.`);
    }
    if (registered && packageArn && !samePackage(registered.record.modelPackageArn, packageArn)) {
      this.find(
        'RECORD_MISMATCH',
        `Registered record ${registered.record.recordUri} is about ${registered.record.modelPackageArn}, not ${packageArn}.`,
        'model-package',
      );
    }
    if (registered) this.track(registered, 'registered record', 'training-job');

    await this.approval(pkg, packageArn, approvedRecord);
    await this.training(pkg, registered);
    await this.data(pkg, registered);

    const trigger = registered?.record.trigger;
    if (executionArn) {
      const startTime = registered?.record.execution.startTime ?? deployed?.record.execution.startTime;
      this.link('execution', executionArn, [
        ...(startTime ? [{ label: 'Started', value: startTime }] : []),
        ...(trigger ? [{ label: 'Trigger', value: describeTrigger(trigger) }] : []),
        { label: 'Records', value: records ? [...records.keys()].join(', ') : 'none' },
      ]);
    } else {
      this.link('execution', 'not found', [], 'missing');
    }
    return executionArn ? { arn: executionArn, name: executionName!, startTime: registered?.record.execution.startTime, trigger } : undefined;
  }

  private async approval(
    pkg: DescribeModelPackageCommandOutput | undefined,
    packageArn: string | undefined,
    approved: Loaded<DecisionMilestoneRecord> | undefined,
  ) {
    if (approved) this.track(approved, 'approved record', 'approval');
    const uri = approved?.record.decision.recordUri ?? recordUriFromDescription(pkg?.ApprovalDescription);
    if (!uri) {
      this.find(
        'NO_APPROVAL_RECORD',
        `Model package ${packageArn ?? '(unknown)'} has no decision record: no approved lineage record, and its approval description ` +
          `${pkg?.ApprovalDescription ? `("${pkg.ApprovalDescription}") names none` : 'is empty'}${pkg?.LastModifiedBy?.IamIdentity?.Arn ? `; last changed by ${pkg.LastModifiedBy.IamIdentity.Arn}` : ''}.`,
        'approval',
      );
      this.link('approval', 'not found', [], 'missing');
      return;
    }
    if (!approved) this.notes.push(`The decision record was found through the package's approval description, not through a lineage record.`);
    const location = splitS3Uri(uri);
    const read = location ? await this.aws.getText(location.bucket, location.key) : undefined;
    if (!location || !read) {
      this.find('NO_APPROVAL_RECORD', `The decision record ${uri} does not exist.`, 'approval');
      this.link('approval', uri, [], 'missing');
      return;
    }
    let decision: Partial<DecisionRecord> = {};
    try {
      decision = JSON.parse(read.text);
    } catch {
      this.find('APPROVAL_MISMATCH', `The decision record ${uri} is not JSON.`, 'approval');
    }
    if (decision.decision !== undefined && (decision.decision !== 'approved' || !samePackage(decision.modelPackageArn, packageArn))) {
      this.find(
        'APPROVAL_MISMATCH',
        `The decision record ${uri} says ${decision.decision} for ${decision.modelPackageArn}, not approved for ${packageArn}.`,
        'approval',
      );
    }
    this.locked.push({ what: 'decision record', bucket: location.bucket, key: location.key, versionId: read.versionId, step: 'approval' });
    this.link('approval', uri, [
      { label: 'Decision', value: `${decision.decision ?? '?'} by ${decision.approver ?? '?'} at ${decision.decidedAt ?? '?'}` },
      { label: 'Comment', value: decision.comment ?? '' },
      ...(decision.requestId ? [{ label: 'Request', value: decision.requestId }] : []),
      ...(decision.evidence
        ? [
            {
              label: 'Evidence',
              value: `${decision.evidence.metric} ${decision.evidence.candidateValue}${decision.evidence.approvedValue !== undefined ? ` vs approved ${decision.evidence.approvedValue}` : ''}`,
            },
          ]
        : []),
    ]);
  }

  private async training(pkg: DescribeModelPackageCommandOutput | undefined, registered: Loaded<RegisteredRecord> | undefined) {
    const jobArn = registered?.record.training.jobArn ?? pkg?.CustomerMetadataProperties?.trainingJobArn;
    const jobName = registered?.record.training.jobName ?? (jobArn ? lastPart(jobArn, '/') : undefined);
    if (!jobName) {
      this.link('training-job', 'not found', [], 'missing');
      return;
    }
    if (!registered) this.notes.push("The training job comes from the model package's metadata (trainingJobArn), not from a lineage record.");
    const job = await this.aws.describeTrainingJob(jobName);
    const recorded = registered?.record.training;
    if (job && recorded) {
      const image = job.AlgorithmSpecification?.TrainingImage;
      if (recorded.image !== undefined && image !== recorded.image) {
        this.find('RECORD_MISMATCH', `Training job ${jobName} ran ${image}; its registered record says ${recorded.image}.`, 'training-job');
      }
      const actual = JSON.stringify(sorted(job.HyperParameters ?? {}));
      if (actual !== JSON.stringify(sorted(recorded.hyperparameters))) {
        this.find(
          'RECORD_MISMATCH',
          `Training job ${jobName} has hyperparameters ${actual}; its registered record says ${JSON.stringify(sorted(recorded.hyperparameters))}.`,
          'training-job',
        );
      }
    }
    const image = job?.AlgorithmSpecification?.TrainingImage ?? recorded?.image;
    const hyperparameters = job?.HyperParameters ?? recorded?.hyperparameters ?? {};
    if (!job) this.notes.push(`Training job ${jobName} cannot be described any more: its facts come from the registered record.`);
    const code = (
      recorded?.inputChannels ??
      job?.InputDataConfig?.map((c) => ({ name: c.ChannelName ?? '', s3Uri: c.DataSource?.S3DataSource?.S3Uri })) ??
      []
    ).find((c) => c.name === 'code');
    this.link(
      'training-job',
      jobArn ?? jobName,
      [
        { label: 'Image', value: `${image ?? 'unknown'}${recorded?.imageDigest ? ` (${recorded.imageDigest})` : ''}` },
        {
          label: 'Hyperparameters',
          value:
            Object.entries(sorted(hyperparameters))
              .map(([k, v]) => `${k}=${v}`)
              .join(', ') || 'none',
        },
        ...(code?.s3Uri ? [{ label: 'Code', value: code.s3Uri }] : []),
        {
          label: 'Instance',
          value: `${job?.ResourceConfig?.InstanceCount ?? recorded?.instanceCount ?? '?'} x ${job?.ResourceConfig?.InstanceType ?? recorded?.instanceType ?? '?'}${(job?.EnableManagedSpotTraining ?? recorded?.spot) ? ', spot' : ''}`,
        },
        {
          label: 'Ran',
          value: `${time(job?.TrainingStartTime) ?? recorded?.startTime ?? '?'} to ${time(job?.TrainingEndTime) ?? recorded?.endTime ?? '?'} (${job?.TrainingJobStatus ?? recorded?.status ?? 'status unknown'})`,
        },
        ...(registered
          ? [
              {
                label: 'Metrics',
                value:
                  Object.entries(registered.record.evaluation.metrics)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ') || 'none',
              },
            ]
          : []),
        ...(registered?.record.data.evaluationDataUri ? [{ label: 'Evaluated on', value: registered.record.data.evaluationDataUri }] : []),
      ],
      job || recorded ? undefined : 'missing',
    );
  }

  private async data(pkg: DescribeModelPackageCommandOutput | undefined, registered: Loaded<RegisteredRecord> | undefined) {
    const manifestUri = registered?.record.data.manifestUri ?? pkg?.CustomerMetadataProperties?.trainingDataManifestUri;
    const versionId = registered?.record.data.manifestVersionId;
    const location = manifestUri ? splitS3Uri(manifestUri) : undefined;
    if (!manifestUri || !location) {
      this.link('data-manifest', 'not found', [], 'missing');
      this.link('data-versions', 'not checked', [], 'missing');
      return;
    }
    if (!versionId) this.notes.push(`The manifest's version is not recorded: the current version of ${manifestUri} was read.`);
    const read = await this.aws.getText(location.bucket, location.key, versionId);
    if (!read) {
      this.find(
        'DATA_MANIFEST_MISSING',
        `The data manifest ${manifestUri}${versionId ? ` (version ${versionId})` : ''} does not exist.`,
        'data-manifest',
      );
      this.link('data-manifest', manifestUri, [], 'missing');
      this.link('data-versions', 'not checked', [], 'missing');
      return;
    }
    let manifest: {
      dataUri?: string;
      createdAt?: string;
      objectCount?: number;
      totalBytes?: number;
      objects?: Array<{ key: string; versionId: string; size?: number }>;
    } = {};
    try {
      manifest = JSON.parse(read.text);
    } catch {
      this.find('RECORD_MISMATCH', `The data manifest ${manifestUri} is not JSON.`, 'data-manifest');
    }
    const objects = Array.isArray(manifest.objects) ? manifest.objects : [];
    const dataUri = manifest.dataUri ?? registered?.record.data.trainingDataUri ?? '';
    const dataBucket = splitS3Uri(dataUri)?.bucket ?? '';
    if (registered && registered.record.data.objectCount !== undefined && registered.record.data.objectCount !== objects.length) {
      this.find(
        'RECORD_MISMATCH',
        `The data manifest ${manifestUri} lists ${objects.length} objects; the registered record says ${registered.record.data.objectCount}.`,
        'data-manifest',
      );
    }
    if (registered && manifest.dataUri !== undefined && manifest.dataUri !== registered.record.data.trainingDataUri) {
      this.find(
        'RECORD_MISMATCH',
        `The data manifest ${manifestUri} is of ${manifest.dataUri}; the registered record trained on ${registered.record.data.trainingDataUri}.`,
        'data-manifest',
      );
    }
    this.link('data-manifest', manifestUri, [
      { label: 'Version', value: read.versionId ?? versionId ?? 'unversioned' },
      { label: 'Data', value: dataUri || 'unknown' },
      { label: 'Objects', value: `${objects.length} (${manifest.totalBytes ?? objects.reduce((s, x) => s + (x.size ?? 0), 0)} bytes)` },
      ...(manifest.createdAt ? [{ label: 'Snapshot taken', value: manifest.createdAt }] : []),
    ]);

    const states = await this.aws.dataVersions(objects.map((x) => ({ bucket: dataBucket, key: x.key, versionId: x.versionId })));
    const gone = objects.map((x, i) => ({ ...x, state: states[i] })).filter((x) => x.state !== 'present');
    if (gone.length > 0) {
      const named = gone
        .slice(0, MAX_NAMED_OBJECTS)
        .map((x) => `s3://${dataBucket}/${x.key} version ${x.versionId}${x.state === 'delete-marker' ? ' (a delete marker)' : ''}`);
      this.find(
        'DATA_VERSION_MISSING',
        `${gone.length} of ${objects.length} training data object versions no longer exist: ${named.join('; ')}` +
          `${gone.length > MAX_NAMED_OBJECTS ? `; and ${gone.length - MAX_NAMED_OBJECTS} more` : ''}.`,
        'data-versions',
      );
    }
    this.link('data-versions', `${objects.length - gone.length} of ${objects.length} present`, [
      { label: 'Checked', value: `HeadObject with each version ID under s3://${dataBucket}/` },
      ...gone.slice(0, MAX_NAMED_OBJECTS).map((x) => ({ label: 'Missing', value: `${x.key} (version ${x.versionId})` })),
    ]);
  }

  // -------------------------------------------------------------------------------------------
  // Records, locks, findings, links

  private async readAll(keys: string[]): Promise<Loaded[]> {
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

  private async readOne(key: string | undefined): Promise<Loaded | undefined> {
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
        `s3://${this.bucket}/${key}: ${validation.problems.slice(0, 5).join('; ')}${validation.problems.length > 5 ? `; and ${validation.problems.length - 5} more` : ''}.`,
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

  private track(loaded: Loaded, what: string, step: ChainStep): void {
    this.locked.push({ what, bucket: loaded.bucket, key: loaded.key, versionId: loaded.versionId, step });
    this.cloudTrail.push(...loaded.record.cloudTrail.filter((r) => r.timeSource !== 'read by the lineage recorder'));
    for (const warning of loaded.record.warnings ?? []) this.notes.push(`The ${what} noted: ${warning}`);
  }

  private async checkLocks(): Promise<void> {
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

  private find(code: FindingCode, message: string, step?: ChainStep): void {
    if (this.findings.some((f) => f.code === code && f.message === message)) return;
    this.findings.push({ code, severity: FINDINGS[code].severity, message, step, explanation: FINDINGS[code].explanation });
  }

  private link(step: ChainStep, name: string, facts: Array<{ label: string; value: string }>, status?: 'missing'): void {
    this.chain.set(step, { step, title: STEP_TITLES[step], name, status: status ?? 'ok', facts });
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
    const order: ChainStep[] = [
      'endpoint',
      'endpoint-config',
      'model',
      'model-package',
      'approval',
      'training-job',
      'data-manifest',
      'data-versions',
      'execution',
    ];
    const chain = order
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

function deployedTime(record: DeploymentMilestoneRecord): string {
  return record.deployment.deployedAt ?? record.recordedAt;
}

function sorted(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
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
