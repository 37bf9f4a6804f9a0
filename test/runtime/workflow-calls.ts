/**
 * The calls the workflows make at run time, found by executing every state machine of the world locally
 * (aws-local-stepfunctions, through `test/helpers/sfn.ts`) across scenarios that together enter every Task state:
 * first model and first endpoint, an approved model and an existing endpoint, redeployment, rejection, failures.
 * Each Task answers with a plausible AWS response chosen by its integration (not by its name), and the parameters it
 * really received (names built by intrinsics, S3 URIs, roles, keys) become the calls of the state machine's role, of
 * the SageMaker execution role and of the functions it invokes.
 */
import { JsonValue, runLocally } from '../helpers/sfn';
import { EXECUTION_NAME, LOOP_GUARD, respond, RunMemory, SCENARIOS } from './scenarios';
import { PrincipalCall } from './evaluate';
import { INTEGRATIONS, TaskContext } from './integrations';
import { PolicyIndex } from './policies';
import { EndpointDeployment, endpointCalls, processingJobCalls, trainingJobCalls, tuningJobCalls } from './sagemaker-calls';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every state of a definition, nested Map and Parallel states included. */
export function allStates(definition: Json): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  const walk = (states: Json) => {
    for (const [name, state] of Object.entries<Json>(states ?? {})) {
      out.push([name, state]);
      if (state.ItemProcessor?.States) walk(state.ItemProcessor.States);
      if (state.Iterator?.States) walk(state.Iterator.States);
      for (const branch of state.Branches ?? []) walk(branch.States);
    }
  };
  walk(definition.States);
  return out;
}

/** The integration key of a Task's resource: `sagemaker:createTrainingJob.sync`, `aws-sdk:s3:getObject`, or `lambda:function`. */
export function integrationOf(resource: string): string {
  if (/^arn:[^:]+:lambda:/.test(resource)) return 'lambda:function';
  return resource.replace(/^arn:[^:]+:states:::/, '');
}

/** What running one state machine found: calls, the Task states entered, and Lambda events by function ARN. */
export interface WorkflowFindings {
  readonly calls: PrincipalCall[];
  /** Task states never entered by any scenario. */
  readonly unvisitedTasks: string[];
  /** Task resources without a known integration. */
  readonly unknownIntegrations: string[];
  /** Payloads the workflow sends to each function, by function ARN. */
  readonly lambdaEvents: Map<string, unknown[]>;
}

/** Runs one state machine of the world through every scenario and derives its calls. */
export async function workflowCalls(index: PolicyIndex, stack: string, logicalId: string, scenarios = SCENARIOS): Promise<WorkflowFindings> {
  const w = index.world;
  const props = w.properties(stack, logicalId) as Json;
  let text = String(props.DefinitionString);
  for (const [key, value] of Object.entries<string>(props.DefinitionSubstitutions ?? {})) text = text.split(`\${${key}}`).join(value);
  const definition = JSON.parse(text) as Json;
  const tasks = allStates(definition).filter(([, s]) => s.Type === 'Task');
  const role = String(props.RoleArn);
  const where = (state: string) => `${w.physicalName(stack, logicalId)}/${state}`;
  const visited = new Set<string>();
  const calls: PrincipalCall[] = [];
  const lambdaEvents = new Map<string, unknown[]>();
  const unknownIntegrations = new Set<string>();

  for (const scenario of scenarios) {
    const failing = scenario.failing ? tasks.find(([, s]) => integrationOf(String(s.Resource)) === scenario.failing!.integration)?.[0] : undefined;
    // A failure of a task this state machine does not have leaves a run another scenario makes already.
    if (scenario.failing && !failing) continue;
    const memory: RunMemory = {};
    // A loop the scenario cannot end (a poll whose status never changes) fails the run instead of filling memory.
    const overrides = Object.fromEntries(
      tasks.map(([name, state]) => [
        name,
        (input: JsonValue, info: { attempt: number }) => {
          if (info.attempt > LOOP_GUARD) throw new Error(`${where(name)} was called more than ${LOOP_GUARD} times in scenario "${scenario.name}"`);
          return respond(integrationOf(String(state.Resource)), input as Json, scenario, w.aws, memory);
        },
      ]),
    );
    const run = await runLocally(definition, scenario.input as JsonValue, {
      overrides,
      maxDurationMs: 60_000,
      // Execution names may hold underscores and run long; aws-local-stepfunctions leaves $$.State.EnteredTime unset.
      context: {
        Execution: {
          Name: EXECUTION_NAME,
          Id: `${w.ref(stack, logicalId).replace(':stateMachine:', ':execution:')}:${EXECUTION_NAME}`,
          StartTime: '2026-12-06T00:15:00.000Z',
        },
        State: { EnteredTime: '2026-12-06T00:16:00.000Z' },
      },
      ...(failing ? { errors: { [failing]: { error: scenario.failing!.error, cause: 'local failure' } } } : {}),
    });
    if (process.env.RUNTIME_CHECK_DEBUG) console.log(scenario.name, run.status, run.error, run.cause, run.visitedStates.join(' > '));
    const deployments: { executionRoleArn?: string; endpointName?: string; rollbackAlarms?: string[]; containers: Json[]; configs: Json[] } = {
      containers: [],
      configs: [],
    };
    for (const [name, state] of tasks) {
      for (const raw of run.taskInputs[name] ?? []) {
        visited.add(name);
        const input = raw as Json;
        const integration = integrationOf(String(state.Resource));
        const ctx: TaskContext = { index, role, where: where(name) };
        if (integration === 'lambda:function') {
          calls.push({
            principal: role,
            kind: 'Step Functions role',
            action: 'lambda:InvokeFunction',
            resource: String(state.Resource),
            why: `${where(name)}: invokes a function`,
          });
          push(lambdaEvents, String(state.Resource), input);
          continue;
        }
        const map = INTEGRATIONS[integration];
        if (!map) {
          unknownIntegrations.add(`${where(name)}: ${state.Resource}`);
          continue;
        }
        calls.push(...map(input, ctx));
        if (integration.startsWith('lambda:invoke')) push(lambdaEvents, String(input.FunctionName), input.Payload);
        if (integration === 'sagemaker:createTrainingJob.sync') calls.push(...trainingJobCalls(index, input));
        if (integration === 'sagemaker:createProcessingJob.sync') calls.push(...processingJobCalls(index, input));
        if (integration === 'sagemaker:createHyperParameterTuningJob.sync') calls.push(...tuningJobCalls(index, input));
        if (integration === 'aws-sdk:sagemaker:createModelPackage') deployments.containers.push(...input.InferenceSpecification.Containers);
        if (integration === 'aws-sdk:sagemaker:createModel') deployments.executionRoleArn = input.ExecutionRoleArn;
        if (integration === 'aws-sdk:sagemaker:createEndpointConfig') deployments.configs.push(input);
        if (integration === 'aws-sdk:sagemaker:createEndpoint') deployments.endpointName = input.EndpointName;
        if (integration === 'aws-sdk:sagemaker:updateEndpoint') {
          deployments.endpointName = input.EndpointName;
          deployments.rollbackAlarms = (input.DeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []).map((a: Json) => a.AlarmName);
        }
      }
    }
    if (deployments.executionRoleArn && deployments.endpointName) {
      for (const config of deployments.configs) {
        calls.push(
          ...endpointCalls(index, {
            ...deployments,
            executionRoleArn: deployments.executionRoleArn,
            endpointName: deployments.endpointName,
            containers: deployments.containers as unknown as EndpointDeployment['containers'],
            endpointConfig: config,
          }),
        );
      }
    }
  }
  calls.push(...stateMachineCalls(role, props, w.physicalName(stack, logicalId)));
  return { calls, unvisitedTasks: tasks.map(([n]) => n).filter((n) => !visited.has(n)), unknownIntegrations: [...unknownIntegrations], lambdaEvents };
}

/** What the state machine itself does as its role: deliver execution logs, send traces. */
function stateMachineCalls(role: string, props: Json, name: string): PrincipalCall[] {
  const call = (action: string, why: string): PrincipalCall => ({
    principal: role,
    kind: 'Step Functions role',
    action,
    resource: '*',
    why: `${name}: ${why}`,
  });
  const calls: PrincipalCall[] = [];
  if (props.LoggingConfiguration) {
    for (const a of [
      'CreateLogDelivery',
      'GetLogDelivery',
      'UpdateLogDelivery',
      'DeleteLogDelivery',
      'ListLogDeliveries',
      'PutResourcePolicy',
      'DescribeResourcePolicies',
      'DescribeLogGroups',
    ])
      calls.push(call(`logs:${a}`, 'execution logs'));
  }
  if (props.TracingConfiguration?.Enabled) {
    for (const a of ['PutTraceSegments', 'PutTelemetryRecords', 'GetSamplingRules', 'GetSamplingTargets']) calls.push(call(`xray:${a}`, 'traces'));
  }
  return calls;
}

function push(map: Map<string, unknown[]>, key: string, value: unknown): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}
