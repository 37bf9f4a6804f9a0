/** Amazon CloudWatch Logs log groups. */
import { count, Meter, rate as perUnit } from '../line-item';
import { literalNumber } from '../template';
import { DAYS_PER_MONTH, line, Pricer, props, TRAIL_EVENT_KB } from './context';
import { TrailFacts } from './relations';

export function retentionMonths(days: number | undefined): number | undefined {
  return days === undefined ? undefined : days / DAYS_PER_MONTH;
}

export function logGroupPricer(trails: TrailFacts): Pricer {
  return (ctx, id, r) => {
    const m = new Meter(ctx.prices);
    const p = props(r);
    const trailEvents = trails.trailLogGroups.get(id);
    const gb = trailEvents !== undefined ? (trailEvents * TRAIL_EVENT_KB) / 1e6 : ctx.load.logGbPerGroup;
    const infrequent = p.LogGroupClass === 'INFREQUENT_ACCESS';
    const ingestRate = m.price(infrequent ? 'logs.infrequentAccessIngestionPerGb' : 'logs.ingestionPerGb');
    const days = literalNumber(p.RetentionInDays);
    const months = Math.min(ctx.load.retainedMonths, retentionMonths(days) ?? Infinity);
    const stored = gb * months;
    const storeRate = m.price('logs.storagePerGbMonth');
    const load = gb * ingestRate + stored * storeRate;
    const source =
      trailEvents !== undefined
        ? `${count(Math.round(trailEvents))} trail events x ${TRAIL_EVENT_KB} KB = ${gb.toFixed(3)} GB/month`
        : `${gb} GB/month (--log-gb)`;
    return [
      line(ctx, id, r.Type, m, {
        description:
          `log group${days !== undefined ? `, ${days} days` : ', never expires'}` +
          `${infrequent ? ', infrequent access' : ''}` +
          `${trailEvents !== undefined ? ' (CloudTrail)' : ''}`,
        idle: 0,
        load,
        detail:
          `ingestion ${source} x ${perUnit(ingestRate)}/GB; storage ${stored.toFixed(3)} GB ` +
          `(${months.toFixed(1)} months kept, uncompressed) x ${perUnit(storeRate)}/GB-month`,
      }),
    ];
  };
}
