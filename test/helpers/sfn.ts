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
 *
 * The harness is split by concept: `sfn-types.ts` (types), `sfn-definition.ts` (template -> ASL),
 * `sfn-validate.ts` (asl-validator), `sfn-task-errors.ts` (Task results and errors), `sfn-run.ts` (local execution).
 * This module re-exports their public names.
 */
import '../setup/polyfills';

export type {
  AslDefinition, AslState, JsonValue, LocalRunResult, RunLocallyOptions, SfnEvent, TaskCallInfo, TaskErrorSpec, TaskOverride, TaskOverrideFn,
} from './sfn-types';
export { resolveDefinition, TEST_ENV, type ResolveOptions } from './sfn-definition';
export { validateAsl } from './sfn-validate';
export { lambdaResult, SfnTaskError } from './sfn-task-errors';
export { runLocally } from './sfn-run';
