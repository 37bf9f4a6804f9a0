/**
 * The run-time permission check: every call the deployed system makes, per principal, with concrete ARNs, evaluated
 * against identity, resource and key policies (see docs/runtime-permissions.md). Covers the default app's dev and prod
 * environments, and both deployed to one account, where neither environment's roles may reach the other's resources.
 */
import { checkWorld, CheckResult, countByKind, evaluateCalls } from './check';
import { CHECK_ENV, synthEnvironment } from './app';
import { describeDenials, evaluateCall, PrincipalCall } from './evaluate';
import { StackInput, World } from './world';

const stacks: Record<string, StackInput[]> = {};
const results: Record<string, CheckResult> = {};

beforeAll(async () => {
  stacks.dev = synthEnvironment('dev');
  stacks.prod = synthEnvironment('prod');
  results.dev = await checkWorld(new World(CHECK_ENV, stacks.dev));
  results.prod = await checkWorld(new World(CHECK_ENV, stacks.prod));
  // Both environments in one account: the calls of each, evaluated against the policies of the two together.
  results['dev+prod'] = await evaluateCalls(
    new World(CHECK_ENV, [...stacks.dev, ...stacks.prod]),
    [...results.dev.calls, ...results.prod.calls],
    [...results.dev.gaps, ...results.prod.gaps],
  );
}, 300_000);

afterAll(() => {
  const lines = Object.entries(results).map(
    ([name, r]) =>
      `  ${name}: ${r.calls.length} calls, ${r.denials.length} denied; by principal: ${Object.entries(countByKind(r.calls))
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
  );
  process.stdout.write(`\nRun-time permission check (account ${CHECK_ENV.account}, ${CHECK_ENV.region}):\n${lines.join('\n')}\n`);
});

describe.each(['dev', 'prod', 'dev+prod'])('the %s deployment', (name) => {
  test('every call is allowed for the principal that makes it', () => {
    const { denials } = results[name];
    if (denials.length) throw new Error(`${denials.length} run-time calls would be denied:\n${describeDenials(denials)}`);
  });

  test('the check sees every workflow Task and every SDK command', () => {
    expect(results[name].gaps).toEqual([]);
  });

  test('every kind of principal is checked', () => {
    const kinds = Object.keys(countByKind(results[name].calls));
    for (const kind of [
      'Step Functions role',
      'SageMaker execution role',
      'EventBridge',
      'CloudWatch alarms',
      'CloudTrail',
      'CloudWatch Logs',
      'Scheduler role',
      'Lambda function role',
      'S3 server access logging',
      'lambda.amazonaws.com',
      'states.amazonaws.com',
      'sagemaker.amazonaws.com',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(kinds.some((k) => k.startsWith('Lambda '))).toBe(true);
  });
});

test('prod also checks the approval gate: API Gateway invoking the page, and its handlers', () => {
  const kinds = Object.keys(countByKind(results.prod.calls));
  expect(kinds).toEqual(expect.arrayContaining(['API Gateway', 'Lambda approval-page', 'Lambda request-approval']));
});

describe('two environments in one account', () => {
  /** The role of the other environment in the same place (same logical id, stack name with the environment swapped). */
  function counterpart(result: CheckResult, principal: string, from: string, to: string): string | undefined {
    const role = result.index.role(principal);
    if (!role) return undefined;
    const stack = role.stack.replace(`-${from}-`, `-${to}-`);
    const match = [...result.index.roles.values()].find((r) => r.stack === stack && r.logicalId === role.logicalId);
    return match?.arn;
  }

  test.each([
    ['dev', 'prod'],
    ['prod', 'dev'],
  ])('no role of %s may make the calls of %s on its resources', async (mine, theirs) => {
    const world = results['dev+prod'];
    const own = new Set(results[mine].calls.map((c) => `${c.action} ${c.resource}`));
    const reached: PrincipalCall[] = [];
    let tried = 0;
    for (const call of results[theirs].calls) {
      // Calls on "*" (no resource type) and on resources both environments use by design (the account's
      // Step Functions-managed rules, service-linked roles) are not theirs.
      if (call.resource === '*' || own.has(`${call.action} ${call.resource}`)) continue;
      const principal = counterpart(world, call.principal, theirs, mine);
      if (!principal) continue;
      tried++;
      if (!(await evaluateCall(world.index, { ...call, principal }))) reached.push({ ...call, principal });
    }
    expect(tried).toBeGreaterThan(500);
    if (reached.length) {
      throw new Error(
        `${reached.length} calls of ${theirs} are allowed for ${mine}'s roles:\n` +
          reached
            .slice(0, 40)
            .map((c) => `- ${c.principal} ${c.action} ${c.resource} (${c.why})`)
            .join('\n'),
      );
    }
  });
});

describe('the check fails when a needed statement is missing', () => {
  test('removing the endpoint-configuration statement of CreateEndpoint makes the first deployment denied', async () => {
    const broken = JSON.parse(JSON.stringify(stacks.dev)) as StackInput[];
    let removed = 0;
    for (const { template } of broken) {
      for (const resource of Object.values(template.Resources ?? {})) {
        if (resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
        const document = resource.Properties?.PolicyDocument as { Statement: Array<{ Action: unknown }> };
        const before = document.Statement.length;
        document.Statement = document.Statement.filter(
          (s) => JSON.stringify(s.Action) !== JSON.stringify(['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint']),
        );
        removed += before - document.Statement.length;
      }
    }
    expect(removed).toBeGreaterThan(0);
    const result = await evaluateCalls(new World(CHECK_ENV, broken), results.dev.calls);
    const report = describeDenials(result.denials);
    expect(report).toMatch(/Step Functions role .* may not sagemaker:CreateEndpoint on arn:aws:sagemaker:eu-west-1:111122223333:endpoint-config\//);
    expect(report).toMatch(/may not sagemaker:UpdateEndpoint on .*endpoint-config\//);
    expect(report).toMatch(/CreateEndpoint: creates the endpoint from its configuration\): ImplicitlyDenied/);
  }, 120_000);
});
