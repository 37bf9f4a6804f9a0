/**
 * Offline harness for the Step Functions state machines the project synthesizes.
 *
 * 1. `resolveDefinition(template)` turns the `AWS::StepFunctions::StateMachine` of a synthesized template into the
 *    plain ASL object, resolving CloudFormation intrinsics with fixed test values (see `TEST_ENV`).
 * 2. `validateAsl(definition)` checks it with asl-validator.
 * 3. `runLocally(definition, input, options)` executes it with aws-local-stepfunctions, every Task state served by a
 *    local override (fixed result, function, or scripted errors). Nothing ever calls AWS: a Task without an override
 *    fails the run with an error naming the state.
 *
 * aws-local-stepfunctions needs `Promise.withResolvers` (Node 22): `test/setup/polyfills.ts` provides it on Node 20.
 * Jest loads it through `setupFiles`; it is also imported here so the harness works under any runner (tsx, scripts).
 */
import '../setup/polyfills';
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { IntrinsicScope, isRecord, resolveIntrinsics } from './intrinsics';

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

/** A JSON value, as state inputs and outputs are. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type LocalExecution = ReturnType<StateMachine['run']>;
/** One event of aws-local-stepfunctions' execution event log (`StateEntered`, `StateRetried`, `ExecutionFailed`...). */
export type SfnEvent = LocalExecution['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type LibraryJson = Parameters<StateMachine['run']>[0];
type LibraryRunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
type LibraryOverrides = NonNullable<LibraryRunOptions['overrides']>;
type LibraryTaskHandler = NonNullable<LibraryOverrides['taskResourceLocalHandlers']>[string];
type LibraryContext = NonNullable<LibraryRunOptions['context']>;

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

// ---------------------------------------------------------------------------------------------------------------
// Template -> ASL
// ---------------------------------------------------------------------------------------------------------------

/** The fixed environment intrinsics resolve to. */
export const TEST_ENV = {
  partition: 'aws',
  region: 'eu-west-1',
  account: '111122223333',
  urlSuffix: 'amazonaws.com',
  stackName: 'TestStack',
} as const;

const P = TEST_ENV.partition;
const R = TEST_ENV.region;
const A = TEST_ENV.account;

export interface ResolveOptions {
  /** Values for `Ref`s, by logical id or parameter name, used before the defaults. */
  readonly refs?: Record<string, string>;
  /** Values for `Fn::GetAtt`s, by `"<LogicalId>.<Attribute>"`, used before the defaults. */
  readonly getAtts?: Record<string, string>;
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Parameters?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': P,
  'AWS::Region': R,
  'AWS::AccountId': A,
  'AWS::URLSuffix': TEST_ENV.urlSuffix,
  'AWS::StackName': TEST_ENV.stackName,
  'AWS::StackId': `arn:${P}:cloudformation:${R}:${A}:stack/${TEST_ENV.stackName}/00000000-0000-0000-0000-000000000000`,
};

/** SageMaker names resources in lower case in its ARNs. */
const sageMakerArn = (kind: string) => (id: string) => `arn:${P}:sagemaker:${R}:${A}:${kind}/${id.toLowerCase()}`;

/** Fake `Ref` values for resource types whose `Ref` is not simply a name. */
const REF_BY_TYPE: Record<string, (id: string) => string> = {
  'AWS::Lambda::Function': (id) => `arn:${P}:lambda:${R}:${A}:function:${id}`,
  'AWS::Lambda::Alias': (id) => `arn:${P}:lambda:${R}:${A}:function:${id}:live`,
  'AWS::Lambda::Version': (id) => `arn:${P}:lambda:${R}:${A}:function:${id}:1`,
  'AWS::SNS::Topic': (id) => `arn:${P}:sns:${R}:${A}:${id}`,
  'AWS::SQS::Queue': (id) => `https://sqs.${R}.${TEST_ENV.urlSuffix}/${A}/${id}`,
  'AWS::StepFunctions::StateMachine': (id) => `arn:${P}:states:${R}:${A}:stateMachine:${id}`,
  'AWS::StepFunctions::Activity': (id) => `arn:${P}:states:${R}:${A}:activity:${id}`,
  'AWS::SecretsManager::Secret': (id) => `arn:${P}:secretsmanager:${R}:${A}:secret:${id}`,
  'AWS::SageMaker::Model': sageMakerArn('model'),
  'AWS::SageMaker::Endpoint': sageMakerArn('endpoint'),
  'AWS::SageMaker::EndpointConfig': sageMakerArn('endpoint-config'),
  'AWS::SageMaker::ModelPackageGroup': sageMakerArn('model-package-group'),
};

/** Fake `Arn` attributes by resource type (other types get `arn:aws:<service>:eu-west-1:111122223333:<kind>/<id>`). */
const ARN_BY_TYPE: Record<string, (id: string) => string> = {
  'AWS::Lambda::Function': (id) => `arn:${P}:lambda:${R}:${A}:function:${id}`,
  'AWS::SNS::Topic': (id) => `arn:${P}:sns:${R}:${A}:${id}`,
  'AWS::SQS::Queue': (id) => `arn:${P}:sqs:${R}:${A}:${id}`,
  'AWS::IAM::Role': (id) => `arn:${P}:iam::${A}:role/${id}`,
  'AWS::IAM::ManagedPolicy': (id) => `arn:${P}:iam::${A}:policy/${id}`,
  'AWS::S3::Bucket': (id) => `arn:${P}:s3:::${id.toLowerCase()}`,
  'AWS::DynamoDB::Table': (id) => `arn:${P}:dynamodb:${R}:${A}:table/${id}`,
  'AWS::StepFunctions::StateMachine': (id) => `arn:${P}:states:${R}:${A}:stateMachine:${id}`,
  'AWS::StepFunctions::Activity': (id) => `arn:${P}:states:${R}:${A}:activity:${id}`,
  'AWS::KMS::Key': (id) => `arn:${P}:kms:${R}:${A}:key/${id}`,
  'AWS::Events::EventBus': (id) => `arn:${P}:events:${R}:${A}:event-bus/${id}`,
  'AWS::Events::Rule': (id) => `arn:${P}:events:${R}:${A}:rule/${id}`,
  'AWS::Logs::LogGroup': (id) => `arn:${P}:logs:${R}:${A}:log-group:${id}:*`,
  'AWS::SecretsManager::Secret': (id) => `arn:${P}:secretsmanager:${R}:${A}:secret:${id}`,
  'AWS::ECR::Repository': (id) => `arn:${P}:ecr:${R}:${A}:repository/${id.toLowerCase()}`,
};

/** Fake values of other well-known attributes, by resource type then attribute. */
const ATTRIBUTE_BY_TYPE: Record<string, Record<string, (id: string) => string>> = {
  'AWS::SNS::Topic': { TopicArn: ARN_BY_TYPE['AWS::SNS::Topic'], TopicName: (id) => id },
  'AWS::SQS::Queue': { QueueUrl: REF_BY_TYPE['AWS::SQS::Queue'], QueueName: (id) => id },
  'AWS::IAM::Role': { RoleId: (id) => `AROA${id.toUpperCase()}` },
  'AWS::S3::Bucket': {
    DomainName: (id) => `${id.toLowerCase()}.s3.${TEST_ENV.urlSuffix}`,
    RegionalDomainName: (id) => `${id.toLowerCase()}.s3.${R}.${TEST_ENV.urlSuffix}`,
  },
  'AWS::DynamoDB::Table': { StreamArn: (id) => `arn:${P}:dynamodb:${R}:${A}:table/${id}/stream/1970-01-01T00:00:00.000` },
  'AWS::StepFunctions::StateMachine': { Name: (id) => id },
  'AWS::KMS::Key': { KeyId: (id) => id },
  'AWS::Events::EventBus': { Name: (id) => id },
  'AWS::SageMaker::Model': { ModelName: (id) => id.toLowerCase() },
  'AWS::SageMaker::Endpoint': { EndpointName: (id) => id.toLowerCase() },
  'AWS::SageMaker::EndpointConfig': { EndpointConfigName: (id) => id.toLowerCase() },
  'AWS::SageMaker::ModelPackageGroup': { ModelPackageGroupArn: sageMakerArn('model-package-group') },
};

function genericArn(type: string, id: string): string {
  const [, service, kind] = type.split('::');
  return `arn:${P}:${(service ?? 'unknown').toLowerCase()}:${R}:${A}:${(kind ?? 'resource').toLowerCase()}/${id}`;
}

/**
 * A deep copy made with this realm's JSON. Not `structuredClone`: under Jest it returns objects of the host realm,
 * whose prototype is not this realm's `Object.prototype`, and aws-local-stepfunctions then stops treating them as
 * plain objects (e.g. `"key.$"` paths nested in `Parameters` are left unresolved).
 */
function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Resolves CloudFormation intrinsics in a value, with the fixed values of `TEST_ENV`. */
class IntrinsicResolver implements IntrinsicScope {
  readonly conditionIsIntrinsic = true;
  readonly mappings: CfnTemplate['Mappings'];

  constructor(
    private readonly template: CfnTemplate,
    private readonly options: ResolveOptions,
  ) {
    this.mappings = template.Mappings;
  }

  resolve(value: unknown, where: string): unknown {
    return resolveIntrinsics(this, value, where);
  }

  fail(name: string, args: unknown, where: string, why: string): never {
    throw new Error(
      `resolveDefinition: cannot resolve ${JSON.stringify({ [name]: args })} at ${where}: ${why}. ` +
        'Pass a value in resolveDefinition(template, logicalId, { refs, getAtts }) or extend test/helpers/sfn.ts.',
    );
  }

  ref(id: string, where: string): string {
    const given = this.options.refs?.[id];
    if (given !== undefined) return given;
    const pseudo = PSEUDO_PARAMETERS[id];
    if (pseudo !== undefined) return pseudo;
    if (this.template.Parameters && id in this.template.Parameters) return `param-${id}`;
    const resource = this.template.Resources?.[id];
    if (!resource) return this.fail('Ref', id, where, `"${id}" is neither a resource, a parameter nor a supported pseudo parameter`);
    return REF_BY_TYPE[resource.Type]?.(id) ?? id;
  }

  getAtt(id: string, attribute: string, where: string): string {
    const given = this.options.getAtts?.[`${id}.${attribute}`];
    if (given !== undefined) return given;
    const resource = this.template.Resources?.[id];
    if (!resource) return this.fail('Fn::GetAtt', [id, attribute], where, `"${id}" is not a resource of the template`);
    const known = ATTRIBUTE_BY_TYPE[resource.Type]?.[attribute];
    if (known) return known(id);
    if (attribute === 'Arn') return (ARN_BY_TYPE[resource.Type] ?? ((x: string) => genericArn(resource.Type, x)))(id);
    return this.fail('Fn::GetAtt', [id, attribute], where, `no fake value for attribute "${attribute}" of ${resource.Type}`);
  }
}

/**
 * The ASL definition of the state machine of a synthesized template (`Template` or `Template.toJSON()`): the only
 * `AWS::StepFunctions::StateMachine`, or the one with logical id `logicalId`. Intrinsics resolve to fixed test
 * values: partition `aws`, region `eu-west-1`, account `111122223333`; `Ref` of a Lambda function / SNS topic /
 * state machine... -> a fake ARN built from its logical id (other resources: the logical id); `Fn::GetAtt [id, Arn]`
 * -> a fake ARN by resource type; `Ref` of a template parameter (e.g. an SSM parameter) -> `param-<name>`.
 * `DefinitionSubstitutions` are applied. Throws, naming it, on an intrinsic it cannot resolve.
 */
export function resolveDefinition(template: object | Template, logicalId?: string, options: ResolveOptions = {}): AslDefinition {
  const cfn = (template instanceof Template ? template.toJSON() : template) as CfnTemplate;
  const machines = Object.entries(cfn.Resources ?? {}).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine');
  let found: [string, CfnResource] | undefined;
  if (logicalId !== undefined) {
    found = machines.find(([id]) => id === logicalId);
    if (!found) {
      throw new Error(`resolveDefinition: no AWS::StepFunctions::StateMachine "${logicalId}"; the template has: ${machines.map(([id]) => id).join(', ') || 'none'}`);
    }
  } else if (machines.length === 1) {
    found = machines[0];
  } else {
    throw new Error(
      `resolveDefinition: expected exactly one AWS::StepFunctions::StateMachine, found ${machines.length}` +
        (machines.length ? ` (${machines.map(([id]) => id).join(', ')}); pass its logical id` : ''),
    );
  }
  const [id, resource] = found;
  const properties = resource.Properties ?? {};
  const resolver = new IntrinsicResolver(cfn, options);
  const where = `${id}.Properties`;

  const substitutions: Record<string, string> = {};
  const rawSubstitutions = properties.DefinitionSubstitutions;
  if (isRecord(rawSubstitutions)) {
    for (const [key, value] of Object.entries(rawSubstitutions)) {
      const resolved = resolver.resolve(value, `${where}.DefinitionSubstitutions.${key}`);
      substitutions[key] = typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    }
  }
  const substitute = (text: string): string =>
    text.replace(/\$\{([^}]+)\}/g, (match, key: string) => (key in substitutions ? substitutions[key] : match));

  if (properties.DefinitionString !== undefined) {
    const text = resolver.resolve(properties.DefinitionString, `${where}.DefinitionString`);
    if (typeof text !== 'string') throw new Error(`resolveDefinition: DefinitionString of ${id} did not resolve to a string`);
    return JSON.parse(substitute(text)) as AslDefinition;
  }
  if (properties.Definition !== undefined) {
    const resolved = resolver.resolve(properties.Definition, `${where}.Definition`);
    return JSON.parse(substitute(JSON.stringify(resolved))) as AslDefinition;
  }
  throw new Error(`resolveDefinition: ${id} has no DefinitionString or Definition (DefinitionS3Location is not supported)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------------

interface AslValidationError {
  'Error code': string;
  Message: string;
}
type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: AslValidationError[]; errorsText: (separator?: string) => string };

// asl-validator ships no type declarations; this is the signature of its CommonJS export.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as AslValidator;

/** Validates an ASL definition with asl-validator (paths and ARNs checked); throws listing every error. */
export function validateAsl(definition: object): void {
  // asl-validator writes a default `QueryLanguage` into every state of what it is given: validate a copy.
  const result = aslValidator(cloneJson(definition), { checkPaths: true, checkArn: true });
  if (!result.isValid) {
    const list = result.errors.map((error) => `  - ${error['Error code']}: ${error.Message}`).join('\n');
    throw new Error(`Invalid Amazon States Language definition (${result.errors.length} error(s)):\n${list}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Local execution
// ---------------------------------------------------------------------------------------------------------------

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
class MissingOverrideError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(stateName: string) {
    super(`Task state "${stateName}" has no override`);
    this.name = 'Harness.MissingOverride';
  }
}

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

/**
 * The definition as the library's own validation leaves it (asl-validator 3.x underneath; it writes defaults into the
 * definition it is given, and throws on an invalid one). Validation compiles its JSON schemas on every call, which cost
 * more than most runs: each distinct definition is validated once per test file, and later runs start from that copy.
 */
function validated<T extends object>(asl: T): T {
  const key = JSON.stringify(asl);
  let definition = validatedDefinitions.get(key) as T | undefined;
  if (!definition) {
    definition = cloneJson(asl);
    new StateMachine(definition as never);
    validatedDefinitions.set(key, definition);
  }
  return definition;
}

let statesTimeoutConstructor: (new () => Error) | null | undefined;

/**
 * The library's own `States.Timeout` error class (not exported). Catch/Retry treat it specially (`States.TaskFailed`
 * does not match it, as on AWS), so a simulated timeout must be an instance. It is obtained once, by letting a
 * 1 ms Task timeout fire in a throw-away machine; `null` if that ever stops working (then a plain error is used).
 */
async function getStatesTimeoutConstructor(): Promise<(new () => Error) | null> {
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

function makeTaskError(spec: TaskErrorSpec, timeoutConstructor: (new () => Error) | null): Error {
  if (spec.error === 'States.Timeout' && timeoutConstructor) {
    const error = new timeoutConstructor();
    if (spec.cause !== undefined) error.message = spec.cause;
    return error;
  }
  return new SfnTaskError(spec.error, spec.cause);
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
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
