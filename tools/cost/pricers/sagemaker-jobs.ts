/** SageMaker jobs (training, processing, transform): from a state machine definition or from the model's metadata. */
import { LineItem, Meter, rate as perUnit } from '../line-item';
import { InstanceUse, PRICES_FILE, RegionPrices } from '../prices';
import { allStates, literalNumber, literalString } from '../template';
import { line, PricingContext, TRANSFORM_JOB_MINUTES } from './context';

/** Monthly cost of one run's SageMaker jobs read from a state machine definition, as training lines. */
export function jobsInDefinition(ctx: PricingContext, id: string, definition: Record<string, unknown>, runs: number): LineItem[] {
  const out: LineItem[] = [];
  for (const [name, state] of allStates(definition)) {
    const resource = literalString(state.Resource) ?? '';
    const params = (state.Parameters ?? state.Arguments) as Record<string, unknown> | undefined;
    if (!params || !/:sagemaker:create(Training|Processing|Transform)Job/.test(resource)) continue;
    let use: InstanceUse;
    let type: unknown;
    let instances: number;
    let minutes: number;
    let spot = false;
    let what: string;
    if (resource.includes('createTrainingJob')) {
      const rc = params.ResourceConfig as Record<string, unknown> | undefined;
      use = 'training';
      type = rc?.InstanceType;
      instances = literalNumber(rc?.InstanceCount) ?? 1;
      minutes = (literalNumber((params.StoppingCondition as Record<string, unknown> | undefined)?.MaxRuntimeInSeconds) ?? 86_400) / 60;
      spot = params.EnableManagedSpotTraining === true;
      what = 'training job';
    } else if (resource.includes('createProcessingJob')) {
      const cc = (params.ProcessingResources as Record<string, unknown> | undefined)?.ClusterConfig as Record<string, unknown> | undefined;
      use = 'processing';
      type = cc?.InstanceType;
      instances = literalNumber(cc?.InstanceCount) ?? 1;
      minutes = (literalNumber((params.StoppingCondition as Record<string, unknown> | undefined)?.MaxRuntimeInSeconds) ?? 86_400) / 60;
      what = 'processing job';
    } else {
      const tr = params.TransformResources as Record<string, unknown> | undefined;
      use = 'training';
      type = tr?.InstanceType;
      instances = literalNumber(tr?.InstanceCount) ?? 1;
      minutes = TRANSFORM_JOB_MINUTES;
      what = `batch transform job (${TRANSFORM_JOB_MINUTES} min assumed; priced at training rates)`;
    }
    out.push(jobLineItem(ctx, `${id}/${name}`, `${what} "${name}" (pipeline task)`, use, literalString(type), instances, minutes, spot, runs));
  }
  return out;
}

/**
 * A SageMaker job priced per run (runtime taken as its maximum, an upper bound) times the runs per month.
 * An unknown instance type gives a line without figures and a warning naming the type and the table.
 */
export function jobLineItem(
  ctx: PricingContext,
  id: string,
  description: string,
  use: InstanceUse,
  instanceType: string | undefined,
  instances: number,
  minutes: number,
  spot: boolean,
  runs: number,
): LineItem {
  const m = new Meter(ctx.prices);
  const type = 'SageMaker job';
  if (!instanceType) {
    ctx.warnings.push(`${ctx.stack}: ${description}: the instance type is not a literal in the template, so the job is not priced`);
    return line(ctx, id, type, m, { category: 'training', description, idle: 0, load: null, detail: 'instance type unknown' });
  }
  const price = ctx.prices.instance(use, instanceType);
  if (!price) {
    ctx.warnings.push(unknownInstanceMessage(ctx, instanceType, use, `${ctx.stack}: ${description}`));
    return line(ctx, id, type, m, {
      category: 'training',
      description: `${description}, ${instances} x ${instanceType}`,
      idle: 0,
      load: null,
      detail: `unknown instance type ${instanceType}: not priced`,
    });
  }
  const hourly = m.use(price);
  const discount = spot ? ctx.load.spotDiscount : 0;
  const perRun = instances * hourly * (minutes / 60) * (1 - discount);
  return {
    ...line(ctx, id, type, m, {
      category: 'training',
      description: `${description}, ${instances} x ${instanceType}${spot ? ' spot' : ''}`,
      idle: 0,
      load: perRun * runs,
      detail:
        `per run ${perUnit(perRun)} = ${instances} x ${perUnit(hourly)}/h x ${minutes} ` +
        `min (the maximum runtime)` +
        `${spot ? ` x (1 - ${ctx.load.spotDiscount} spot discount)` : ''}; x ${runs} ` +
        `run(s)/month`,
    }),
    perRun,
  };
}

/** The message for an instance type the price table does not list. */
export function unknownInstanceMessage(ctx: { prices: RegionPrices }, instanceType: string, use: InstanceUse, where: string): string {
  return (
    `${where}: unknown instance type "${instanceType}" for SageMaker ${use} in ${ctx.prices.region}: not in ${PRICES_FILE} ` +
    `(${ctx.prices.instanceTablePath(use)}); add its hourly price there. Left out of the totals.`
  );
}
