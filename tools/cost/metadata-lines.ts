/**
 * The lines of a model priced from its MlopsCost metadata (tools/cost/metadata.ts): its endpoint, training, evaluation
 * and preprocessing jobs and drift checks, which the pipeline creates at run time and the template does not list.
 */
import { count, LineItem, Meter, rate as perUnit, usd } from './line-item';
import { CostMetadata } from './metadata';
import { hasSchedule, jobLineItem, PricingContext, realtimeLine, serverlessLine } from './pricers';

/** Lines for the model's endpoint, jobs and drift checks described by its MlopsCost metadata. */
export function metadataLines(ctx: PricingContext, metadata: CostMetadata, templateHasEndpoint: boolean, notes: string[]): LineItem[] {
  const out: LineItem[] = [];
  const l = ctx.load;
  const runs = l.trainingRunsPerMonth;
  const s = metadata.serving;
  if (!s) {
    notes.push('no serving in the MlopsCost metadata: serving not priced');
  } else if (templateHasEndpoint) {
    notes.push('serving priced from the AWS::SageMaker::Endpoint in the template; the MlopsCost serving entry is not priced again');
  } else if (s.mode === 'realtime') {
    const capture = s.capturePercent ?? l.capturePercent;
    // An endpoint stopped when idle has no instance at idle; at load it is up like a scale-to-zero endpoint.
    const min = s.stopWhenIdleHours === undefined ? s.minInstances : 0;
    if (s.stopWhenIdleHours !== undefined) {
      notes.push(
        `the endpoint is deleted after ${s.stopWhenIdleHours} h without an invocation: idle means ` +
          `after that; each stop bills up to ${s.stopWhenIdleHours} h of ${s.minInstances} x ` +
          `${s.instanceType} first`,
      );
    }
    out.push(
      realtimeLine(
        ctx,
        'serving',
        `real-time endpoint of ${metadata.model ?? ctx.model ?? ctx.stack}`,
        s.instanceType,
        s.initialInstanceCount,
        min,
        s.maxInstances,
        capture,
      ),
    );
  } else {
    out.push(
      serverlessLine(ctx, 'serving', `serverless endpoint of ${metadata.model ?? ctx.model ?? ctx.stack}`, s.memoryMb, s.provisionedConcurrency),
    );
  }

  const jobs: Array<[string, string, CostMetadata['training'] | null | undefined, 'training' | 'processing']> = [
    ['training', 'training job', metadata.training, 'training'],
    ['evaluation', 'evaluation job', metadata.evaluation, 'processing'],
    ['preprocessing', 'preprocessing job', metadata.preprocessing, 'processing'],
  ];
  for (const [id, what, job, use] of jobs) {
    if (!job) continue;
    // A tuning job runs up to `jobs` training jobs of the same size: priced as that many.
    const tuned = job.jobs !== undefined && job.jobs > 1;
    const described = tuned ? `tuning job (at most ${job.jobs} training jobs)` : what;
    const instances = job.instanceCount * (tuned ? job.jobs! : 1);
    out.push(jobLineItem(ctx, id, described, use, job.instanceType, instances, job.maxRuntimeMinutes, job.spot, runs));
  }

  if (metadata.drift) {
    if (hasSchedule(ctx.template)) {
      notes.push("drift checks: priced from the template's schedule and the function it invokes");
    } else {
      const m = new Meter(ctx.prices);
      const checks = (ctx.hours * 60) / metadata.drift.scheduleMinutes;
      const gb = metadata.drift.memoryMb / 1024;
      const rate = m.price('lambda.arm64PerGbSecond');
      const req = m.price('lambda.requestsPerMillion');
      const cost = (checks / 1e6) * req + checks * l.lambdaSeconds * gb * rate;
      out.push({
        stack: ctx.stack,
        ...(ctx.model ? { model: ctx.model } : {}),
        id: 'drift',
        type: 'drift checks',
        category: 'serving',
        description: `drift check every ${metadata.drift.scheduleMinutes} min, ${metadata.drift.memoryMb} MB`,
        idle: cost,
        load: cost,
        unconfirmed: m.unconfirmed,
        detail:
          `${count(Math.round(checks))} checks/month x ${l.lambdaSeconds} s x ${gb} GB as an arm64 ` +
          `Lambda function (not in the template: assumed) x ${perUnit(rate)}/GB-s + requests`,
      });
    }
  }

  if (metadata.retraining) {
    const perRun = out.filter((x) => x.category === 'training').reduce((n, x) => n + (x.perRun ?? 0), 0);
    const worst = metadata.retraining.maxStartsPerDay * (ctx.hours / 24);
    notes.push(
      `retraining may start at most ${metadata.retraining.maxStartsPerDay} run(s) a day: up to ` +
        `${count(Math.round(worst))} runs and ${usd(perRun * worst)} of jobs a month in the worst ` +
        `case (the estimate assumes ${runs})`,
    );
  }
  return out;
}
