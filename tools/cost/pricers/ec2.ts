/** Amazon VPC networking: NAT gateways, public IPv4 addresses, interface endpoints. */
import { Meter, rate as perUnit } from '../line-item';
import { PRICES_FILE } from '../prices';
import { literalString } from '../template';
import { line, Pricer, props } from './context';

export const natGateway: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const hour = m.price('ec2.natGatewayHour');
  const gb = m.price('ec2.natGatewayPerGb');
  const idle = hour * ctx.hours;
  return [
    line(ctx, id, r.Type, m, {
      description: 'NAT gateway',
      idle,
      load: idle + ctx.load.natGb * gb,
      detail:
        `${perUnit(hour)}/h x ${ctx.hours} h + ${ctx.load.natGb} GB (--nat-gb) x ${perUnit(gb)}/GB ` +
        `(data transfer out to the internet not priced)`,
    }),
  ];
};

export const elasticIp: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const hour = m.price('ec2.publicIpv4Hour');
  const cost = hour * ctx.hours;
  return [line(ctx, id, r.Type, m, { description: 'public IPv4 address', idle: cost, load: cost, detail: `${perUnit(hour)}/h x ${ctx.hours} h` })];
};

export const vpcEndpoint: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const kind = literalString(p.VpcEndpointType) ?? 'Gateway';
  if (kind === 'Gateway') {
    return [
      line(ctx, id, r.Type, m, {
        description: 'gateway VPC endpoint (S3/DynamoDB)',
        idle: 0,
        load: 0,
        detail: 'gateway endpoints have no hourly or data charge',
      }),
    ];
  }
  if (kind !== 'Interface') {
    ctx.warnings.push(`${ctx.stack}/${id}: ${kind} VPC endpoints are not priced (not in ${PRICES_FILE})`);
    return [line(ctx, id, r.Type, m, { description: `${kind} VPC endpoint`, idle: null, load: null, detail: 'not priced' })];
  }
  const subnets = Array.isArray(p.SubnetIds) ? p.SubnetIds.length : undefined;
  const azs = subnets ?? 2;
  const hour = m.price('ec2.interfaceEndpointHourPerAz');
  const gb = m.price('ec2.interfaceEndpointPerGb');
  const idle = azs * hour * ctx.hours;
  const service =
    literalString(p.ServiceName) ??
    JSON.stringify(p.ServiceName ?? '')
      .replace(/.*com\.amazonaws\.[^.]*\.?/, '')
      .replace(/["\]}]/g, '');
  return [
    line(ctx, id, r.Type, m, {
      description: `interface VPC endpoint${service ? ` ${service}` : ''}`,
      idle,
      load: idle + ctx.load.endpointGb * gb,
      detail:
        `${azs} AZ(s)${subnets === undefined ? ' (subnets not literal: assumed 2)' : ''} x ` +
        `${perUnit(hour)}/h x ${ctx.hours} h + ${ctx.load.endpointGb} GB (--endpoint-gb) x ${perUnit(gb)}/GB`,
    }),
  ];
};
