/** AWS Lambda functions. */
import { count, Meter, rate as perUnit } from '../line-item';
import { literalNumber } from '../template';
import { line, Pricer, props } from './context';
import { customResourcesServedBy, invokedOtherwise, schedulesInvoking } from './relations';

export const lambdaFunction: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const memory = literalNumber(p.MemorySize) ?? 128;
  const arch = Array.isArray(p.Architectures) && p.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64';
  const timeout = literalNumber(p.Timeout) ?? 3;
  const seconds = Math.min(ctx.load.lambdaSeconds, timeout);
  const schedules = schedulesInvoking(ctx, id);
  const scheduled = schedules.reduce((n, s) => n + s.perMonth, 0);
  const customResources = customResourcesServedBy(ctx, id);
  const onlyDeploys = schedules.length === 0 && customResources > 0 && !invokedOtherwise(ctx, id);
  const invocations = schedules.length > 0 ? scheduled : onlyDeploys ? 0 : ctx.load.lambdaInvocations;
  const gbSeconds = invocations * seconds * (memory / 1024);
  const rate = m.price(arch === 'arm64' ? 'lambda.arm64PerGbSecond' : 'lambda.x86PerGbSecond');
  const req = m.price('lambda.requestsPerMillion');
  const cost = (invocations / 1e6) * req + gbSeconds * rate;
  const source =
    schedules.length > 0
      ? `${count(Math.round(invocations))} scheduled invocations (${schedules.map((s) => s.id + (s.note ? `: ${s.note}` : '')).join(', ')})`
      : onlyDeploys
        ? `custom resource handler: runs only when the stack is deployed or deleted, so 0 invocations a month`
        : `${count(invocations)} invocations (--lambda-invocations)`;
  return [
    line(ctx, id, r.Type, m, {
      description: `Lambda function, ${memory} MB ${arch}`,
      idle: schedules.length > 0 ? cost : 0,
      load: cost,
      detail: onlyDeploys
        ? source
        : `${source} x ${seconds} s = ${count(Math.round(gbSeconds))} GB-s x ${perUnit(rate)} + requests x ${perUnit(req)}/M`,
    }),
  ];
};
