import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHandler } from '../../lambda/drift-job';
import { WindowAccumulator } from '../../lambda/drift-job/capture';
import { computeDrift } from '../../lambda/drift-job/metrics';
import type { ContinueResult, DriftJobResult } from '../../lambda/drift-job/types';
import { lambdaSelfInvoker } from '../../lambda/drift-job/self-invoke';
import {
  BASELINE, CAPTURE_PREFIX, captureFiles, cloudwatch, EVENT, FEATURES, handler, POINTER, published, ROWS, s3, serve, stored,
  useDriftJobFixture,
} from './drift-job-fixture';

useDriftJobFixture();

describe('windows too large for one invocation', () => {
  /** A context with plenty of time for the first `lowAfter` checks, then below the reserve. */
  const context = (lowAfter: number) => {
    let checks = 0;
    return { getRemainingTimeInMillis: () => (checks++ < lowAfter ? 900_000 : 1_000), invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:drift-churn' };
  };

  test('split into parts through persisted state, the metrics equal those of one invocation', async () => {
    await handler(EVENT);
    const whole = published();
    cloudwatch.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});

    const first = await handler(EVENT, context(1));
    expect(first).toEqual(expect.objectContaining({
      status: 'continue', objectsThisPart: 2, selfInvoked: false,
      continuation: { stateUri: 's3://artifacts-bucket/drift-state/churn/20261122T1000Z-120m/part-0001.json', part: 1 },
    }));
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricDataCommand);
    const state = JSON.parse(stored.get('s3://artifacts-bucket/drift-state/churn/20261122T1000Z-120m/part-0001.json')!);
    expect(state.position).toEqual({ hourIndex: 1 });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'artifacts-bucket', Key: 'drift-state/churn/20261122T1000Z-120m/part-0001.json', ContentType: 'application/json' });

    // The next part resumes inside hour 09 after c.jsonl, then finishes.
    const second = await handler((first as ContinueResult).nextEvent, context(0));
    expect(second).toEqual(expect.objectContaining({ status: 'continue', objectsThisPart: 1, continuation: expect.objectContaining({ part: 2 }) }));
    expect(JSON.parse(stored.get((second as ContinueResult).continuation.stateUri)!).position).toEqual({ hourIndex: 1, startAfter: `${CAPTURE_PREFIX}/2026/11/22/09/c.jsonl` });
    const third = await handler((second as ContinueResult).nextEvent, context(5));
    expect(third).toEqual(expect.objectContaining({ status: 'complete', parts: 3, objects: 4, sampleCount: 200 }));
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: `${CAPTURE_PREFIX}/2026/11/22/09/`, StartAfter: `${CAPTURE_PREFIX}/2026/11/22/09/c.jsonl` });
    expect(published()).toEqual(whole);
  });

  test('with SELF_INVOKE=true, the function invokes itself asynchronously with the next event', async () => {
    process.env.SELF_INVOKE = 'true';
    const calls: Array<[string, unknown]> = [];
    const selfInvoking = createHandler({ selfInvoker: { invokeAsync: async (name, payload) => { calls.push([name, payload]); } } });
    let event: unknown = EVENT;
    let result: DriftJobResult;
    do {
      result = await selfInvoking(event, context(1));
      if (result.status === 'continue') {
        expect(result.selfInvoked).toBe(true);
        event = calls[calls.length - 1][1];
      }
    } while (result.status === 'continue');
    expect(calls.map(([name]) => name)).toEqual(['arn:aws:lambda:eu-west-1:111122223333:function:drift-churn']);
    expect(calls[0][1]).toEqual({ scheduledTime: EVENT.scheduledTime, windowMinutes: 120, continuation: { stateUri: 's3://artifacts-bucket/drift-state/churn/20261122T1000Z-120m/part-0001.json', part: 1 } });
    expect(result).toEqual(expect.objectContaining({ status: 'complete', parts: 2, sampleCount: 200 }));
  });

  test('the production self-invoker sends the next event as an asynchronous (Event) invocation', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    await lambdaSelfInvoker.invokeAsync('arn:aws:lambda:eu-west-1:111122223333:function:drift-churn', { scheduledTime: 'x' });
    const input = lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(input).toEqual(expect.objectContaining({ FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:drift-churn', InvocationType: 'Event' }));
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString())).toEqual({ scheduledTime: 'x' });
    lambda.on(InvokeCommand).resolves({ StatusCode: 500 });
    await expect(lambdaSelfInvoker.invokeAsync('f', {})).rejects.toThrow('asynchronous invocation of f returned status 500; expected 202');
    lambda.restore();
  });

  test('a continuation keeps the deployment of its first part, even if the pointer changed', async () => {
    const first = await handler(EVENT, context(1)) as ContinueResult;
    serve({ ...POINTER, endpointName: 'another-endpoint' });
    const rest = await handler(first.nextEvent);
    expect(rest).toEqual(expect.objectContaining({ status: 'complete', endpointName: 'mlops-dev-churn', sampleCount: 200 }));
  });

  test('a continuation of another window or outside STATE_PREFIX_URI is refused', async () => {
    const first = await handler(EVENT, context(1)) as ContinueResult;
    await expect(handler({ ...first.nextEvent, scheduledTime: '2026-11-22T11:15:00Z' })).rejects.toThrow(/is part 1 of churn .*; expected part 1 of churn .*2026-11-22T11:00:00.000Z/);
    await expect(handler({ ...first.nextEvent, continuation: { stateUri: 's3://other-bucket/x.json', part: 1 } })).rejects.toThrow(/continuation.stateUri is "s3:\/\/other-bucket\/x.json"; expected an object under STATE_PREFIX_URI/);
  });

  test('merging two partial windows equals reading everything into one', async () => {
    const lines = Object.values(captureFiles(ROWS)).filter((v): v is string => typeof v === 'string').join('\n').split('\n');
    const whole = WindowAccumulator.forBaseline(BASELINE, FEATURES);
    lines.forEach((l) => whole.addLine(l));
    const a = WindowAccumulator.forBaseline(BASELINE, FEATURES);
    const b = WindowAccumulator.forBaseline(BASELINE, FEATURES);
    lines.forEach((l, i) => (i % 3 === 0 ? a : b).addLine(l));
    const merged = WindowAccumulator.fromState(JSON.parse(JSON.stringify(a)), FEATURES)
      .merge(WindowAccumulator.fromState(JSON.parse(JSON.stringify(b)), FEATURES));
    expect(merged.toState()).toEqual(whole.toState());
    expect(computeDrift(BASELINE, merged)).toEqual(computeDrift(BASELINE, whole));
  });
});
