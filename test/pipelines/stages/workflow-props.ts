/** The settings the stage tests share: an on-demand training job, an evaluation, and a whole workflow in a bare stack. */
import type { ResolvedServing } from '../../../contracts/serving';
import type { TrainingJobSettings } from '../../../pipelines/stages/training-job';
import type { TrainingPipelineProps } from '../../../pipelines/training-pipeline';
import { ACCOUNT, bareStack, PREFIX } from './bare-stack';

/** One on-demand instance, no hyperparameters, the image's own entrypoint. */
export const ON_DEMAND_TRAINING: TrainingJobSettings = {
  image: 'img',
  instanceType: 'ml.m5.xlarge',
  instanceCount: 1,
  volumeSizeGb: 30,
  maxRuntimeSeconds: 3600,
  spot: false,
  volumeKmsAllowed: true,
  hyperparameters: {},
};

/** The evaluation job and the gate on auc (at least 0.7). */
export const EVALUATION: TrainingPipelineProps['evaluation'] = {
  image: 'img',
  instanceType: 'ml.m5.large',
  maxRuntimeSeconds: 600,
  scriptUri: 's3://a/e.py',
  volumeKmsAllowed: true,
  metric: 'auc',
  direction: 'maximize',
  threshold: 0.7,
};

/**
 * The props of the churn workflow in the bare stack `b` (automatic approval, on-demand training, `serving`), with
 * `overrides` applied.
 */
export function workflowProps(
  b: ReturnType<typeof bareStack>,
  serving: ResolvedServing,
  overrides: Partial<TrainingPipelineProps> = {},
): TrainingPipelineProps {
  return {
    modelName: 'churn',
    runtimeNamePrefix: PREFIX,
    environmentName: 'dev',
    jobRole: b.jobRole,
    dataKey: b.dataKey,
    run: b.run,
    defaultTrainingDataUri: 's3://curated/churn/train/',
    defaultEvaluationDataUri: 's3://curated/churn/test/',
    training: ON_DEMAND_TRAINING,
    evaluation: EVALUATION,
    registry: b.registry,
    notifications: b.notifications,
    snapshotFunction: b.fn('snapshot'),
    baselineFunction: b.fn('baseline'),
    lineageFunction: b.fn('lineage'),
    inferenceImage: 'img',
    approval: { mode: 'auto', recordFunction: b.fn('record') },
    deployment: {
      endpoint: { endpointName: PREFIX, endpointArn: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/${PREFIX}`, rollbackAlarms: [] },
      serving,
      capture: { bucket: b.capture, prefix: 'churn/' },
      servingRecord: { bucket: b.artifacts, prefix: 'models/churn/serving/' },
    },
    ...overrides,
  };
}
