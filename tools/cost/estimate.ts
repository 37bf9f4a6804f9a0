/**
 * The estimate of one environment: every stack's resources, and every model's serving and jobs from
 * its MlopsCost metadata, summed per stack, per model and in total, with the assumptions stated.
 */
import { count, LineItem } from './line-item';
import { LOAD_FIELDS, LoadProfile } from './load-profile';
import { readCostMetadata } from './metadata';
import { PRICES_FILE, RegionChoice } from './prices';
import {
  ACCESS_LOG_RECORD_KB,
  Allowances,
  dataBucketsOf,
  DEFAULT_TRANSITIONS_PER_RUN,
  LAKE_WRITE_SHARE,
  NotPriced,
  priceResources,
  PricingContext,
  TRAIL_EVENT_KB,
  TRAIL_GZIP_RATIO,
} from './pricers';
import { metadataLines } from './metadata-lines';
import { CfnTemplate } from './template';

/** One synthesized stack. */
export interface StackInput {
  readonly name: string;
  readonly template: CfnTemplate;
  /** The model the stack serves, when known from the app (the metadata's `model` wins). */
  readonly model?: string;
}

/** What to estimate. */
export interface EstimateOptions {
  /** The environment's name (`-c env=NAME`). */
  readonly environment: string;
  /** The priced region (see `chooseRegion`). */
  readonly region: RegionChoice;
  readonly load: LoadProfile;
}

/** Idle and at-load monthly figures. */
export interface Figures {
  readonly idle: number;
  readonly load: number;
}

/** One stack's totals. */
export interface StackSummary extends Figures {
  readonly stack: string;
  readonly model?: string;
  /** Lines of the stack that could not be priced (left out of the figures). */
  readonly unpriced: number;
}

/** One model's totals. */
export interface ModelSummary {
  readonly model: string;
  readonly stack: string;
  /** The stack's CloudFormation resources. */
  readonly resources: Figures;
  /** The endpoint (and drift checks). */
  readonly serving: Figures;
  /** Why serving is empty or incomplete (e.g. "no serving metadata"). */
  readonly servingNote?: string;
  /** One pipeline run's SageMaker jobs. */
  readonly trainingPerRun: number;
  /** The jobs at the stated runs per month. */
  readonly training: Figures;
  readonly total: Figures;
  readonly unpriced: number;
}

/** The whole estimate. */
export interface Estimate {
  readonly environment: string;
  readonly region: string;
  readonly regionNote: string;
  readonly pricesFile: string;
  readonly pricesDate: string;
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly load: LoadProfile;
  readonly lines: readonly LineItem[];
  readonly stacks: readonly StackSummary[];
  readonly models: readonly ModelSummary[];
  readonly totals: Figures & { readonly idlePerDay: number; readonly loadPerDay: number; readonly unpriced: number };
  /** Resource types found that the estimate has no price for (and that are not known to be free). */
  readonly notPriced: ReadonlyArray<NotPriced & { readonly stacks: readonly string[] }>;
  /** Things left unpriced or malformed, each naming what and why. */
  readonly warnings: readonly string[];
  /** Notes per stack (e.g. "no serving metadata"). */
  readonly stackNotes: Readonly<Record<string, readonly string[]>>;
  /** How the figures were computed. */
  readonly assumptions: readonly string[];
}

function sum(lines: readonly LineItem[], key: 'idle' | 'load'): number {
  return lines.reduce((n, l) => n + (l[key] ?? 0), 0);
}

function unpricedCount(lines: readonly LineItem[]): number {
  return lines.filter((l) => l.idle === null || l.load === null).length;
}

/** Estimates the monthly cost of `stacks` (one environment). */
export function estimate(stacks: readonly StackInput[], options: EstimateOptions): Estimate {
  const { prices } = options.region;
  const hours = prices.table.hoursPerMonth;
  const load = options.load;
  const warnings: string[] = [];
  const stackNotes: Record<string, string[]> = {};
  const dataBuckets = new Set<string>();
  for (const s of stacks) for (const b of dataBucketsOf(s.template)) dataBuckets.add(`${s.name}/${b}`);
  const allowances: Allowances = { managementTrails: 0, dashboards: 0 };
  const lines: LineItem[] = [];
  const notPriced = new Map<string, { count: number; stacks: Set<string> }>();

  for (const s of stacks) {
    const notes: string[] = [];
    stackNotes[s.name] = notes;
    const reading = readCostMetadata(s.template);
    for (const p of reading.problems) warnings.push(`${s.name}: ${p}`);
    const metadata = reading.metadata;
    const model = metadata?.model ?? s.model;
    const ctx: PricingContext = {
      stack: s.name,
      model,
      template: s.template,
      prices,
      load,
      hours,
      scan: { dataBuckets },
      allowances,
      warnings,
      jobsFromMetadata: metadata?.training !== undefined,
    };
    if (metadata?.environment && metadata.environment !== options.environment) {
      warnings.push(
        `${s.name}: the MlopsCost metadata names environment "${metadata.environment}", but the estimate is for "${options.environment}"`,
      );
    }
    const priced = priceResources(ctx);
    lines.push(...priced.lines);
    for (const np of priced.notPriced) {
      const entry = notPriced.get(np.type) ?? { count: 0, stacks: new Set<string>() };
      entry.count += np.count;
      entry.stacks.add(s.name);
      notPriced.set(np.type, entry);
    }
    if (model) {
      const hasEndpoint = Object.values(s.template.Resources ?? {}).some((r) => r.Type === 'AWS::SageMaker::Endpoint');
      if (!metadata) {
        notes.push(
          hasEndpoint
            ? "no MlopsCost metadata: serving priced from the AWS::SageMaker::Endpoint in the template; jobs from the state machine's SageMaker tasks"
            : "no serving metadata (MlopsCost): serving not priced; jobs priced from the state machine's SageMaker tasks",
        );
      } else {
        lines.push(...metadataLines(ctx, metadata, hasEndpoint, notes));
        if (!metadata.training) notes.push("no training in the MlopsCost metadata: jobs priced from the state machine's SageMaker tasks");
      }
    }
  }

  const stackSummaries: StackSummary[] = stacks.map((s) => {
    const own = lines.filter((l) => l.stack === s.name);
    const model = own.find((l) => l.model)?.model ?? s.model;
    return { stack: s.name, ...(model ? { model } : {}), idle: sum(own, 'idle'), load: sum(own, 'load'), unpriced: unpricedCount(own) };
  });

  const models: ModelSummary[] = stackSummaries
    .filter((s) => s.model)
    .map((s) => {
      const own = lines.filter((l) => l.stack === s.stack);
      const of = (category: LineItem['category']) => own.filter((l) => l.category === category);
      const serving = of('serving');
      const training = of('training');
      const notes = stackNotes[s.stack] ?? [];
      const servingNote = notes.find((n) => n.startsWith('no serving'));
      return {
        model: s.model as string,
        stack: s.stack,
        resources: { idle: sum(of('resources'), 'idle'), load: sum(of('resources'), 'load') },
        serving: { idle: sum(serving, 'idle'), load: sum(serving, 'load') },
        ...(servingNote ? { servingNote: servingNote.startsWith('no serving metadata') ? 'no serving metadata' : 'no serving in the metadata' } : {}),
        trainingPerRun: training.reduce((n, l) => n + (l.perRun ?? 0), 0),
        training: { idle: sum(training, 'idle'), load: sum(training, 'load') },
        total: { idle: s.idle, load: s.load },
        unpriced: s.unpriced,
      };
    });

  const idle = sum(lines, 'idle');
  const atLoad = sum(lines, 'load');
  const unconfirmedUsed = lines.some((l) => l.unconfirmed);
  return {
    environment: options.environment,
    region: options.region.region,
    regionNote: options.region.note,
    pricesFile: PRICES_FILE,
    pricesDate: prices.table.date,
    currency: prices.table.currency,
    hoursPerMonth: hours,
    load,
    lines,
    stacks: stackSummaries,
    models,
    totals: { idle, load: atLoad, idlePerDay: (idle / hours) * 24, loadPerDay: (atLoad / hours) * 24, unpriced: unpricedCount(lines) },
    notPriced: [...notPriced].map(([type, e]) => ({ type, count: e.count, stacks: [...e.stacks] })),
    warnings,
    stackNotes,
    assumptions: assumptions(options, unconfirmedUsed),
  };
}

/** The assumptions behind the figures, with the numbers used. */
function assumptions(options: EstimateOptions, unconfirmedUsed: boolean): string[] {
  const l = options.load;
  const table = options.region.prices.table;
  const changed = LOAD_FIELDS.filter((f) => l[f.key] !== f.default).map((f) => `--${f.flag} ${l[f.key]}`);
  return [
    options.region.note,
    `Prices: ${PRICES_FILE}, dated ${table.date}, on-demand ${table.currency} list prices; a ` +
      `month is ${table.hoursPerMonth} hours.${unconfirmedUsed ? ' Lines marked * use prices the table lists as unconfirmed.' : ''}`,
    'Idle: the stacks deployed with no inference traffic, no pipeline runs and an empty lake; ' +
      'time-driven work (schedules, what they invoke, provisioned capacity, minimum endpoint ' +
      'instances) still runs.',
    `At load: idle plus ${count(l.requestsPerMonth)} inference requests per model a month ` +
      `(${l.inferenceMs} ms, ${l.payloadKb} KB each), ${l.trainingRunsPerMonth} pipeline runs ` +
      `per model, ` +
      `a ${l.lakeGb} GB lake with ${count(l.lakeRequestsPerMonth)} object requests a month ` +
      `(${LAKE_WRITE_SHARE * 100}% writes), ${count(l.managementEventsPerMonth)} CloudTrail ` +
      `management events, ` +
      `${l.logGbPerGroup} GB of logs per log group, ${count(l.lambdaInvocations)} invocations of ` +
      `${l.lambdaSeconds} s per unscheduled Lambda function, ` +
      `${count(l.apiRequests)} requests per API, ${count(l.snsPublishes)} messages per topic, ` +
      `${count(l.dynamoWrites)} writes and ${count(l.dynamoReads)} reads per DynamoDB table.` +
      (changed.length > 0 ? ` Changed from the defaults: ${changed.join(', ')}.` : ' All load figures are the defaults (see --help).'),
    `Real-time endpoints: minimum instances all month at idle; at load as many instances as ` +
      `keep them ${l.targetUtilization * 100}% busy (one request at a time per instance), within ` +
      `the autoscaling bounds; ` +
      `a scale-to-zero endpoint is up ${l.activeHoursPerDay} h a day at load. Data capture ` +
      `(${l.capturePercent}% unless the metadata says) is stored in S3. Blue/green fleets during ` +
      `updates are not priced.`,
    'Serverless endpoints: provisioned concurrency all month at idle; at load, inference ' +
      'duration x memory plus data processed (requests served by provisioned concurrency are ' +
      'priced at the on-demand duration rate).',
    `SageMaker jobs: each run takes its maximum runtime (an upper bound); managed spot ` +
      `training at ${l.spotDiscount * 100}% off on-demand (actual spot savings vary with ` +
      `capacity, up to 90%); ` +
      'processing jobs at the processing rates (training rates where the table has none); the ' +
      'first-two-months SageMaker free tier is not subtracted.',
    `Step Functions: one transition per state of the definition per run (${DEFAULT_TRANSITIONS_PER_RUN} when unreadable), standard workflows.`,
    `CloudTrail: S3 data events = the lake requests on the buckets the trail records; events ` +
      `reach CloudWatch Logs at ${TRAIL_EVENT_KB} KB each and S3 gzipped ${TRAIL_GZIP_RATIO}:1; ` +
      `S3 server access logs take ${ACCESS_LOG_RECORD_KB} KB per request. Log and audit storage ` +
      `is priced after ${l.retainedMonths} months of the load (capped by retention), ` +
      `uncompressed for CloudWatch Logs.`,
    `KMS: ${l.keyAgeMonths} months old keys (--key-age-months); rotation adds $1/month at each ` +
      `of the first two rotations, none after; request charges (S3 Bucket Keys keep them low) ` +
      `are not priced.`,
    'Free allowances applied: the first trail delivering management events and the first 3 ' +
      'dashboards of the environment (assumes no others in the account). Usage free tiers are ' +
      'not subtracted.',
    'Not priced: data transfer out of AWS, KMS and Secrets Manager API requests, X-Ray traces, ' +
      "S3 requests other than the lake's, standard SSM parameters (free), EventBridge events of " +
      'AWS services (free), AWS Support and tax.',
  ];
}
