/** Amazon S3 buckets. */
import { count, Meter, rate as perUnit } from '../line-item';
import { literalNumber } from '../template';
import { ACCESS_LOG_RECORD_KB, LAKE_WRITE_SHARE, line, Pricer, props, TRAIL_EVENT_KB, TRAIL_GZIP_RATIO } from './context';
import { retentionMonths } from './logs';
import { TrailFacts } from './relations';

export function bucketPricer(trails: TrailFacts, accessLogs: Set<string>): Pricer {
  return (ctx, id, r) => {
    const m = new Meter(ctx.prices);
    const l = ctx.load;
    const storageRate = m.price('s3.standardPerGbMonth');
    const p = props(r);
    const expirationDays = ((p.LifecycleConfiguration as Record<string, unknown> | undefined)?.Rules as Array<Record<string, unknown>> | undefined)
      ?.map((rule) => literalNumber(rule.ExpirationInDays))
      .find((d) => d !== undefined);
    const keptMonths = Math.min(l.retainedMonths, retentionMonths(expirationDays) ?? Infinity);
    const dataKey = `${ctx.stack}/${id}`;
    if (ctx.scan.dataBuckets.has(dataKey)) {
      const n = ctx.scan.dataBuckets.size;
      const gb = l.lakeGb / n;
      const requests = l.lakeRequestsPerMonth / n;
      const put = m.price('s3.putPer1000');
      const get = m.price('s3.getPer1000');
      const requestCost = ((requests * LAKE_WRITE_SHARE) / 1000) * put + ((requests * (1 - LAKE_WRITE_SHARE)) / 1000) * get;
      const tiering = JSON.stringify(p.LifecycleConfiguration ?? {}).includes('INTELLIGENT_TIERING')
        ? '; priced as S3 Standard (its Intelligent-Tiering transition would lower this)'
        : '';
      return [
        line(ctx, id, r.Type, m, {
          description: 'S3 data bucket',
          idle: 0,
          load: gb * storageRate + requestCost,
          detail:
            `${gb.toFixed(1)} GB (--lake-gb ${l.lakeGb} over ${n} data buckets) x ` +
            `${perUnit(storageRate)}/GB-month + ${count(Math.round(requests))} requests ` +
            `(${LAKE_WRITE_SHARE * 100}% writes x ${perUnit(put)}/1000, reads x ${perUnit(get)}/1000)${tiering}`,
        }),
      ];
    }
    const trailEvents = trails.auditBuckets.get(id);
    if (trailEvents !== undefined) {
      const gb = ((trailEvents * TRAIL_EVENT_KB) / TRAIL_GZIP_RATIO / 1e6) * l.retainedMonths;
      return [
        line(ctx, id, r.Type, m, {
          description: 'S3 audit bucket (trail log files)',
          idle: 0,
          load: gb * storageRate,
          detail:
            `${count(Math.round(trailEvents))} events/month x ${TRAIL_EVENT_KB} KB / ` +
            `${TRAIL_GZIP_RATIO} (gzip) x ${l.retainedMonths} months = ${gb.toFixed(3)} GB x ` +
            `${perUnit(storageRate)}/GB-month (decision records and delivery requests negligible)`,
        }),
      ];
    }
    if (accessLogs.has(id)) {
      const gb = ((l.lakeRequestsPerMonth * ACCESS_LOG_RECORD_KB) / 1e6) * keptMonths;
      return [
        line(ctx, id, r.Type, m, {
          description: 'S3 access-log bucket',
          idle: 0,
          load: gb * storageRate,
          detail:
            `${count(l.lakeRequestsPerMonth)} logged requests/month x ${ACCESS_LOG_RECORD_KB} KB x ` +
            `${keptMonths.toFixed(1)} months kept = ${gb.toFixed(3)} GB x ` +
            `${perUnit(storageRate)}/GB-month (log delivery is free)`,
        }),
      ];
    }
    return [
      line(ctx, id, r.Type, m, {
        description: 'S3 bucket',
        idle: 0,
        load: 0,
        detail:
          `no data size is stated for this bucket (neither a lake data bucket, an audit bucket nor ` +
          `an access-log bucket): storage at ${perUnit(storageRate)}/GB-month not priced`,
      }),
    ];
  };
}
