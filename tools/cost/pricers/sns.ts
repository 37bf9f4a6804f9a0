/** Amazon SNS topics. */
import { count, Meter, rate as perUnit } from '../line-item';
import { referencedIds } from '../template';
import { line, Pricer, props, resourcesOf } from './context';

export const snsTopic: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  let emails = ((props(r).Subscription as Array<Record<string, unknown>> | undefined) ?? []).filter((s) => /^email/.test(String(s.Protocol))).length;
  for (const s of Object.values(resourcesOf(ctx.template))) {
    if (s.Type === 'AWS::SNS::Subscription' && /^email/.test(String(props(s).Protocol)) && referencedIds(props(s).TopicArn).has(id)) emails++;
  }
  const publishes = ctx.load.snsPublishes;
  const pub = m.price('sns.publishesPerMillion');
  const mail = m.price('sns.emailPer100k');
  const cost = (publishes / 1e6) * pub + ((publishes * emails) / 1e5) * mail;
  return [
    line(ctx, id, r.Type, m, {
      description: `SNS topic${emails ? `, ${emails} e-mail subscription(s)` : ''}`,
      idle: 0,
      load: cost,
      detail:
        `${count(publishes)} publishes (--sns-publishes) x ${perUnit(pub)}/M` +
        `${emails ? ` + ${count(publishes * emails)} e-mails x ${perUnit(mail)}/100k` : ''}`,
    }),
  ];
};
