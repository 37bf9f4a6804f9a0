/**
 * The run-time permission check of the dev deployment with tuning: every model's workflow tunes instead of training
 * once. `MlopsModel` does not hand the workflow a tuning declaration yet, so this file gives every `TrainingPipeline`
 * one (a module mock, set before the app is loaded); the rest of the app is the one permission-check.test.ts checks.
 */
import type { ResolvedTuning } from '../../contracts/model-code';
import type { TrainingPipelineProps } from '../../pipelines/training-pipeline';
import type { CheckResult } from './check';

/** A tuning job on the built-in algorithm's own metric, or on a metric the training code prints (script mode). */
function tuningFor(props: TrainingPipelineProps): ResolvedTuning {
  const script = Boolean(props.training.sourcePackage ?? props.training.entrypointScript);
  const printed = { metric: 'val_auc', direction: 'maximize', regex: 'val_auc=([0-9.]+)' } as const;
  return {
    objective: script ? printed : { metric: 'validation:auc', direction: 'maximize' },
    ranges: [
      { name: 'eta', type: 'continuous', min: 0.01, max: 0.3, scaling: 'Logarithmic' },
      { name: 'max_depth', type: 'integer', min: 3, max: 10, scaling: 'Auto' },
    ],
    maxJobs: 8,
    maxParallelJobs: 2,
    strategy: 'Bayesian',
  };
}

jest.doMock('../../pipelines/training-pipeline', () => {
  const actual = jest.requireActual('../../pipelines/training-pipeline');
  class TunedPipeline extends actual.TrainingPipeline {
    constructor(scope: unknown, id: string, props: TrainingPipelineProps) {
      super(scope, id, { ...props, tuning: tuningFor(props) });
    }
  }
  return { ...actual, TrainingPipeline: TunedPipeline };
});

let result: CheckResult;

beforeAll(async () => {
  // Loaded after the mock, so that MlopsModel builds the tuned workflow.
  const { CHECK_ENV, synthEnvironment } = require('./app'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { checkWorld } = require('./check'); // eslint-disable-line @typescript-eslint/no-require-imports
  const { World } = require('./world'); // eslint-disable-line @typescript-eslint/no-require-imports
  result = await checkWorld(new World(CHECK_ENV, synthEnvironment('dev')));
}, 300_000);

describe('the dev deployment with tuning', () => {
  test('every call is allowed for the principal that makes it', () => {
    const { describeDenials } = require('./evaluate'); // eslint-disable-line @typescript-eslint/no-require-imports
    if (result.denials.length) throw new Error(`${result.denials.length} run-time calls would be denied:\n${describeDenials(result.denials)}`);
  });

  test('the check sees every workflow Task, the tuning ones included', () => {
    expect(result.gaps).toEqual([]);
  });

  test('the workflows tune, read the best training job, and run its training jobs as the job role', () => {
    const of = (action: string, kind = 'Step Functions role') => result.calls.filter((c) => c.action === action && c.kind === kind);
    const tuningJobs = of('sagemaker:CreateHyperParameterTuningJob').map((c) => c.resource);
    expect(tuningJobs).toEqual(
      expect.arrayContaining([expect.stringMatching(/:hyper-parameter-tuning-job\/mlops-dev-churn--h[0-9a-f]{12}$/)]),
    );
    for (const arn of tuningJobs) expect(arn.split('/')[1].length).toBeLessThanOrEqual(32);
    expect(of('events:PutRule').map((c) => c.resource)).toContain(
      'arn:aws:events:eu-west-1:111122223333:rule/StepFunctionsGetEventsForSageMakerTuningJobsRule',
    );
    expect(of('sagemaker:DescribeTrainingJob').map((c) => c.resource)).toEqual(
      expect.arrayContaining([expect.stringMatching(/:training-job\/mlops-dev-churn--h[0-9a-f]{12}-001-0123abcd$/)]),
    );
    expect(of('sagemaker:CreateTrainingJob')).toEqual([]);
    const streams = of('logs:CreateLogStream', 'SageMaker execution role').map((c) => c.resource);
    expect(streams).toEqual(expect.arrayContaining([expect.stringMatching(/TrainingJobs:log-stream:mlops-dev-churn--h[0-9a-f]{12}-001-0123abcd\//)]));
  });
});
