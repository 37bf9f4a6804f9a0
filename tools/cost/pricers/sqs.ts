/** Amazon SQS queues. */
import { count, Meter, rate as perUnit } from '../line-item';
import { line, Pricer, props } from './context';

export const sqsQueue: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const fifo = props(r).FifoQueue === true;
  const rate = m.price(fifo ? 'sqs.fifoPerMillion' : 'sqs.standardPerMillion');
  const cost = (ctx.load.sqsRequests / 1e6) * rate;
  return [
    line(ctx, id, r.Type, m, {
      description: `SQS queue${fifo ? ', FIFO' : ''}`,
      idle: 0,
      load: cost,
      detail:
        `${count(ctx.load.sqsRequests)} requests (--sqs-requests) x ${perUnit(rate)}/M (the ` +
        `account's 1M free requests not subtracted; a Lambda consumer's long polling adds requests ` +
        `even when idle)`,
    }),
  ];
};
