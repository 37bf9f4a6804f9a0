import { ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import 'aws-sdk-client-mock-jest';
import { executionNameOf, handler } from '../../lambda/retrain-trigger';
import {
  AGGREGATE_ALARM, ALARM, ALARM_NAME, alarmEvent, ddb, decisionsCounted, FOREIGN_ALARM, info, machine, MINUTE, MODEL,
  scheduleEvent, sfn, STATE_MACHINE, T0, table, tally, useRetrainTriggerFixture, warn,
} from './retrain-trigger-fixture';

useRetrainTriggerFixture();

describe('drift alarm events', () => {
  test('an allowed alarm in ALARM starts the pipeline once, with the trigger as input, and claims the guardrails', async () => {
    // WHEN
    const result = await handler(alarmEvent('evt-1'));

    // THEN
    const name = executionNameOf({ type: 'drift', time: '2026-11-22T14:05:09Z', eventId: 'evt-1' });
    expect(name).toMatch(/^drift-20261122T1405-[0-9a-f]{16}$/);
    expect(result).toEqual({ decision: 'started', executionArn: machine.arnOf(name), reason: expect.stringMatching(/^Threshold Crossed/) });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE, statusFilter: 'RUNNING', maxResults: 1 });
    const start = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(start).toEqual(expect.objectContaining({ stateMachineArn: STATE_MACHINE, name }));
    expect(JSON.parse(start.input as string)).toEqual({
      trigger: {
        type: 'drift',
        alarmName: ALARM_NAME,
        alarmArn: ALARM,
        reason: expect.stringMatching(/^Threshold Crossed: 1 out of the last 1 datapoints/),
        metrics: [{ id: 'm1', namespace: 'MLOps/Drift', name: 'PSI', dimensions: { Model: 'churn', Feature: 'tenure' }, stat: 'Maximum', period: 3600 }],
        threshold: 0.2,
        recentDatapoints: [0.31],
        time: '2026-11-22T14:05:09Z',
        eventId: 'evt-1',
      },
    });

    expect(table.get('event#evt-1')).toEqual(expect.objectContaining({ model: MODEL, eventId: 'evt-1', expiresAt: Math.floor(T0 / 1000) + 48 * 3600 }));
    expect(table.get(`model#${MODEL}`)).toEqual(expect.objectContaining({ lastStartedAt: T0, previousStartedAt: 0, lastEventId: 'evt-1' }));
    expect(table.get(`day#${MODEL}#2026-11-22`)).toEqual({ pk: `day#${MODEL}#2026-11-22`, starts: 1, expiresAt: Date.parse('2026-11-24T00:00:00Z') / 1000 });
    expect(decisionsCounted()).toEqual(['started']);
  });

  test('the decision is logged in structured form', async () => {
    await handler(alarmEvent('evt-1'));

    expect(info).toHaveBeenCalledWith('retraining decision', expect.objectContaining({
      decision: 'started', model: MODEL, eventId: 'evt-1', trigger: 'drift', alarm: ALARM_NAME,
      reason: expect.stringMatching(/^Threshold Crossed/), executionArn: expect.stringContaining(':execution:mlops-dev-churn-training:drift-'),
    }));
  });

  test('an alarm storm (50 distinct events within a minute, concurrently) starts exactly one execution', async () => {
    // GIVEN two alarms of the model firing 50 events with distinct ids within one minute
    const events = Array.from({ length: 50 }, (_, i) => {
      const event = alarmEvent(`storm-${i}`, { time: new Date(T0 - MINUTE + i * 1000).toISOString() });
      return i % 2 === 0 ? event : { ...event, resources: [AGGREGATE_ALARM], detail: { ...event.detail, alarmName: 'mlops-dev-churn-drift' } };
    });

    // WHEN they are handled concurrently
    const results = await Promise.all(events.map((e) => handler(e)));

    // THEN one started; every other one was refused by a guardrail
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(machine.executions.size).toBe(1);
    const counts = tally(results);
    expect(counts.started).toBe(1);
    expect((counts.cooldown ?? 0) + (counts.running ?? 0)).toBe(49);
    expect(table.get(`day#${MODEL}#2026-11-22`)?.starts).toBe(1);
    expect(decisionsCounted()).toHaveLength(50);
    expect(decisionsCounted().filter((d) => d === 'started')).toHaveLength(1);
  });

  test('the same event delivered twice, one after the other, starts once', async () => {
    const first = await handler(alarmEvent('evt-1'));
    const second = await handler(alarmEvent('evt-1'));

    expect(first.decision).toBe('started');
    expect(second).toEqual({ decision: 'duplicate', reason: expect.stringContaining('event evt-1 was already received') });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(decisionsCounted()).toEqual(['started', 'duplicate']);
  });

  test('the same event delivered twice at the same time starts once', async () => {
    const results = await Promise.all([handler(alarmEvent('evt-1')), handler(alarmEvent('evt-1'))]);

    expect(tally(results)).toEqual({ started: 1, duplicate: 1 });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  test.each(['OK', 'INSUFFICIENT_DATA'])('an allowed alarm going to %s is a logged, counted skip that writes nothing', async (state) => {
    const result = await handler(alarmEvent('evt-ok', { state }));

    expect(result).toEqual({ decision: 'not-applicable', reason: `alarm ${ALARM_NAME} went to ${state}; only ALARM triggers retraining` });
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(decisionsCounted()).toEqual(['not-applicable']);
    expect(info).toHaveBeenCalledWith('retraining decision', expect.objectContaining({ decision: 'not-applicable', eventId: 'evt-ok', alarm: ALARM_NAME }));
  });
});

describe('malformed and foreign events', () => {
  const valid = alarmEvent('evt-bad');
  test.each<[string, unknown, RegExp]>([
    ['not an object', 'retrain please', /^Invalid event: event is "retrain please"; expected an object$/],
    ['null', null, /event is null; expected an object/],
    ['an array', [valid], /event is \[.*\]; expected an object/],
    ['a foreign source', { ...valid, source: 'aws.ec2' }, /source is "aws.ec2"; expected "aws.cloudwatch" \(an alarm state change\) or "mlops.schedule" \(a schedule\)/],
    ['the wrong detail-type', { ...valid, 'detail-type': 'CloudWatch Alarm Configuration Change' }, /detail-type is "CloudWatch Alarm Configuration Change"; expected "CloudWatch Alarm State Change"/],
    ['an alarm not allowed', alarmEvent('evt-bad', { resources: [FOREIGN_ALARM], alarmName: 'mlops-dev-fraud-drift' }),
      /resources is \[".*:alarm:mlops-dev-fraud-drift"\]; expected an alarm allowed to trigger the retraining of churn \(one of the 2 in ALLOWED_ALARM_ARNS\)/],
    ['no resources', { ...valid, resources: [] }, /resources is \[\]; expected an array of exactly one CloudWatch alarm ARN/],
    ['an alarm name that is not the ARN\'s', alarmEvent('evt-bad', { alarmName: 'other' }), /detail.alarmName is "other"; expected the name in the alarm ARN/],
    ['a missing id', { ...valid, id: undefined }, /id is missing; expected a non-empty string \(the EventBridge event id\)/],
    ['a bad time', { ...valid, time: 'yesterday' }, /time is "yesterday"; expected an ISO 8601 time/],
    ['a missing detail', { ...valid, detail: undefined }, /detail is missing; expected an object/],
    ['an unknown state', alarmEvent('evt-bad', { state: 'FIRING' }), /detail.state.value is "FIRING"; expected "ALARM", "OK" or "INSUFFICIENT_DATA"/],
    ['a schedule of another model', scheduleEvent(undefined, 'fraud'), /model is "fraud"; expected "churn" \(this function retrains only that model\)/],
    ['a schedule without time', { source: 'mlops.schedule', model: MODEL }, /scheduledTime is missing; expected an ISO 8601 time/],
  ])('%s: a clear error, counted as invalid, and nothing claimed or started', async (_, event, message) => {
    await expect(handler(event)).rejects.toThrow(message);

    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(decisionsCounted()).toEqual(['invalid']);
    expect(warn).toHaveBeenCalledWith('retraining decision', expect.objectContaining({ decision: 'invalid', model: MODEL, reason: expect.stringMatching(message) }));
  });

  test('the error is an InvalidEventError', async () => {
    await expect(handler({ source: 'aws.ec2' })).rejects.toMatchObject({ name: 'InvalidEventError' });
  });
});
