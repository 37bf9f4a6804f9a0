/**
 * The run-time permission check of a dev deployment with a model that tunes (the fixtures' scikit-learn regression
 * model, whose declaration holds a tuning job) next to the default models: the tuning job and its `.sync` watch, the
 * best training job read back, and the training jobs it launches running as the model's job role are all allowed.
 */
import { models, regressionModel } from '../fixtures/config';
import { CHECK_ENV, synthEnvironment } from './app';
import { checkWorld, CheckResult } from './check';
import { describeDenials } from './evaluate';
import { World } from './world';

let result: CheckResult;

beforeAll(async () => {
  result = await checkWorld(new World(CHECK_ENV, synthEnvironment('dev', undefined, [...models, regressionModel])));
}, 300_000);

describe('a dev deployment with a tuned model', () => {
  test('every call is allowed for the principal that makes it', () => {
    if (result.denials.length) throw new Error(`${result.denials.length} run-time calls would be denied:\n${describeDenials(result.denials)}`);
  });

  test('the check sees every workflow Task of tuning and knows every integration', () => {
    // The serverless endpoint's update path is left to the scenarios of the serverless deployment: only tuning is checked here.
    const tuningGaps = result.gaps.filter((g) => /Tune|BestTrainingJob|Tuning|no IAM mapping/.test(g));
    expect(tuningGaps).toEqual([]);
  });

  test('the workflow tunes, reads the best training job, and runs the training jobs as the job role', () => {
    const of = (action: string, kind = 'Step Functions role') => result.calls.filter((c) => c.action === action && c.kind === kind);
    const tuningJobs = of('sagemaker:CreateHyperParameterTuningJob').map((c) => c.resource);
    expect(tuningJobs).toEqual(expect.arrayContaining([expect.stringMatching(/:hyper-parameter-tuning-job\/mlops-dev-eta--h[0-9a-f]{12}$/)]));
    for (const arn of tuningJobs) expect(arn.split('/')[1].length).toBeLessThanOrEqual(32);
    expect(of('events:PutRule').map((c) => c.resource)).toContain(
      'arn:aws:events:eu-west-1:111122223333:rule/StepFunctionsGetEventsForSageMakerTuningJobsRule',
    );
    expect(of('sagemaker:DescribeTrainingJob').map((c) => c.resource)).toEqual(
      expect.arrayContaining([expect.stringMatching(/:training-job\/mlops-dev-eta--h[0-9a-f]{12}-001-0123abcd$/)]),
    );
    // The other models still train once.
    expect(of('sagemaker:CreateTrainingJob').map((c) => c.resource)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/training-job\/mlops-dev-eta--/)]),
    );
    const streams = of('logs:CreateLogStream', 'SageMaker execution role').map((c) => c.resource);
    expect(streams).toEqual(expect.arrayContaining([expect.stringMatching(/TrainingJobs:log-stream:mlops-dev-eta--h[0-9a-f]{12}-001-0123abcd\//)]));
    const code = of('s3:GetObject', 'SageMaker execution role').filter((c) => /tuning|-001-0123abcd/.test(c.why) && /channel code/.test(c.why));
    expect(code.length).toBeGreaterThan(0);
  });
});
