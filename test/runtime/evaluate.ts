/**
 * Evaluates run-time calls with `@cloud-copilot/iam-simulate` against the identity policies of the calling role (none
 * for a service principal) and the resource policy the call crosses (bucket, key, topic, queue, function, trust).
 *
 * The library drops `kms:EncryptionContext:*` context keys, so conditions on them are decided here first: each
 * statement whose encryption-context conditions the call meets keeps its other conditions; a statement whose
 * encryption-context conditions the call does not meet is removed (it cannot apply to this request).
 */
import { getDenialReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import './resource-types-memo';
import { distinct } from './handlers/common';
import { PolicyDocument, PolicyIndex } from './policies';
import { CallContext, RuntimeCall } from './types';

/** A call made by one principal: a role ARN, or a service principal such as `events.amazonaws.com`. */
export interface PrincipalCall extends RuntimeCall {
  readonly principal: string;
  /** The kind of principal, for counting (e.g. `pipeline role`, `SageMaker job role`, `EventBridge`). */
  readonly kind: string;
}

/** A call IAM would refuse, with what refused it. */
export interface Denial {
  readonly call: PrincipalCall;
  readonly reason: string;
}

const EC_PREFIX = 'kms:encryptioncontext:';

/**
 * IAM's wildcard match: `*` matches any run of characters, `?` exactly one; everything else literally. Actions compare
 * case-insensitively (`ignoreCase`), resources and condition values case-sensitively.
 */
export function iamPatternMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** Whether one condition operator/value pair holds for the call's value (the operators policies here use on encryption context). */
function conditionHolds(operator: string, expected: string | string[], actual: string | string[] | undefined): boolean {
  const base = operator.replace(/IfExists$/, '');
  if (actual === undefined) return operator.endsWith('IfExists');
  const wanted = Array.isArray(expected) ? expected : [expected];
  const values = Array.isArray(actual) ? actual : [actual];
  switch (base) {
    case 'StringEquals':
    case 'ArnEquals':
      return values.some((v) => wanted.includes(v));
    case 'StringLike':
    case 'ArnLike':
      return values.some((v) => wanted.some((w) => iamPatternMatches(w, v)));
    default:
      throw new Error(`evaluate: condition operator ${operator} on kms:EncryptionContext is not supported by the check`);
  }
}

/** The policy with encryption-context conditions decided for this call (see the module comment). */
export function decideEncryptionContext(policy: PolicyDocument | undefined, context: CallContext): PolicyDocument | undefined {
  if (!policy) return policy;
  const lower = Object.fromEntries(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  const statements: Array<Record<string, unknown>> = [];
  for (const statement of [policy.Statement].flat()) {
    const condition = statement.Condition as Record<string, Record<string, string | string[]>> | undefined;
    if (!condition) {
      statements.push(statement);
      continue;
    }
    let applies = true;
    const kept: Record<string, Record<string, string | string[]>> = {};
    for (const [operator, entries] of Object.entries(condition)) {
      for (const [key, expected] of Object.entries(entries)) {
        if (key.toLowerCase().startsWith(EC_PREFIX)) {
          applies &&= conditionHolds(operator, expected, lower[key.toLowerCase()]);
        } else {
          kept[operator] = { ...(kept[operator] ?? {}), [key]: expected };
        }
      }
    }
    if (!applies) continue;
    const { Condition: _dropped, ...rest } = statement; // eslint-disable-line @typescript-eslint/no-unused-vars
    statements.push(Object.keys(kept).length ? { ...rest, Condition: kept } : rest);
  }
  return { Version: policy.Version ?? '2012-10-17', Statement: statements };
}

/**
 * Actions the Service Authorization Reference lists without a resource type although AWS authorizes them against one:
 * `states:SendTaskSuccess` is checked against the state machine of the task (AWS's AccessDenied messages name
 * `...:stateMachine:<name>`; aws-cdk's `grantTaskResponse` grants on it). The simulator only accepts `*` for them, so
 * the check decides these itself, on the identity policies (a state machine has no resource policy): an explicit deny
 * wins, else an allow whose action and resource match and which has no condition.
 */
const WITHOUT_RESOURCE_TYPE = new Set(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']);

function decideOnIdentity(call: PrincipalCall, policies: Array<{ name: string; policy: PolicyDocument | undefined }>): Denial | undefined {
  const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);
  const matching = policies
    .flatMap((p) => (p.policy?.Statement ?? []).map((st) => ({ name: p.name, st })))
    .filter(({ st }) => list(st.Action).some((a) => iamPatternMatches(a, call.action, true))
      && list(st.Resource).some((r) => iamPatternMatches(r, call.resource)));
  const deny = matching.find(({ st }) => st.Effect === 'Deny');
  if (deny) return { call, reason: `explicit deny in the identity policy ${deny.name}` };
  if (matching.some(({ st }) => st.Effect === 'Allow' && st.Condition === undefined)) return undefined;
  return {
    call,
    reason: 'ImplicitlyDenied: no unconditional identity statement allows it on the state machine (decided by the check, see WITHOUT_RESOURCE_TYPE)',
  };
}

type Simulation = Parameters<typeof runSimulation>[0];
const simulations = new Map<string, ReturnType<typeof runSimulation>>();

/**
 * The simulator's answer, computed once per identical question (request, identity, resource and control policies):
 * a world of two environments asks again every question of each environment alone, and the simulator's wildcard
 * matching dominates the check's time.
 */
function simulate(simulation: Simulation): ReturnType<typeof runSimulation> {
  const key = JSON.stringify(simulation);
  let answer = simulations.get(key);
  if (!answer) {
    answer = runSimulation(simulation, {});
    simulations.set(key, answer);
  }
  return answer;
}

/** Evaluates one call; returns the denial, or undefined when IAM allows it. */
export async function evaluateCall(index: PolicyIndex, call: PrincipalCall): Promise<Denial | undefined> {
  const role = call.principal.startsWith('arn:') ? index.role(call.principal) : undefined;
  if (call.principal.startsWith('arn:') && !role) return { call, reason: `principal ${call.principal} is not a role of the synthesized app` };
  const context = { 'aws:SecureTransport': 'true', ...(call.context ?? {}) };
  const requestContext = Object.fromEntries(Object.entries(context).filter(([k]) => !k.toLowerCase().startsWith(EC_PREFIX)));
  if (role) {
    requestContext['aws:PrincipalArn'] = role.arn;
    requestContext['aws:PrincipalAccount'] = index.world.aws.account;
  }
  const resourcePolicy = decideEncryptionContext(index.resourcePolicy(call.action, call.resource), context);
  const identityPolicies = (role?.identityPolicies ?? []).map((p) => ({ name: p.name, policy: decideEncryptionContext(p.policy, context) }));
  const result = await simulate({
    request: {
      principal: call.principal,
      action: call.action,
      resource: { resource: call.resource, accountId: index.ownerAccount(call.resource) },
      contextVariables: requestContext,
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  });
  if (result.resultType === 'error') {
    if (WITHOUT_RESOURCE_TYPE.has(call.action) && role) return decideOnIdentity(call, identityPolicies);
    return { call, reason: `the simulator refused the request: ${JSON.stringify(result.errors)}` };
  }
  if (result.overallResult === 'Allowed') return undefined;
  const analysis = result.resultType === 'single' ? result.result.analysis : undefined;
  const reasons = analysis ? getDenialReasons(analysis) : [];
  const described = reasons.map((r) =>
    r.denialType === 'Explicit'
      ? `explicit deny in the ${r.policyType} policy${r.policyIdentifier ? ` ${r.policyIdentifier}` : ''} `
        + `(statement ${r.statementId ?? `#${r.statementIndex}`})`
      : `no statement of the ${r.policyType} policies allows it${r.policyType === 'resource' ? ' (resource policy)' : ''}`,
  );
  return { call, reason: `${result.overallResult}: ${described.join('; ') || 'no allowing statement'}` };
}

/** Evaluates every distinct call; returns the denials. */
export async function evaluateAll(index: PolicyIndex, calls: readonly PrincipalCall[]): Promise<Denial[]> {
  const denials: Denial[] = [];
  for (const call of distinct(calls)) {
    const denial = await evaluateCall(index, call);
    if (denial) denials.push(denial);
  }
  return denials;
}

/** One line per denial: principal, action, resource, context, where the call comes from, and why it is refused. */
export function describeDenials(denials: readonly Denial[]): string {
  return denials
    .map(
      ({ call, reason }) =>
        `- ${call.kind} ${call.principal} may not ${call.action} on ${call.resource}` +
        `${call.context ? ` with ${JSON.stringify(call.context)}` : ''} (${call.why}): ${reason}`,
    )
    .join('\n');
}
