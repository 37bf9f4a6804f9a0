/** Amazon CloudWatch alarms and dashboards. */
import { Meter, rate as perUnit } from '../line-item';
import { literalNumber } from '../template';
import { line, Pricer, props } from './context';

export function alarmMetrics(p: Record<string, unknown>): { metrics: number; highResolution: boolean } {
  const list = p.Metrics as Array<Record<string, unknown>> | undefined;
  const periods: number[] = [];
  let metrics = 1;
  if (Array.isArray(list) && list.length > 0) {
    metrics = 0;
    for (const q of list) {
      const stat = q.MetricStat as Record<string, unknown> | undefined;
      if (stat) {
        metrics++;
        const period = literalNumber(stat.Period);
        if (period !== undefined) periods.push(period);
      }
      if (typeof q.Expression === 'string' && q.Expression.includes('ANOMALY_DETECTION_BAND')) metrics += 2;
    }
    metrics = Math.max(metrics, 1);
  }
  const period = literalNumber(p.Period);
  if (period !== undefined) periods.push(period);
  return { metrics, highResolution: periods.some((s) => s < 60) };
}

export const alarm: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const { metrics, highResolution } = alarmMetrics(props(r));
  const rate = m.price(highResolution ? 'cloudwatch.highResolutionAlarmMetricMonth' : 'cloudwatch.standardAlarmMetricMonth');
  const cost = metrics * rate;
  return [
    line(ctx, id, r.Type, m, {
      description: `CloudWatch alarm${highResolution ? ', high resolution' : ''}`,
      idle: cost,
      load: cost,
      detail: `${metrics} metric(s) x ${perUnit(rate)}/alarm metric-month (the account's 10 free alarm metrics not subtracted)`,
    }),
  ];
};

export const compositeAlarm: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const cost = m.price('cloudwatch.compositeAlarmMonth');
  return [line(ctx, id, r.Type, m, { description: 'CloudWatch composite alarm', idle: cost, load: cost, detail: `${perUnit(cost)}/month` })];
};

export const dashboard: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  ctx.allowances.dashboards++;
  const free = m.price('cloudwatch.freeDashboards');
  const rate = m.price('cloudwatch.dashboardMonth');
  const isFree = ctx.allowances.dashboards <= free;
  const cost = isFree ? 0 : rate;
  return [
    line(ctx, id, r.Type, m, {
      description: 'CloudWatch dashboard',
      idle: cost,
      load: cost,
      detail: isFree
        ? `dashboard ${ctx.allowances.dashboards} of this environment: within the account's ${free} ` +
          `free dashboards (assumes the account has no others); ${perUnit(rate)}/month beyond`
        : `dashboard ${ctx.allowances.dashboards} of this environment, beyond the ${free} free: ${perUnit(rate)}/month`,
    }),
  ];
};
