/**
 * Reading synthesized CloudFormation templates: resources, references between them, literal values,
 * Step Functions definitions and schedule expressions.
 */

/** A CloudFormation resource as synthesized. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** A synthesized template (only what the estimate reads). */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Metadata?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** The logical ids `value` references with `Ref` or `Fn::GetAtt`, anywhere inside it. */
export function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') into.add(v);
      else if (k === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') into.add(v[0]);
      else if (k === 'Fn::GetAtt' && typeof v === 'string') into.add(v.split('.')[0]);
      else referencedIds(v, into);
    }
  }
  return into;
}

/** `value` when it is a literal number (or a numeric string), else `undefined` (a token, or absent). */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** `value` when it is a literal string, else `undefined`. */
export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A state machine's definition as an object. `DefinitionString` is usually an `Fn::Join` of literal
 * JSON and tokens (ARNs, bucket names); tokens are replaced by a placeholder, which is enough to read
 * the states and their literal parameters.
 *
 * @returns `undefined` when there is no definition or it cannot be read
 */
export function stateMachineDefinition(resource: CfnResource): Record<string, unknown> | undefined {
  const props = resource.Properties ?? {};
  if (typeof props.Definition === 'object' && props.Definition !== null) return props.Definition as Record<string, unknown>;
  const raw = props.DefinitionString;
  let text: string | undefined;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'object' && raw !== null && Array.isArray((raw as Record<string, unknown>)['Fn::Join'])) {
    const [, parts] = (raw as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    if (Array.isArray(parts)) text = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  }
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every state of a definition, including those nested in Parallel branches and Map iterators. */
export function allStates(definition: Record<string, unknown>): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  const walk = (def: unknown): void => {
    const states = typeof def === 'object' && def !== null ? (def as Record<string, unknown>).States : undefined;
    if (typeof states !== 'object' || states === null) return;
    for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
      if (typeof state !== 'object' || state === null) continue;
      const s = state as Record<string, unknown>;
      out.push([name, s]);
      if (Array.isArray(s.Branches)) s.Branches.forEach(walk);
      if (s.Iterator) walk(s.Iterator);
      if (s.ItemProcessor) walk(s.ItemProcessor);
    }
  };
  walk(definition);
  return out;
}

const DAYS_PER_MONTH = 730 / 24;

/** Firings per day of one cron field (`*`, `n`, `a-b`, `a/b`, `*\/b`, `a,b,...`) over `size` values starting at `first`. */
function cronFieldCount(field: string, first: number, size: number): number | undefined {
  let total = 0;
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number;
    let to: number;
    if (range === '*') {
      from = first;
      to = first + size - 1;
    } else if (/^\d+-\d+$/.test(range)) {
      [from, to] = range.split('-').map(Number);
    } else if (/^\d+$/.test(range)) {
      from = Number(range);
      to = stepText === undefined ? from : first + size - 1;
    } else {
      return undefined;
    }
    if (to < from) return undefined;
    total += Math.floor((to - from) / step) + 1;
  }
  return total;
}

/** How often a schedule fires. */
export interface ScheduleRate {
  readonly perMonth: number;
  /** Set when the expression was approximated. */
  readonly note?: string;
}

/**
 * Firings per month (730 hours) of an EventBridge / Scheduler expression: `rate(5 minutes)`,
 * `cron(0 * * * ? *)`, `at(2026-01-01T00:00:00)`. Cron days-of-month and weekdays other than every
 * day are approximated.
 */
export function scheduleRate(expression: string): ScheduleRate | undefined {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    if (n <= 0) return undefined;
    const perHour = rate[2].startsWith('minute') ? 60 / n : rate[2].startsWith('hour') ? 1 / n : 1 / (24 * n);
    return { perMonth: perHour * 730 };
  }
  if (/^at\(/.test(expression.trim())) return { perMonth: 1, note: 'one-time schedule: counted once' };
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [minutes, hours, dayOfMonth, , dayOfWeek] = fields;
  const perHour = cronFieldCount(minutes, 0, 60);
  const hoursPerDay = cronFieldCount(hours, 0, 24);
  if (perHour === undefined || hoursPerDay === undefined) return undefined;
  const everyDay = ['*', '?'].includes(dayOfMonth) && ['*', '?'].includes(dayOfWeek);
  let daysPerMonth = DAYS_PER_MONTH;
  let note: string | undefined;
  if (!everyDay) {
    const weekdays = ['*', '?'].includes(dayOfWeek)
      ? undefined
      : cronFieldCount(
          dayOfWeek.replace(/[A-Z]{3}/g, (d) => String(['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'].indexOf(d) + 1)),
          1,
          7,
        );
    const monthDays = ['*', '?'].includes(dayOfMonth) ? undefined : cronFieldCount(dayOfMonth.replace(/L|W/g, ''), 1, 31);
    daysPerMonth =
      weekdays !== undefined ? (weekdays * DAYS_PER_MONTH) / 7 : monthDays !== undefined ? Math.min(monthDays, DAYS_PER_MONTH) : DAYS_PER_MONTH;
    note = 'cron schedule restricted to some days: firings per month approximated';
  }
  return { perMonth: perHour * hoursPerDay * daysPerMonth, ...(note ? { note } : {}) };
}
