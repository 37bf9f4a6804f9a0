/** AWS KMS keys. */
import { Meter, rate as perUnit } from '../line-item';
import { literalNumber } from '../template';
import { line, Pricer, props } from './context';

export const kmsKey: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const p = props(r);
  const key = m.price('kms.keyMonth');
  let total = key;
  let detail = `${perUnit(key)}/key-month`;
  if (p.EnableKeyRotation === true) {
    const period = literalNumber(p.RotationPeriodInDays) ?? 365;
    const per = m.price('kms.rotatedKeyMaterialMonth');
    const cap = m.price('kms.chargedRotations');
    const rotations = Math.min(cap, Math.floor((ctx.load.keyAgeMonths * 730) / 24 / period));
    total = key + rotations * per;
    detail +=
      `; rotation every ${period} days adds ${perUnit(per)}/month at each of the first ${cap} rotations ` +
      `(${perUnit(key + per)} from day ${period}, ${perUnit(key + cap * per)} from day ` +
      `${cap * period}); key age ${ctx.load.keyAgeMonths} months: ${rotations} charged rotation(s)`;
  }
  const multiRegion = p.MultiRegion === true ? ' (multi-Region primary: each replica is priced in its own region)' : '';
  return [
    line(ctx, id, r.Type, m, {
      description: `KMS key${p.EnableKeyRotation === true ? ', rotating' : ''}${multiRegion}`,
      idle: total,
      load: total,
      detail,
    }),
  ];
};
