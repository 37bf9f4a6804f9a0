/**
 * Relationships inside a template that pricers depend on: trails and the buckets and log groups they
 * feed, schedules and what they invoke, custom resources and their providers.
 */
import { CfnResource, CfnTemplate, referencedIds, scheduleRate } from '../template';
import { LAKE_WRITE_SHARE, PricingContext, props, resourcesOf } from './context';

export interface TrailFacts {
  /** Trail logical id -> events per month it records (management + data) at load. */
  readonly eventsByTrail: Map<string, number>;
  /** Log group logical id -> trail events delivered to it per month. */
  readonly trailLogGroups: Map<string, number>;
  /** Bucket logical id -> trail events whose log files it stores per month. */
  readonly auditBuckets: Map<string, number>;
}

/** Buckets that receive server access logs of other buckets. */
export function accessLogBuckets(template: CfnTemplate): Set<string> {
  const out = new Set<string>();
  for (const r of Object.values(resourcesOf(template))) {
    if (r.Type !== 'AWS::S3::Bucket') continue;
    const logging = props(r).LoggingConfiguration as Record<string, unknown> | undefined;
    if (logging?.DestinationBucketName !== undefined) referencedIds(logging.DestinationBucketName, out);
  }
  return out;
}

/** Buckets whose objects a trail records as S3 data events, and whether the trail has advanced selectors. */
export function trailDataBuckets(trail: CfnResource): { buckets: Set<string>; readWrite: string; advanced: boolean } {
  const p = props(trail);
  const buckets = new Set<string>();
  let readWrite = 'All';
  for (const selector of (p.EventSelectors as Array<Record<string, unknown>> | undefined) ?? []) {
    for (const data of (selector.DataResources as Array<Record<string, unknown>> | undefined) ?? []) {
      if (data.Type === 'AWS::S3::Object') referencedIds(data.Values, buckets);
    }
    if (typeof selector.ReadWriteType === 'string') readWrite = selector.ReadWriteType;
  }
  return { buckets, readWrite, advanced: Array.isArray(p.AdvancedEventSelectors) && p.AdvancedEventSelectors.length > 0 };
}

export function includesManagementEvents(trail: CfnResource): boolean {
  const p = props(trail);
  const selectors = p.EventSelectors as Array<Record<string, unknown>> | undefined;
  if (Array.isArray(p.AdvancedEventSelectors)) {
    return JSON.stringify(p.AdvancedEventSelectors).includes('"Management"');
  }
  if (!selectors || selectors.length === 0) return true;
  return selectors.some((s) => s.IncludeManagementEvents !== false);
}

/** The data buckets of one template: buckets a trail records, or, without a trail, every bucket that is not an access-log or audit bucket. */
export function dataBucketsOf(template: CfnTemplate): string[] {
  const resources = resourcesOf(template);
  const buckets = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::S3::Bucket');
  const trails = Object.values(resources).filter((r) => r.Type === 'AWS::CloudTrail::Trail');
  if (trails.length > 0) {
    const recorded = new Set<string>();
    for (const t of trails) trailDataBuckets(t).buckets.forEach((b) => recorded.add(b));
    return buckets.filter((b) => recorded.has(b));
  }
  const logs = accessLogBuckets(template);
  return buckets.filter((b) => !logs.has(b));
}

/** Share of the lake's requests a trail records, from its selectors. */
export function recordedShare(ctx: PricingContext, trail: CfnResource): { share: number; note?: string } {
  const { buckets, readWrite, advanced } = trailDataBuckets(trail);
  const rw = readWrite === 'WriteOnly' ? LAKE_WRITE_SHARE : readWrite === 'ReadOnly' ? 1 - LAKE_WRITE_SHARE : 1;
  if (advanced) return { share: 1, note: 'advanced event selectors: assumed to record every lake request' };
  const total = ctx.scan.dataBuckets.size;
  if (buckets.size === 0 || total === 0) return { share: 0 };
  const covered = [...buckets].filter((b) => ctx.scan.dataBuckets.has(`${ctx.stack}/${b}`)).length;
  return { share: (covered / total) * rw, note: `${covered} of ${total} data bucket(s)${rw < 1 ? `, ${readWrite}` : ''}` };
}

export function trailFacts(ctx: PricingContext): TrailFacts {
  const eventsByTrail = new Map<string, number>();
  const trailLogGroups = new Map<string, number>();
  const auditBuckets = new Map<string, number>();
  for (const [id, r] of Object.entries(resourcesOf(ctx.template))) {
    if (r.Type !== 'AWS::CloudTrail::Trail') continue;
    const events =
      (includesManagementEvents(r) ? ctx.load.managementEventsPerMonth : 0) + ctx.load.lakeRequestsPerMonth * recordedShare(ctx, r).share;
    eventsByTrail.set(id, events);
    const p = props(r);
    for (const g of referencedIds(p.CloudWatchLogsLogGroupArn)) trailLogGroups.set(g, (trailLogGroups.get(g) ?? 0) + events);
    for (const b of referencedIds(p.S3BucketName)) auditBuckets.set(b, (auditBuckets.get(b) ?? 0) + events);
  }
  return { eventsByTrail, trailLogGroups, auditBuckets };
}

/** Schedules (Scheduler and EventBridge rules) of the template that invoke `target`, with their firings per month. */
export function schedulesInvoking(ctx: PricingContext, target: string): Array<{ id: string; perMonth: number; note?: string }> {
  const out: Array<{ id: string; perMonth: number; note?: string }> = [];
  for (const [id, r] of Object.entries(resourcesOf(ctx.template))) {
    const p = props(r);
    let targets: unknown;
    if (r.Type === 'AWS::Scheduler::Schedule') {
      if (p.State === 'DISABLED') continue;
      targets = (p.Target as Record<string, unknown> | undefined)?.Arn;
    } else if (r.Type === 'AWS::Events::Rule' && typeof p.ScheduleExpression === 'string') {
      if (p.State === 'DISABLED') continue;
      targets = ((p.Targets as Array<Record<string, unknown>> | undefined) ?? []).map((t) => t.Arn);
    } else {
      continue;
    }
    if (!referencedIds(targets).has(target)) continue;
    const rate = typeof p.ScheduleExpression === 'string' ? scheduleRate(p.ScheduleExpression) : undefined;
    out.push({
      id,
      perMonth: rate?.perMonth ?? 730,
      note: rate ? rate.note : `schedule ${JSON.stringify(p.ScheduleExpression)} not understood: assumed hourly`,
    });
  }
  return out;
}

/** How many custom resources of the template use `fn` as their provider (ServiceToken). */
export function customResourcesServedBy(ctx: PricingContext, fn: string): number {
  return Object.values(resourcesOf(ctx.template)).filter(
    (r) => (/^Custom::/.test(r.Type) || r.Type === 'AWS::CloudFormation::CustomResource') && referencedIds(props(r).ServiceToken).has(fn),
  ).length;
}

/**
 * Whether anything in the template other than custom resources, its own log group and IAM could
 * invoke `fn`: a state machine, an event rule, an API, a permission, an event source mapping, a topic.
 */
export function invokedOtherwise(ctx: PricingContext, fn: string): boolean {
  return Object.entries(resourcesOf(ctx.template)).some(
    ([id, r]) =>
      id !== fn && !/^Custom::|^AWS::CloudFormation::CustomResource$|^AWS::IAM::|^AWS::Logs::/.test(r.Type) && referencedIds(r.Properties).has(fn),
  );
}

/** Whether the template has any schedule (Scheduler schedule or scheduled EventBridge rule). */
export function hasSchedule(template: CfnTemplate): boolean {
  return Object.values(resourcesOf(template)).some(
    (r) => r.Type === 'AWS::Scheduler::Schedule' || (r.Type === 'AWS::Events::Rule' && typeof props(r).ScheduleExpression === 'string'),
  );
}
