import { parseModels } from '../../lib/config/model-schema';
import { scheduleExpressionProblem } from '../../lib/config/schedule';
import { ConfigError } from '../../lib/config/schema';
import { models } from '../fixtures/config';

describe('EventBridge Scheduler expressions', () => {
  test.each([
    'cron(0 2 ? * SUN *)',
    'cron(15 10 * * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(*/5 8-17 ? * MON-FRI *)',
    'cron(0 18 L * ? *)',
    'cron(0 9 15W * ? *)',
    'cron(0 9 ? * 6#3 *)',
    'cron(0 9 ? * FRI#1 *)',
    'cron(0 9 ? * L *)',
    'cron(0,30 0-6,22 1,15 JAN,JUL ? 2026-2030)',
    'cron(0 0 1-31/2 1-12/3 ? 1970/10)',
    'cron(59 23 31 DEC ? 2199)',
    'cron(0 12 ? JAN-MAR 2-6 *)',
    'rate(1 minute)',
    'rate(1 hour)',
    'rate(1 day)',
    'rate(5 minutes)',
    'rate(7 days)',
    'rate(12 hours)',
  ])('%s is valid', (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
  });

  // Each invalid form, with what the message must say about it.
  test.each([
    ['cron(99 * * * ? *)', /^minutes 0-59 in field 1 .*"99" is not$/],
    ['cron(0 24 * * ? *)', /^hours 0-23 in field 2 .*"24" is not$/],
    ['cron(0 0 0 * ? *)', /^day-of-month 1-31, \?, L or <day>W in field 3 .*"0" is not$/],
    ['cron(0 0 32 * ? *)', /day-of-month .* in field 3 .*"32" is not/],
    ['cron(0 0 ? 13 MON *)', /^month 1-12 or JAN-DEC in field 4 .*"13" is not$/],
    ['cron(0 0 ? FOO MON *)', /month 1-12 or JAN-DEC in field 4 .*"FOO" is not/],
    ['cron(0 0 ? * 8 *)', /^day-of-week 1-7 or SUN-SAT, \?, L or <weekday>#<1-5> in field 5 .*"8" is not$/],
    ['cron(0 0 ? * SUNDAY *)', /day-of-week .* in field 5 .*"SUNDAY" is not/],
    ['cron(0 0 ? * MON#6 *)', /day-of-week .* in field 5 .*"MON#6" is not/],
    ['cron(0 0 ? * */2 *)', /day-of-week .* in field 5 .*"\*\/2" is not/],
    ['cron(0 0 * * ? 1969)', /^year 1970-2199 in field 6 .*"1969" is not$/],
    ['cron(0 0 * * ? 2200)', /year 1970-2199 in field 6/],
    ['cron(0 0 L-2 * ? *)', /day-of-month .* in field 3 .*"L-2" is not/],
    ['cron(0 0 32W * ? *)', /day-of-month .* in field 3/],
    ['cron(30-10 * * * ? *)', /minutes 0-59 in field 1 .*"30-10" is not/],
    ['cron(0/0 * * * ? *)', /minutes 0-59 in field 1 .*"0\/0" is not/],
    ['cron(0/60 * * * ? *)', /minutes 0-59 in field 1 .*"0\/60" is not/],
    ['cron(1,,2 * * * ? *)', /minutes 0-59 in field 1 .*"1,,2" is not/],
    ['cron(? * * * ? *)', /^minutes 0-59 in field 1, not "\?" \(only day-of-month and day-of-week take "\?"\)$/],
    ['cron(0 0 * * * *)', /^"\?" in exactly one of day-of-month \(field 3\) and day-of-week \(field 5\); found "\*" and "\*"$/],
    ['cron(0 0 1 * MON *)', /"\?" in exactly one of day-of-month .* found "1" and "MON"/],
    ['cron(0 0 ? * ? *)', /"\?" in exactly one of day-of-month .* found "\?" and "\?"/],
    ['cron(0 2 * * ?)', /^six fields separated by single spaces .*; found 5$/],
    ['cron(0 2 * * ? * *)', /six fields .*; found 7/],
    ['cron(0  2 * * ? *)', /six fields separated by single spaces/],
    ['cron(0 2 ? * sun *)', /day-of-week .* in field 5 .*"sun" is not/],
    ['rate(0 minutes)', /^rate\(value unit\) with a whole number value of at least 1/],
    ['rate(-1 days)', /whole number value of at least 1/],
    ['rate(1.5 hours)', /whole number value of at least 1/],
    ['rate(05 minutes)', /whole number value of at least 1/],
    ['rate(1 days)', /^unit minute, hour, day for the value 1 \(singular only for 1, plural otherwise\), not "days"$/],
    ['rate(5 hour)', /^unit minutes, hours, days for the value 5 .*not "hour"$/],
    ['rate(2 weeks)', /unit minutes, hours, days for the value 2 .*not "weeks"$/],
    ['rate(7days)', /rate\(value unit\)/],
    ['at(2026-01-01T00:00:00)', /^an EventBridge Scheduler expression "cron\(minutes hours day-of-month month day-of-week year\)" or "rate\(value/],
    ['0 2 * * ?', /an EventBridge Scheduler expression/],
    ['cron(0 2 ? * SUN *) ', /an EventBridge Scheduler expression/],
  ])('%s is refused', (expression, message) => {
    expect(scheduleExpressionProblem(expression)).toMatch(message);
  });
});

describe('retraining.schedule in a model declaration', () => {
  function errorFor(schedule: unknown): string {
    const model = { ...models[0], retraining: { schedule } };
    try {
      parseModels([model], 'config/models.ts');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).message;
    }
    throw new Error('expected a ConfigError');
  }

  test('names the model, the field, the value and the field of the expression that is wrong', () => {
    expect(errorFor('cron(99 * * * ? *)')).toContain(
      `models[0] "${models[0].name}".retraining.schedule: got "cron(99 * * * ? *)"; expected minutes 0-59 in field 1 `
      + '(values, ranges a-b, lists a,b, * and increments a/n where the field allows them); "99" is not');
  });

  test('a schedule that is not a string is refused', () => {
    expect(errorFor(7)).toContain('retraining.schedule: got 7; expected an EventBridge Scheduler expression string');
  });

  test('a valid schedule passes', () => {
    expect(parseModels([{ ...models[0], retraining: { schedule: 'cron(0 2 ? * SUN *)' } }], 'config/models.ts')[0].retraining?.schedule)
      .toBe('cron(0 2 ? * SUN *)');
  });
});
