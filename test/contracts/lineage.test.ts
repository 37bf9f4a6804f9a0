import { lineageKey, lineagePrefix, MILESTONE_NUMBERS, MILESTONES, parseLineageKey, validateLineageRecord } from '../../contracts/lineage';
import { pipelineRun, prodHistory } from '../../scripts/audit-samples/lineage-history';

describe('lineage key scheme', () => {
  const prefix = lineagePrefix('mlops', 'prod', 'churn');

  test('one fixed, sortable key per execution and milestone, under the model\'s prefix', () => {
    expect(prefix).toBe('lineage/mlops-prod-churn/');
    expect(MILESTONES.map((m) => lineageKey(prefix, 'churn-2026-11-22', m))).toEqual([
      'lineage/mlops-prod-churn/churn-2026-11-22/10-registered.json',
      'lineage/mlops-prod-churn/churn-2026-11-22/20-approved.json',
      'lineage/mlops-prod-churn/churn-2026-11-22/21-rejected.json',
      'lineage/mlops-prod-churn/churn-2026-11-22/30-deployed.json',
      'lineage/mlops-prod-churn/churn-2026-11-22/31-rollback.json',
      'lineage/mlops-prod-churn/churn-2026-11-22/32-deployment-failed.json',
    ]);
    expect(new Set(Object.values(MILESTONE_NUMBERS)).size).toBe(MILESTONES.length);
  });

  test('keys parse back; other keys do not', () => {
    for (const m of MILESTONES) expect(parseLineageKey(prefix, lineageKey(prefix, 'exec_1', m))).toEqual({ executionName: 'exec_1', milestone: m });
    for (const key of [
      'lineage/mlops-prod-churn/exec/99-registered.json', // wrong number for the milestone
      'lineage/mlops-prod-churn/exec/10-trained.json',
      'lineage/mlops-prod-churn/exec/sub/10-registered.json',
      'lineage/mlops-prod-churn-v2/exec/10-registered.json',
      'decisions/mlops-prod-churn/auto-exec.json',
    ]) expect(parseLineageKey(prefix, key)).toBeUndefined();
  });
});

describe('validateLineageRecord', () => {
  const { v14, v15 } = prodHistory();
  const dev = pipelineRun({ environment: 'dev', version: 7, day: '2026-11-22' });

  test.each([
    ['registered', v14.records.registered], ['approved (human)', v14.records.approved], ['approved (automatic)', dev.records.approved],
    ['deployed', v14.records.deployment], ['rollback', v15.records.deployment], ['registered, drift trigger', v15.records.registered],
  ])('the %s record of a real run is valid', (_name, record) => {
    expect(validateLineageRecord(JSON.parse(JSON.stringify(record)))).toEqual({ valid: true, record, problems: [] });
  });

  test('unknown fields are allowed (readers ignore them)', () => {
    expect(validateLineageRecord({ ...v14.records.deployment, newField: { x: 1 } }).valid).toBe(true);
  });

  test('every problem is listed, each with its field, value and rule', () => {
    const broken = {
      ...v14.records.registered,
      recordedAt: '22/11/2026',
      execution: { arn: 'not-an-arn', name: '' },
      training: { ...v14.records.registered.training, hyperparameters: { eta: 0.2 }, instanceCount: -1 },
      evaluation: { metrics: { auc: 'high' } },
      cloudTrail: [{ eventSource: 'sagemaker.amazonaws.com', eventName: 'CreateTrainingJob' }],
    };
    expect(validateLineageRecord(broken)).toEqual({
      valid: false,
      problems: [
        'recordedAt: got "22/11/2026"; expected an ISO 8601 UTC time',
        'execution.arn: got "not-an-arn"; expected an ARN',
        'execution.name: got ""; expected a non-empty string',
        'cloudTrail[0].resourceName: got missing; expected a non-empty string',
        'training.hyperparameters.eta: got 0.2; expected a string',
        'training.instanceCount: got -1; expected a whole number, 0 or more',
        'evaluation.metrics.auc: got "high"; expected a finite number or null',
      ],
    });
  });

  test.each([
    ['not an object', 'x', 'record: got "x"; expected an object'],
    ['another schema version', { ...v14.records.approved, schemaVersion: 2 }, 'schemaVersion: got 2; expected 1 (this reader knows no other version)'],
    ['an unknown milestone', { ...v14.records.approved, milestone: 'trained' }, 'milestone: got "trained"; expected one of "registered", "approved", "rejected", "deployed", "rollback", "deployment-failed"'],
    ['a decision that contradicts the milestone', { ...v14.records.approved, decision: { ...v14.records.approved.decision, decision: 'rejected' } }, 'decision.decision: got "rejected"; expected one of "approved"'],
  ])('%s', (_name, value, problem) => {
    expect(validateLineageRecord(value)).toEqual({ valid: false, problems: [problem] });
  });
});
