/**
 * Prices the CloudFormation resources of a synthesized template, one pricer per resource type.
 *
 * "Idle" is the stack deployed with no traffic, no pipeline runs and an empty lake; work that runs
 * on a clock (schedules and what they invoke) still runs. "Load" adds the stated load profile.
 * Resource types that cost nothing by themselves are listed in FREE_TYPES; any other type without a
 * pricer is reported as not priced, never silently counted as $0.
 */
import { count, LineItem, Meter, rate as perUnit } from './line-item';
import { LoadProfile } from './load-profile';
import { InstanceUse, PRICES_FILE, RegionPrices } from './prices';
import { allStates, CfnResource, CfnTemplate, literalNumber, literalString, referencedIds, scheduleRate, stateMachineDefinition } from './template';

/** Size of one CloudTrail event as delivered to CloudWatch Logs, in KB (assumption). */
export const TRAIL_EVENT_KB = 1.5;
/** How much gzip shrinks CloudTrail log files in S3 (assumption). */
export const TRAIL_GZIP_RATIO = 10;
/** Size of one S3 server access log record, in KB (assumption). */
export const ACCESS_LOG_RECORD_KB = 0.5;
/** Share of lake requests that are writes (PUT, COPY, POST, LIST); the rest are GETs (assumption). */
export const LAKE_WRITE_SHARE = 0.2;
/** Transitions of one run when a state machine's definition cannot be read (assumption). */
export const DEFAULT_TRANSITIONS_PER_RUN = 25;
/** Runtime assumed for a batch transform job, whose definition has no stopping condition. */
export const TRANSFORM_JOB_MINUTES = 60;
const DAYS_PER_MONTH = 730 / 24;

/** Resource types with no charge of their own (their cost, if any, is priced on another resource). */
const FREE_TYPES: readonly RegExp[] = [
  /^AWS::IAM::/,
  /^AWS::CDK::Metadata$/,
  /^AWS::S3::BucketPolicy$/,
  /^AWS::SNS::(TopicPolicy|Subscription)$/,
  /^AWS::SQS::QueuePolicy$/,
  /^AWS::Lambda::(Permission|Version|EventInvokeConfig|LayerVersionPermission)$/,
  /^AWS::ApiGateway::(Account|Deployment|Resource|Method|RequestValidator|Authorizer|Model|GatewayResponse|BasePathMapping|UsagePlan|UsagePlanKey|ApiKey)$/,
  /^AWS::ApiGatewayV2::(Stage|Route|Integration|Deployment|Authorizer)$/,
  /^AWS::KMS::Alias$/,
  /^AWS::Logs::(ResourcePolicy|MetricFilter|SubscriptionFilter|LogStream)$/,
  /^AWS::Events::(Rule|EventBusPolicy)$/,
  /^AWS::Scheduler::ScheduleGroup$/,
  /^AWS::SageMaker::(ModelPackageGroup|Model|EndpointConfig|CodeRepository|Image|ImageVersion|DataQualityJobDefinition|ModelQualityJobDefinition|ModelBiasJobDefinition|ModelExplainabilityJobDefinition)$/,
  /^AWS::ApplicationAutoScaling::(ScalableTarget|ScalingPolicy)$/,
  /^AWS::EC2::(VPC|Subnet|RouteTable|Route|SubnetRouteTableAssociation|InternetGateway|VPCGatewayAttachment|SecurityGroup|SecurityGroupIngress|SecurityGroupEgress|NetworkAcl|NetworkAclEntry|SubnetNetworkAclAssociation|EgressOnlyInternetGateway|PrefixList)$/,
  /^AWS::CloudFormation::(WaitCondition|WaitConditionHandle)$/,
  /^AWS::SSM::Parameter$/,
  /^Custom::/,
  /^AWS::CloudFormation::CustomResource$/,
];

/** Whether a resource type costs nothing by itself. */
export function isFreeType(type: string): boolean {
  return FREE_TYPES.some((re) => re.test(type));
}

/** What the estimate learns about the whole environment before pricing any stack. */
export interface EnvironmentScan {
  /** Data buckets (lake) of every stack, by `stack/logicalId`: the stated lake size is spread over them. */
  readonly dataBuckets: ReadonlySet<string>;
}

/** Per-environment counters that free allowances depend on (first trail, first 3 dashboards). */
export interface Allowances {
  managementTrails: number;
  dashboards: number;
}

/** Everything a pricer needs. */
export interface PricingContext {
  readonly stack: string;
  readonly model?: string;
  readonly template: CfnTemplate;
  readonly prices: RegionPrices;
  readonly load: LoadProfile;
  readonly hours: number;
  readonly scan: EnvironmentScan;
  readonly allowances: Allowances;
  /** Problems that leave something unpriced, for the report. */
  readonly warnings: string[];
  /** Whether the model's training and evaluation come from MlopsCost metadata (then the state machine's SageMaker tasks are not priced again). */
  readonly jobsFromMetadata: boolean;
}

type Pricer = (ctx: PricingContext, id: string, resource: CfnResource) => LineItem[];

function resourcesOf(template: CfnTemplate): Record<string, CfnResource> {
  return template.Resources ?? {};
}

function props(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

function line(ctx: PricingContext, id: string, type: string, meter: Meter, fields: { description: string; idle: number | null; load: number | null; detail: string; category?: LineItem['category'] }): LineItem {
  return {
    stack: ctx.stack,
    ...(ctx.model ? { model: ctx.model } : {}),
    id,
    type,
    category: fields.category ?? 'resources',
    description: fields.description,
    idle: fields.idle,
    load: fields.load,
    unconfirmed: meter.unconfirmed,
    detail: fields.detail,
  };
}

// ---------------------------------------------------------------------------------------------
// Relationships inside a template
// ---------------------------------------------------------------------------------------------

interface TrailFacts {
  /** Trail logical id -> events per month it records (management + data) at load. */
  readonly eventsByTrail: Map<string, number>;
  /** Log group logical id -> trail events delivered to it per month. */
  readonly trailLogGroups: Map<string, number>;
  /** Bucket logical id -> trail events whose log files it stores per month. */
  readonly auditBuckets: Map<string, number>;
}

/** Buckets that receive server access logs of other buckets. */
function accessLogBuckets(template: CfnTemplate): Set<string> {
  const out = new Set<string>();
  for (const r of Object.values(resourcesOf(template))) {
    if (r.Type !== 'AWS::S3::Bucket') continue;
    const logging = props(r).LoggingConfiguration as Record<string, unknown> | undefined;
    if (logging?.DestinationBucketName !== undefined) referencedIds(logging.DestinationBucketName, out);
  }
  return out;
}

/** Buckets whose objects a trail records as S3 data events, and whether the trail has advanced selectors. */
function trailDataBuckets(trail: CfnResource): { buckets: Set<string>; readWrite: string; advanced: boolean } {
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

function includesManagementEvents(trail: CfnResource): boolean {
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
function recordedShare(ctx: PricingContext, trail: CfnResource): { share: number; note?: string } {
  const { buckets, readWrite, advanced } = trailDataBuckets(trail);
  const rw = readWrite === 'WriteOnly' ? LAKE_WRITE_SHARE : readWrite === 'ReadOnly' ? 1 - LAKE_WRITE_SHARE : 1;
  if (advanced) return { share: 1, note: 'advanced event selectors: assumed to record every lake request' };
  const total = ctx.scan.dataBuckets.size;
  if (buckets.size === 0 || total === 0) return { share: 0 };
  const covered = [...buckets].filter((b) => ctx.scan.dataBuckets.has(`${ctx.stack}/${b}`)).length;
  return { share: (covered / total) * rw, note: `${covered} of ${total} data bucket(s)${rw < 1 ? `, ${readWrite}` : ''}` };
}

function trailFacts(ctx: PricingContext): TrailFacts {
  const eventsByTrail = new Map<string, number>();
  const trailLogGroups = new Map<string, number>();
  const auditBuckets = new Map<string, number>();
  for (const [id, r] of Object.entries(resourcesOf(ctx.template))) {
    if (r.Type !== 'AWS::CloudTrail::Trail') continue;
    const events = (includesManagementEvents(r) ? ctx.load.managementEventsPerMonth : 0) + ctx.load.lakeRequestsPerMonth * recordedShare(ctx, r).share;
    eventsByTrail.set(id, events);
    const p = props(r);
    for (const g of referencedIds(p.CloudWatchLogsLogGroupArn)) trailLogGroups.set(g, (trailLogGroups.get(g) ?? 0) + events);
    for (const b of referencedIds(p.S3BucketName)) auditBuckets.set(b, (auditBuckets.get(b) ?? 0) + events);
  }
  return { eventsByTrail, trailLogGroups, auditBuckets };
}

/** Schedules (Scheduler and EventBridge rules) of the template that invoke `target`, with their firings per month. */
function schedulesInvoking(ctx: PricingContext, target: string): Array<{ id: string; perMonth: number; note?: string }> {
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
    out.push({ id, perMonth: rate?.perMonth ?? 730, note: rate ? rate.note : `schedule ${JSON.stringify(p.ScheduleExpression)} not understood: assumed hourly` });
  }
  return out;
}

/** How many custom resources of the template use `fn` as their provider (ServiceToken). */
function customResourcesServedBy(ctx: PricingContext, fn: string): number {
  return Object.values(resourcesOf(ctx.template)).filter((r) => (/^Custom::/.test(r.Type) || r.Type === 'AWS::CloudFormation::CustomResource') && referencedIds(props(r).ServiceToken).has(fn)).length;
}

/**
 * Whether anything in the template other than custom resources, its own log group and IAM could
 * invoke `fn`: a state machine, an event rule, an API, a permission, an event source mapping, a topic.
 */
function invokedOtherwise(ctx: PricingContext, fn: string): boolean {
  return Object.entries(resourcesOf(ctx.template)).some(([id, r]) => id !== fn
    && !/^Custom::|^AWS::CloudFormation::CustomResource$|^AWS::IAM::|^AWS::Logs::/.test(r.Type)
    && referencedIds(r.Properties).has(fn));
}

/** Whether the template has any schedule (Scheduler schedule or scheduled EventBridge rule). */
export function hasSchedule(template: CfnTemplate): boolean {
  return Object.values(resourcesOf(template)).some((r) => r.Type === 'AWS::Scheduler::Schedule' || (r.Type === 'AWS::Events::Rule' && typeof props(r).ScheduleExpression === 'string'));
}

// ---------------------------------------------------------------------------------------------
// Pricers
// ---------------------------------------------------------------------------------------------

const kmsKey: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const key = m.price('kms.keyMonth');
  let total = key;
  let detail = `${perUnit(key)}/key-month`;
  if (p.EnableKeyRotation === true) {
    const period = literalNumber(p.RotationPeriodInDays) ?? 365;
    const per = m.price('kms.rotatedKeyMaterialMonth');
    const cap = m.price('kms.chargedRotations');
    const rotations = Math.min(cap, Math.floor((ctx.load.keyAgeMonths * 730) / 24 / period));
    total = key + rotations * per;
    detail += `; rotation every ${period} days adds ${perUnit(per)}/month at each of the first ${cap} rotations `
      + `(${perUnit(key + per)} from day ${period}, ${perUnit(key + cap * per)} from day ${cap * period}); key age ${ctx.load.keyAgeMonths} months: ${rotations} charged rotation(s)`;
  }
  const multiRegion = p.MultiRegion === true ? ' (multi-Region primary: each replica is priced in its own region)' : '';
  return [line(ctx, id, r.Type, m, { description: `KMS key${p.EnableKeyRotation === true ? ', rotating' : ''}${multiRegion}`, idle: total, load: total, detail })];
};

const cloudTrail: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const parts: string[] = [];
  let load = 0;
  if (includesManagementEvents(r)) {
    ctx.allowances.managementTrails++;
    if (ctx.allowances.managementTrails === 1) {
      parts.push('management events: the first copy in each region is free (assumes no other trail in the account delivers them)');
    } else {
      const cost = (ctx.load.managementEventsPerMonth / 100_000) * m.price('cloudtrail.additionalManagementEventsPer100k');
      load += cost;
      parts.push(`management events: another trail of this environment already delivers them, so ${count(ctx.load.managementEventsPerMonth)} events are charged: ${perUnit(cost)}`);
    }
  }
  const { share, note } = recordedShare(ctx, r);
  if (share > 0) {
    const events = ctx.load.lakeRequestsPerMonth * share;
    const rate = m.price('cloudtrail.dataEventsPer100k');
    const cost = (events / 100_000) * rate;
    load += cost;
    parts.push(`S3 data events: ${count(events)} (${note}) x ${perUnit(rate)}/100k = ${perUnit(cost)}`);
  }
  const multi = props(r).IsMultiRegionTrail === true ? ', multi-region' : '';
  return [line(ctx, id, r.Type, m, { description: `CloudTrail trail${multi}`, idle: 0, load, detail: parts.join('; ') || 'no events recorded' })];
};

function retentionMonths(days: number | undefined): number | undefined {
  return days === undefined ? undefined : days / DAYS_PER_MONTH;
}

function logGroupPricer(trails: TrailFacts): Pricer {
  return (ctx, id, r) => {
    const m = new Meter(ctx.prices);
    const p = props(r);
    const trailEvents = trails.trailLogGroups.get(id);
    const gb = trailEvents !== undefined ? (trailEvents * TRAIL_EVENT_KB) / 1e6 : ctx.load.logGbPerGroup;
    const infrequent = p.LogGroupClass === 'INFREQUENT_ACCESS';
    const ingestRate = m.price(infrequent ? 'logs.infrequentAccessIngestionPerGb' : 'logs.ingestionPerGb');
    const days = literalNumber(p.RetentionInDays);
    const months = Math.min(ctx.load.retainedMonths, retentionMonths(days) ?? Infinity);
    const stored = gb * months;
    const storeRate = m.price('logs.storagePerGbMonth');
    const load = gb * ingestRate + stored * storeRate;
    const source = trailEvents !== undefined
      ? `${count(Math.round(trailEvents))} trail events x ${TRAIL_EVENT_KB} KB = ${gb.toFixed(3)} GB/month`
      : `${gb} GB/month (--log-gb)`;
    return [line(ctx, id, r.Type, m, {
      description: `log group${days !== undefined ? `, ${days} days` : ', never expires'}${infrequent ? ', infrequent access' : ''}${trailEvents !== undefined ? ' (CloudTrail)' : ''}`,
      idle: 0,
      load,
      detail: `ingestion ${source} x ${perUnit(ingestRate)}/GB; storage ${stored.toFixed(3)} GB (${months.toFixed(1)} months kept, uncompressed) x ${perUnit(storeRate)}/GB-month`,
    })];
  };
}

function alarmMetrics(p: Record<string, unknown>): { metrics: number; highResolution: boolean } {
  const list = p.Metrics as Array<Record<string, unknown>> | undefined;
  const periods: number[] = [];
  let metrics = 1;
  if (Array.isArray(list) && list.length > 0) {
    metrics = 0;
    for (const q of list) {
      const stat = q.MetricStat as Record<string, unknown> | undefined;
      if (stat) {
        metrics++;
        const period = literalNumber(stat.Period);
        if (period !== undefined) periods.push(period);
      }
      if (typeof q.Expression === 'string' && q.Expression.includes('ANOMALY_DETECTION_BAND')) metrics += 2;
    }
    metrics = Math.max(metrics, 1);
  }
  const period = literalNumber(p.Period);
  if (period !== undefined) periods.push(period);
  return { metrics, highResolution: periods.some((s) => s < 60) };
}

const alarm: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const { metrics, highResolution } = alarmMetrics(props(r));
  const rate = m.price(highResolution ? 'cloudwatch.highResolutionAlarmMetricMonth' : 'cloudwatch.standardAlarmMetricMonth');
  const cost = metrics * rate;
  return [line(ctx, id, r.Type, m, {
    description: `CloudWatch alarm${highResolution ? ', high resolution' : ''}`,
    idle: cost,
    load: cost,
    detail: `${metrics} metric(s) x ${perUnit(rate)}/alarm metric-month (the account's 10 free alarm metrics not subtracted)`,
  })];
};

const compositeAlarm: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const cost = m.price('cloudwatch.compositeAlarmMonth');
  return [line(ctx, id, r.Type, m, { description: 'CloudWatch composite alarm', idle: cost, load: cost, detail: `${perUnit(cost)}/month` })];
};

const dashboard: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  ctx.allowances.dashboards++;
  const free = m.price('cloudwatch.freeDashboards');
  const rate = m.price('cloudwatch.dashboardMonth');
  const isFree = ctx.allowances.dashboards <= free;
  const cost = isFree ? 0 : rate;
  return [line(ctx, id, r.Type, m, {
    description: 'CloudWatch dashboard',
    idle: cost,
    load: cost,
    detail: isFree
      ? `dashboard ${ctx.allowances.dashboards} of this environment: within the account's ${free} free dashboards (assumes the account has no others); ${perUnit(rate)}/month beyond`
      : `dashboard ${ctx.allowances.dashboards} of this environment, beyond the ${free} free: ${perUnit(rate)}/month`,
  })];
};

const secret: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const rate = m.price('secretsManager.secretMonth');
  const replicas = Array.isArray(props(r).ReplicaRegions) ? (props(r).ReplicaRegions as unknown[]).length : 0;
  const cost = rate * (1 + replicas);
  return [line(ctx, id, r.Type, m, {
    description: `Secrets Manager secret${replicas ? ` with ${replicas} replica(s)` : ''}`,
    idle: cost,
    load: cost,
    detail: `${1 + replicas} x ${perUnit(rate)}/secret-month; API calls (${perUnit(m.price('secretsManager.per10kApiCalls'))}/10k) negligible at this load, not priced`,
  })];
};

const dynamoTable: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const l = ctx.load;
  const storage = l.dynamoGb * m.price('dynamodb.storagePerGbMonth');
  const pitrOn = (p.PointInTimeRecoverySpecification as Record<string, unknown> | undefined)?.PointInTimeRecoveryEnabled === true;
  const pitr = pitrOn ? l.dynamoGb * m.price('dynamodb.pitrPerGbMonth') : 0;
  const parts: string[] = [];
  let idle = 0;
  let requests: number;
  if (p.BillingMode === 'PAY_PER_REQUEST' || (r.Type === 'AWS::DynamoDB::GlobalTable' && p.BillingMode !== 'PROVISIONED')) {
    const w = m.price('dynamodb.onDemandWritePerMillion');
    const rd = m.price('dynamodb.onDemandReadPerMillion');
    requests = (l.dynamoWrites / 1e6) * w + (l.dynamoReads / 1e6) * rd;
    parts.push(`on demand: ${count(l.dynamoWrites)} writes x ${perUnit(w)}/M + ${count(l.dynamoReads)} reads x ${perUnit(rd)}/M`);
  } else {
    const throughput = p.ProvisionedThroughput as Record<string, unknown> | undefined;
    const rcu = literalNumber(throughput?.ReadCapacityUnits) ?? 0;
    const wcu = literalNumber(throughput?.WriteCapacityUnits) ?? 0;
    idle = (rcu * m.price('dynamodb.provisionedRcuHour') + wcu * m.price('dynamodb.provisionedWcuHour')) * ctx.hours;
    requests = 0;
    parts.push(`provisioned ${rcu} RCU + ${wcu} WCU x ${ctx.hours} h (indexes' own capacity not priced)`);
  }
  parts.push(`storage ${l.dynamoGb} GB${pitrOn ? ' plus point-in-time recovery' : ''}`);
  return [line(ctx, id, r.Type, m, { description: `DynamoDB table${pitrOn ? ', PITR' : ''}`, idle, load: idle + requests + storage + pitr, detail: parts.join('; ') })];
};

const lambdaFunction: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const memory = literalNumber(p.MemorySize) ?? 128;
  const arch = Array.isArray(p.Architectures) && p.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64';
  const timeout = literalNumber(p.Timeout) ?? 3;
  const seconds = Math.min(ctx.load.lambdaSeconds, timeout);
  const schedules = schedulesInvoking(ctx, id);
  const scheduled = schedules.reduce((n, s) => n + s.perMonth, 0);
  const customResources = customResourcesServedBy(ctx, id);
  const onlyDeploys = schedules.length === 0 && customResources > 0 && !invokedOtherwise(ctx, id);
  const invocations = schedules.length > 0 ? scheduled : onlyDeploys ? 0 : ctx.load.lambdaInvocations;
  const gbSeconds = invocations * seconds * (memory / 1024);
  const rate = m.price(arch === 'arm64' ? 'lambda.arm64PerGbSecond' : 'lambda.x86PerGbSecond');
  const req = m.price('lambda.requestsPerMillion');
  const cost = (invocations / 1e6) * req + gbSeconds * rate;
  const source = schedules.length > 0
    ? `${count(Math.round(invocations))} scheduled invocations (${schedules.map((s) => s.id + (s.note ? `: ${s.note}` : '')).join(', ')})`
    : onlyDeploys
      ? `custom resource handler: runs only when the stack is deployed or deleted, so 0 invocations a month`
      : `${count(invocations)} invocations (--lambda-invocations)`;
  return [line(ctx, id, r.Type, m, {
    description: `Lambda function, ${memory} MB ${arch}`,
    idle: schedules.length > 0 ? cost : 0,
    load: cost,
    detail: onlyDeploys ? source : `${source} x ${seconds} s = ${count(Math.round(gbSeconds))} GB-s x ${perUnit(rate)} + requests x ${perUnit(req)}/M`,
  })];
};

/** Monthly cost of one run's SageMaker jobs read from a state machine definition, as training lines. */
function jobsInDefinition(ctx: PricingContext, id: string, definition: Record<string, unknown>, runs: number): LineItem[] {
  const out: LineItem[] = [];
  for (const [name, state] of allStates(definition)) {
    const resource = literalString(state.Resource) ?? '';
    const params = (state.Parameters ?? state.Arguments) as Record<string, unknown> | undefined;
    if (!params || !/:sagemaker:create(Training|Processing|Transform)Job/.test(resource)) continue;
    let use: InstanceUse;
    let type: unknown;
    let instances: number;
    let minutes: number;
    let spot = false;
    let what: string;
    if (resource.includes('createTrainingJob')) {
      const rc = params.ResourceConfig as Record<string, unknown> | undefined;
      use = 'training';
      type = rc?.InstanceType;
      instances = literalNumber(rc?.InstanceCount) ?? 1;
      minutes = (literalNumber((params.StoppingCondition as Record<string, unknown> | undefined)?.MaxRuntimeInSeconds) ?? 86_400) / 60;
      spot = params.EnableManagedSpotTraining === true;
      what = 'training job';
    } else if (resource.includes('createProcessingJob')) {
      const cc = ((params.ProcessingResources as Record<string, unknown> | undefined)?.ClusterConfig) as Record<string, unknown> | undefined;
      use = 'processing';
      type = cc?.InstanceType;
      instances = literalNumber(cc?.InstanceCount) ?? 1;
      minutes = (literalNumber((params.StoppingCondition as Record<string, unknown> | undefined)?.MaxRuntimeInSeconds) ?? 86_400) / 60;
      what = 'processing job';
    } else {
      const tr = params.TransformResources as Record<string, unknown> | undefined;
      use = 'training';
      type = tr?.InstanceType;
      instances = literalNumber(tr?.InstanceCount) ?? 1;
      minutes = TRANSFORM_JOB_MINUTES;
      what = `batch transform job (${TRANSFORM_JOB_MINUTES} min assumed; priced at training rates)`;
    }
    out.push(jobLineItem(ctx, `${id}/${name}`, `${what} "${name}" (pipeline task)`, use, literalString(type), instances, minutes, spot, runs));
  }
  return out;
}

/**
 * A SageMaker job priced per run (runtime taken as its maximum, an upper bound) times the runs per month.
 * An unknown instance type gives a line without figures and a warning naming the type and the table.
 */
export function jobLineItem(ctx: PricingContext, id: string, description: string, use: InstanceUse, instanceType: string | undefined, instances: number, minutes: number, spot: boolean, runs: number): LineItem {
  const m = new Meter(ctx.prices);
  const type = 'SageMaker job';
  if (!instanceType) {
    ctx.warnings.push(`${ctx.stack}: ${description}: the instance type is not a literal in the template, so the job is not priced`);
    return line(ctx, id, type, m, { category: 'training', description, idle: 0, load: null, detail: 'instance type unknown' });
  }
  const price = ctx.prices.instance(use, instanceType);
  if (!price) {
    ctx.warnings.push(unknownInstanceMessage(ctx, instanceType, use, `${ctx.stack}: ${description}`));
    return line(ctx, id, type, m, { category: 'training', description: `${description}, ${instances} x ${instanceType}`, idle: 0, load: null, detail: `unknown instance type ${instanceType}: not priced` });
  }
  const hourly = m.use(price);
  const discount = spot ? ctx.load.spotDiscount : 0;
  const perRun = instances * hourly * (minutes / 60) * (1 - discount);
  return {
    ...line(ctx, id, type, m, {
      category: 'training',
      description: `${description}, ${instances} x ${instanceType}${spot ? ' spot' : ''}`,
      idle: 0,
      load: perRun * runs,
      detail: `per run ${perUnit(perRun)} = ${instances} x ${perUnit(hourly)}/h x ${minutes} min (the maximum runtime)${spot ? ` x (1 - ${ctx.load.spotDiscount} spot discount)` : ''}; x ${runs} run(s)/month`,
    }),
    perRun,
  };
}

/** The message for an instance type the price table does not list. */
export function unknownInstanceMessage(ctx: { prices: RegionPrices }, instanceType: string, use: InstanceUse, where: string): string {
  return `${where}: unknown instance type "${instanceType}" for SageMaker ${use} in ${ctx.prices.region}: not in ${PRICES_FILE} `
    + `(${ctx.prices.instanceTablePath(use)}); add its hourly price there. Left out of the totals.`;
}

const stateMachine: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const definition = stateMachineDefinition(r);
  const states = definition ? allStates(definition).length : undefined;
  const transitions = states ?? DEFAULT_TRANSITIONS_PER_RUN;
  const runs = ctx.load.trainingRunsPerMonth;
  const express = p.StateMachineType === 'EXPRESS';
  let cost: number;
  let detail: string;
  if (express) {
    const rate = m.price('stepFunctions.expressPerMillionRequests');
    cost = (runs / 1e6) * rate;
    detail = `express: ${runs} runs x ${perUnit(rate)}/M requests (duration charges not priced)`;
  } else {
    const rate = m.price('stepFunctions.standardPer1000Transitions');
    cost = ((transitions * runs) / 1000) * rate;
    detail = `${transitions} transitions per run (${states !== undefined ? 'one per state of the definition, an upper bound for one run' : 'definition unreadable: assumed'}) x ${runs} runs (--training-runs) x ${perUnit(rate)}/1000`;
  }
  const out = [line(ctx, id, r.Type, m, { description: `Step Functions state machine${express ? ', express' : ''}`, idle: 0, load: cost, detail })];
  if (definition && !ctx.jobsFromMetadata) out.push(...jobsInDefinition(ctx, id, definition, runs));
  return out;
};

const restApi: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const rate = m.price('apiGateway.restPerMillion');
  const cost = (ctx.load.apiRequests / 1e6) * rate;
  return [line(ctx, id, r.Type, m, { description: 'API Gateway REST API', idle: 0, load: cost, detail: `${count(ctx.load.apiRequests)} requests (--api-requests) x ${perUnit(rate)}/M` })];
};

const httpApi: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  if (props(r).ProtocolType === 'WEBSOCKET') {
    ctx.warnings.push(`${ctx.stack}/${id}: WebSocket APIs are not priced (messages and connection minutes are not in ${PRICES_FILE})`);
    return [line(ctx, id, r.Type, m, { description: 'API Gateway WebSocket API', idle: 0, load: null, detail: 'not priced' })];
  }
  const rate = m.price('apiGateway.httpPerMillion');
  const cost = (ctx.load.apiRequests / 1e6) * rate;
  return [line(ctx, id, r.Type, m, { description: 'API Gateway HTTP API', idle: 0, load: cost, detail: `${count(ctx.load.apiRequests)} requests (--api-requests) x ${perUnit(rate)}/M` })];
};

const apiStage: Pricer = (ctx, id, r) => {
  const p = props(r);
  if (p.CacheClusterEnabled !== true) return [];
  const m = new Meter(ctx.prices);
  const size = literalString(p.CacheClusterSize) ?? String(literalNumber(p.CacheClusterSize) ?? '0.5');
  const price = ctx.prices.keyed('apiGateway.cacheHourBySizeGb', size);
  if (!price) {
    ctx.warnings.push(`${ctx.stack}/${id}: API Gateway cache size ${size} GB is not in ${PRICES_FILE} (apiGateway.cacheHourBySizeGb); left out of the totals`);
    return [line(ctx, id, r.Type, m, { description: `API Gateway cache ${size} GB`, idle: null, load: null, detail: 'unknown cache size' })];
  }
  const cost = m.use(price) * ctx.hours;
  return [line(ctx, id, r.Type, m, { description: `API Gateway cache ${size} GB`, idle: cost, load: cost, detail: `${perUnit(price.value)}/h x ${ctx.hours} h` })];
};

const snsTopic: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  let emails = ((props(r).Subscription as Array<Record<string, unknown>> | undefined) ?? []).filter((s) => /^email/.test(String(s.Protocol))).length;
  for (const s of Object.values(resourcesOf(ctx.template))) {
    if (s.Type === 'AWS::SNS::Subscription' && /^email/.test(String(props(s).Protocol)) && referencedIds(props(s).TopicArn).has(id)) emails++;
  }
  const publishes = ctx.load.snsPublishes;
  const pub = m.price('sns.publishesPerMillion');
  const mail = m.price('sns.emailPer100k');
  const cost = (publishes / 1e6) * pub + ((publishes * emails) / 1e5) * mail;
  return [line(ctx, id, r.Type, m, {
    description: `SNS topic${emails ? `, ${emails} e-mail subscription(s)` : ''}`,
    idle: 0,
    load: cost,
    detail: `${count(publishes)} publishes (--sns-publishes) x ${perUnit(pub)}/M${emails ? ` + ${count(publishes * emails)} e-mails x ${perUnit(mail)}/100k` : ''}`,
  })];
};

function bucketPricer(trails: TrailFacts, accessLogs: Set<string>): Pricer {
  return (ctx, id, r) => {
    const m = new Meter(ctx.prices);
    const l = ctx.load;
    const storageRate = m.price('s3.standardPerGbMonth');
    const p = props(r);
    const expirationDays = ((p.LifecycleConfiguration as Record<string, unknown> | undefined)?.Rules as Array<Record<string, unknown>> | undefined)
      ?.map((rule) => literalNumber(rule.ExpirationInDays))
      .find((d) => d !== undefined);
    const keptMonths = Math.min(l.retainedMonths, retentionMonths(expirationDays) ?? Infinity);
    const dataKey = `${ctx.stack}/${id}`;
    if (ctx.scan.dataBuckets.has(dataKey)) {
      const n = ctx.scan.dataBuckets.size;
      const gb = l.lakeGb / n;
      const requests = l.lakeRequestsPerMonth / n;
      const put = m.price('s3.putPer1000');
      const get = m.price('s3.getPer1000');
      const requestCost = ((requests * LAKE_WRITE_SHARE) / 1000) * put + ((requests * (1 - LAKE_WRITE_SHARE)) / 1000) * get;
      const tiering = JSON.stringify(p.LifecycleConfiguration ?? {}).includes('INTELLIGENT_TIERING') ? '; priced as S3 Standard (its Intelligent-Tiering transition would lower this)' : '';
      return [line(ctx, id, r.Type, m, {
        description: 'S3 data bucket',
        idle: 0,
        load: gb * storageRate + requestCost,
        detail: `${gb.toFixed(1)} GB (--lake-gb ${l.lakeGb} over ${n} data buckets) x ${perUnit(storageRate)}/GB-month + ${count(Math.round(requests))} requests (${LAKE_WRITE_SHARE * 100}% writes x ${perUnit(put)}/1000, reads x ${perUnit(get)}/1000)${tiering}`,
      })];
    }
    const trailEvents = trails.auditBuckets.get(id);
    if (trailEvents !== undefined) {
      const gb = ((trailEvents * TRAIL_EVENT_KB) / TRAIL_GZIP_RATIO / 1e6) * l.retainedMonths;
      return [line(ctx, id, r.Type, m, {
        description: 'S3 audit bucket (trail log files)',
        idle: 0,
        load: gb * storageRate,
        detail: `${count(Math.round(trailEvents))} events/month x ${TRAIL_EVENT_KB} KB / ${TRAIL_GZIP_RATIO} (gzip) x ${l.retainedMonths} months = ${gb.toFixed(3)} GB x ${perUnit(storageRate)}/GB-month (decision records and delivery requests negligible)`,
      })];
    }
    if (accessLogs.has(id)) {
      const gb = ((l.lakeRequestsPerMonth * ACCESS_LOG_RECORD_KB) / 1e6) * keptMonths;
      return [line(ctx, id, r.Type, m, {
        description: 'S3 access-log bucket',
        idle: 0,
        load: gb * storageRate,
        detail: `${count(l.lakeRequestsPerMonth)} logged requests/month x ${ACCESS_LOG_RECORD_KB} KB x ${keptMonths.toFixed(1)} months kept = ${gb.toFixed(3)} GB x ${perUnit(storageRate)}/GB-month (log delivery is free)`,
      })];
    }
    return [line(ctx, id, r.Type, m, {
      description: 'S3 bucket',
      idle: 0,
      load: 0,
      detail: `no data size is stated for this bucket (neither a lake data bucket, an audit bucket nor an access-log bucket): storage at ${perUnit(storageRate)}/GB-month not priced`,
    })];
  };
}

const schedule: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const expression = literalString(p.ScheduleExpression) ?? '';
  const rate = scheduleRate(expression);
  const perMonth = p.State === 'DISABLED' ? 0 : rate?.perMonth ?? 730;
  const price = m.price('scheduler.invocationsPerMillion');
  const cost = (perMonth / 1e6) * price;
  return [line(ctx, id, r.Type, m, {
    description: `EventBridge Scheduler schedule ${expression}`,
    idle: cost,
    load: cost,
    detail: `${count(Math.round(perMonth))} invocations/month${rate?.note ? ` (${rate.note})` : rate ? '' : ' (expression not understood: assumed hourly)'} x ${perUnit(price)}/M (the account's 14M free invocations not subtracted); the target is priced on its own line`,
  })];
};

const sqsQueue: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const fifo = props(r).FifoQueue === true;
  const rate = m.price(fifo ? 'sqs.fifoPerMillion' : 'sqs.standardPerMillion');
  const cost = (ctx.load.sqsRequests / 1e6) * rate;
  return [line(ctx, id, r.Type, m, {
    description: `SQS queue${fifo ? ', FIFO' : ''}`,
    idle: 0,
    load: cost,
    detail: `${count(ctx.load.sqsRequests)} requests (--sqs-requests) x ${perUnit(rate)}/M (the account's 1M free requests not subtracted; a Lambda consumer's long polling adds requests even when idle)`,
  })];
};

const natGateway: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const hour = m.price('ec2.natGatewayHour');
  const gb = m.price('ec2.natGatewayPerGb');
  const idle = hour * ctx.hours;
  return [line(ctx, id, r.Type, m, {
    description: 'NAT gateway',
    idle,
    load: idle + ctx.load.natGb * gb,
    detail: `${perUnit(hour)}/h x ${ctx.hours} h + ${ctx.load.natGb} GB (--nat-gb) x ${perUnit(gb)}/GB (data transfer out to the internet not priced)`,
  })];
};

const elasticIp: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const hour = m.price('ec2.publicIpv4Hour');
  const cost = hour * ctx.hours;
  return [line(ctx, id, r.Type, m, { description: 'public IPv4 address', idle: cost, load: cost, detail: `${perUnit(hour)}/h x ${ctx.hours} h` })];
};

const vpcEndpoint: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const kind = literalString(p.VpcEndpointType) ?? 'Gateway';
  if (kind === 'Gateway') {
    return [line(ctx, id, r.Type, m, { description: 'gateway VPC endpoint (S3/DynamoDB)', idle: 0, load: 0, detail: 'gateway endpoints have no hourly or data charge' })];
  }
  if (kind !== 'Interface') {
    ctx.warnings.push(`${ctx.stack}/${id}: ${kind} VPC endpoints are not priced (not in ${PRICES_FILE})`);
    return [line(ctx, id, r.Type, m, { description: `${kind} VPC endpoint`, idle: null, load: null, detail: 'not priced' })];
  }
  const subnets = Array.isArray(p.SubnetIds) ? p.SubnetIds.length : undefined;
  const azs = subnets ?? 2;
  const hour = m.price('ec2.interfaceEndpointHourPerAz');
  const gb = m.price('ec2.interfaceEndpointPerGb');
  const idle = azs * hour * ctx.hours;
  const service = literalString(p.ServiceName) ?? JSON.stringify(p.ServiceName ?? '').replace(/.*com\.amazonaws\.[^.]*\.?/, '').replace(/["\]}]/g, '');
  return [line(ctx, id, r.Type, m, {
    description: `interface VPC endpoint${service ? ` ${service}` : ''}`,
    idle,
    load: idle + ctx.load.endpointGb * gb,
    detail: `${azs} AZ(s)${subnets === undefined ? ' (subnets not literal: assumed 2)' : ''} x ${perUnit(hour)}/h x ${ctx.hours} h + ${ctx.load.endpointGb} GB (--endpoint-gb) x ${perUnit(gb)}/GB`,
  })];
};

const featureGroup: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const online = props(r).OnlineStoreConfig as Record<string, unknown> | undefined;
  if (online?.EnableOnlineStore !== true) {
    return [line(ctx, id, r.Type, m, { description: 'feature group, offline store only', idle: 0, load: 0, detail: 'the offline store is S3 data in the lake (priced with the data buckets); no online store' })];
  }
  if (online.StorageType === 'InMemory') {
    ctx.warnings.push(`${ctx.stack}/${id}: the in-memory online store tier is not priced (not in ${PRICES_FILE}); left out of the totals`);
    return [line(ctx, id, r.Type, m, { description: 'feature group, in-memory online store', idle: null, load: null, detail: 'not priced' })];
  }
  const l = ctx.load;
  const w = m.price('sagemaker.featureStore.writePerMillion');
  const rd = m.price('sagemaker.featureStore.readPerMillion');
  const st = m.price('sagemaker.featureStore.storagePerGbMonth');
  const reads = l.requestsPerMonth;
  const cost = (l.featureWrites / 1e6) * w + (reads / 1e6) * rd + l.featureGb * st;
  return [line(ctx, id, r.Type, m, {
    description: 'feature group with online store (standard tier, on demand)',
    idle: 0,
    load: cost,
    detail: `${count(l.featureWrites)} writes x ${perUnit(w)}/M + ${count(reads)} reads (one per inference request) x ${perUnit(rd)}/M + ${l.featureGb} GB x ${perUnit(st)}/GB-month`,
  })];
};

/** Prices an endpoint from its endpoint configuration in the same template. */
const endpoint: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const resources = resourcesOf(ctx.template);
  const configId = [...referencedIds(props(r).EndpointConfigName)].find((ref) => resources[ref]?.Type === 'AWS::SageMaker::EndpointConfig');
  if (!configId) {
    ctx.warnings.push(`${ctx.stack}/${id}: the endpoint's configuration is not in this template, so the endpoint is not priced`);
    return [line(ctx, id, r.Type, m, { category: 'serving', description: 'SageMaker endpoint', idle: null, load: null, detail: 'endpoint configuration not found' })];
  }
  const variants = (props(resources[configId]).ProductionVariants as Array<Record<string, unknown>> | undefined) ?? [];
  const out: LineItem[] = [];
  variants.forEach((v, i) => {
    const name = literalString(v.VariantName) ?? `variant ${i + 1}`;
    const serverless = v.ServerlessConfig as Record<string, unknown> | undefined;
    if (serverless) {
      out.push(serverlessLine(ctx, `${id}/${name}`, `SageMaker serverless endpoint (${configId}, ${name})`, literalNumber(serverless.MemorySizeInMB) ?? 2048, literalNumber(serverless.ProvisionedConcurrency) ?? 0));
      return;
    }
    const type = literalString(v.InstanceType);
    const instances = literalNumber(v.InitialInstanceCount) ?? 1;
    const capture = props(resources[configId]).DataCaptureConfig as Record<string, unknown> | undefined;
    const capturePercent = capture ? literalNumber(capture.InitialSamplingPercentage) ?? ctx.load.capturePercent : 0;
    out.push(realtimeLine(ctx, `${id}/${name}`, `SageMaker real-time endpoint (${configId}, ${name})`, type, instances, instances, instances, capturePercent));
  });
  return out;
};

/** A real-time endpoint: `minInstances` all month at idle; at load as many as the traffic needs, within the bounds. */
export function realtimeLine(ctx: PricingContext, id: string, description: string, instanceType: string | undefined, initial: number, min: number, max: number, capturePercent: number): LineItem {
  const m = new Meter(ctx.prices);
  const type = 'SageMaker endpoint';
  if (!instanceType) {
    ctx.warnings.push(`${ctx.stack}: ${description}: the instance type is not a literal, so the endpoint is not priced`);
    return line(ctx, id, type, m, { category: 'serving', description, idle: null, load: null, detail: 'instance type unknown' });
  }
  const price = ctx.prices.instance('realtime', instanceType);
  if (!price) {
    ctx.warnings.push(unknownInstanceMessage(ctx, instanceType, 'realtime', `${ctx.stack}: ${description}`));
    return line(ctx, id, type, m, { category: 'serving', description: `${description}, ${instanceType}`, idle: null, load: null, detail: `unknown instance type ${instanceType}: not priced` });
  }
  const l = ctx.load;
  const hourly = m.use(price);
  const busySeconds = l.requestsPerMonth * (l.inferenceMs / 1000);
  const needed = Math.ceil(busySeconds / (ctx.hours * 3600 * l.targetUtilization));
  const atLoad = Math.min(Math.max(max, min), Math.max(min, needed, l.requestsPerMonth > 0 ? 1 : 0));
  const idle = min * hourly * ctx.hours;
  const loadHours = min === 0 ? l.activeHoursPerDay * (ctx.hours / 24) : ctx.hours;
  const captureGb = (l.requestsPerMonth * (capturePercent / 100) * l.payloadKb) / 1e6;
  const s3 = m.price('s3.standardPerGbMonth');
  const load = atLoad * hourly * loadHours + captureGb * s3;
  const parts = [
    `idle: ${min} x ${perUnit(hourly)}/h x ${ctx.hours} h (minimum instances)`,
    `at load: ${atLoad} instance(s) x ${loadHours.toFixed(0)} h (${count(l.requestsPerMonth)} requests x ${l.inferenceMs} ms need ${needed} at ${l.targetUtilization * 100}% utilization; bounds ${min}-${max})`,
  ];
  if (captureGb > 0) parts.push(`data capture ${capturePercent}%: ${captureGb.toFixed(3)} GB x ${perUnit(s3)}/GB-month`);
  if (initial > min) parts.push(`starts with ${initial} instance(s) until autoscaling scales in`);
  return line(ctx, id, type, m, { category: 'serving', description: `${description}, ${instanceType} x ${min}-${Math.max(max, min)}`, idle, load, detail: parts.join('; ') });
}

/** A serverless endpoint: provisioned concurrency at idle; duration and data processed at load. */
export function serverlessLine(ctx: PricingContext, id: string, description: string, memoryMb: number, provisioned: number): LineItem {
  const m = new Meter(ctx.prices);
  const l = ctx.load;
  const gb = memoryMb / 1024;
  const pcRate = m.price('sagemaker.provisionedConcurrencyPerGbSecond');
  const rate = m.price('sagemaker.serverlessPerGbSecond');
  const dataRate = m.price('sagemaker.serverlessDataPerGb');
  const idle = provisioned * gb * pcRate * ctx.hours * 3600;
  const gbSeconds = l.requestsPerMonth * (l.inferenceMs / 1000) * gb;
  const dataGb = (l.requestsPerMonth * l.payloadKb) / 1e6;
  const load = idle + gbSeconds * rate + dataGb * dataRate;
  return line(ctx, id, 'SageMaker endpoint', m, {
    category: 'serving',
    description: `${description}, ${memoryMb} MB${provisioned ? `, ${provisioned} provisioned` : ''}`,
    idle,
    load,
    detail: `${provisioned ? `idle: ${provisioned} x ${gb} GB x ${perUnit(pcRate)}/GB-s provisioned concurrency x ${ctx.hours} h; ` : 'idle: nothing (scales to zero); '}`
      + `at load: ${count(l.requestsPerMonth)} requests x ${l.inferenceMs} ms x ${gb} GB = ${count(Math.round(gbSeconds))} GB-s x ${perUnit(rate)} + ${dataGb.toFixed(3)} GB processed x ${perUnit(dataRate)}/GB`,
  });
}

const monitoringSchedule: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const config = props(r).MonitoringScheduleConfig as Record<string, unknown> | undefined;
  const expression = literalString((config?.ScheduleConfig as Record<string, unknown> | undefined)?.ScheduleExpression) ?? '';
  const rate = scheduleRate(expression);
  const definition = config?.MonitoringJobDefinition as Record<string, unknown> | undefined;
  const cluster = ((definition?.MonitoringResources as Record<string, unknown> | undefined)?.ClusterConfig) as Record<string, unknown> | undefined;
  const type = literalString(cluster?.InstanceType);
  if (!definition || !type) {
    ctx.warnings.push(`${ctx.stack}/${id}: the monitoring schedule's job definition is not inline, so its jobs are not priced`);
    return [line(ctx, id, r.Type, m, { category: 'serving', description: 'SageMaker monitoring schedule', idle: null, load: null, detail: 'job definition not inline' })];
  }
  const minutes = (literalNumber((definition.StoppingCondition as Record<string, unknown> | undefined)?.MaxRuntimeInSeconds) ?? 3600) / 60;
  const item = jobLineItem(ctx, id, `monitoring job of ${id} (${expression})`, 'processing', type, literalNumber(cluster?.InstanceCount) ?? 1, minutes, false, rate?.perMonth ?? 730);
  // Monitoring runs on a clock: it costs the same at idle.
  return [{ ...item, category: 'serving', idle: item.load, unconfirmed: item.unconfirmed || m.unconfirmed }];
};

/** The pricers, by CloudFormation type. Log groups and buckets need the template's trail facts. */
function pricers(ctx: PricingContext): Record<string, Pricer> {
  const trails = trailFacts(ctx);
  return {
    'AWS::KMS::Key': kmsKey,
    'AWS::KMS::ReplicaKey': kmsKey,
    'AWS::CloudTrail::Trail': cloudTrail,
    'AWS::Logs::LogGroup': logGroupPricer(trails),
    'AWS::CloudWatch::Alarm': alarm,
    'AWS::CloudWatch::CompositeAlarm': compositeAlarm,
    'AWS::CloudWatch::Dashboard': dashboard,
    'AWS::SecretsManager::Secret': secret,
    'AWS::DynamoDB::Table': dynamoTable,
    'AWS::DynamoDB::GlobalTable': dynamoTable,
    'AWS::Lambda::Function': lambdaFunction,
    'AWS::StepFunctions::StateMachine': stateMachine,
    'AWS::ApiGateway::RestApi': restApi,
    'AWS::ApiGateway::Stage': apiStage,
    'AWS::ApiGatewayV2::Api': httpApi,
    'AWS::SNS::Topic': snsTopic,
    'AWS::SQS::Queue': sqsQueue,
    'AWS::S3::Bucket': bucketPricer(trails, accessLogBuckets(ctx.template)),
    'AWS::Scheduler::Schedule': schedule,
    'AWS::EC2::NatGateway': natGateway,
    'AWS::EC2::EIP': elasticIp,
    'AWS::EC2::VPCEndpoint': vpcEndpoint,
    'AWS::SageMaker::FeatureGroup': featureGroup,
    'AWS::SageMaker::Endpoint': endpoint,
    'AWS::SageMaker::MonitoringSchedule': monitoringSchedule,
  };
}

/** The types a template has that no pricer covers and that are not known to be free, with counts. */
export interface NotPriced {
  readonly type: string;
  readonly count: number;
}

/** Prices every resource of one stack's template. */
export function priceResources(ctx: PricingContext): { lines: LineItem[]; notPriced: NotPriced[] } {
  const table = pricers(ctx);
  const lines: LineItem[] = [];
  const missing = new Map<string, number>();
  for (const [id, resource] of Object.entries(resourcesOf(ctx.template))) {
    const pricer = table[resource.Type];
    if (pricer) lines.push(...pricer(ctx, id, resource));
    else if (resource.Type === 'AWS::Lambda::Alias' && props(resource).ProvisionedConcurrencyConfig === undefined) continue;
    else if (!isFreeType(resource.Type)) missing.set(resource.Type, (missing.get(resource.Type) ?? 0) + 1);
  }
  return { lines, notPriced: [...missing].map(([type, n]) => ({ type, count: n })) };
}
