/** Amazon EventBridge Scheduler schedules. */
import { count, Meter, rate as perUnit } from '../line-item';
import { literalString, scheduleRate } from '../template';
import { line, Pricer, props } from './context';

export const schedule: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const expression = literalString(p.ScheduleExpression) ?? '';
  const rate = scheduleRate(expression);
  const perMonth = p.State === 'DISABLED' ? 0 : (rate?.perMonth ?? 730);
  const price = m.price('scheduler.invocationsPerMillion');
  const cost = (perMonth / 1e6) * price;
  return [
    line(ctx, id, r.Type, m, {
      description: `EventBridge Scheduler schedule ${expression}`,
      idle: cost,
      load: cost,
      detail:
        `${count(Math.round(perMonth))} invocations/month` +
        `${rate?.note ? ` (${rate.note})` : rate ? '' : ' (expression not understood: assumed hourly)'}` +
        ` x ${perUnit(price)}/M (the account's 14M free invocations not subtracted); the ` +
        `target is priced on its own line`,
    }),
  ];
};
