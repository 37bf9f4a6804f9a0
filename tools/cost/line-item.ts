/**
 * One priced line of the estimate, and the helper that builds it while recording which prices it
 * used (so a line that used an unconfirmed price is marked).
 */
import { Price, RegionPrices } from './prices';

/** What a line is about: the stack's CloudFormation resources, the model's endpoint, or its jobs. */
export type LineCategory = 'resources' | 'serving' | 'training';

/** One priced (or unpriceable) item, in USD per month. */
export interface LineItem {
  readonly stack: string;
  /** The model the stack serves, when it is a model stack. */
  readonly model?: string;
  /** Logical id of the resource, or a name for what is not a resource (`serving`, `training`). */
  readonly id: string;
  /** CloudFormation type, or what the line prices (`SageMaker endpoint`). */
  readonly type: string;
  readonly category: LineCategory;
  /** A short description for people. */
  readonly description: string;
  /** Monthly cost deployed without traffic (time-driven work still runs); `null`: could not be priced. */
  readonly idle: number | null;
  /** Monthly cost at the stated load, idle part included; `null`: could not be priced. */
  readonly load: number | null;
  /** The line used at least one price the table marks unconfirmed. */
  readonly unconfirmed: boolean;
  /** How the figures were computed. */
  readonly detail: string;
  /** For jobs run by the pipeline: the cost of one run (`load` is this times the runs per month). */
  readonly perRun?: number;
}

/** Formats dollars: cents for amounts of a cent or more, otherwise enough digits to show the price. */
export function usd(amount: number): string {
  if (amount === 0) return '$0';
  const abs = Math.abs(amount);
  const digits = abs >= 0.01 ? 2 : Math.min(10, Math.ceil(-Math.log10(abs)) + 1);
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** Formats a unit price with up to 6 significant digits and at least cents (`$0.023`, `$0.0000133334`, `$1.00`). */
export function rate(price: number): string {
  if (price === 0) return '$0';
  const text = String(parseFloat(price.toPrecision(6)));
  const decimals = text.includes('.') ? text.split('.')[1].length : 0;
  return `$${decimals >= 2 ? text : price.toFixed(2)}`;
}

/** Formats a count with thousands separators. */
export function count(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Looks prices up for one line and remembers whether any was unconfirmed. */
export class Meter {
  private flagged = false;

  constructor(readonly prices: RegionPrices) {}

  /** The value of a required price. */
  price(path: string): number {
    return this.use(this.prices.get(path));
  }

  /** The value of a looked-up price. */
  use(price: Price): number {
    if (price.unconfirmed) this.flagged = true;
    return price.value;
  }

  /** Whether any price used so far is unconfirmed. */
  get unconfirmed(): boolean {
    return this.flagged;
  }
}
