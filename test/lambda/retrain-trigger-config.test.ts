import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/retrain-trigger';
import { readConfig } from '../../lambda/retrain-trigger/config';
import {
  AGGREGATE_ALARM, ALARM, alarmEvent, cloudwatch, ddb, decisionsCounted, error, machine, MINUTE, MODEL, setClock, sfn, STATE_MACHINE, T0,
  table, TABLE, useRetrainTriggerFixture,
} from './retrain-trigger-fixture';

useRetrainTriggerFixture();

describe('metrics', () => {
  test('each decision is counted as RetrainingDecisions{Model, Decision} = 1 in the namespace', async () => {
    process.env.METRIC_NAMESPACE = 'Acme/MLOps';
    await handler(alarmEvent('evt-1'));

    expect(cloudwatch).toHaveReceivedCommandWith(PutMetricDataCommand, {
      Namespace: 'Acme/MLOps',
      MetricData: [{ MetricName: 'RetrainingDecisions', Dimensions: [{ Name: 'Model', Value: 'churn' }, { Name: 'Decision', Value: 'started' }], Value: 1, Unit: 'Count' }],
    });
  });

  test('every kind of decision is counted', async () => {
    process.env.COOLDOWN_MINUTES = '1';
    process.env.MAX_STARTS_PER_DAY = '1';
    await handler(alarmEvent('a')); // started
    await handler(alarmEvent('a')); // duplicate
    await handler(alarmEvent('b')); // running
    machine.finishAll();
    await handler(alarmEvent('c')); // cooldown
    setClock(T0 + 2 * MINUTE);
    await handler(alarmEvent('d')); // daily-cap
    await handler(alarmEvent('e', { state: 'OK' })); // not-applicable
    await expect(handler({})).rejects.toThrow(); // invalid

    expect(decisionsCounted()).toEqual(['started', 'duplicate', 'running', 'cooldown', 'daily-cap', 'not-applicable', 'invalid']);
    expect(cloudwatch.commandCalls(PutMetricDataCommand).every((c) => c.args[0].input.Namespace === 'MLOps/Retraining')).toBe(true);
  });

  test('a metrics failure does not change the decision: it is logged', async () => {
    cloudwatch.on(PutMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    const result = await handler(alarmEvent('evt-1'));

    expect(result.decision).toBe('started');
    expect(error).toHaveBeenCalledWith('could not publish the retraining decision metric', expect.objectContaining({ decision: 'started', model: MODEL, eventId: 'evt-1' }));
  });
});

describe('configuration', () => {
  test('defaults', () => {
    expect(readConfig()).toEqual({
      stateMachineArn: STATE_MACHINE, tableName: TABLE, model: MODEL, allowedAlarmArns: [ALARM, AGGREGATE_ALARM],
      cooldownMinutes: 360, maxStartsPerDay: 3, idempotencyTtlHours: 48, metricNamespace: 'MLOps/Retraining',
    });
  });

  test('IDEMPOTENCY_TTL_HOURS sets the idempotency item\'s TTL', async () => {
    process.env.IDEMPOTENCY_TTL_HOURS = '24';
    await handler(alarmEvent('evt-1'));
    expect(table.get('event#evt-1')?.expiresAt).toBe(Math.floor(T0 / 1000) + 24 * 3600);
  });

  test.each<[string, string | undefined, RegExp]>([
    ['STATE_MACHINE_ARN', undefined, /Missing environment variable STATE_MACHINE_ARN/],
    ['STATE_MACHINE_ARN', 'mlops-dev-churn-training', /Environment variable STATE_MACHINE_ARN is "mlops-dev-churn-training"; expected a Step Functions state machine ARN/],
    ['TABLE_NAME', undefined, /Missing environment variable TABLE_NAME/],
    ['MODEL_NAME', 'Churn', /Environment variable MODEL_NAME is "Churn"; expected a model name/],
    ['ALLOWED_ALARM_ARNS', undefined, /Missing environment variable ALLOWED_ALARM_ARNS/],
    ['ALLOWED_ALARM_ARNS', ALARM, /Environment variable ALLOWED_ALARM_ARNS is ".*"; expected a JSON array of CloudWatch alarm ARNs/],
    ['ALLOWED_ALARM_ARNS', '["mlops-dev-churn-drift"]', /ALLOWED_ALARM_ARNS is "\[\\"mlops-dev-churn-drift\\"\]"; expected a JSON array of CloudWatch alarm ARNs/],
    ['COOLDOWN_MINUTES', 'six hours', /Environment variable COOLDOWN_MINUTES is "six hours"; expected an integer from 1 to 525600 \(minutes\)/],
    ['COOLDOWN_MINUTES', '0', /COOLDOWN_MINUTES is "0"; expected an integer from 1/],
    ['MAX_STARTS_PER_DAY', '0', /Environment variable MAX_STARTS_PER_DAY is "0"; expected an integer from 1 to 100/],
    ['MAX_STARTS_PER_DAY', '2.5', /MAX_STARTS_PER_DAY is "2.5"; expected an integer/],
    ['IDEMPOTENCY_TTL_HOURS', '-1', /Environment variable IDEMPOTENCY_TTL_HOURS is "-1"; expected an integer from 1 to 2160 \(hours\)/],
    ['METRIC_NAMESPACE', 'AWS/Retraining', /Environment variable METRIC_NAMESPACE is "AWS\/Retraining"; expected a CloudWatch namespace .*not starting with "AWS\/"/],
  ])('%s=%s is refused with a clear error, before anything is called', async (name, value, message) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;

    await expect(handler(alarmEvent('evt-1'))).rejects.toThrow(message);
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(cloudwatch.calls()).toHaveLength(0);
  });

  test('every problem is listed in one error', () => {
    delete process.env.TABLE_NAME;
    process.env.COOLDOWN_MINUTES = 'x';
    process.env.MAX_STARTS_PER_DAY = 'y';

    expect(() => readConfig()).toThrow(
      'Invalid configuration of the retraining function: Missing environment variable TABLE_NAME; '
      + 'Environment variable COOLDOWN_MINUTES is "x"; expected an integer from 1 to 525600 (minutes); '
      + 'Environment variable MAX_STARTS_PER_DAY is "y"; expected an integer from 1 to 100',
    );
  });
});
