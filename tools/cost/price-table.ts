/**
 * The dated price table (prices.json): its shape, and its validation when it is read.
 *
 * Every price has a dotted path (`logs.ingestionPerGb`, `sagemaker.realtime.ml.m5.large`). A
 * region's `unconfirmed` list names path prefixes whose prices could not be confirmed against a
 * source.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

/** Where the table lives, as named in messages. */
export const PRICES_FILE = 'tools/cost/prices.json';

/** The region priced when the stacks name none (environment-agnostic) and none is asked for. */
export const DEFAULT_REGION = 'us-east-1';

/** What a SageMaker instance runs: an endpoint, a training job or a processing job. */
export type InstanceUse = 'realtime' | 'training' | 'processing';

/** The numeric prices every region must have, by service. */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  kms: ['keyMonth', 'rotatedKeyMaterialMonth', 'chargedRotations', 'per10kRequests'],
  cloudtrail: ['dataEventsPer100k', 'additionalManagementEventsPer100k'],
  logs: ['ingestionPerGb', 'infrequentAccessIngestionPerGb', 'storagePerGbMonth'],
  cloudwatch: ['standardAlarmMetricMonth', 'highResolutionAlarmMetricMonth', 'compositeAlarmMonth', 'dashboardMonth', 'freeDashboards'],
  secretsManager: ['secretMonth', 'per10kApiCalls'],
  dynamodb: ['onDemandWritePerMillion', 'onDemandReadPerMillion', 'storagePerGbMonth', 'pitrPerGbMonth', 'provisionedWcuHour', 'provisionedRcuHour'],
  lambda: ['requestsPerMillion', 'x86PerGbSecond', 'arm64PerGbSecond'],
  stepFunctions: ['standardPer1000Transitions', 'expressPerMillionRequests'],
  apiGateway: ['restPerMillion', 'httpPerMillion'],
  sns: ['publishesPerMillion', 'emailPer100k'],
  s3: ['standardPerGbMonth', 'putPer1000', 'getPer1000'],
  scheduler: ['invocationsPerMillion'],
  sqs: ['standardPerMillion', 'fifoPerMillion'],
  ec2: ['natGatewayHour', 'natGatewayPerGb', 'interfaceEndpointHourPerAz', 'interfaceEndpointPerGb', 'publicIpv4Hour'],
  sagemaker: [
    'serverlessPerGbSecond',
    'serverlessDataPerGb',
    'provisionedConcurrencyPerGbSecond',
    'featureStore.writePerMillion',
    'featureStore.readPerMillion',
    'featureStore.storagePerGbMonth',
  ],
};

/** The price tables of SageMaker instances, by use (`processing` may be absent: training rates apply). */
const INSTANCE_TABLES: readonly InstanceUse[] = ['realtime', 'training', 'processing'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** The validated price table. */
export interface PriceTable {
  /** When the prices were collected (YYYY-MM-DD). */
  readonly date: string;
  readonly currency: string;
  /** Hours in the month every hourly price is multiplied by. */
  readonly hoursPerMonth: number;
  /** Where the prices come from, by service. */
  readonly sources: Readonly<Record<string, string>>;
  /** What the table does and does not cover. */
  readonly notes: readonly string[];
  /** Prices by region, with derived SageMaker tables expanded. */
  readonly regions: Readonly<Record<string, JsonObject>>;
  /** Unconfirmed path prefixes by region. */
  readonly unconfirmed: Readonly<Record<string, readonly string[]>>;
}

/** A price table that is missing prices or malformed; the message lists every problem. */
export class PriceTableError extends Error {
  constructor(
    source: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid price table ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'PriceTableError';
  }
}


/** Whether `value` is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path (`sagemaker.realtime.ml.m5.large`) of a JSON object, if any. */
export function at(obj: JsonObject, path: string): Json | undefined {
  let current: Json | undefined = obj;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

function scaled(value: Json, multiplier: number): Json {
  if (typeof value === 'number') return Math.round(value * multiplier * 1e9) / 1e9;
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scaled(v, multiplier)]));
  return value;
}

/**
 * Checks a parsed prices.json: every region has every required price as a non-negative number,
 * instance tables map `ml.*` types to prices, derived SageMaker sections name a known base region.
 *
 * @throws PriceTableError listing every problem
 */
export function validatePriceTable(raw: unknown, source: string = PRICES_FILE): PriceTable {
  const problems: string[] = [];
  if (!isObject(raw)) throw new PriceTableError(source, ['(file): expected a JSON object']);
  if (typeof raw.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw.date))
    problems.push(`date: got ${JSON.stringify(raw.date)}; expected YYYY-MM-DD`);
  if (raw.currency !== 'USD') problems.push(`currency: got ${JSON.stringify(raw.currency)}; expected "USD"`);
  if (typeof raw.hoursPerMonth !== 'number' || raw.hoursPerMonth <= 0)
    problems.push(`hoursPerMonth: got ${JSON.stringify(raw.hoursPerMonth)}; expected a positive number`);
  if (!isObject(raw.sources)) problems.push('sources: expected an object of service -> URL');
  if (!Array.isArray(raw.notes)) problems.push('notes: expected an array of strings');
  if (!isObject(raw.regions) || Object.keys(raw.regions).length === 0) {
    problems.push('regions: expected an object with at least one region');
    throw new PriceTableError(source, problems);
  }

  const regions: Record<string, JsonObject> = {};
  const unconfirmed: Record<string, string[]> = {};
  const rawRegions = raw.regions;
  for (const [name, region] of Object.entries(rawRegions)) {
    if (!isObject(region)) {
      problems.push(`regions.${name}: expected an object`);
      continue;
    }
    const flags = region.unconfirmed ?? [];
    if (!Array.isArray(flags) || flags.some((f) => typeof f !== 'string'))
      problems.push(`regions.${name}.unconfirmed: expected an array of price paths`);
    unconfirmed[name] = Array.isArray(flags) ? flags.filter((f): f is string => typeof f === 'string') : [];

    let expanded: JsonObject = region;
    const derived = isObject(region.sagemaker) ? region.sagemaker.derivedFrom : undefined;
    if (derived !== undefined) {
      const base = isObject(derived) && typeof derived.region === 'string' ? rawRegions[derived.region] : undefined;
      const multiplier = isObject(derived) ? derived.multiplier : undefined;
      if (
        !isObject(base) ||
        !isObject(base.sagemaker) ||
        base.sagemaker.derivedFrom !== undefined ||
        typeof multiplier !== 'number' ||
        multiplier <= 0
      ) {
        problems.push(
          `regions.${name}.sagemaker.derivedFrom: expected { region: <a region with its own SageMaker prices>, multiplier: <positive number> }`,
        );
        continue;
      }
      expanded = { ...region, sagemaker: scaled(base.sagemaker, multiplier) };
      if (!unconfirmed[name].includes('sagemaker')) unconfirmed[name].push('sagemaker');
    }
    regions[name] = expanded;

    for (const [service, keys] of Object.entries(REQUIRED)) {
      for (const key of keys) {
        const value = at(expanded, `${service}.${key}`);
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          problems.push(
            `regions.${name}.${service}.${key}: got ${value === undefined ? 'nothing' : JSON.stringify(value)}; expected a non-negative number`,
          );
        }
      }
    }
    for (const use of INSTANCE_TABLES) {
      const table = at(expanded, `sagemaker.${use}`);
      if (table === undefined && use === 'processing') continue;
      if (!isObject(table) || Object.keys(table).length === 0) {
        problems.push(`regions.${name}.sagemaker.${use}: expected an object of instance type -> hourly price`);
        continue;
      }
      for (const [type, price] of Object.entries(table)) {
        if (!/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(type))
          problems.push(`regions.${name}.sagemaker.${use}: "${type}" is not an instance type such as "ml.m5.large"`);
        if (typeof price !== 'number' || price <= 0)
          problems.push(`regions.${name}.sagemaker.${use}.${type}: got ${JSON.stringify(price)}; expected a positive hourly price`);
      }
    }
  }
  if (problems.length > 0) throw new PriceTableError(source, problems);
  return {
    date: raw.date as string,
    currency: 'USD',
    hoursPerMonth: raw.hoursPerMonth as number,
    sources: Object.fromEntries(Object.entries(raw.sources as JsonObject).map(([k, v]) => [k, String(v)])),
    notes: (raw.notes as Json[]).map(String),
    regions,
    unconfirmed,
  };
}

/** Reads and validates prices.json (or another table). */
export function loadPriceTable(path: string = join(__dirname, 'prices.json')): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new PriceTableError(path, [`(file): ${(e as Error).message}`]);
  }
  return validatePriceTable(raw, path === join(__dirname, 'prices.json') ? PRICES_FILE : path);
}

