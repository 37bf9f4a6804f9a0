import type { ModelDeclaration } from '../../lib/config/model';

/**
 * Delivery time regression: the team's scikit-learn script (code/train.py) in SageMaker's scikit-learn container,
 * its own evaluation (code/evaluate.py, mean absolute error in minutes) and inference module, tuned by a small
 * hyperparameter search. Fields and defaults: docs/models.md.
 */
const model: ModelDeclaration = {
  name: 'delivery-time',
  description: 'Delivery time in minutes, scikit-learn gradient boosting regression on CPU',
  framework: 'sklearn',
  code: { training: 'train.py', inference: 'inference.py', evaluation: 'evaluate.py' },
  features: {
    recordIdentifier: 'order_id',
    eventTime: 'event_time',
    definitions: [
      { name: 'order_id', type: 'string' },
      { name: 'event_time', type: 'fractional' },
      { name: 'distance_km', type: 'fractional' },
      { name: 'items', type: 'integral' },
      { name: 'hour_of_day', type: 'integral' },
      { name: 'courier_rating', type: 'fractional' },
    ],
  },
  training: {
    instanceType: 'ml.m5.large',
    spot: true,
    hyperparameters: { n_estimators: '200' },
    tuning: {
      objective: { metric: 'validation:mae', direction: 'minimize', regex: 'validation-mae=([0-9.]+)' },
      ranges: {
        learning_rate: { type: 'continuous', min: 0.01, max: 0.3, scaling: 'Logarithmic' },
        max_depth: { type: 'integer', min: 2, max: 6 },
      },
      maxJobs: 6,
      maxParallelJobs: 2,
    },
  },
  evaluation: { metric: 'mae', direction: 'minimize', threshold: 12, range: [0, 1440] },
  approvers: { prod: ['logistics-lead@example.com'] },
  // Serverless: a few predictions an hour, no GPU, scales to zero (no data capture, so no drift statistics).
  serving: { mode: 'serverless', serverless: { memoryMb: 2048, maxConcurrency: 5 } },
};

export default model;
