import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { Baseline } from '../shared/drift/baseline';
import { logger } from '../shared/logging/logger';
import { WindowAccumulator } from './capture';
import { batches, computeDrift, metricData, schemaViolations } from './metrics';
import { loadBaseline, parsePointer, readJson, scanWindow, writeState } from './scan';
import { config, stateUri, validate, windowOf } from './settings';
import {
  CompletedResult,
  DEFAULT_WINDOW_MINUTES,
  DeploymentPointer,
  DriftJobEvent,
  DriftJobResult,
  InvocationContext,
  MAX_PARTS,
  PartialState,
  Position,
  SelfInvoker,
  WindowSpan,
} from './types';

const cloudwatch = new CloudWatchClient({});

/*
 * The drift job of one model (docs/drift.md): run hourly by EventBridge Scheduler, it reads the
 * endpoint's captured requests of the last window from S3, compares them with the deployed model
 * version's baseline and publishes drift metrics to CloudWatch.
 *
 * **Event**: `{ "scheduledTime": "2026-11-22T10:15:00Z", "windowMinutes"?: 60,
 * "continuation"?: { "stateUri": "s3://…/part-0001.json", "part": 1 } }`.
 * `scheduledTime` is Scheduler's `<aws.scheduler.scheduled-time>`. The window is the `windowMinutes`
 * (a multiple of 60, at most 7 days; default 60) before `scheduledTime` truncated to the hour:
 * 10:15 → [09:00, 10:00). Schedule a few minutes past the hour so that SageMaker has flushed the
 * previous hour's files. `continuation` is only ever written by this function (see below).
 *
 * **Steps**: read the deployment pointer (POINTER_URI: `{ schemaVersion: 1, endpointName, variantName,
 * modelPackageArn, baselineUri, deployedAt, executionArn }`; none yet → `{ status: 'no-deployment' }`,
 * no error); read the baseline; list every hour prefix of the window
 * (`<CAPTURE_PREFIX><endpointName>/<variantName>/yyyy/mm/dd/hh/`, paginated) and stream every object
 * line by line (gzip detected by magic bytes) into the window's histograms
 * ({@link WindowAccumulator}); then publish (PutMetricData, ≤ 1000 metrics per call, timestamp = window
 * end). Fewer than MIN_SAMPLES valid rows: SampleCount, SchemaViolations and InsufficientData = 1 only,
 * no drift value.
 *
 * **Long windows**: before each object (after at least one per invocation, so every part progresses)
 * the remaining time is checked; below TIME_RESERVE_MS, the histograms and the position (hour, last
 * key) are written to `<STATE_PREFIX_URI><model>/<window end>-<minutes>m/part-NNNN.json` and the
 * function returns `{ status: 'continue', continuation }`; with SELF_INVOKE=true it first invokes
 * itself asynchronously with that continuation. State keys are deterministic, so a retried part
 * rewrites the same object. The deployment and baseline of part 1 are kept for the whole window.
 *
 * **Returns** `{ status: 'complete' | 'insufficient-data', model, window, … counts, drift }` (see
 * {@link DriftJobResult}, types.ts). **Throws** on a malformed event (InvalidEventError), configuration errors,
 * an invalid pointer or baseline, and S3/CloudWatch errors (the invocation is retried by Lambda).
 *
 * **Environment**: MODEL_NAME, POINTER_URI, CAPTURE_BUCKET, CAPTURE_PREFIX, FEATURES_JSON,
 * STATE_PREFIX_URI; optional METRIC_NAMESPACE (default MLOps/Drift), MIN_SAMPLES (default 100),
 * SELF_INVOKE (default false), TIME_RESERVE_MS (default 60000).
 */

/** A handler with injectable dependencies (tests pass a fake {@link SelfInvoker}). */
export function createHandler(dependencies: { selfInvoker?: SelfInvoker } = {}) {
  return async (event: unknown, context?: InvocationContext): Promise<DriftJobResult> => {
    const settings = config();
    const input = validate(event, settings.statePrefixUri);
    const window = windowOf(input.scheduledTime, input.windowMinutes ?? DEFAULT_WINDOW_MINUTES);
    const span: WindowSpan = { start: window.start, end: window.end, minutes: window.minutes };

    let deployment: DeploymentPointer;
    let accumulator: WindowAccumulator;
    let baseline: Baseline;
    let position: Position = { hourIndex: 0 };
    let totals = { objects: 0, bytes: 0 };
    const part = (input.continuation?.part ?? 0) + 1;
    if (input.continuation) {
      const state = (await readJson(input.continuation.stateUri, 'continuation.stateUri')) as PartialState | undefined;
      if (!state) throw new Error(`Continuation state ${input.continuation.stateUri} does not exist`);
      if (
        state.model !== settings.model ||
        state.window?.end !== span.end ||
        state.window?.minutes !== span.minutes ||
        state.part !== input.continuation.part
      ) {
        throw new Error(
          `Continuation state ${input.continuation.stateUri} is part ${state.part} of ${state.model} ${JSON.stringify(state.window)}; expected ` +
            `part ${input.continuation.part} of ${settings.model} ${JSON.stringify(span)}`,
        );
      }
      deployment = state.deployment;
      baseline = await loadBaseline(deployment.baselineUri, settings.features);
      accumulator = WindowAccumulator.fromState(state.accumulator, settings.features);
      position = state.position;
      totals = { objects: state.objects, bytes: state.bytes };
    } else {
      const pointer = await readJson(settings.pointerUri, 'POINTER_URI');
      if (pointer === undefined) {
        logger.info('no deployment yet: nothing to compare', { model: settings.model, pointerUri: settings.pointerUri });
        return { status: 'no-deployment', model: settings.model, pointerUri: settings.pointerUri };
      }
      deployment = parsePointer(pointer, settings.pointerUri);
      baseline = await loadBaseline(deployment.baselineUri, settings.features);
      accumulator = WindowAccumulator.forBaseline(baseline, settings.features);
    }

    const lowOnTime = () => context !== undefined && context.getRemainingTimeInMillis() < settings.timeReserveMs;
    const scan = await scanWindow(settings, deployment, window.hours, position, accumulator, lowOnTime);
    totals = { objects: totals.objects + scan.objects, bytes: totals.bytes + scan.bytes };

    if (scan.resumeAt) {
      if (part >= MAX_PARTS)
        throw new Error(
          `Window ${JSON.stringify(span)} of ${settings.model} needs more than ${MAX_PARTS} parts; use a shorter window or a larger function`,
        );
      const continuation = { stateUri: stateUri(settings.statePrefixUri, settings.model, span, part), part };
      const state: PartialState = {
        schemaVersion: 1,
        model: settings.model,
        window: span,
        deployment,
        position: scan.resumeAt,
        part,
        objects: totals.objects,
        bytes: totals.bytes,
        accumulator: accumulator.toState(),
      };
      await writeState(continuation.stateUri, state);
      const nextEvent: DriftJobEvent = { scheduledTime: input.scheduledTime, windowMinutes: span.minutes, continuation };
      let selfInvoked = false;
      if (settings.selfInvoke) {
        const functionName = context?.invokedFunctionArn ?? process.env.AWS_LAMBDA_FUNCTION_NAME;
        if (!functionName)
          throw new Error('SELF_INVOKE is true but the function name is unknown (no context.invokedFunctionArn nor AWS_LAMBDA_FUNCTION_NAME)');
        const invoker = dependencies.selfInvoker ?? (await import('./self-invoke')).lambdaSelfInvoker;
        await invoker.invokeAsync(functionName, nextEvent);
        selfInvoked = true;
      }
      logger.info('window continues in another invocation', {
        model: settings.model,
        window: span,
        part,
        objectsThisPart: scan.objects,
        resumeAt: scan.resumeAt,
        stateUri: continuation.stateUri,
        selfInvoked,
      });
      return { status: 'continue', model: settings.model, window: span, continuation, nextEvent, objectsThisPart: scan.objects, selfInvoked };
    }

    const counters = { ...accumulator.counters };
    const sufficient = counters.samples >= settings.minSamples;
    const drift = sufficient ? computeDrift(baseline, accumulator) : undefined;
    const data = metricData({ model: settings.model, timestamp: new Date(span.end), counters, drift });
    for (const batch of batches(data)) {
      await cloudwatch.send(new PutMetricDataCommand({ Namespace: settings.namespace, MetricData: batch }));
    }
    const result: CompletedResult = {
      status: sufficient ? 'complete' : 'insufficient-data',
      model: settings.model,
      endpointName: deployment.endpointName,
      variantName: deployment.variantName,
      baselineUri: deployment.baselineUri,
      window: span,
      parts: part,
      objects: totals.objects,
      bytes: totals.bytes,
      counters,
      sampleCount: counters.samples,
      schemaViolations: schemaViolations(counters),
      metricsPublished: data.length,
      drift,
    };
    if (sufficient) logger.info('drift measured', { ...result });
    else logger.warn('too few samples to measure drift', { ...result, minSamples: settings.minSamples });
    return result;
  };
}

/** The drift job's Lambda handler. */
export const handler = createHandler();
