import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import 'aws-sdk-client-mock-jest';
import { executionNameOf, handler } from '../../lambda/retrain-trigger';
import {
  alarmEvent, clock, ddb, decisionsCounted, error, machine, MINUTE, MODEL, setClock, sfn, T0, table, useRetrainTriggerFixture,
} from './retrain-trigger-fixture';

useRetrainTriggerFixture();

describe('guardrails', () => {
  test('a running execution of the pipeline: skipped, no counter claimed', async () => {
    // GIVEN
    machine.executions.set('manual-1', { name: 'manual-1', status: 'RUNNING', startDate: new Date('2026-11-22T13:00:00Z') });

    // WHEN
    const result = await handler(alarmEvent('evt-1'));

    // THEN
    expect(result).toEqual({ decision: 'running', reason: `execution manual-1 of churn's pipeline, started 2026-11-22T13:00:00.000Z, is still running` });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
    expect(table.get(`model#${MODEL}`)).toBeUndefined();
    expect(decisionsCounted()).toEqual(['running']);
  });

  test('cooldown: one second before it ends the alarm is skipped; exactly when it ends, and after, it starts', async () => {
    // GIVEN a start at T0 whose execution has finished
    expect((await handler(alarmEvent('evt-1'))).decision).toBe('started');
    machine.finishAll();
    const cooldownEnd = T0 + 360 * MINUTE;

    // WHEN another alarm comes one second before the default 6-hour cooldown ends
    setClock(cooldownEnd - 1000);
    const early = await handler(alarmEvent('evt-2', { time: new Date(clock).toISOString() }));

    // THEN
    expect(early).toEqual({
      decision: 'cooldown',
      reason: `a retraining of churn started at ${new Date(T0).toISOString()}; the cooldown of 360 minutes (COOLDOWN_MINUTES) ends at ${new Date(cooldownEnd).toISOString()}`,
    });

    // WHEN one comes exactly at the end
    setClock(cooldownEnd);
    expect((await handler(alarmEvent('evt-3', { time: new Date(clock).toISOString() }))).decision).toBe('started');
    machine.finishAll();

    // AND one a cooldown and a second later
    setClock(cooldownEnd + 360 * MINUTE + 1000);
    expect((await handler(alarmEvent('evt-4', { time: new Date(clock).toISOString() }))).decision).toBe('started');
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 3);
    expect(decisionsCounted()).toEqual(['started', 'cooldown', 'started', 'started']);
  });

  test('COOLDOWN_MINUTES sets the cooldown', async () => {
    process.env.COOLDOWN_MINUTES = '30';
    await handler(alarmEvent('evt-1'));
    machine.finishAll();

    setClock(T0 + 30 * MINUTE - 1);
    expect((await handler(alarmEvent('evt-2'))).decision).toBe('cooldown');
    setClock(T0 + 30 * MINUTE);
    expect((await handler(alarmEvent('evt-3'))).decision).toBe('started');
  });

  test('daily cap: the start beyond MAX_STARTS_PER_DAY in a UTC day is refused; the next UTC day is allowed', async () => {
    // GIVEN a 1-minute cooldown and the default cap of 3, three starts on 2026-11-22
    process.env.COOLDOWN_MINUTES = '1';
    const day = Date.parse('2026-11-22T00:00:00Z');
    for (const [i, minutes] of [10, 20, 30].entries()) {
      setClock(day + minutes * MINUTE);
      expect((await handler(alarmEvent(`evt-${i}`, { time: new Date(clock).toISOString() }))).decision).toBe('started');
      machine.finishAll();
    }

    // WHEN a fourth comes late that day
    setClock(Date.parse('2026-11-22T23:59:59.999Z'));
    const capped = await handler(alarmEvent('evt-3', { time: new Date(clock).toISOString() }));

    // THEN
    expect(capped).toEqual({
      decision: 'daily-cap',
      reason: '3 retrainings of churn already started on 2026-11-22 (UTC), the maximum per day (MAX_STARTS_PER_DAY); the next may start from 2026-11-23T00:00:00.000Z',
    });
    // The refused transaction changed nothing: the cooldown stays on the last start.
    expect(table.get(`model#${MODEL}`)?.lastStartedAt).toBe(day + 30 * MINUTE);
    expect(table.get(`day#${MODEL}#2026-11-22`)?.starts).toBe(3);

    // WHEN one comes at the start of the next UTC day
    setClock(Date.parse('2026-11-23T00:00:00Z'));
    expect((await handler(alarmEvent('evt-4', { time: new Date(clock).toISOString() }))).decision).toBe('started');
    expect(table.get(`day#${MODEL}#2026-11-23`)?.starts).toBe(1);
    expect(decisionsCounted()).toEqual(['started', 'started', 'started', 'daily-cap', 'started']);
  });

  test('MAX_STARTS_PER_DAY sets the cap', async () => {
    process.env.MAX_STARTS_PER_DAY = '1';
    process.env.COOLDOWN_MINUTES = '1';
    await handler(alarmEvent('evt-1'));
    machine.finishAll();
    setClock(T0 + 2 * MINUTE);
    expect((await handler(alarmEvent('evt-2'))).decision).toBe('daily-cap');
  });

  test('StartExecution ExecutionAlreadyExists (an earlier attempt started it) is a duplicate, and its claims are kept', async () => {
    // GIVEN the execution of this event already exists (its first invocation's response was lost)
    const name = executionNameOf({ type: 'drift', time: '2026-11-22T14:05:09Z', eventId: 'evt-1' });
    machine.executions.set(name, { name, status: 'SUCCEEDED', startDate: new Date(T0 - MINUTE) });

    // WHEN
    const result = await handler(alarmEvent('evt-1'));

    // THEN
    expect(result).toEqual({ decision: 'duplicate', executionArn: machine.arnOf(name), reason: `execution ${name} of event evt-1 already exists` });
    expect(table.get(`model#${MODEL}`)?.lastStartedAt).toBe(T0);
    expect(table.get(`day#${MODEL}#2026-11-22`)?.starts).toBe(1);
    expect(decisionsCounted()).toEqual(['duplicate']);
  });

  test('StartExecution throttled: every claim is undone, the error is rethrown, and the retry starts', async () => {
    // GIVEN an earlier start, 7 hours ago, and a throttled StartExecution
    setClock(T0 - 7 * 60 * MINUTE);
    await handler(alarmEvent('evt-0'));
    machine.finishAll();
    setClock(T0);
    machine.startFailures.push(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // WHEN
    await expect(handler(alarmEvent('evt-1'))).rejects.toThrow(/Rate exceeded/);

    // THEN the event, the cooldown and the day's start are released as they were
    expect(table.get('event#evt-1')).toBeUndefined();
    expect(table.get(`model#${MODEL}`)?.lastStartedAt).toBe(T0 - 7 * 60 * MINUTE);
    expect(table.get(`model#${MODEL}`)?.lastEventId).toBeUndefined();
    expect(table.get(`day#${MODEL}#2026-11-22`)?.starts).toBe(1);
    expect(error).toHaveBeenCalledWith('retraining not decided: claims released for a retry', expect.objectContaining({ eventId: 'evt-1' }));

    // WHEN Lambda retries the event
    const retry = await handler(alarmEvent('evt-1'));

    // THEN
    expect(retry.decision).toBe('started');
    expect(machine.executions.size).toBe(2);
    expect(table.get(`day#${MODEL}#2026-11-22`)?.starts).toBe(2);
    expect(decisionsCounted()).toEqual(['started', 'started']);
  });

  test('a first start that fails is released to "never started"', async () => {
    machine.startFailures.push(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(handler(alarmEvent('evt-1'))).rejects.toThrow(/Rate exceeded/);

    expect(table.get(`model#${MODEL}`)?.lastStartedAt).toBe(0);
    expect(table.get(`day#${MODEL}#2026-11-22`)?.starts).toBe(0);
    expect((await handler(alarmEvent('evt-1'))).decision).toBe('started');
  });

  test('ListExecutions failing releases the event claim, so that the retry is not taken for a duplicate', async () => {
    machine.listFailures.push(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(handler(alarmEvent('evt-1'))).rejects.toThrow(/Rate exceeded/);
    expect(table.items.size).toBe(0);
    expect((await handler(alarmEvent('evt-1'))).decision).toBe('started');
  });

  test('a transaction conflict is tried again', async () => {
    table.conflicts = 1;

    expect((await handler(alarmEvent('evt-1'))).decision).toBe('started');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  test('a transaction conflict that persists is thrown, with the event released', async () => {
    table.conflicts = 100;

    await expect(handler(alarmEvent('evt-1'))).rejects.toThrow(/TransactionConflict/);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 4);
    expect(table.items.size).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });
});
