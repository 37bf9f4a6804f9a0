/** What Task states return or throw in a local run: override results, scripted errors, the library's own timeout error. */
import '../setup/polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import type { JsonValue, LibraryJson, LibraryTaskHandler, TaskErrorSpec } from './sfn-types';

/** An error a Task override throws: `name` is the ASL error name (matched by Retry/Catch), `message` its cause. */
export class SfnTaskError extends Error {
  constructor(error: string, cause = '') {
    super(cause);
    this.name = error;
  }
}

/** The output of a `LambdaInvoke` task (without `payloadResponseOnly`) whose function returned `payload`. */
export function lambdaResult(payload: JsonValue): JsonValue {
  return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
}

/**
 * Raised when a Task without override is reached. The library treats errors with `isRetryable`/`isCatchable` false
 * like its own `States.Runtime`: no Retry or Catch (not even `States.ALL`) can swallow it.
 */
export class MissingOverrideError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(stateName: string) {
    super(`Task state "${stateName}" has no override`);
    this.name = 'Harness.MissingOverride';
  }
}

let statesTimeoutConstructor: (new () => Error) | null | undefined;

/**
 * The library's own `States.Timeout` error class (not exported). Catch/Retry treat it specially (`States.TaskFailed`
 * does not match it, as on AWS), so a simulated timeout must be an instance. It is obtained once, by letting a
 * 1 ms Task timeout fire in a throw-away machine; `null` if that ever stops working (then a plain error is used).
 */
export async function getStatesTimeoutConstructor(): Promise<(new () => Error) | null> {
  if (statesTimeoutConstructor !== undefined) return statesTimeoutConstructor;
  statesTimeoutConstructor = null;
  const probe = new StateMachine(
    { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'arn:aws:states:::probe', TimeoutSeconds: 0.001, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  const never: LibraryTaskHandler = () => new Promise<LibraryJson>(() => undefined);
  try {
    await probe.run({}, { overrides: { taskResourceLocalHandlers: { Probe: never } } }).result;
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') statesTimeoutConstructor = cause.constructor as new () => Error;
  }
  return statesTimeoutConstructor;
}

export function makeTaskError(spec: TaskErrorSpec, timeoutConstructor: (new () => Error) | null): Error {
  if (spec.error === 'States.Timeout' && timeoutConstructor) {
    const error = new timeoutConstructor();
    if (spec.cause !== undefined) error.message = spec.cause;
    return error;
  }
  return new SfnTaskError(spec.error, spec.cause);
}

export function describeCause(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}
