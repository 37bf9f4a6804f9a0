import type { ModelDeclaration } from '../../lib/config/model';

/**
 * Transaction fraud detector: the team's PyTorch network (code/train.py) trained on GPU in SageMaker's PyTorch
 * container, served by its own inference module (code/inference.py). Fields and defaults: docs/models.md.
 */
const model: ModelDeclaration = {
  name: 'fraud-dl',
  description: 'Transaction fraud detector, a PyTorch neural network trained on GPU',
  framework: 'pytorch',
  gpu: true,
  code: { training: 'train.py', inference: 'inference.py' },
  features: {
    recordIdentifier: 'transaction_id',
    eventTime: 'event_time',
    definitions: [
      { name: 'transaction_id', type: 'string' },
      { name: 'event_time', type: 'fractional' },
      { name: 'amount', type: 'fractional' },
      { name: 'merchant_category', type: 'string' },
      { name: 'card_age_days', type: 'integral' },
      { name: 'distance_from_home_km', type: 'fractional' },
    ],
  },
  training: { instanceType: 'ml.g5.xlarge', maxRuntimeMinutes: 120, hyperparameters: { epochs: '20', batch_size: '512' } },
  evaluation: { metric: 'auc', direction: 'maximize', threshold: 0.9 },
  approvers: { prod: ['fraud-lead@example.com'] },
  serving: {
    instanceType: 'ml.g5.xlarge',
    latencyThresholdMs: 200,
    environments: {
      prod: {
        instanceCount: 2,
        autoscaling: { minInstances: 2, maxInstances: 6, targetInvocationsPerInstance: 300, targetGpuUtilization: 70 },
        rollout: { strategy: 'canary', trafficPercent: 50, waitSeconds: 900 },
      },
    },
  },
};

export default model;
