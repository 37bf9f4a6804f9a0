/** Model declarations for the schema's tests: a CPU model with the required fields, a GPU model with every field. */
import { ConfigError } from '../../lib/config/schema';
import { parseModels } from '../../lib/config/model-schema';
import { fixtureCode } from '../fixtures/config';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The file the declarations are said to come from, in messages. */
export const SOURCE = 'config/models.ts';

/** A tabular XGBoost model trained on CPU, with only the required fields and a few hyperparameters. */
export function cpuModel(): any {
  return {
    name: 'churn',
    description: 'Predicts which customers cancel within 30 days.',
    framework: 'xgboost',
    features: {
      recordIdentifier: 'customer_id',
      eventTime: 'event_time',
      definitions: [
        { name: 'customer_id', type: 'string' },
        { name: 'event_time', type: 'fractional' },
        { name: 'tenure_months', type: 'integral' },
        { name: 'monthly_charges', type: 'fractional' },
        { name: 'contract', type: 'string' },
      ],
    },
    training: {
      instanceType: 'ml.m5.xlarge',
      hyperparameters: { objective: 'binary:logistic', max_depth: '5', eta: '0.2', num_round: '100' },
    },
    evaluation: { metric: 'auc', direction: 'maximize', threshold: 0.8 },
  };
}

/** A PyTorch model trained on GPU, with every optional field set. */
export function gpuModel(): any {
  return {
    name: 'demand-gpu',
    description: 'Forecasts daily demand per store.',
    framework: 'pytorch',
    gpu: true,
    code: { directory: fixtureCode('fraud-dl'), training: 'train.py', inference: 'inference.py' },
    features: {
      recordIdentifier: 'store_id',
      eventTime: 'event_time',
      onlineStore: true,
      definitions: [
        { name: 'store_id', type: 'integral' },
        { name: 'event_time', type: 'string' },
        { name: 'units_sold_7d', type: 'fractional' },
      ],
    },
    preprocessing: { instanceType: 'ml.m5.2xlarge', maxRuntimeMinutes: 60 },
    training: {
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      spot: true,
      maxRuntimeMinutes: 240,
      maxWaitMinutes: 480,
      volumeSizeGb: 100,
      hyperparameters: { epochs: '20', 'learning-rate': '0.001' },
    },
    evaluation: { metric: 'rmse', direction: 'minimize', threshold: 12.5, instanceType: 'ml.c5.xlarge' },
    registry: { crossAccountReaders: ['111122223333', '444455556666'] },
  };
}

/** Runs validation and returns the ConfigError message (fails the test when none is thrown). */
export function errorOf(models: unknown): string {
  try {
    parseModels(models, SOURCE);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}
