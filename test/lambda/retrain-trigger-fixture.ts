/** Shared fixtures of the retraining trigger's tests: fake clients, events, clock and logger spies. */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteCommand, DeleteCommandInput, DynamoDBDocumentClient, PutCommand, PutCommandInput, TransactWriteCommand, TransactWriteCommandInput,
  UpdateCommand, UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  ExecutionAlreadyExists, ListExecutionsCommand, ListExecutionsCommandInput, SFNClient, StartExecutionCommand, StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Decision, RetrainResult } from '../../lambda/retrain-trigger/types';
import { logger } from '../../lambda/shared/logging/logger';
import { FakeTable } from './retrain-trigger-fake-table';

/** A state machine with Step Functions' naming rules: a running execution's name with the same input is idempotent, otherwise ExecutionAlreadyExists. */
class FakeStateMachine {
  readonly executions = new Map<string, { name: string; input?: string; status: 'RUNNING' | 'SUCCEEDED'; startDate: Date }>();
  /** Errors the next StartExecution calls throw, in order. */
  readonly startFailures: Error[] = [];
  listFailures: Error[] = [];

  arnOf(name: string): string {
    return `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  list(input: ListExecutionsCommandInput): object {
    const failure = this.listFailures.shift();
    if (failure) throw failure;
    const running = [...this.executions.values()].filter((e) => !input.statusFilter || e.status === input.statusFilter);
    return {
      executions: running.slice(0, input.maxResults ?? 100).map((e) => ({
        executionArn: this.arnOf(e.name), name: e.name, status: e.status, startDate: e.startDate,
      })),
    };
  }

  start(input: StartExecutionCommandInput): object {
    const failure = this.startFailures.shift();
    if (failure) throw failure;
    const name = input.name as string;
    const existing = this.executions.get(name);
    if (existing && !(existing.status === 'RUNNING' && existing.input === input.input)) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${this.arnOf(name)}'`, $metadata: {} });
    }
    if (!existing) this.executions.set(name, { name, input: input.input, status: 'RUNNING', startDate: new Date(Date.now()) });
    return { executionArn: this.arnOf(name), startDate: new Date(Date.now()) };
  }

  finishAll(): void {
    for (const e of this.executions.values()) e.status = 'SUCCEEDED';
  }
}

// ---------------------------------------------------------------------------------------------

export const MODEL = 'churn';
export const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:mlops-dev-churn-training';
export const TABLE = 'mlops-dev-churn-retraining';
export const ALARM_NAME = 'mlops-dev-churn-drift-psi-tenure';
export const ALARM = `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${ALARM_NAME}`;
export const AGGREGATE_ALARM = 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:mlops-dev-churn-drift';
export const FOREIGN_ALARM = 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:mlops-dev-fraud-drift';
export const T0 = Date.parse('2026-11-22T14:05:30.000Z');
export const MINUTE = 60_000;

export const ddb = mockClient(DynamoDBDocumentClient);
export const sfn = mockClient(SFNClient);
export const cloudwatch = mockClient(CloudWatchClient);
export let table: FakeTable;
export let machine: FakeStateMachine;
export let clock = T0;
let seed = 1;

/** Yields to the event loop 0 to 3 times, pseudo-randomly but reproducibly. */
async function interleave(): Promise<void> {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  for (let i = seed % 4; i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
}

export function alarmEvent(id: string, overrides: { time?: string; state?: string; resources?: unknown; alarmName?: string } = {}) {
  return {
    version: '0',
    id,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '111122223333',
    time: overrides.time ?? '2026-11-22T14:05:09Z',
    region: 'eu-west-1',
    resources: overrides.resources ?? [ALARM],
    detail: {
      alarmName: overrides.alarmName ?? ALARM_NAME,
      state: {
        value: overrides.state ?? 'ALARM',
        reason: 'Threshold Crossed: 1 out of the last 1 datapoints [0.31 (22/11/26 14:00:00)] was greater than the threshold (0.2) (minimum 1 datapoint for OK -> ALARM transition).',
        reasonData: JSON.stringify({
          version: '1.0', queryDate: '2026-11-22T14:05:09.120+0000', startDate: '2026-11-22T13:00:00.000+0000', statistic: 'Maximum', period: 3600,
          recentDatapoints: [0.31], threshold: 0.2, evaluatedDatapoints: [{ timestamp: '2026-11-22T13:00:00.000+0000', sampleCount: 1, value: 0.31 }],
        }),
        timestamp: '2026-11-22T14:05:09.123+0000',
      },
      previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: '2026-11-21T09:00:00.000+0000' },
      configuration: {
        description: 'PSI of tenure',
        metrics: [{
          id: 'm1',
          metricStat: { metric: { namespace: 'MLOps/Drift', name: 'PSI', dimensions: { Model: 'churn', Feature: 'tenure' } }, period: 3600, stat: 'Maximum' },
          returnData: true,
        }],
      },
    },
  };
}

export const scheduleEvent = (scheduledTime = '2026-11-22T02:00:00Z', model = MODEL) => ({ source: 'mlops.schedule', model, scheduledTime });

/** The Decision dimension of every PutMetricData call, in order. */
export function decisionsCounted(): string[] {
  return cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData?.[0].Dimensions?.find((d) => d.Name === 'Decision')?.Value ?? '?');
}

export function tally(results: RetrainResult[]): Partial<Record<Decision, number>> {
  const counts: Partial<Record<Decision, number>> = {};
  for (const r of results) counts[r.decision] = (counts[r.decision] ?? 0) + 1;
  return counts;
}

export let info: jest.SpyInstance;
export let warn: jest.SpyInstance;
export let error: jest.SpyInstance;

/** Moves the fake clock (`Date.now()`) to `ms`. */
export function setClock(ms: number): void {
  clock = ms;
}

/** Resets the fakes, the environment, the clock and the logger spies around every test of the calling file. */
export function useRetrainTriggerFixture(): void {
  beforeEach(() => {
    ddb.reset();
    sfn.reset();
    cloudwatch.reset();
    table = new FakeTable();
    machine = new FakeStateMachine();
    seed = 1;
    ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => { await interleave(); return table.put(input); });
    ddb.on(DeleteCommand).callsFake(async (input: DeleteCommandInput) => { await interleave(); return table.delete(input); });
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => { await interleave(); return table.update(input); });
    ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => { await interleave(); return table.transact(input); });
    sfn.on(ListExecutionsCommand).callsFake(async (input: ListExecutionsCommandInput) => { await interleave(); return machine.list(input); });
    sfn.on(StartExecutionCommand).callsFake(async (input: StartExecutionCommandInput) => { await interleave(); return machine.start(input); });
    cloudwatch.on(PutMetricDataCommand).resolves({});

    process.env.STATE_MACHINE_ARN = STATE_MACHINE;
    process.env.TABLE_NAME = TABLE;
    process.env.MODEL_NAME = MODEL;
    process.env.ALLOWED_ALARM_ARNS = JSON.stringify([ALARM, AGGREGATE_ALARM]);
    for (const name of ['COOLDOWN_MINUTES', 'MAX_STARTS_PER_DAY', 'IDEMPOTENCY_TTL_HOURS', 'METRIC_NAMESPACE']) delete process.env[name];

    clock = T0;
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());
}
