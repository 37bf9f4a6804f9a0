/** Amazon DynamoDB tables. */
import { count, Meter, rate as perUnit } from '../line-item';
import { literalNumber } from '../template';
import { line, Pricer, props } from './context';

export const dynamoTable: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const l = ctx.load;
  const storage = l.dynamoGb * m.price('dynamodb.storagePerGbMonth');
  const pitrOn = (p.PointInTimeRecoverySpecification as Record<string, unknown> | undefined)?.PointInTimeRecoveryEnabled === true;
  const pitr = pitrOn ? l.dynamoGb * m.price('dynamodb.pitrPerGbMonth') : 0;
  const parts: string[] = [];
  let idle = 0;
  let requests: number;
  if (p.BillingMode === 'PAY_PER_REQUEST' || (r.Type === 'AWS::DynamoDB::GlobalTable' && p.BillingMode !== 'PROVISIONED')) {
    const w = m.price('dynamodb.onDemandWritePerMillion');
    const rd = m.price('dynamodb.onDemandReadPerMillion');
    requests = (l.dynamoWrites / 1e6) * w + (l.dynamoReads / 1e6) * rd;
    parts.push(`on demand: ${count(l.dynamoWrites)} writes x ${perUnit(w)}/M + ${count(l.dynamoReads)} reads x ${perUnit(rd)}/M`);
  } else {
    const throughput = p.ProvisionedThroughput as Record<string, unknown> | undefined;
    const rcu = literalNumber(throughput?.ReadCapacityUnits) ?? 0;
    const wcu = literalNumber(throughput?.WriteCapacityUnits) ?? 0;
    idle = (rcu * m.price('dynamodb.provisionedRcuHour') + wcu * m.price('dynamodb.provisionedWcuHour')) * ctx.hours;
    requests = 0;
    parts.push(`provisioned ${rcu} RCU + ${wcu} WCU x ${ctx.hours} h (indexes' own capacity not priced)`);
  }
  parts.push(`storage ${l.dynamoGb} GB${pitrOn ? ' plus point-in-time recovery' : ''}`);
  return [
    line(ctx, id, r.Type, m, {
      description: `DynamoDB table${pitrOn ? ', PITR' : ''}`,
      idle,
      load: idle + requests + storage + pitr,
      detail: parts.join('; '),
    }),
  ];
};
