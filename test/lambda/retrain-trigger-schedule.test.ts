import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { executionNameOf, handler } from '../../lambda/retrain-trigger';
import { readConfig } from '../../lambda/retrain-trigger/config';
import { alarmEvent, ddb, error, info, machine, MINUTE, scheduleEvent, setClock, sfn, T0, useRetrainTriggerFixture } from './retrain-trigger-fixture';

useRetrainTriggerFixture();

describe('schedule events', () => {
  test('a scheduled retraining starts with a schedule trigger; the same occurrence again is a duplicate', async () => {
    const first = await handler(scheduleEvent());
    const again = await handler(scheduleEvent('2026-11-22T02:00:00.000Z'));

    const eventId = 'schedule#churn#2026-11-22T02:00:00.000Z';
    const name = executionNameOf({ type: 'schedule', time: '2026-11-22T02:00:00Z', eventId });
    expect(name).toMatch(/^schedule-20261122T0200-[0-9a-f]{16}$/);
    expect(first).toEqual({ decision: 'started', executionArn: machine.arnOf(name), reason: 'scheduled retraining of churn due at 2026-11-22T02:00:00Z' });
    expect(again.decision).toBe('duplicate');
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input as string)).toEqual({
      trigger: { type: 'schedule', reason: 'scheduled retraining of churn due at 2026-11-22T02:00:00Z', time: '2026-11-22T02:00:00Z', eventId },
    });
    expect(info).toHaveBeenCalledWith('retraining decision', expect.objectContaining({ decision: 'started', trigger: 'schedule', eventId }));
  });

  test('a schedule shares the guardrails with the alarms', async () => {
    await handler(alarmEvent('evt-1'));
    machine.finishAll();
    setClock(T0 + MINUTE);

    expect((await handler(scheduleEvent('2026-11-22T14:06:00Z'))).decision).toBe('cooldown');
  });

  test('schedule-only retraining: ALLOWED_ALARM_ARNS may be empty', async () => {
    process.env.ALLOWED_ALARM_ARNS = '[]';

    expect((await handler(scheduleEvent())).decision).toBe('started');
    await expect(handler(alarmEvent('evt-1'))).rejects.toThrow(/expected an alarm allowed to trigger the retraining of churn \(one of the 0 in ALLOWED_ALARM_ARNS\)/);
  });
});

describe('training data pointer (the team\'s choice of training data)', () => {
  const ssm = mockClient(SSMClient);
  const PARAMETER = '/mlops/dev/models/churn/training-data-uri';
  const PREFIX = 's3://mlops-dev-curated-111122223333/churn/';
  const started = () => JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input as string);
  beforeEach(() => {
    ssm.reset();
    process.env.TRAINING_DATA_PARAMETER = PARAMETER;
    process.env.TRAINING_DATA_PREFIX = PREFIX;
  });
  afterEach(() => {
    delete process.env.TRAINING_DATA_PARAMETER;
    delete process.env.TRAINING_DATA_PREFIX;
  });

  test('scheduled and drift-triggered runs pass the prefix the pointer names as trainingDataUri', async () => {
    ssm.on(GetParameterCommand, { Name: PARAMETER }).resolves({ Parameter: { Name: PARAMETER, Type: 'String', Value: `${PREFIX}2026-11-01/\n` } });
    expect((await handler(scheduleEvent())).decision).toBe('started');
    expect(started()).toEqual({ trainingDataUri: `${PREFIX}2026-11-01/`, trigger: expect.objectContaining({ type: 'schedule' }) });

    machine.finishAll();
    setClock(T0 + 1440 * MINUTE);
    expect((await handler(alarmEvent('evt-1', { time: '2026-11-23T14:05:09Z' }))).decision).toBe('started');
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[1].args[0].input.input as string))
      .toEqual({ trainingDataUri: `${PREFIX}2026-11-01/`, trigger: expect.objectContaining({ type: 'drift' }) });
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  test('without the parameter the pipeline\'s default prefix is used (no trainingDataUri), as without the variables', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    expect((await handler(scheduleEvent())).decision).toBe('started');
    expect(started()).not.toHaveProperty('trainingDataUri');

    delete process.env.TRAINING_DATA_PARAMETER;
    delete process.env.TRAINING_DATA_PREFIX;
    machine.finishAll();
    setClock(T0 + 1440 * MINUTE);
    expect((await handler(scheduleEvent('2026-11-23T02:00:00Z'))).decision).toBe('started');
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  test.each([
    ['another model\'s prefix', 's3://mlops-dev-curated-111122223333/fraud-dl/train/'],
    ['another bucket', 's3://someone-else/churn/train/'],
    ['a prefix that climbs out', `${PREFIX}../fraud-dl/`],
    ['an object, not a prefix', `${PREFIX}train/train.csv`],
    ['not an S3 URI', 'churn/train/'],
  ])('a pointer to %s starts nothing, claims nothing and fails the invocation naming the parameter and the rule', async (_case, value) => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'String', Value: value } });
    await expect(handler(scheduleEvent())).rejects.toThrow(
      `Training data pointer ${PARAMETER} is ${JSON.stringify(value)}; expected an S3 prefix that starts with ${PREFIX}`);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(error).toHaveBeenCalledWith('retraining not started: the training data pointer could not be used', expect.objectContaining({ model: 'churn' }));
  });

  test('an SSM error is rethrown before anything is claimed, so the asynchronous retry starts the run', async () => {
    ssm.on(GetParameterCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ Parameter: { Name: PARAMETER, Type: 'String', Value: `${PREFIX}train/` } });
    await expect(handler(scheduleEvent())).rejects.toThrow('Rate exceeded');
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect((await handler(scheduleEvent())).decision).toBe('started');
    expect(started().trainingDataUri).toBe(`${PREFIX}train/`);
  });

  test('one variable without the other is a configuration error', () => {
    delete process.env.TRAINING_DATA_PREFIX;
    expect(() => readConfig()).toThrow('Environment variable TRAINING_DATA_PREFIX is ""; expected s3://<bucket>/<prefix>/');
  });
});
