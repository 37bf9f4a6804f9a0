/**
 * The run-time permission check of a deployment whose models bring their own code: a scikit-learn model in script mode
 * with its own evaluation script and a tuning job, and a model in the team's own ECR images. Every call of the tuning
 * job (and of the training jobs it launches), of the source package and of the own images must be allowed, and the
 * check must fail when the pull of an own image is not granted.
 */
import { customImageModel, platformConfig, regressionModel } from '../fixtures/config';
import { CHECK_ENV, synthEnvironment } from './app';
import { CheckResult, checkWorld, evaluateCalls } from './check';
import { describeDenials } from './evaluate';
import { StackInput, World } from './world';

let stacks: StackInput[];
let result: CheckResult;

beforeAll(async () => {
  stacks = synthEnvironment('dev', platformConfig, [regressionModel, customImageModel]);
  result = await checkWorld(new World(CHECK_ENV, stacks));
}, 300_000);

const of = (action: string, kind = 'Step Functions role') => result.calls.filter((c) => c.action === action && c.kind === kind);

describe('models with their own code, tuning and images (dev)', () => {
  test('every call is allowed for the principal that makes it', () => {
    if (result.denials.length) throw new Error(`${result.denials.length} run-time calls would be denied:\n${describeDenials(result.denials)}`);
  });

  test('the check sees every workflow Task, the tuning ones included', () => {
    expect(result.gaps).toEqual([]);
  });

  test('the tuned workflow creates a tuning job, reads its best training job, and never creates a training job itself', () => {
    const tuningJobs = of('sagemaker:CreateHyperParameterTuningJob').map((c) => c.resource);
    expect(tuningJobs.length).toBeGreaterThan(0);
    for (const arn of tuningJobs) expect(arn).toMatch(/:hyper-parameter-tuning-job\/mlops-dev-eta--h[0-9a-f]{12}$/);
    for (const arn of tuningJobs) expect(arn.split('/')[1].length).toBeLessThanOrEqual(32);
    expect(of('events:PutRule').map((c) => c.resource)).toContain(
      'arn:aws:events:eu-west-1:111122223333:rule/StepFunctionsGetEventsForSageMakerTuningJobsRule',
    );
    expect(of('sagemaker:DescribeTrainingJob').map((c) => c.resource)).toEqual(
      expect.arrayContaining([expect.stringMatching(/:training-job\/mlops-dev-eta--h[0-9a-f]{12}-001-0123abcd$/)]),
    );
    // The training jobs the tuning job launches run as the job role: their logs and the code channel.
    const streams = of('logs:CreateLogStream', 'SageMaker execution role').map((c) => c.resource);
    expect(streams).toEqual(expect.arrayContaining([expect.stringMatching(/TrainingJobs:log-stream:mlops-dev-eta--h[0-9a-f]{12}-001-0123abcd\//)]));
    const code = of('s3:GetObject', 'SageMaker execution role').filter((c) => /-001-0123abcd/.test(c.why) && /channel code/.test(c.why));
    expect(code.length).toBeGreaterThan(0);
    const trainingJobs = of('sagemaker:CreateTrainingJob').map((c) => c.resource);
    expect(trainingJobs.length).toBeGreaterThan(0);
    for (const arn of trainingJobs) expect(arn).toMatch(/training-job\/mlops-dev-own-image--t/);
  });

  test('the jobs read the source package and the own evaluation script from the assets bucket', () => {
    const reads = of('s3:GetObject', 'SageMaker execution role').map((c) => c.resource);
    expect(reads).toEqual(expect.arrayContaining([expect.stringMatching(/cdk-[a-z0-9]+-assets-111122223333-eu-west-1\/[0-9a-f]{64}\.gz$/)]));
    expect(reads.filter((r) => /assets-111122223333-eu-west-1\/[0-9a-f]{64}\.py$/.test(r)).length).toBeGreaterThanOrEqual(2);
  });

  test('the own images are pulled from exactly their repositories in this account', () => {
    const pulls = of('ecr:BatchGetImage', 'SageMaker execution role').map((c) => c.resource);
    expect(pulls).toEqual(expect.arrayContaining([
      'arn:aws:ecr:eu-west-1:111122223333:repository/team/own-train',
      'arn:aws:ecr:eu-west-1:111122223333:repository/team/own-serve',
    ]));
  });

  test('without the role\'s ECR statement, pulling the own images is denied', async () => {
    const broken = JSON.parse(JSON.stringify(stacks)) as StackInput[];
    let removed = 0;
    for (const { template } of broken) {
      for (const resource of Object.values(template.Resources ?? {})) {
        const document = resource.Properties?.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> } | undefined;
        if (!document || !['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy'].includes(resource.Type)) continue;
        const before = document.Statement.length;
        document.Statement = document.Statement.filter((s) => !JSON.stringify(s.Resource ?? '').includes('team/own-'));
        removed += before - document.Statement.length;
      }
    }
    expect(removed).toBeGreaterThan(0);
    const denied = describeDenials((await evaluateCalls(new World(CHECK_ENV, broken), result.calls)).denials);
    expect(denied).toMatch(/SageMaker execution role .* may not ecr:BatchGetImage on arn:aws:ecr:eu-west-1:111122223333:repository\/team\/own-train/);
  }, 120_000);
});
