/** Types of the local Step Functions harness (see `sfn.ts`), and the JSON copy every module uses. */
import { StateMachine } from 'aws-local-stepfunctions';

/** A JSON value, as state inputs and outputs are. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type LocalExecution = ReturnType<StateMachine['run']>;
/** One event of aws-local-stepfunctions' execution event log (`StateEntered`, `StateRetried`, `ExecutionFailed`...). */
export type SfnEvent = LocalExecution['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
export type LibraryJson = Parameters<StateMachine['run']>[0];
export type LibraryRunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
export type LibraryOverrides = NonNullable<LibraryRunOptions['overrides']>;
export type LibraryTaskHandler = NonNullable<LibraryOverrides['taskResourceLocalHandlers']>[string];
export type LibraryContext = NonNullable<LibraryRunOptions['context']>;

/** One state of an ASL definition, as plain JSON. */
export interface AslState {
  [field: string]: JsonValue;
  Type: string;
}

/** An ASL state machine definition, as plain JSON. */
export interface AslDefinition {
  [field: string]: JsonValue;
  StartAt: string;
  States: { [name: string]: AslState };
}

/** What a function override receives besides the Task's effective input (after InputPath/Parameters). */
export interface TaskCallInfo {
  /** The Task state's name. */
  readonly stateName: string;
  /** 1 for the first call of this state in the run, 2 for the next one (a retry or a later visit)... */
  readonly attempt: number;
}

/** Computes a Task's result; throw (e.g. `new SfnTaskError('Foo.Bar', 'why')`) to make the Task fail with that error. */
export type TaskOverrideFn = (input: JsonValue, info: TaskCallInfo) => JsonValue | Promise<JsonValue>;

/** A Task override: a function, or any other (JSON) value which is returned as the Task's result on every call. */
export type TaskOverride = TaskOverrideFn | JsonValue;

/** An error a Task throws instead of calling its override. */
export interface TaskErrorSpec {
  /** Error name, matched by `Retry`/`Catch` `ErrorEquals` (e.g. `ThrottlingException`, `States.Timeout`). */
  readonly error: string;
  /** The cause (`$.Cause` in a Catch result, `cause` of a failed execution). */
  readonly cause?: string;
  /** How many consecutive calls throw it (default: every call). */
  readonly times?: number;
}

export interface RunLocallyOptions {
  /** Result of each Task state, by state name: a fixed JSON result, or a function of the Task's input. */
  readonly overrides?: Record<string, TaskOverride>;
  /**
   * Errors thrown by Task states, by state name, before their override is used. A list is consumed in order, e.g.
   * `[{ error: 'ThrottlingException', times: 2 }]` fails twice then calls the override (to exercise a Retry).
   * `States.Timeout` is thrown as the library's own timeout error (so, as on AWS, `States.TaskFailed` does not
   * match it) and is only accepted on a state that has `TimeoutSeconds(Path)` or `HeartbeatSeconds(Path)`.
   */
  readonly errors?: Record<string, TaskErrorSpec | readonly TaskErrorSpec[]>;
  /**
   * Factor applied to Wait state durations and Retry intervals (default 0: no waiting at all). With a non-zero
   * factor, Wait states with static `Seconds` wait `Seconds * 1000 * factor` ms (dynamic ones wait for real) and
   * each retrier waits `IntervalSeconds * 1000 * factor` ms (the library's override ignores BackoffRate).
   */
  readonly waitTimeScale?: number;
  /** Extra Context Object fields (`$$`), merged over the harness defaults (`$$.Task.Token`, `$$.Execution.Id`...). */
  readonly context?: Record<string, unknown>;
  /** The run is aborted (and `runLocally` rejects) if it has not finished within this many ms (default 30 000). */
  readonly maxDurationMs?: number;
}

export interface LocalRunResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** The execution output (SUCCEEDED only). */
  readonly output?: JsonValue;
  /** The execution's error name (FAILED only), e.g. the `Error` of the Fail state that ended it. */
  readonly error?: string;
  /** The execution's cause (FAILED only). */
  readonly cause?: string;
  /** Every state entered, in order (a state retried in place appears once; a state visited twice appears twice). */
  readonly visitedStates: string[];
  /** Number of calls of each Task state that ran (retries included), by state name. */
  readonly attempts: Record<string, number>;
  /** The effective input of each call of each Task state (after InputPath/Parameters), by state name. */
  readonly taskInputs: Record<string, JsonValue[]>;
  /** The raw event log of the execution. */
  readonly events: SfnEvent[];
}

/**
 * A deep copy made with this realm's JSON. Not `structuredClone`: under Jest it returns objects of the host realm,
 * whose prototype is not this realm's `Object.prototype`, and aws-local-stepfunctions then stops treating them as
 * plain objects (e.g. `"key.$"` paths nested in `Parameters` are left unresolved).
 */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
