/** What every pricer shares: the assumptions behind the estimate, the pricing context and the line builder. */
import { LineItem, Meter } from '../line-item';
import { LoadProfile } from '../load-profile';
import { RegionPrices } from '../prices';
import { CfnResource, CfnTemplate } from '../template';

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
export const DAYS_PER_MONTH = 730 / 24;

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

export type Pricer = (ctx: PricingContext, id: string, resource: CfnResource) => LineItem[];

export function resourcesOf(template: CfnTemplate): Record<string, CfnResource> {
  return template.Resources ?? {};
}

export function props(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

export function line(
  ctx: PricingContext,
  id: string,
  type: string,
  meter: Meter,
  fields: { description: string; idle: number | null; load: number | null; detail: string; category?: LineItem['category'] },
): LineItem {
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
