/** AWS CloudTrail trails. */
import { count, Meter, rate as perUnit } from '../line-item';
import { line, Pricer, props } from './context';
import { includesManagementEvents, recordedShare } from './relations';

export const cloudTrail: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const parts: string[] = [];
  let load = 0;
  if (includesManagementEvents(r)) {
    ctx.allowances.managementTrails++;
    if (ctx.allowances.managementTrails === 1) {
      parts.push('management events: the first copy in each region is free (assumes no other trail in the account delivers them)');
    } else {
      const cost = (ctx.load.managementEventsPerMonth / 100_000) * m.price('cloudtrail.additionalManagementEventsPer100k');
      load += cost;
      parts.push(
        `management events: another trail of this environment already delivers them, so ` +
          `${count(ctx.load.managementEventsPerMonth)} events are charged: ${perUnit(cost)}`,
      );
    }
  }
  const { share, note } = recordedShare(ctx, r);
  if (share > 0) {
    const events = ctx.load.lakeRequestsPerMonth * share;
    const rate = m.price('cloudtrail.dataEventsPer100k');
    const cost = (events / 100_000) * rate;
    load += cost;
    parts.push(`S3 data events: ${count(events)} (${note}) x ${perUnit(rate)}/100k = ${perUnit(cost)}`);
  }
  const multi = props(r).IsMultiRegionTrail === true ? ', multi-region' : '';
  return [line(ctx, id, r.Type, m, { description: `CloudTrail trail${multi}`, idle: 0, load, detail: parts.join('; ') || 'no events recorded' })];
};
