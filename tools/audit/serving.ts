/**
 * The serving end of the chain: the endpoint, its configuration history (deployment records merged with
 * CloudTrail calls), the endpoint configuration and the SageMaker model.
 */
import { DeploymentMilestoneRecord } from '../../contracts/lineage';
import { AuditState, DAY_MS, deployedTime, Loaded, samePackage, time } from './audit-state';
import { EndpointEvent, EVENT_HISTORY_DAYS } from './cloudtrail-events';
import { AuditError } from './errors';
import { HistoryEntry } from './report';

/**
 * The endpoint (now, or at `--at`), its configuration and SageMaker model; returns the package it serves and the deployment
 * record that explains it, or `undefined` when nothing was served at the audited time.
 */
export async function auditEndpoint(audit: AuditState, endpointName: string, deployments: Array<Loaded<DeploymentMilestoneRecord>>) {
  const o = audit.options;
  const endpoint = await audit.aws.describeEndpoint(endpointName);
  if (!endpoint && !o.at) {
    throw new AuditError(
      'unknown-endpoint',
      `Endpoint ${endpointName} does not exist in ${await audit.aws.region()} (it may have been deleted). ` +
        'To audit what it served in the past, add --at TIME; to audit another endpoint, pass --endpoint NAME.',
    );
  }
  const windowStart = new Date(audit.now.getTime() - EVENT_HISTORY_DAYS * DAY_MS);
  const events = await audit.aws.endpointEvents(endpointName, windowStart, audit.now);
  buildHistory(audit, deployments, events);
  if (o.at && o.at < windowStart) {
    audit.notes.push(
      `CloudTrail event history reaches back ${EVENT_HISTORY_DAYS} days (to ` +
        `${windowStart.toISOString()}); before that, the configuration history has only lineage ` +
        `records. ` +
        "Older calls are in the trail's log files in the audit bucket (AWSLogs/).",
    );
  }

  let servingConfig: string | undefined;
  const endpointFacts: Array<{ label: string; value: string }> = [];
  if (o.at) {
    const before = audit.history.filter((h) => h.time <= o.at!.toISOString());
    if (before.length === 0) {
      const first = audit.history[0];
      audit.find(
        'AT_BEFORE_FIRST_DEPLOYMENT',
        `${o.at.toISOString()} is before the first known deployment of ${endpointName}` +
          `${first ? ` (${first.what} at ${first.time})` : ' (none is known)'}.`,
        'endpoint',
      );
      audit.link('endpoint', endpointName, [{ label: 'At', value: `${o.at.toISOString()}: no deployment known yet` }]);
      return undefined;
    }
    servingConfig = before[before.length - 1].servingAfter;
    if (!servingConfig) {
      audit.notes.push(`At ${o.at.toISOString()} ${endpointName} served nothing: it had been deleted (${before[before.length - 1].time}).`);
      audit.link('endpoint', endpointName, [{ label: 'At', value: `${o.at.toISOString()}: deleted` }]);
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
  audit.link('endpoint', endpointName, endpointFacts);

  // The latest deployment of that configuration (before the audited time, when there is one).
  const candidates = deployments
    .filter((d) => d.record.milestone === 'deployed' && d.record.deployment.endpointConfigName === servingConfig)
    .sort((a, b) => deployedTime(b.record).localeCompare(deployedTime(a.record)));
  const deployed = candidates.find((d) => !o.at || deployedTime(d.record) <= o.at.toISOString()) ?? candidates[0];
  if (!deployed) {
    const call = [...audit.history].reverse().find((h) => h.source === 'cloudtrail' && h.endpointConfigName === servingConfig && !h.failed);
    audit.find(
      'UNEXPLAINED_CONFIG',
      `${endpointName} serves ${servingConfig}${o.at ? ` at ${o.at.toISOString()}` : ''}, and no deployment record explains it` +
        `${call ? `: ${call.what} at ${call.time} by ${call.by ?? 'an unknown caller'}` : ''}.`,
      'endpoint-config',
    );
  } else {
    audit.track(deployed, 'deployed record', 'execution');
  }

  const config = await audit.aws.describeEndpointConfig(servingConfig);
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
      audit.notes.push(`${servingConfig} has ${variants.length} variants: the chain follows ${variant?.VariantName}.`);
    if (!variant)
      audit.notes.push(`${servingConfig} names no model (its variants serve inference components): the chain follows the deployment record's model.`);
  } else {
    audit.notes.push(`Endpoint configuration ${servingConfig} no longer exists: its model comes from the deployment record.`);
  }
  if (deployed)
    configFacts.push({
      label: 'Deployment record',
      value: `${deployed.record.recordUri} (${deployed.record.deployment.deployedAt ?? deployed.record.recordedAt})`,
    });
  audit.link('endpoint-config', servingConfig, configFacts, config || deployed ? undefined : 'missing');

  if (!modelName) {
    audit.link('model', 'not found', [], 'missing');
    return { packageArn: deployed?.record.modelPackageArn, deployed };
  }
  const model = await audit.aws.describeModel(modelName);
  const containers = [model?.PrimaryContainer, ...(model?.Containers ?? [])].filter((c) => c !== undefined);
  const modelPackage = containers.find((c) => c.ModelPackageName)?.ModelPackageName;
  const modelFacts: Array<{ label: string; value: string }> = [];
  if (model) {
    modelFacts.push({ label: 'Created', value: time(model.CreationTime) ?? 'unknown' });
    modelFacts.push({ label: 'From package', value: modelPackage ?? 'none' });
    if (!modelPackage) {
      audit.find(
        'MODEL_WITHOUT_PACKAGE',
        `SageMaker model ${modelName} was created from ` +
          `${containers.map((c) => c.Image ?? '?').join(', ')} and ` +
          `${containers.map((c) => c.ModelDataUrl ?? '?').join(', ')}, not from a model package.`,
        'model',
      );
    }
  } else {
    audit.notes.push(`SageMaker model ${modelName} no longer exists: its package comes from the deployment record.`);
  }
  if (deployed) {
    const r = deployed.record.deployment;
    if (r.modelName !== modelName) {
      audit.find(
        'RECORD_MISMATCH',
        `Deployment record ${deployed.record.recordUri} says ${servingConfig} serves model ${r.modelName}; the configuration serves ${modelName}.`,
        'model',
      );
    }
    if (modelPackage && !samePackage(modelPackage, deployed.record.modelPackageArn)) {
      audit.find(
        'RECORD_MISMATCH',
        `Deployment record ${deployed.record.recordUri} says model ${modelName} serves ` +
          `${deployed.record.modelPackageArn}; SageMaker says ${modelPackage}.`,
        'model',
      );
    }
  }
  audit.link('model', modelName, modelFacts, model || deployed ? undefined : 'missing');
  const packageArn = modelPackage ?? deployed?.record.deployment.modelPackageName ?? deployed?.record.modelPackageArn;
  return { packageArn, deployed };
}

/** Merges the deployment records and the CloudTrail calls into one timeline, and says what served after each entry. */
export function buildHistory(audit: AuditState, deployments: Array<Loaded<DeploymentMilestoneRecord>>, events: EndpointEvent[]): void {
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
      audit.find(
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
    audit.history.push({ ...entry, servingAfter: serving });
  }
}
