/**
 * Lookups into the dated price table (prices.json; read and validated in price-table.ts, re-exported here) for one region.
 *
 * Every price has a dotted path (`logs.ingestionPerGb`, `sagemaker.realtime.ml.m5.large`). A
 * region's `unconfirmed` list names path prefixes whose prices could not be confirmed against a
 * source; lookups carry that flag so the report can mark the lines that used them.
 */
import { at, DEFAULT_REGION, InstanceUse, isObject, JsonObject, PRICES_FILE, PriceTable } from './price-table';

export { DEFAULT_REGION, loadPriceTable, PRICES_FILE, PriceTableError, validatePriceTable } from './price-table';
export type { InstanceUse, PriceTable } from './price-table';

/** One price and whether it is unconfirmed. */
export interface Price {
  readonly path: string;
  readonly value: number;
  readonly unconfirmed: boolean;
}
/** The prices of one region of a validated table. */
export class RegionPrices {
  private readonly prices: JsonObject;
  private readonly flags: readonly string[];

  constructor(
    readonly table: PriceTable,
    readonly region: string,
  ) {
    const prices = table.regions[region];
    if (!prices) throw new Error(`region ${region} is not in ${PRICES_FILE}; known: ${Object.keys(table.regions).join(', ')}`);
    this.prices = prices;
    this.flags = table.unconfirmed[region] ?? [];
  }

  private unconfirmed(path: string): boolean {
    return this.flags.some((f) => path === f || path.startsWith(`${f}.`));
  }

  /** A required price, such as `logs.ingestionPerGb`. Throws for a path the table does not have (a bug, not a data problem). */
  get(path: string): Price {
    const value = at(this.prices, path);
    if (typeof value !== 'number') throw new Error(`no price ${path} for ${this.region} in ${PRICES_FILE}`);
    return { path, value, unconfirmed: this.unconfirmed(path) };
  }

  /** An optional price from a keyed table (`apiGateway.cacheHourBySizeGb`, key `0.5`); `undefined` when absent. */
  keyed(table: string, key: string): Price | undefined {
    const entries = at(this.prices, table);
    const value = isObject(entries) ? entries[key] : undefined;
    return typeof value === 'number' ? { path: `${table}.${key}`, value, unconfirmed: this.unconfirmed(`${table}.${key}`) } : undefined;
  }

  /**
   * The hourly price of a SageMaker instance type for one use; `undefined` when the table does not
   * list it. Processing falls back to the training rates (flagged unconfirmed) when the region has no
   * processing table.
   */
  instance(use: InstanceUse, instanceType: string): Price | undefined {
    const hasProcessing = isObject(at(this.prices, 'sagemaker.processing'));
    const table = use === 'processing' && !hasProcessing ? 'training' : use;
    const price = this.keyed(`sagemaker.${table}`, instanceType);
    if (!price) return undefined;
    return table === use ? price : { ...price, unconfirmed: true };
  }

  /** Where an instance type for `use` would have to be added, for messages. */
  instanceTablePath(use: InstanceUse): string {
    const hasProcessing = isObject(at(this.prices, 'sagemaker.processing'));
    return `regions.${this.region}.sagemaker.${use === 'processing' && !hasProcessing ? 'training' : use}`;
  }
}

/** The region to price, and why. */
export interface RegionChoice {
  readonly prices: RegionPrices;
  /** The region whose prices are used. */
  readonly region: string;
  /** The region the stacks deploy to, when they name one. */
  readonly deployRegion?: string;
  /** Why this region: stated in the report. */
  readonly note: string;
}

/**
 * Chooses the priced region: the region the stacks deploy to, else `requested` (`--region`), else
 * us-east-1. A region the table does not cover is priced at us-east-1 rates, and the note says so.
 */
export function chooseRegion(table: PriceTable, deployRegion: string | undefined, requested?: string): RegionChoice {
  const known = Object.keys(table.regions);
  let wanted: string;
  let why: string;
  if (requested) {
    wanted = requested;
    why = deployRegion && deployRegion !== requested ? `from --region (the environment's stacks deploy to ${deployRegion})` : 'from --region';
  } else if (deployRegion) {
    wanted = deployRegion;
    why = "the environment's region";
  } else {
    wanted = DEFAULT_REGION;
    why =
      `the stacks are environment-agnostic (the environment names no region), so they are priced ` +
      `as ${DEFAULT_REGION}; pass --region to price another region`;
  }
  if (known.includes(wanted)) return { prices: new RegionPrices(table, wanted), region: wanted, deployRegion, note: `Region: ${wanted}: ${why}.` };
  const fallback = known.includes(DEFAULT_REGION) ? DEFAULT_REGION : known[0];
  return {
    prices: new RegionPrices(table, fallback),
    region: fallback,
    deployRegion,
    note:
      `Region: ${wanted} (${why}) is not in ${PRICES_FILE}, which covers ${known.join(', ')}: ` +
      `priced at ${fallback} rates instead; add the region to the table for real figures.`,
  };
}