import { PutCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/request-approval';
import { validate } from '../../lambda/request-approval/event';
import { MAX_TRIGGER_REASON } from '../../lambda/request-approval/context';
import { ddb, EVENT, publishes, useRequestApprovalFixture } from './request-approval-fixture';

useRequestApprovalFixture();

describe('the run context approvers are shown', () => {
  test.each([
    ['no execution input', undefined, { type: 'unspecified' }],
    ['an input without trigger', { trainingDataUri: 's3://b/k/' }, { type: 'unspecified' }],
    ['a manual trigger', { trigger: { type: 'manual', reason: 'new features' } }, { type: 'manual', reason: 'new features' }],
    ['a schedule', { trigger: { type: 'schedule', reason: 'due at 2026-11-22T06:00:00Z', time: '2026-11-22T06:00:00Z', eventId: 'e' } },
      { type: 'schedule', reason: 'due at 2026-11-22T06:00:00Z', time: '2026-11-22T06:00:00Z' }],
    ['an alarm given as an object', { trigger: { type: 'drift', alarm: { name: 'a-drift' } } }, { type: 'drift', alarmName: 'a-drift' }],
    ['an unknown type, control characters in the reason', { trigger: { type: 'cron', reason: 'x\u0000\u0085y' } },
      { type: 'unspecified', reason: 'x y' }],
  ])('%s: the stored trigger keeps only what it says', (_name, executionInput, expected) => {
    expect(validate({ ...EVENT, executionInput }).trigger).toEqual(expected);
  });

  test('an event without the run context (a pipeline definition from before it was sent) is stored without it, not refused', async () => {
    const { evaluationDataUri, executionInput, deployment, ...older } = EVENT;
    expect([evaluationDataUri, executionInput, deployment].every(Boolean)).toBe(true);
    await handler({ ...older, approvers: ['alice@example.com'] });
    const item = ddb.commandCalls(PutCommand)[0].args[0].input.Item as Record<string, unknown>;
    expect([item.evaluationDataUri, item.trigger, item.deployment]).toEqual([undefined, undefined, undefined]);
    expect(publishes()[0].Message).toContain('Approving deploys to: not recorded\nTriggered by: not recorded\nEvaluation data: not recorded\n');
  });

  test('a long reason is cut, so one alarm cannot fill the item', () => {
    const reason = validate({ ...EVENT, executionInput: { trigger: { type: 'drift', reason: 'r'.repeat(5000) } } }).trigger?.reason;
    expect(reason).toHaveLength(MAX_TRIGGER_REASON);
    expect(reason?.endsWith('...')).toBe(true);
  });

  test('a serverless target keeps only its own fields; the message names it', async () => {
    const serverless = { endpointName: 'mlops-dev-churn', mode: 'serverless', memoryMb: 2048, maxConcurrency: 5, instanceType: 'ml.m5.large' };
    expect(validate({ ...EVENT, deployment: serverless }).deployment)
      .toEqual({ endpointName: 'mlops-dev-churn', mode: 'serverless', memoryMb: 2048, maxConcurrency: 5 });
    await handler({ ...EVENT, approvers: ['alice@example.com'], deployment: serverless, executionInput: {} });
    expect(publishes()[0].Message)
      .toContain('Approving deploys to: endpoint mlops-dev-churn (serverless, 2048 MB)\nTriggered by: not stated in the execution input\n');
  });

  test('the payload the synthesized prod pipeline sends passes validation with its trigger, evaluation data and deployment target', async () => {
    const { models } = await import('../fixtures/config');
    const { buildTestApp } = await import('../helpers');
    const { definitionOf, INPUT, overrides, run } = await import('../pipelines/fixtures');
    const prod = definitionOf(buildTestApp({ env: 'prod' }, { models, modelsSource: 'config/models.ts' }).stacks.models.churn);
    const input = { ...INPUT, trigger: { type: 'drift', alarmName: 'mlops-prod-churn-drift', time: '2026-11-22T08:55:00Z' } };
    const decided = {
      decision: 'rejected', approver: 'a@example.com', comment: 'no', decidedAt: '2026-11-22T12:00:00.000Z',
      requestId: 'r', recordUri: 's3://a/b.json',
    };
    const result = await run(prod, input, { overrides: { ...overrides(0.96), RequestApproval: decided } });
    const payload = (result.taskInputs.RequestApproval[0] as { Payload: Record<string, unknown> }).Payload;
    const checked = validate(payload);
    expect(checked.trigger).toEqual({ type: 'drift', alarmName: 'mlops-prod-churn-drift', time: '2026-11-22T08:55:00Z' });
    expect(checked.evaluationDataUri).toMatch(/^s3:\/\/.+\/test\/$/);
    expect(checked.deployment).toEqual(expect.objectContaining({
      endpointName: 'mlops-prod-churn', mode: 'realtime', instanceType: expect.stringMatching(/^ml\./), instanceCount: expect.any(Number),
      rollout: expect.objectContaining({ strategy: expect.stringMatching(/^(canary|linear|all-at-once)$/) }),
      rollbackAlarmNames: expect.arrayContaining([expect.any(String)]),
    }));
    // Without a trigger in the input the state does not fail: the page says it was not stated.
    const bare = await run(prod, { trainingDataUri: INPUT.trainingDataUri }, { overrides: { ...overrides(0.96), RequestApproval: decided } });
    expect(validate((bare.taskInputs.RequestApproval[0] as { Payload: unknown }).Payload).trigger).toEqual({ type: 'unspecified' });
  }, 60_000);
});
