import { ENDPOINT_POLL_SECONDS, ENDPOINT_STATUSES } from '../../pipelines/stages/endpoint-status';
import { LocalRunResult, TaskOverride } from '../helpers/sfn';
import { APPROVE as approve, APPROVED_ARN, defaultDefinitionOf, INPUT, overrides, run } from './fixtures';

// GIVEN the dev churn pipeline (first deployments) and the prod fraud-dl pipeline (updates with guardrails).
const dev = defaultDefinitionOf('dev', 'churn');
const prod = defaultDefinitionOf('prod', 'fraud-dl');
const ENDPOINT = 'mlops-prod-fraud-dl';
const ALL_STATUSES = [...ENDPOINT_STATUSES.transitional, ENDPOINT_STATUSES.inService, ENDPOINT_STATUSES.failed, ...ENDPOINT_STATUSES.stuck];

/** An existing endpoint whose status before the update is `current` (then InService) and during the rollout `rollout` (always). */
function update(current: string, rollout: string): Record<string, TaskOverride> {
  return {
    FindEndpoint: { Endpoints: [{ EndpointName: ENDPOINT }] },
    DescribeEndpoint: (_i, info) => ({
      EndpointName: ENDPOINT,
      EndpointStatus: info.attempt === 1 ? current : 'InService',
      EndpointConfigName: 'old',
    }),
    DescribeCurrentConfig: { ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge' }] },
    UpdateEndpoint: {},
    DescribeRollout: { EndpointName: ENDPOINT, EndpointStatus: rollout, EndpointConfigName: 'old', FailureReason: 'why' },
  };
}
const prodRun = (extra: Record<string, TaskOverride>) =>
  run(prod, INPUT, { overrides: { ...overrides(0.97), RequestApproval: approve, ...extra }, maxDurationMs: 60_000 });
const devRun = (extra: Record<string, TaskOverride>, input: object = INPUT) =>
  run(dev, input as never, { overrides: { ...overrides(0.91), ...extra } });

function expectNotified(result: LocalRunResult, error: string, notification = 'NotifyDeploymentProblem'): void {
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe(error);
  expect(result.attempts[notification]).toBe(1);
}

describe('every endpoint status has a branch, every wait a bound', () => {
  test('the statuses are those of DescribeEndpoint, each in one group', () => {
    expect(new Set(ALL_STATUSES).size).toBe(ALL_STATUSES.length);
    expect([...ALL_STATUSES].sort()).toEqual([
      'Creating',
      'Deleting',
      'Failed',
      'InService',
      'OutOfService',
      'RollingBack',
      'SystemUpdating',
      'UpdateRollbackFailed',
      'Updating',
    ]);
  });

  test.each(ENDPOINT_STATUSES.stuck)('a new endpoint in %s ends in EndpointCreationFailed, notified', async (status) => {
    const result = await devRun({ DescribeNewEndpoint: { EndpointStatus: status, EndpointConfigName: 'x' } });
    expectNotified(result, 'EndpointCreationFailed');
    expect(result.cause).toContain(`is in state ${status} while it was being created`);
  });

  test.each([...ENDPOINT_STATUSES.stuck, ENDPOINT_STATUSES.failed])(
    'an existing endpoint in %s is not updated: EndpointNotUpdatable, notified',
    async (status) => {
      const result = await prodRun(update(status, 'InService'));
      expectNotified(result, 'EndpointNotUpdatable');
      expect(result.cause).toContain(`is in state ${status} and cannot be updated`);
      expect(result.attempts.UpdateEndpoint ?? 0).toBe(0);
    },
  );

  test('a rollout left in UpdateRollbackFailed ends in RolloutRollbackFailed, notified (it polled forever before)', async () => {
    const result = await prodRun(update('InService', 'UpdateRollbackFailed'));
    expectNotified(result, 'RolloutRollbackFailed');
    expect(result.cause).toContain('serves a mix of both configurations');
    expect(result.attempts.DescribeRollout).toBe(1);
  });

  test.each(['OutOfService', 'Deleting', 'Failed', 'ANewStatus'])('a rollout ending in %s is EndpointUpdateFailed, notified', async (status) => {
    const result = await prodRun(update('InService', status));
    expectNotified(result, 'EndpointUpdateFailed');
  });

  test('a rollout that never ends stops after its bound of looks: EndpointWaitExceeded, notified', async () => {
    const result = await prodRun(update('InService', 'Updating'));
    expectNotified(result, 'EndpointWaitExceeded');
    // prod fraud-dl: maximum execution 3000 s + termination wait 300 s + 1800 s of margin, one look a minute.
    const looks = Math.ceil((3000 + 300 + 1800) / ENDPOINT_POLL_SECONDS);
    expect(result.attempts.DescribeRollout).toBe(looks + 1);
    expect(result.cause).toContain(`still in state Updating after ${looks} looks`);
  });

  test('an endpoint that never becomes idle, or never finishes creating, stops after its bound', async () => {
    const idle = await prodRun({
      ...update('InService', 'InService'),
      DescribeEndpoint: { EndpointName: ENDPOINT, EndpointStatus: 'SystemUpdating', EndpointConfigName: 'old' },
    });
    expectNotified(idle, 'EndpointWaitExceeded');
    expect(idle.cause).toContain('waiting for it to become idle');
    const creating = await devRun({ DescribeNewEndpoint: { EndpointStatus: 'Creating', EndpointConfigName: 'x' } });
    expectNotified(creating, 'EndpointWaitExceeded');
    // dev churn: model download 600 s + startup health check 300 s + 1800 s of margin.
    expect(creating.attempts.DescribeNewEndpoint).toBe(Math.ceil((600 + 300 + 1800) / ENDPOINT_POLL_SECONDS) + 1);
  });
});

describe('optional metadata and decisions are checked before use (no uncatchable States.Runtime)', () => {
  test('an approved package without the gate metric ends in PipelineFailed with a readable cause, notified', async () => {
    const result = await devRun({
      FindApprovedModel: { ModelPackageSummaryList: [{ ModelPackageArn: APPROVED_ARN }] },
      DescribeApprovedModel: { ModelPackageArn: APPROVED_ARN },
    });
    expectNotified(result, 'PipelineFailed', 'NotifyFailure');
    expect(result.cause).toMatch(/^ApprovedModelMetricMissing: the approved package .+\/6 has no auc in its CustomerMetadataProperties/);
    expect(result.attempts.RegisterModel ?? 0).toBe(0);
  });

  test('an approved package whose metric is not a number fails the gate instead of comparing', async () => {
    const result = await devRun({
      FindApprovedModel: { ModelPackageSummaryList: [{ ModelPackageArn: APPROVED_ARN }] },
      DescribeApprovedModel: { ModelPackageArn: APPROVED_ARN, CustomerMetadataProperties: { auc: '"high"' } },
    });
    expectNotified(result, 'PipelineFailed', 'NotifyFailure');
    expect(result.cause).toMatch(/^QualityGateFailed: auc = 0.91 is worse than the approved model's "high"/);
  });

  test.each([[{ auc: '0.9' }], [{ baselineUri: 's3://a/b.json' }], [undefined]])(
    'a redeploy of a package with metadata %j ends in PipelineFailed, notified',
    async (metadata) => {
      const result = await devRun(
        {
          FindPackageToRedeploy: { ModelPackageSummaryList: [{ ModelPackageArn: APPROVED_ARN }] },
          DescribePackageToRedeploy: { ModelPackageArn: APPROVED_ARN, ...(metadata ? { CustomerMetadataProperties: metadata } : {}) },
        },
        { redeploy: true },
      );
      expectNotified(result, 'PipelineFailed', 'NotifyFailure');
      expect(result.cause).toMatch(/^PackageMetadataMissing: the approved package .+ lacks baselineUri or auc/);
      expect(result.attempts.CreateModel ?? 0).toBe(0);
    },
  );

  test.each([[{ decision: 'approved' }], [null], [{ ...approve, comment: 3 }]])(
    'an incomplete approval decision %j ends in ApprovalIncomplete, notified',
    async (answer) => {
      const result = await prodRun({ RequestApproval: answer });
      expectNotified(result, 'PipelineFailed', 'NotifyFailure');
      expect(result.cause).toMatch(
        /^ApprovalIncomplete: the approval decision must have the strings decision, approver, decidedAt, comment and recordUri/,
      );
      expect((result.attempts.MarkApproved ?? 0) + (result.attempts.MarkRejected ?? 0)).toBe(0);
    },
  );

  test('a previous serverless configuration (no InstanceType) counts as a type change', async () => {
    const result = await prodRun({
      ...update('InService', 'InService'),
      DescribeCurrentConfig: { ProductionVariants: [{ VariantName: 'AllTraffic', ServerlessConfig: {} }] },
      DeregisterForTypeChange: {},
    });
    expect(result.attempts.DeregisterForTypeChange).toBe(1);
  });
});
