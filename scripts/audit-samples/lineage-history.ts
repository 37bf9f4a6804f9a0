/**
 * Realistic pipeline runs of the `churn` model, shared by the lineage recorder's tests
 * (test/lambda/record-lineage.test.ts) and the auditor's command's tests (test/tools/audit/):
 * for each run, the pipeline state at each milestone, what SageMaker answers about the run's
 * resources, the lineage records the recorder must write (byte for byte, given the same clock), the
 * decision record, the data manifest and its objects. The recorder test proves these records are
 * exactly what it writes; the audit tests read them back as recorded AWS responses.
 */
import { pipelineRun } from './pipeline-run';

export * from './pipeline-run';
export * from './sample-account';

/**
 * The production history the audit tests read: v12 trained on 2026-11-15 and deployed first
 * (CreateEndpoint), v14 on 2026-11-22 replacing it (UpdateEndpoint), and v15 on 2026-11-29 whose
 * canary was rolled back: the endpoint still serves v14.
 */
export function prodHistory() {
  const v12 = pipelineRun({ environment: 'prod', version: 12, day: '2026-11-15' });
  const v14 = pipelineRun({ environment: 'prod', version: 14, day: '2026-11-22', previousConfig: v12.endpointConfigName });
  const v15 = pipelineRun({
    environment: 'prod', version: 15, day: '2026-11-29', previousConfig: v14.endpointConfigName, outcome: 'rollback',
    trigger: { type: 'drift', alarmName: 'mlops-prod-churn-drift-psi', eventId: '7bf73129-1428-4cd3-a780-95db273d1602', time: '2026-11-29T07:58:41Z', feature: 'monthly_charges', psi: 0.31 },
  });
  return { v12, v14, v15, runs: [v12, v14, v15] };
}
