/** A script-mode training job on spot capacity and a tuning job over three kinds of range, as the tuning tests run them. */
import type { ResolvedTuning } from '../../../contracts/model-code';
import { TrainingJobSettings } from '../../../pipelines/stages/training-job';

/** Two instances on spot capacity (checkpoints, encryption between instances), a source package and an environment. */
export const TRAINING: TrainingJobSettings = {
  image: '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.6.0-cpu-py312-ubuntu22.04-sagemaker',
  instanceType: 'ml.m5.xlarge',
  instanceCount: 2,
  volumeSizeGb: 30,
  maxRuntimeSeconds: 3600,
  maxWaitSeconds: 7200,
  spot: true,
  volumeKmsAllowed: true,
  hyperparameters: { epochs: '20', lr: '0.01' },
  sourcePackage: { uri: 's3://assets/0123abcd.tar.gz', fileName: '0123abcd.tar.gz' },
  environment: { MLOPS_FRAMEWORK: 'pytorch' },
};
/** Maximize a metric the training code prints; one continuous, one integer and one categorical range. */
export const TUNING: ResolvedTuning = {
  objective: { metric: 'val_auc', direction: 'maximize', regex: 'val_auc=([0-9.]+)' },
  ranges: [
    { name: 'lr', type: 'continuous', min: 0.0001, max: 0.1, scaling: 'Logarithmic' },
    { name: 'batch_size', type: 'integer', min: 32, max: 512, scaling: 'Auto' },
    { name: 'optimizer', type: 'categorical', values: ['adam', 'sgd'] },
  ],
  maxJobs: 12,
  maxParallelJobs: 3,
  strategy: 'Bayesian',
};
