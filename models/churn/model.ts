import type { ModelDeclaration } from '../../lib/config/model';

/**
 * Tabular churn classifier: the team's XGBoost script (code/train.py) in SageMaker's XGBoost framework container,
 * served by its own inference module (code/inference.py). Fields and defaults: docs/models.md.
 */
const model: ModelDeclaration = {
  name: 'churn',
  description: 'Tabular churn classifier, XGBoost in script mode on CPU',
  framework: 'xgboost',
  code: { training: 'train.py', inference: 'inference.py' },
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
  training: { instanceType: 'ml.m5.xlarge', hyperparameters: { num_round: '200', max_depth: '4', eta: '0.1' } },
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
};

export default model;
