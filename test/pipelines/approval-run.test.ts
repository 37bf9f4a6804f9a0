import { APPROVED_ARN, defaultDefinitionOf, FIRST_DEPLOYMENT_STATES, INPUT, overrides, PACKAGE_ARN, run } from './fixtures';

// GIVEN the prod pipeline of churn, whose gate asks people (test account/region/partition).
const prodChurn = defaultDefinitionOf('prod', 'churn');

describe('approval gate (prod: human), executed locally', () => {
  const decision = (d: 'approved' | 'rejected') => ({
    decision: d, approver: 'ml-lead@example.com', comment: d === 'approved' ? 'AUC up 2 points on the holdout' : 'Feature drift not explained',
    decidedAt: '2026-11-22T12:00:00.000Z', requestId: 'req-1', recordUri: 's3://audit/decisions/mlops-prod-churn/req-1.json',
  });

  test('the request carries the task token, the approvers, the timeout and the evidence', async () => {
    const result = await run(prodChurn, INPUT, { overrides: { ...overrides(0.96, 0.95), RequestApproval: decision('approved') } });
    expect(result.status).toBe('SUCCEEDED');
    expect((result.taskInputs.RequestApproval[0] as { Payload: object }).Payload).toEqual(expect.objectContaining({
      taskToken: expect.any(String),
      approvers: ['ml-lead@example.com', 'risk-officer@example.com'],
      timeoutSeconds: 72 * 3600,
      environment: 'prod',
      modelPackageArn: PACKAGE_ARN,
      evidence: expect.objectContaining({ metric: 'auc', candidateValue: 0.96, approvedValue: 0.95, approvedModelPackageArn: APPROVED_ARN }),
    }));
  });

  test('approve: the package becomes Approved naming the approver and comment, then deployment is handed off', async () => {
    const result = await run(prodChurn, INPUT, { overrides: { ...overrides(0.96), RequestApproval: decision('approved') } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visitedStates.slice(-(8 + FIRST_DEPLOYMENT_STATES.length))).toEqual(['RequestApproval', 'ApprovalComplete', 'ApprovalDecision', 'MarkApproved', 'RecordApproved', 'DeploymentHandOff', ...FIRST_DEPLOYMENT_STATES, 'NotifySuccess', 'Succeeded']);
    expect(result.taskInputs.MarkApproved[0]).toEqual(expect.objectContaining({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'Approved by ml-lead@example.com at 2026-11-22T12:00:00.000Z: AUC up 2 points on the holdout (record s3://audit/decisions/mlops-prod-churn/req-1.json)',
    }));
  });

  test('reject: the package becomes Rejected, the rejection is notified, the run ends in ModelRejected with the reason', async () => {
    const result = await run(prodChurn, INPUT, { overrides: { ...overrides(0.96), RequestApproval: decision('rejected') } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ModelRejected');
    expect(result.cause).toBe('Rejected by ml-lead@example.com: Feature drift not explained');
    expect(result.taskInputs.MarkRejected[0]).toEqual(expect.objectContaining({ ModelApprovalStatus: 'Rejected' }));
    expect((result.taskInputs.RecordRejected[0] as { state: { approval: object } }).state.approval).toEqual(expect.objectContaining({ decision: 'rejected', approver: 'ml-lead@example.com' }));
    expect((result.taskInputs.NotifyRejected[0] as { Message: object }).Message).toEqual(expect.objectContaining({ reason: 'Rejected by ml-lead@example.com: Feature drift not explained' }));
    expect(result.attempts.MarkApproved ?? 0).toBe(0);
  });

  test('timeout: no decision means rejected, recorded in the registry and notified', async () => {
    const result = await run(prodChurn, INPUT, {
      overrides: { ...overrides(0.96), ApprovalTimedOut: (input) => ({
        decision: 'rejected', approver: 'nobody', comment: (input as { comment: string }).comment, decidedAt: '2026-11-25T12:00:00.000Z',
        requestId: 'timeout-exec-1', recordUri: 's3://audit/decisions/mlops-prod-churn/timeout-exec-1.json',
      }) },
      errors: { RequestApproval: { error: 'States.Timeout' } },
    });
    // The timeout is recorded like a decision.
    expect(result.taskInputs.ApprovalTimedOut[0]).toEqual(expect.objectContaining({ kind: 'timeout', comment: 'no decision within 3 days: rejected automatically', modelPackageArn: PACKAGE_ARN }));
    expect(result.status).toBe('FAILED');
    expect(`${result.error} ${result.cause}`).toBe('ModelRejected Rejected by nobody: no decision within 3 days: rejected automatically');
    expect(result.visitedStates).toEqual(expect.arrayContaining(['ApprovalTimedOut', 'MarkRejected', 'NotifyRejected']));
    expect((result.taskInputs.MarkRejected[0] as { ApprovalDescription: string }).ApprovalDescription)
      .toBe('Rejected by nobody at 2026-11-25T12:00:00.000Z: no decision within 3 days: rejected automatically (record s3://audit/decisions/mlops-prod-churn/timeout-exec-1.json)');
  });

  test('the request function failing (not a timeout) ends the run as a pipeline failure', async () => {
    const result = await run(prodChurn, INPUT, { overrides: overrides(0.96), errors: { RequestApproval: { error: 'InvalidEventError', cause: 'Invalid event: approvers is []' } } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PipelineFailed');
    expect(result.cause).toBe('InvalidEventError: Invalid event: approvers is []');
  });
});
