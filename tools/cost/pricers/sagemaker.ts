/** Amazon SageMaker resources: feature groups, endpoints and monitoring schedules. */
import { count, LineItem, Meter, rate as perUnit } from '../line-item';
import { PRICES_FILE } from '../prices';
import { literalNumber, literalString, referencedIds, scheduleRate } from '../template';
import { line, Pricer, PricingContext, props, resourcesOf } from './context';
import { jobLineItem, unknownInstanceMessage } from './sagemaker-jobs';

export const featureGroup: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const online = props(r).OnlineStoreConfig as Record<string, unknown> | undefined;
  if (online?.EnableOnlineStore !== true) {
    return [
      line(ctx, id, r.Type, m, {
        description: 'feature group, offline store only',
        idle: 0,
        load: 0,
        detail: 'the offline store is S3 data in the lake (priced with the data buckets); no online store',
      }),
    ];
  }
  if (online.StorageType === 'InMemory') {
    ctx.warnings.push(`${ctx.stack}/${id}: the in-memory online store tier is not priced (not in ${PRICES_FILE}); left out of the totals`);
    return [line(ctx, id, r.Type, m, { description: 'feature group, in-memory online store', idle: null, load: null, detail: 'not priced' })];
  }
  const l = ctx.load;
  const w = m.price('sagemaker.featureStore.writePerMillion');
  const rd = m.price('sagemaker.featureStore.readPerMillion');
  const st = m.price('sagemaker.featureStore.storagePerGbMonth');
  const reads = l.requestsPerMonth;
  const cost = (l.featureWrites / 1e6) * w + (reads / 1e6) * rd + l.featureGb * st;
  return [
    line(ctx, id, r.Type, m, {
      description: 'feature group with online store (standard tier, on demand)',
      idle: 0,
      load: cost,
      detail:
        `${count(l.featureWrites)} writes x ${perUnit(w)}/M + ${count(reads)} reads (one per ` +
        `inference request) x ${perUnit(rd)}/M + ${l.featureGb} GB x ${perUnit(st)}/GB-month`,
    }),
  ];
};

/** Prices an endpoint from its endpoint configuration in the same template. */
export const endpoint: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const resources = resourcesOf(ctx.template);
  const configId = [...referencedIds(props(r).EndpointConfigName)].find((ref) => resources[ref]?.Type === 'AWS::SageMaker::EndpointConfig');
  if (!configId) {
    ctx.warnings.push(`${ctx.stack}/${id}: the endpoint's configuration is not in this template, so the endpoint is not priced`);
    return [
      line(ctx, id, r.Type, m, {
        category: 'serving',
        description: 'SageMaker endpoint',
        idle: null,
        load: null,
        detail: 'endpoint configuration not found',
      }),
    ];
  }
  const variants = (props(resources[configId]).ProductionVariants as Array<Record<string, unknown>> | undefined) ?? [];
  const out: LineItem[] = [];
  variants.forEach((v, i) => {
    const name = literalString(v.VariantName) ?? `variant ${i + 1}`;
    const serverless = v.ServerlessConfig as Record<string, unknown> | undefined;
    if (serverless) {
      out.push(
        serverlessLine(
          ctx,
          `${id}/${name}`,
          `SageMaker serverless endpoint (${configId}, ${name})`,
          literalNumber(serverless.MemorySizeInMB) ?? 2048,
          literalNumber(serverless.ProvisionedConcurrency) ?? 0,
        ),
      );
      return;
    }
    const type = literalString(v.InstanceType);
    const instances = literalNumber(v.InitialInstanceCount) ?? 1;
    const capture = props(resources[configId]).DataCaptureConfig as Record<string, unknown> | undefined;
    const capturePercent = capture ? (literalNumber(capture.InitialSamplingPercentage) ?? ctx.load.capturePercent) : 0;
    out.push(
      realtimeLine(
        ctx,
        `${id}/${name}`,
        `SageMaker real-time endpoint (${configId}, ${name})`,
        type,
        instances,
        instances,
        instances,
        capturePercent,
      ),
    );
  });
  return out;
};

/** A real-time endpoint: `minInstances` all month at idle; at load as many as the traffic needs, within the bounds. */
export function realtimeLine(
  ctx: PricingContext,
  id: string,
  description: string,
  instanceType: string | undefined,
  initial: number,
  min: number,
  max: number,
  capturePercent: number,
): LineItem {
  const m = new Meter(ctx.prices);
  const type = 'SageMaker endpoint';
  if (!instanceType) {
    ctx.warnings.push(`${ctx.stack}: ${description}: the instance type is not a literal, so the endpoint is not priced`);
    return line(ctx, id, type, m, { category: 'serving', description, idle: null, load: null, detail: 'instance type unknown' });
  }
  const price = ctx.prices.instance('realtime', instanceType);
  if (!price) {
    ctx.warnings.push(unknownInstanceMessage(ctx, instanceType, 'realtime', `${ctx.stack}: ${description}`));
    return line(ctx, id, type, m, {
      category: 'serving',
      description: `${description}, ${instanceType}`,
      idle: null,
      load: null,
      detail: `unknown instance type ${instanceType}: not priced`,
    });
  }
  const l = ctx.load;
  const hourly = m.use(price);
  const busySeconds = l.requestsPerMonth * (l.inferenceMs / 1000);
  const needed = Math.ceil(busySeconds / (ctx.hours * 3600 * l.targetUtilization));
  const atLoad = Math.min(Math.max(max, min), Math.max(min, needed, l.requestsPerMonth > 0 ? 1 : 0));
  const idle = min * hourly * ctx.hours;
  const loadHours = min === 0 ? l.activeHoursPerDay * (ctx.hours / 24) : ctx.hours;
  const captureGb = (l.requestsPerMonth * (capturePercent / 100) * l.payloadKb) / 1e6;
  const s3 = m.price('s3.standardPerGbMonth');
  const load = atLoad * hourly * loadHours + captureGb * s3;
  const parts = [
    `idle: ${min} x ${perUnit(hourly)}/h x ${ctx.hours} h (minimum instances)`,
    `at load: ${atLoad} instance(s) x ${loadHours.toFixed(0)} h (${count(l.requestsPerMonth)} ` +
      `requests x ${l.inferenceMs} ms need ${needed} at ${l.targetUtilization * 100}% ` +
      `utilization; bounds ${min}-${max})`,
  ];
  if (captureGb > 0) parts.push(`data capture ${capturePercent}%: ${captureGb.toFixed(3)} GB x ${perUnit(s3)}/GB-month`);
  if (initial > min) parts.push(`starts with ${initial} instance(s) until autoscaling scales in`);
  return line(ctx, id, type, m, {
    category: 'serving',
    description: `${description}, ${instanceType} x ${min}-${Math.max(max, min)}`,
    idle,
    load,
    detail: parts.join('; '),
  });
}

/** A serverless endpoint: provisioned concurrency at idle; duration and data processed at load. */
export function serverlessLine(ctx: PricingContext, id: string, description: string, memoryMb: number, provisioned: number): LineItem {
  const m = new Meter(ctx.prices);
  const l = ctx.load;
  const gb = memoryMb / 1024;
  const pcRate = m.price('sagemaker.provisionedConcurrencyPerGbSecond');
  const rate = m.price('sagemaker.serverlessPerGbSecond');
  const dataRate = m.price('sagemaker.serverlessDataPerGb');
  const idle = provisioned * gb * pcRate * ctx.hours * 3600;
  const gbSeconds = l.requestsPerMonth * (l.inferenceMs / 1000) * gb;
  const dataGb = (l.requestsPerMonth * l.payloadKb) / 1e6;
  const load = idle + gbSeconds * rate + dataGb * dataRate;
  return line(ctx, id, 'SageMaker endpoint', m, {
    category: 'serving',
    description: `${description}, ${memoryMb} MB${provisioned ? `, ${provisioned} provisioned` : ''}`,
    idle,
    load,
    detail:
      (provisioned
        ? `idle: ${provisioned} x ${gb} GB x ${perUnit(pcRate)}/GB-s provisioned concurrency x ${ctx.hours} h; `
        : 'idle: nothing (scales to zero); ') +
      `at load: ${count(l.requestsPerMonth)} requests x ${l.inferenceMs} ms x ${gb} GB = ` +
      `${count(Math.round(gbSeconds))} GB-s x ${perUnit(rate)} + ${dataGb.toFixed(3)} GB ` +
      `processed x ${perUnit(dataRate)}/GB`,
  });
}

export const monitoringSchedule: Pricer = (ctx, id, r) => {
  const m = new Meter(ctx.prices);
  const config = props(r).MonitoringScheduleConfig as Record<string, unknown> | undefined;
  const expression = literalString((config?.ScheduleConfig as Record<string, unknown> | undefined)?.ScheduleExpression) ?? '';
  const rate = scheduleRate(expression);
  const definition = config?.MonitoringJobDefinition as Record<string, unknown> | undefined;
  const cluster = (definition?.MonitoringResources as Record<string, unknown> | undefined)?.ClusterConfig as Record<string, unknown> | undefined;
  const type = literalString(cluster?.InstanceType);
  if (!definition || !type) {
    ctx.warnings.push(`${ctx.stack}/${id}: the monitoring schedule's job definition is not inline, so its jobs are not priced`);
    return [
      line(ctx, id, r.Type, m, {
        category: 'serving',
        description: 'SageMaker monitoring schedule',
        idle: null,
        load: null,
        detail: 'job definition not inline',
      }),
    ];
  }
  const minutes = (literalNumber((definition.StoppingCondition as Record<string, unknown> | undefined)?.MaxRuntimeInSeconds) ?? 3600) / 60;
  const item = jobLineItem(
    ctx,
    id,
    `monitoring job of ${id} (${expression})`,
    'processing',
    type,
    literalNumber(cluster?.InstanceCount) ?? 1,
    minutes,
    false,
    rate?.perMonth ?? 730,
  );
  // Monitoring runs on a clock: it costs the same at idle.
  return [{ ...item, category: 'serving', idle: item.load, unconfirmed: item.unconfirmed || m.unconfirmed }];
};
