import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand, DeleteCommandInput, DynamoDBDocumentClient, PutCommand, PutCommandInput, TransactWriteCommand, TransactWriteCommandInput,
  UpdateCommand, UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ExecutionAlreadyExists, ListExecutionsCommand, ListExecutionsCommandInput, SFNClient, StartExecutionCommand, StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { executionNameOf, handler } from '../../lambda/retrain-trigger';
import { readConfig } from '../../lambda/retrain-trigger/config';
import type { Decision, RetrainResult } from '../../lambda/retrain-trigger/types';
import { logger } from '../../lambda/shared/logging/logger';

// ---------------------------------------------------------------------------------------------
// An in-memory DynamoDB table (partition key `pk`) that really evaluates the expressions the
// handler sends: conditions (attribute_exists / attribute_not_exists, comparisons, AND, OR),
// updates (SET with if_not_exists, ADD, REMOVE, right-hand sides read from the item before the
// update), transactions (all or nothing, CancellationReasons in item order, ALL_OLD items in the
// low-level form) and DynamoDB's refusal of unused expression names and values. Every call yields
// to the event loop a pseudo-random number of times before it runs (atomically), so concurrent
// invocations interleave as they would against the service.
// ---------------------------------------------------------------------------------------------

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

function validationError(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException' });
}

/** Resolves `#name` and `:value` tokens, remembering which were used. */
class Tokens {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();
  constructor(private readonly names: Names, private readonly values: Values) {}

  name(token: string): string {
    if (!token.startsWith('#')) return token;
    this.usedNames.add(token);
    const name = this.names?.[token];
    if (name === undefined) throw validationError(`An expression attribute name used in the document path is not defined; attribute name: ${token}`);
    return name;
  }

  value(token: string): unknown {
    this.usedValues.add(token);
    if (!this.values || !(token in this.values)) throw validationError(`An expression attribute value used in expression is not defined; attribute value: ${token}`);
    return this.values[token];
  }

  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter((n) => !this.usedNames.has(n));
    const unusedValues = Object.keys(this.values ?? {}).filter((v) => !this.usedValues.has(v));
    if (unusedNames.length > 0) throw validationError(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    if (unusedValues.length > 0) throw validationError(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
  }
}

function evaluateCondition(expression: string | undefined, item: Item | undefined, tokens: Tokens): boolean {
  if (expression === undefined) return true;
  // Every atom is evaluated (no short-circuit) so that every token counts as used, as in DynamoDB.
  const disjuncts = expression.split(/\s+OR\s+/).map((conjunct) => conjunct.split(/\s+AND\s+/).map((atom) => evaluateAtom(atom.trim(), item, tokens)));
  return disjuncts.some((atoms) => atoms.every(Boolean));
}

function evaluateAtom(atom: string, item: Item | undefined, tokens: Tokens): boolean {
  const exists = /^attribute_(not_)?exists\((\S+)\)$/.exec(atom);
  if (exists) {
    const present = item !== undefined && tokens.name(exists[2]) in item;
    return exists[1] ? !present : present;
  }
  const comparison = /^(\S+)\s*(<=|>=|<>|=|<|>)\s*(\S+)$/.exec(atom);
  if (!comparison) throw new Error(`fake table: unsupported condition "${atom}"`);
  const operand = (token: string) => (token.startsWith(':') ? tokens.value(token) : item?.[tokens.name(token)]);
  const left = operand(comparison[1]);
  const right = operand(comparison[3]);
  if (left === undefined || right === undefined || typeof left !== typeof right) return false;
  const [l, r] = [left as number | string, right as number | string];
  switch (comparison[2]) {
    case '=': return l === r;
    case '<>': return l !== r;
    case '<': return l < r;
    case '<=': return l <= r;
    case '>': return l > r;
    default: return l >= r;
  }
}

/** Splits on commas outside parentheses. */
function splitActions(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of body) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts;
}

function applyUpdate(expression: string, old: Item | undefined, key: Item, tokens: Tokens): Item {
  const next: Item = { ...(old ?? {}), ...key };
  const clauses = expression.split(/(?=\b(?:SET|ADD|REMOVE)\s)/).map((c) => c.trim()).filter(Boolean);
  for (const clause of clauses) {
    const [, keyword, body] = /^(SET|ADD|REMOVE)\s+(.*)$/.exec(clause) ?? [];
    if (!keyword) throw new Error(`fake table: unsupported update "${clause}"`);
    for (const action of splitActions(body)) {
      if (keyword === 'REMOVE') {
        delete next[tokens.name(action)];
      } else if (keyword === 'ADD') {
        const [, path, value] = /^(\S+)\s+(:\S+)$/.exec(action) ?? [];
        if (!path) throw new Error(`fake table: unsupported ADD "${action}"`);
        const name = tokens.name(path);
        const current = old?.[name] ?? 0;
        const increment = tokens.value(value);
        if (typeof current !== 'number' || typeof increment !== 'number') throw validationError('An operand in the update expression has an incorrect data type');
        next[name] = current + increment;
      } else {
        const [, path, rhs] = /^(\S+)\s*=\s*(.+)$/.exec(action) ?? [];
        if (!path) throw new Error(`fake table: unsupported SET "${action}"`);
        const ifNotExists = /^if_not_exists\((\S+),\s*(:\S+)\)$/.exec(rhs);
        let value: unknown;
        if (ifNotExists) {
          const fallback = tokens.value(ifNotExists[2]);
          value = old?.[tokens.name(ifNotExists[1])] ?? fallback;
        } else if (rhs.startsWith(':')) {
          value = tokens.value(rhs);
        } else {
          value = old?.[tokens.name(rhs)];
          if (value === undefined) throw validationError('The provided expression refers to an attribute that does not exist in the item');
        }
        next[tokens.name(path)] = value;
      }
    }
  }
  return next;
}

function lowLevel(item: Item): Record<string, { N: string } | { S: string }> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]));
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

class FakeTable {
  readonly items = new Map<string, Item>();
  /** The next this-many transactions fail with `TransactionConflict`. */
  conflicts = 0;

  get(pk: string): Item | undefined {
    return this.items.get(pk);
  }

  put(input: PutCommandInput): object {
    const item = input.Item as Item;
    const tokens = new Tokens(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const ok = evaluateCondition(input.ConditionExpression, this.items.get(item.pk as string), tokens);
    tokens.checkAllUsed();
    if (!ok) throw conditionFailed();
    this.items.set(item.pk as string, { ...item });
    return {};
  }

  delete(input: DeleteCommandInput): object {
    const pk = input.Key?.pk as string;
    const tokens = new Tokens(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const ok = evaluateCondition(input.ConditionExpression, this.items.get(pk), tokens);
    tokens.checkAllUsed();
    if (!ok) throw conditionFailed();
    this.items.delete(pk);
    return {};
  }

  /** The item an update would write, and whether its condition holds. */
  private prepare(input: Pick<UpdateCommandInput, 'Key' | 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>) {
    const pk = input.Key?.pk as string;
    const old = this.items.get(pk);
    const tokens = new Tokens(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const ok = evaluateCondition(input.ConditionExpression, old, tokens);
    const next = applyUpdate(input.UpdateExpression ?? '', old, { pk }, tokens);
    tokens.checkAllUsed();
    return { pk, old, next, ok };
  }

  update(input: UpdateCommandInput): object {
    const { pk, next, ok } = this.prepare(input);
    if (!ok) throw conditionFailed();
    this.items.set(pk, next);
    return {};
  }

  transact(input: TransactWriteCommandInput): object {
    const prepared = (input.TransactItems ?? []).map((t) => {
      if (!t.Update) throw new Error('fake table: only Update is supported in transactions');
      return { ...this.prepare(t.Update), returnOld: t.Update.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' };
    });
    if (new Set(prepared.map((p) => p.pk)).size !== prepared.length) throw validationError('Transaction request cannot include multiple operations on one item');
    if (this.conflicts > 0) {
      this.conflicts--;
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
        $metadata: {},
        CancellationReasons: prepared.map((_, i) => (i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' })),
      });
    }
    if (prepared.some((p) => !p.ok)) {
      const reasons = prepared.map((p) => (p.ok ? { Code: 'None' } : {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(p.returnOld && p.old ? { Item: lowLevel(p.old) } : {}),
      }));
      throw new TransactionCanceledException({
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        $metadata: {},
        CancellationReasons: reasons as never,
      });
    }
    for (const p of prepared) this.items.set(p.pk, p.next);
    return {};
  }
}

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
    return { executions: running.slice(0, input.maxResults ?? 100).map((e) => ({ executionArn: this.arnOf(e.name), name: e.name, status: e.status, startDate: e.startDate })) };
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

const MODEL = 'churn';
const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:mlops-dev-churn-training';
const TABLE = 'mlops-dev-churn-retraining';
const ALARM_NAME = 'mlops-dev-churn-drift-psi-tenure';
const ALARM = `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${ALARM_NAME}`;
const AGGREGATE_ALARM = 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:mlops-dev-churn-drift';
const FOREIGN_ALARM = 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:mlops-dev-fraud-drift';
const T0 = Date.parse('2026-11-22T14:05:30.000Z');
const MINUTE = 60_000;

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const cloudwatch = mockClient(CloudWatchClient);
let table: FakeTable;
let machine: FakeStateMachine;
let clock = T0;
let seed = 1;

/** Yields to the event loop 0 to 3 times, pseudo-randomly but reproducibly. */
async function interleave(): Promise<void> {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  for (let i = seed % 4; i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
}

function alarmEvent(id: string, overrides: { time?: string; state?: string; resources?: unknown; alarmName?: string } = {}) {
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

const scheduleEvent = (scheduledTime = '2026-11-22T02:00:00Z', model = MODEL) => ({ source: 'mlops.schedule', model, scheduledTime });

/** The Decision dimension of every PutMetricData call, in order. */
function decisionsCounted(): string[] {
  return cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData?.[0].Dimensions?.find((d) => d.Name === 'Decision')?.Value ?? '?');
}

function tally(results: RetrainResult[]): Partial<Record<Decision, number>> {
  const counts: Partial<Record<Decision, number>> = {};
  for (const r of results) counts[r.decision] = (counts[r.decision] ?? 0) + 1;
  return counts;
}

let info: jest.SpyInstance;
let warn: jest.SpyInstance;
let error: jest.SpyInstance;

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
    clock = cooldownEnd - 1000;
    const early = await handler(alarmEvent('evt-2', { time: new Date(clock).toISOString() }));

    // THEN
    expect(early).toEqual({
      decision: 'cooldown',
      reason: `a retraining of churn started at ${new Date(T0).toISOString()}; the cooldown of 360 minutes (COOLDOWN_MINUTES) ends at ${new Date(cooldownEnd).toISOString()}`,
    });

    // WHEN one comes exactly at the end
    clock = cooldownEnd;
    expect((await handler(alarmEvent('evt-3', { time: new Date(clock).toISOString() }))).decision).toBe('started');
    machine.finishAll();

    // AND one a cooldown and a second later
    clock = cooldownEnd + 360 * MINUTE + 1000;
    expect((await handler(alarmEvent('evt-4', { time: new Date(clock).toISOString() }))).decision).toBe('started');
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 3);
    expect(decisionsCounted()).toEqual(['started', 'cooldown', 'started', 'started']);
  });

  test('COOLDOWN_MINUTES sets the cooldown', async () => {
    process.env.COOLDOWN_MINUTES = '30';
    await handler(alarmEvent('evt-1'));
    machine.finishAll();

    clock = T0 + 30 * MINUTE - 1;
    expect((await handler(alarmEvent('evt-2'))).decision).toBe('cooldown');
    clock = T0 + 30 * MINUTE;
    expect((await handler(alarmEvent('evt-3'))).decision).toBe('started');
  });

  test('daily cap: the start beyond MAX_STARTS_PER_DAY in a UTC day is refused; the next UTC day is allowed', async () => {
    // GIVEN a 1-minute cooldown and the default cap of 3, three starts on 2026-11-22
    process.env.COOLDOWN_MINUTES = '1';
    const day = Date.parse('2026-11-22T00:00:00Z');
    for (const [i, minutes] of [10, 20, 30].entries()) {
      clock = day + minutes * MINUTE;
      expect((await handler(alarmEvent(`evt-${i}`, { time: new Date(clock).toISOString() }))).decision).toBe('started');
      machine.finishAll();
    }

    // WHEN a fourth comes late that day
    clock = Date.parse('2026-11-22T23:59:59.999Z');
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
    clock = Date.parse('2026-11-23T00:00:00Z');
    expect((await handler(alarmEvent('evt-4', { time: new Date(clock).toISOString() }))).decision).toBe('started');
    expect(table.get(`day#${MODEL}#2026-11-23`)?.starts).toBe(1);
    expect(decisionsCounted()).toEqual(['started', 'started', 'started', 'daily-cap', 'started']);
  });

  test('MAX_STARTS_PER_DAY sets the cap', async () => {
    process.env.MAX_STARTS_PER_DAY = '1';
    process.env.COOLDOWN_MINUTES = '1';
    await handler(alarmEvent('evt-1'));
    machine.finishAll();
    clock = T0 + 2 * MINUTE;
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
    clock = T0 - 7 * 60 * MINUTE;
    await handler(alarmEvent('evt-0'));
    machine.finishAll();
    clock = T0;
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
    clock = T0 + MINUTE;

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
    clock = T0 + 1440 * MINUTE;
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
    clock = T0 + 1440 * MINUTE;
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
    clock = T0 + 2 * MINUTE;
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
