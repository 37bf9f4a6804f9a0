/**
 * The Lambda handlers' SDK calls in the deployed system: for each function of the world, its handler folder (the
 * `POWERTOOLS_SERVICE_NAME` every function carries), its role, its resolved environment and the events it receives
 * (from the local workflow runs, its custom resource, its schedule), through the handler's call table.
 */
import { PrincipalCall } from './evaluate';
import { HANDLER_CALL_TABLES, uncoveredCommands } from './handler-commands';
import { PolicyIndex } from './policies';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Events each function receives from the template: custom resource properties and schedule inputs, by function ARN. */
function templateEvents(index: PolicyIndex): Map<string, unknown[]> {
  const w = index.world;
  const events = new Map<string, unknown[]>();
  const add = (fn: string, event: unknown) => events.set(fn, [...(events.get(fn) ?? []), event]);
  for (const res of w.resources()) {
    const props = res.properties as Props;
    if (res.type.startsWith('Custom::') || res.type === 'AWS::CloudFormation::CustomResource') {
      const { ServiceToken: token, ...properties } = props;
      for (const RequestType of ['Create', 'Update', 'Delete'])
        add(String(token), { RequestType, ResourceProperties: { ServiceToken: token, ...properties } });
    }
    if (res.type === 'AWS::Scheduler::Schedule' && props.Target?.Input) add(String(props.Target.Arn), JSON.parse(props.Target.Input));
    if (res.type === 'AWS::Events::Rule') {
      for (const target of props.Targets ?? [])
        add(String(target.Arn), target.Input ? JSON.parse(target.Input) : { source: props.EventPattern?.source?.[0], detail: {} });
    }
  }
  return events;
}

/** The handler of each function of a stack, with its ARN and environment. */
function functionsOf(index: PolicyIndex, stack: string): Array<{ arn: string; handler?: string; variables: Record<string, string> }> {
  return index.world
    .resources('AWS::Lambda::Function')
    .filter((f) => f.stack === stack)
    .map((f) => {
      const variables: Record<string, string> = (f.properties as Props).Environment?.Variables ?? {};
      return { arn: index.world.getAtt(f.stack, f.logicalId, 'Arn'), handler: variables.POWERTOOLS_SERVICE_NAME, variables };
    });
}

/**
 * Events a function acts on that arrive another way than its own invocation: the approval page decides the requests
 * the gate's request function stored (same table); the baseline reads the training objects the snapshot of the same run
 * listed in its manifest (the manifest's `dataUri`).
 */
function relatedEvents(
  index: PolicyIndex,
  stack: string,
  handler: string,
  variables: Record<string, string>,
  workflowEvents: Map<string, unknown[]>,
): unknown[] {
  if (handler !== 'approval-page' && handler !== 'compute-baseline') return [];
  const siblings = functionsOf(index, stack);
  const eventsOf = (name: string, same?: string) =>
    siblings
      .filter((f) => f.handler === name && (!same || f.variables[same] === variables[same]))
      .flatMap((f) => workflowEvents.get(f.arn) ?? []) as Props[];
  if (handler === 'approval-page') return eventsOf('request-approval', 'APPROVAL_TABLE_NAME');
  if (handler === 'compute-baseline') {
    const snapshots = eventsOf('snapshot-training-data');
    const baselineFn = siblings.find((f) => f.handler === 'compute-baseline');
    return ((baselineFn && workflowEvents.get(baselineFn.arn)) ?? []).flatMap((event) => {
      const snapshot = snapshots.find((s) => s.manifestUri === (event as Props).manifestUri);
      return snapshot ? [{ ...(event as Props), manifest: { dataUri: snapshot.dataUri } }] : [];
    });
  }
  return [];
}

/** Every handler's calls, and the gaps: functions without a known handler, SDK commands without a table entry. */
export function handlerCalls(index: PolicyIndex, workflowEvents: Map<string, unknown[]>): { calls: PrincipalCall[]; gaps: string[] } {
  const w = index.world;
  const fromTemplate = templateEvents(index);
  const calls: PrincipalCall[] = [];
  const gaps = uncoveredCommands().map((u) => `SDK command without an IAM mapping: ${typeof u === 'string' ? u : JSON.stringify(u)}`);
  for (const fn of w.resources('AWS::Lambda::Function')) {
    const props = fn.properties as Props;
    const variables: Record<string, string> = props.Environment?.Variables ?? {};
    const handler = variables.POWERTOOLS_SERVICE_NAME;
    const arn = w.getAtt(fn.stack, fn.logicalId, 'Arn');
    const table = handler ? HANDLER_CALL_TABLES[handler] : undefined;
    if (!table) {
      gaps.push(`function ${fn.stack}/${fn.logicalId} runs handler ${JSON.stringify(handler)}, which has no call table`);
      continue;
    }
    // The baseline's workflow events come back from relatedEvents with their manifest's data location.
    const own = handler === 'compute-baseline' ? [] : (workflowEvents.get(arn) ?? []);
    const events = [...own, ...(fromTemplate.get(arn) ?? []), ...relatedEvents(index, fn.stack, handler, variables, workflowEvents)];
    const input = { aws: w.aws, variables, functionName: w.physicalName(fn.stack, fn.logicalId), events, keyOf: (a: string) => index.keyOf(a) };
    for (const [command, compute] of Object.entries(table)) {
      for (const call of compute(input)) {
        calls.push({ ...call, principal: String(props.Role), kind: `Lambda ${handler}`, why: `${handler} ${command}: ${call.why}` });
      }
    }
  }
  return { calls, gaps };
}
