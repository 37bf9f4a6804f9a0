/**
 * EventBridge Scheduler expressions, checked field by field at synth, so that a schedule the service
 * would refuse (`cron(99 * * * ? *)`) fails before any construct exists, naming the field.
 *
 * Rules, from the EventBridge Scheduler User Guide ("Schedule types") and the cron expression reference:
 * - `rate(value unit)`: value a positive integer; unit `minute`, `hour` or `day` when the value is 1,
 *   `minutes`, `hours` or `days` otherwise.
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields; in each, `*`, a value, a range
 *   `a-b`, an increment `start/step` (start a value, a range or `*`) where the field allows `/`, or a
 *   comma-separated list of values, ranges and increments. Day-of-month also takes `?`, `L` and `<day>W`
 *   (the weekday nearest that day); day-of-week takes `?`, `L` and `<weekday>#<1-5>` (the n-th such weekday
 *   of the month). Exactly one of day-of-month and day-of-week is `?`.
 *
 * One-time `at(...)` expressions are refused: every schedule the configuration takes is recurring.
 */
import { Schema, show } from './schema';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** One field of a cron expression: its range, names and the wildcards it allows. */
interface CronField {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Largest increment (`/n`) allowed; 0 when the field takes none. */
  readonly maxStep: number;
  /** Extra forms allowed in this field only, described for the message. */
  readonly special?: 'day-of-month' | 'day-of-week';
}

const FIELDS: readonly CronField[] = [
  { label: 'minutes 0-59', min: 0, max: 59, maxStep: 59 },
  { label: 'hours 0-23', min: 0, max: 23, maxStep: 23 },
  { label: 'day-of-month 1-31, ?, L or <day>W', min: 1, max: 31, maxStep: 31, special: 'day-of-month' },
  { label: 'month 1-12 or JAN-DEC', min: 1, max: 12, names: MONTHS, maxStep: 12 },
  { label: 'day-of-week 1-7 or SUN-SAT, ?, L or <weekday>#<1-5>', min: 1, max: 7, names: WEEKDAYS, maxStep: 0, special: 'day-of-week' },
  { label: 'year 1970-2199', min: 1970, max: 2199, maxStep: 229 },
];

const WILDCARDS = '(values, ranges a-b, lists a,b, * and increments a/n where the field allows them)';

/** The number a value stands for in `field` (a decimal or a name), or `undefined`. */
function valueOf(text: string, field: CronField): number | undefined {
  if (/^\d{1,4}$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const index = field.names?.indexOf(text) ?? -1;
  return index >= 0 ? index + field.min : undefined;
}

/** Whether `item` (one element of a comma-separated list) is valid in `field`. */
function itemIsValid(item: string, field: CronField): boolean {
  if (item === '*') return true;
  if (field.special === 'day-of-month') {
    if (item === 'L') return true;
    const weekday = /^(\d{1,2})W$/.exec(item);
    if (weekday) return valueOf(weekday[1], field) !== undefined;
  }
  if (field.special === 'day-of-week') {
    if (item === 'L') return true;
    const nth = /^([A-Z]{3}|\d)#([1-5])$/.exec(item);
    if (nth) return valueOf(nth[1], field) !== undefined;
  }
  const [base, step, ...rest] = item.split('/');
  if (rest.length > 0) return false;
  if (step !== undefined) {
    if (!/^[1-9]\d{0,3}$/.test(step) || Number(step) > field.maxStep) return false;
    if (base === '*') return true;
  }
  const range = base.split('-');
  if (range.length === 1) return valueOf(base, field) !== undefined;
  if (range.length !== 2) return false;
  const [low, high] = range.map((r) => valueOf(r, field));
  return low !== undefined && high !== undefined && low <= high;
}

/** What is wrong with a cron expression's fields, or `undefined` when nothing is. */
function cronProblem(body: string): string | undefined {
  const fields = body.split(' ');
  if (fields.length !== 6 || fields.some((f) => f === '')) {
    return `six fields separated by single spaces (minutes hours day-of-month month day-of-week year); found ${fields.filter((f) => f).length}`;
  }
  for (let i = 0; i < 6; i++) {
    const field = FIELDS[i];
    const value = fields[i];
    if (value === '?' && field.special) continue;
    if (value === '?') return `${field.label} in field ${i + 1}, not "?" (only day-of-month and day-of-week take "?")`;
    if (!value.split(',').every((item) => itemIsValid(item, field))) {
      return `${field.label} in field ${i + 1} ${WILDCARDS}; "${value}" is not`;
    }
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return `"?" in exactly one of day-of-month (field 3) and day-of-week (field 5); found "${fields[2]}" and "${fields[4]}"`;
  }
  return undefined;
}

/** What is wrong with a rate expression, or `undefined` when nothing is. */
function rateProblem(body: string): string | undefined {
  const match = /^(\d+) ([a-z]+)$/.exec(body);
  if (!match || !/^[1-9]\d*$/.test(match[1])) return 'rate(value unit) with a whole number value of at least 1, e.g. "rate(7 days)"';
  const [, value, unit] = match;
  const singular = value === '1';
  const units = singular ? ['minute', 'hour', 'day'] : ['minutes', 'hours', 'days'];
  if (!units.includes(unit)) {
    return `unit ${units.join(', ')} for the value ${value} (singular only for 1, plural otherwise), not "${unit}"`;
  }
  return undefined;
}

/**
 * What is wrong with an EventBridge Scheduler recurring expression, or `undefined` when it is valid.
 * The message says what is expected and names the field that is wrong.
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronProblem(cron[1]);
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return rateProblem(rate[1]);
  return 'an EventBridge Scheduler expression "cron(minutes hours day-of-month month day-of-week year)" or "rate(value unit)", '
    + 'e.g. "cron(0 2 ? * SUN *)" or "rate(7 days)"';
}

/** A recurring EventBridge Scheduler expression (`cron(...)` or `rate(...)`), checked field by field. */
export const scheduleExpression: Schema<string> = {
  expected: 'an EventBridge Scheduler expression such as "cron(0 2 ? * SUN *)" or "rate(7 days)"',
  check(value, path, problems) {
    const problem = typeof value === 'string' ? scheduleExpressionProblem(value) : 'an EventBridge Scheduler expression string';
    if (problem === undefined) return value as string;
    problems.push({ path, got: show(value), expected: problem });
    return undefined;
  },
};
