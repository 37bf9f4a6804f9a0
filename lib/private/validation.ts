import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** What the blueprint accepts as an e-mail address (config validation and construct props alike). */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Collects every problem with a construct's props, then throws once with all of them, each
 * naming the prop, the value and the rule. Unresolved tokens are never judged.
 */
export class PropsProblems {
  private readonly problems: string[] = [];

  constructor(private readonly scope: IConstruct, private readonly construct: string) {}

  /** Records a problem when `ok` is false. */
  public check(ok: boolean, field: string, value: unknown, rule: string): this {
    return this.checkShown(ok, field, render(value), rule);
  }

  private checkShown(ok: boolean, field: string, shown: string, rule: string): this {
    if (!ok) this.problems.push(`${field}: got ${shown}; expected ${rule}`);
    return this;
  }

  /** Checks a whole-number range, skipping tokens and undefined. */
  public range(field: string, value: number | undefined, min: number, max: number): this {
    if (value === undefined || Token.isUnresolved(value)) return this;
    return this.check(Number.isInteger(value) && value >= min && value <= max, field, value, `an integer from ${min} to ${max}`);
  }

  /** Checks a duration in whole days, skipping tokens and undefined. */
  public days(field: string, value: Duration | undefined, min: number, max: number): this {
    if (value === undefined || value.isUnresolved()) return this;
    const days = value.toDays({ integral: false });
    return this.checkShown(Number.isInteger(days) && days >= min && days <= max, field, `${days} days`, `whole days from ${min} to ${max}`);
  }

  /** Throws one error listing every problem, if there are any. */
  public throwIfAny(): void {
    if (this.problems.length === 0) return;
    throw new Error(`Invalid ${this.construct} at ${this.scope.node.path}:\n${this.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function render(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Checks several durations in days at once; throws one error listing every problem. */
export function validateDays(
  scope: IConstruct,
  checks: ReadonlyArray<{ field: string; value: Duration | undefined; min: number; max: number }>,
): void {
  const problems = new PropsProblems(scope, scope.constructor.name);
  for (const c of checks) problems.days(c.field, c.value, c.min, c.max);
  problems.throwIfAny();
}
