/**
 * The one home of the defaults a model declaration leaves out: {@link resolveModel} applies them (with the serving
 * defaults of `serving.ts` and the drift and retraining defaults of `monitoring.ts`), and the constructs read the
 * resolved values instead of repeating literals. Each value is documented on the declaration field it fills.
 */
export const MODEL_DEFAULTS = Object.freeze({
  gpu: false,
  onlineStore: false,
  trainingInstanceCount: 1,
  spot: true,
  trainingMaxRuntimeMinutes: 60,
  /** `maxWaitMinutes` defaults to this factor times `maxRuntimeMinutes`... */
  maxWaitFactor: 2,
  /** ...at most 28 days, SageMaker's cap on MaxWaitTimeInSeconds. */
  maxWaitCapMinutes: 40320,
  volumeSizeGb: 30,
  preprocessingMaxRuntimeMinutes: 30,
  /** A tuning job runs at most this many training jobs... */
  tuningMaxJobs: 10,
  /** ...this many at a time (at most maxJobs)... */
  tuningMaxParallelJobs: 2,
  /** ...choosing hyperparameters with this strategy. */
  tuningStrategy: 'Bayesian' as 'Bayesian' | 'Random' | 'Hyperband' | 'Grid',
  evaluationInstanceType: 'ml.m5.large',
  evaluationMaxRuntimeMinutes: 60,
  /** An environment without `approval` waits for a human... */
  approvalMode: 'human' as 'human' | 'auto',
  /** ...for this many hours. */
  approvalTimeoutHours: 72,
  /** An environment without `production` is not a production one. */
  production: false,
});
