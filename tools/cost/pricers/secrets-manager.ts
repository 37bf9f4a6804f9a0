/** AWS Secrets Manager secrets. */
import { Meter, rate as perUnit } from '../line-item';
import { line, Pricer, props } from './context';

export const secret: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const rate = m.price('secretsManager.secretMonth');
  const replicas = Array.isArray(props(r).ReplicaRegions) ? (props(r).ReplicaRegions as unknown[]).length : 0;
  const cost = rate * (1 + replicas);
  return [
    line(ctx, id, r.Type, m, {
      description: `Secrets Manager secret${replicas ? ` with ${replicas} replica(s)` : ''}`,
      idle: cost,
      load: cost,
      detail:
        `${1 + replicas} x ${perUnit(rate)}/secret-month; API calls ` +
        `(${perUnit(m.price('secretsManager.per10kApiCalls'))}/10k) negligible at this load, not priced`,
    }),
  ];
};
