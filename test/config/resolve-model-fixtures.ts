/** Model declarations and environments of the resolveModel tests (their own, not the installation's). */
import { ModelEnvironment } from '../../lib/config/model-environment';
import { fixtureCode } from '../fixtures/config';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A CPU XGBoost model with only the required fields (and approvers for "prod"). */
export function minimal(): any {
  return {
    name: 'churn',
    framework: 'xgboost',
    features: {
      recordIdentifier: 'customer_id',
      eventTime: 'event_time',
      definitions: [
        { name: 'customer_id', type: 'string' },
        { name: 'tenure', type: 'integral' },
        { name: 'event_time', type: 'fractional' },
        { name: 'plan', type: 'string' },
      ],
    },
    training: { instanceType: 'ml.m5.xlarge' },
    evaluation: { metric: 'auc', direction: 'maximize', threshold: 0.8 },
    approvers: { prod: ['lead@example.com'] },
  };
}

/** A GPU PyTorch model setting every optional field. */
export function full(): any {
  return {
    ...minimal(),
    name: 'fraud-gpu',
    description: 'Fraud on GPUs',
    framework: 'pytorch',
    gpu: true,
    code: { directory: fixtureCode('fraud-dl'), training: 'train.py', inference: 'inference.py' },
    features: { ...minimal().features, onlineStore: true },
    preprocessing: { instanceType: 'ml.m5.2xlarge' },
    training: {
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      maxRuntimeMinutes: 120,
      maxWaitMinutes: 300,
      volumeSizeGb: 100,
      hyperparameters: { epochs: '5' },
    },
    evaluation: { metric: 'rmse', direction: 'minimize', threshold: 3, instanceType: 'ml.g5.xlarge' },
    registry: { crossAccountReaders: ['123456789012'] },
    serving: { instanceType: 'ml.g5.xlarge', capture: false, environments: { prod: { instanceCount: 2, stopWhenIdleHours: false } } },
    drift: { evaluationPeriods: 1, psiThreshold: 0.3 },
    retraining: { cooldownMinutes: 60, schedule: 'cron(0 2 ? * SUN *)' },
  };
}

export const DEV: ModelEnvironment = { namespace: 'acme', environmentName: 'dev', approval: { mode: 'auto' } };
export const PROD: ModelEnvironment = { namespace: 'acme', environmentName: 'prod', production: true };
