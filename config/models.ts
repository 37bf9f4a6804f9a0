import type { ModelDeclaration } from '../lib/config/model';

/**
 * The models of this installation: one declaration each. Every environment gets every model.
 * Fields and defaults: docs/models.md.
 */
export const models: ModelDeclaration[] = [
  {
    name: 'churn',
    description: 'Tabular churn classifier, SageMaker built-in XGBoost on CPU',
    framework: 'xgboost',
    features: {
      recordIdentifier: 'customer_id',
      eventTime: 'event_time',
      definitions: [
        { name: 'customer_id', type: 'string' },
        { name: 'event_time', type: 'fractional' },
        { name: 'tenure_months', type: 'integral' },
        { name: 'monthly_charges', type: 'fractional' },
        { name: 'support_calls', type: 'integral' },
        { name: 'contract_type', type: 'string' },
      ],
    },
    training: { instanceType: 'ml.m5.xlarge', hyperparameters: { objective: 'binary:logistic', num_round: '200', eval_metric: 'auc' } },
    evaluation: { metric: 'auc', direction: 'maximize', threshold: 0.75 },
    approvers: { prod: ['ml-lead@example.com', 'risk-officer@example.com'] },
    // Real-time on CPU rather than serverless: drift statistics need data capture (docs/serving.md).
    serving: {
      instanceType: 'ml.m5.large',
      capture: { samplingPercent: 100 },
      environments: {
        prod: {
          instanceType: 'ml.c6i.large',
          instanceCount: 2,
          rollout: { strategy: 'linear', trafficPercent: 50 },
          capture: { samplingPercent: 25 },
        },
      },
    },
  },
  {
    name: 'fraud-dl',
    description: 'Transaction fraud detector, a PyTorch neural network trained on GPU',
    framework: 'pytorch',
    gpu: true,
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
  },
];
