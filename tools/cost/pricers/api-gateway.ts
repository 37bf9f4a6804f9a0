/** Amazon API Gateway APIs and stages. */
import { count, Meter, rate as perUnit } from '../line-item';
import { PRICES_FILE } from '../prices';
import { literalNumber, literalString } from '../template';
import { line, Pricer, props } from './context';

export const restApi: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const rate = m.price('apiGateway.restPerMillion');
  const cost = (ctx.load.apiRequests / 1e6) * rate;
  return [
    line(ctx, id, r.Type, m, {
      description: 'API Gateway REST API',
      idle: 0,
      load: cost,
      detail: `${count(ctx.load.apiRequests)} requests (--api-requests) x ${perUnit(rate)}/M`,
    }),
  ];
};

export const httpApi: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  if (props(r).ProtocolType === 'WEBSOCKET') {
    ctx.warnings.push(`${ctx.stack}/${id}: WebSocket APIs are not priced (messages and connection minutes are not in ${PRICES_FILE})`);
    return [line(ctx, id, r.Type, m, { description: 'API Gateway WebSocket API', idle: 0, load: null, detail: 'not priced' })];
  }
  const rate = m.price('apiGateway.httpPerMillion');
  const cost = (ctx.load.apiRequests / 1e6) * rate;
  return [
    line(ctx, id, r.Type, m, {
      description: 'API Gateway HTTP API',
      idle: 0,
      load: cost,
      detail: `${count(ctx.load.apiRequests)} requests (--api-requests) x ${perUnit(rate)}/M`,
    }),
  ];
};

export const apiStage: Pricer = (ctx, id, r) => {
  const p = props(r);
  if (p.CacheClusterEnabled !== true) return [];
  const m = new Meter(ctx.prices);
  const size = literalString(p.CacheClusterSize) ?? String(literalNumber(p.CacheClusterSize) ?? '0.5');
  const price = ctx.prices.keyed('apiGateway.cacheHourBySizeGb', size);
  if (!price) {
    ctx.warnings.push(
      `${ctx.stack}/${id}: API Gateway cache size ${size} GB is not in ${PRICES_FILE} (apiGateway.cacheHourBySizeGb); left out of the totals`,
    );
    return [line(ctx, id, r.Type, m, { description: `API Gateway cache ${size} GB`, idle: null, load: null, detail: 'unknown cache size' })];
  }
  const cost = m.use(price) * ctx.hours;
  return [
    line(ctx, id, r.Type, m, {
      description: `API Gateway cache ${size} GB`,
      idle: cost,
      load: cost,
      detail: `${perUnit(price.value)}/h x ${ctx.hours} h`,
    }),
  ];
};
