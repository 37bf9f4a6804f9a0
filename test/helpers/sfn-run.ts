/** Local execution of an ASL definition with aws-local-stepfunctions, every Task state served by an override. */
import '../setup/polyfills';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { dirname } from 'path';
import { diskMemo, packageVersion } from './disk-memo';
import { isRecord } from './intrinsics';
import { TEST_ENV } from './sfn-definition';
import { describeCause, getStatesTimeoutConstructor, makeTaskError, MissingOverrideError } from './sfn-task-errors';
import {
  cloneJson, JsonValue, LibraryContext, LibraryJson, LibraryTaskHandler, LocalRunResult, RunLocallyOptions, SfnEvent, TaskErrorSpec,
} from './sfn-types';

const P = TEST_ENV.partition;
const R = TEST_ENV.region;
const A = TEST_ENV.account;

type LooseState = Record<string, unknown> & { Type?: string };

/** Every state of a definition, nested Parallel branches and Map processors included, by name. */
function allStates(definition: { States?: unknown }, into = new Map<string, LooseState>()): Map<string, LooseState> {
  if (!isRecord(definition.States)) return into;
  for (const [name, state] of Object.entries(definition.States)) {
    if (!isRecord(state)) continue;
    into.set(name, state as LooseState);
    if (Array.isArray(state.Branches)) state.Branches.forEach((branch) => isRecord(branch) && allStates(branch, into));
    for (const nested of [state.Iterator, state.ItemProcessor]) if (isRecord(nested)) allStates(nested, into);
  }
  return into;
}

const validatedDefinitions = new Map<string, object>();
/** aws-local-stepfunctions and the asl-validator it resolves (3.x; the tests' own is 4.x). */
const LIBRARY = {
  'aws-local-stepfunctions': packageVersion('aws-local-stepfunctions'),
  'asl-validator': packageVersion('asl-validator', dirname(require.resolve('aws-local-stepfunctions'))),
};

/**
 * The definition as the library's own validation leaves it (asl-validator 3.x underneath; it writes defaults into the
 * definition it is given, and throws on an invalid one). Validation compiles its JSON schemas on every call, which cost
 * more than most runs: each distinct definition is validated once per test file, its result kept on disk for the next
 * run (an invalid one throws each time), and later runs start from that copy.
 */
function validated<T extends object>(asl: T): T {
  const key = JSON.stringify(asl);
  let definition = validatedDefinitions.get(key) as T | undefined;
  if (!definition) {
    definition = diskMemo('local-stepfunctions-validation', { library: LIBRARY, asl }, () => {
      const copy = cloneJson(asl);
      new StateMachine(copy as never);
      return copy;
    });
    validatedDefinitions.set(key, definition);
  }
  return definition;
}

/**
 * Runs a definition locally with aws-local-stepfunctions. Every Task state is served by `options.overrides` /
 * `options.errors`; reaching a Task with neither rejects with an error naming it (no Retry/Catch can hide it) and
 * nothing ever calls AWS. Waits and retry intervals are skipped (see `waitTimeScale`). Resolves with the outcome of
 * the execution, FAILED included; rejects only on harness misuse (unknown state names, missing overrides, timeouts).
 */
export async function runLocally(definition: object, input: JsonValue = {}, options: RunLocallyOptions = {}): Promise<LocalRunResult> {
  const asl = definition as StateMachineDefinition;
  const states = allStates(asl);
  const taskNames = [...states].filter(([, state]) => state.Type === 'Task').map(([name]) => name);
  const overrides = options.overrides ?? {};
  const errors = options.errors ?? {};

  for (const [option, names] of [['overrides', Object.keys(overrides)], ['errors', Object.keys(errors)]] as const) {
    const unknown = names.filter((name) => !taskNames.includes(name));
    if (unknown.length) {
      throw new Error(`runLocally: options.${option} names ${unknown.map((n) => `"${n}"`).join(', ')}, which is not a Task state. Task states: ${taskNames.join(', ') || 'none'}`);
    }
  }

  const errorPlans = new Map<string, TaskErrorSpec[]>();
  for (const [name, specs] of Object.entries(errors)) {
    const list: TaskErrorSpec[] = Array.isArray(specs) ? [...(specs as readonly TaskErrorSpec[])] : [specs as TaskErrorSpec];
    const state = states.get(name) ?? {};
    const canTimeOut = ['TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath'].some((key) => key in state);
    if (list.some((spec) => spec.error === 'States.Timeout') && !canTimeOut) {
      throw new Error(`runLocally: Task state "${name}" has no TimeoutSeconds or HeartbeatSeconds, so it can never raise States.Timeout (a task token would be awaited for up to a year): set a taskTimeout/heartbeatTimeout first`);
    }
    errorPlans.set(name, list);
  }
  const timeoutConstructor = [...errorPlans.values()].some((list) => list.some((spec) => spec.error === 'States.Timeout'))
    ? await getStatesTimeoutConstructor()
    : null;

  const attempts: Record<string, number> = {};
  const taskInputs: Record<string, JsonValue[]> = {};
  const missing: string[] = [];

  const handlers: Record<string, LibraryTaskHandler> = {};
  for (const name of taskNames) {
    handlers[name] = async (rawInput) => {
      const taskInput = rawInput as JsonValue;
      const attempt = (attempts[name] = (attempts[name] ?? 0) + 1);
      (taskInputs[name] ??= []).push(cloneJson(taskInput));

      // Walk the error plan: the k-th spec applies to the calls after those of the specs before it.
      let before = 0;
      for (const spec of errorPlans.get(name) ?? []) {
        const times = spec.times ?? Infinity;
        if (attempt <= before + times) {
          throw makeTaskError(spec, timeoutConstructor);
        }
        before += times;
      }

      if (!(name in overrides)) {
        missing.push(name);
        throw new MissingOverrideError(name);
      }
      const override = overrides[name];
      const result = typeof override === 'function' ? await override(cloneJson(taskInput), { stateName: name, attempt }) : override;
      // A copy: later states must not alias (and mutate) the test's fixed results.
      return cloneJson(result ?? null) as LibraryJson;
    };
  }

  const scale = options.waitTimeScale ?? 0;
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number | number[]> = {};
  for (const [name, state] of states) {
    if (state.Type === 'Wait') {
      if (scale === 0) waitTimeOverrides[name] = 0;
      else if (typeof state.Seconds === 'number') waitTimeOverrides[name] = state.Seconds * 1000 * scale;
    }
    if (Array.isArray(state.Retry)) {
      retryIntervalOverrides[name] =
        scale === 0
          ? 0
          : state.Retry.map((retrier) => (isRecord(retrier) && typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1) * 1000 * scale);
    }
  }

  const context: LibraryContext = {
    Execution: {
      Id: `arn:${P}:states:${R}:${A}:execution:LocalStateMachine:local-execution`,
      Name: 'local-execution',
      RoleArn: `arn:${P}:iam::${A}:role/LocalStateMachineRole`,
    },
    StateMachine: { Id: `arn:${P}:states:${R}:${A}:stateMachine:LocalStateMachine`, Name: 'LocalStateMachine' },
    Task: { Token: 'local-task-token' },
    ...options.context,
  };

  const machine = new StateMachine(cloneJson(validated(asl)), { validationOptions: { noValidate: true } });
  const execution = machine.run(cloneJson(input) as LibraryJson, {
    overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides, retryIntervalOverrides },
    context: cloneJson(context),
  });

  const events: SfnEvent[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();

  const maxDurationMs = options.maxDurationMs ?? 30_000;
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    execution.abort();
  }, maxDurationMs);

  let output: JsonValue | undefined;
  let status: LocalRunResult['status'] = 'SUCCEEDED';
  try {
    output = (await execution.result) as JsonValue;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    status = name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
    if (status === 'FAILED' && name !== 'ExecutionError') throw error;
  } finally {
    clearTimeout(watchdog);
  }
  await collecting;

  const visitedStates = events.flatMap((event) => (event.type === 'StateEntered' ? [event.state.name] : []));
  if (missing.length) {
    const names = [...new Set(missing)];
    throw new Error(
      `runLocally: Task state${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')} reached without an override. ` +
        `Give a result in options.overrides (or an error in options.errors): the harness never calls AWS. Visited: ${visitedStates.join(' -> ')}`,
    );
  }
  if (timedOut) {
    throw new Error(`runLocally: the execution did not finish within ${maxDurationMs} ms (an override that never settles?). Visited: ${visitedStates.join(' -> ')}`);
  }

  const failure = events.find((event): event is Extract<SfnEvent, { type: 'ExecutionFailed' }> => event.type === 'ExecutionFailed');
  return {
    status,
    output: status === 'SUCCEEDED' ? output : undefined,
    error: failure?.Error,
    cause: failure ? describeCause(failure.Cause) : undefined,
    visitedStates,
    attempts,
    taskInputs,
    events,
  };
}
