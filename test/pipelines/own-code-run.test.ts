/**
 * Local executions of the workflows of models that bring their own code: a tuned scikit-learn model with its own
 * evaluation script (the metrics contract: a missing or out-of-range metric ends notified, naming the script), and a
 * model in the team's own images (the run trains, evaluates and registers with them).
 */
import { customImageModel, regressionModel } from '../fixtures/config';
import { buildTestApp } from '../helpers';
import { TaskOverride } from '../helpers/sfn';
import { definitionOf, INPUT, overrides, run } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const { stacks } = buildTestApp({ env: 'dev' }, { models: [regressionModel, customImageModel] });
const eta = definitionOf(stacks.models.eta);
const ownImage = definitionOf(stacks.models['own-image']);

/** Answers of a run whose evaluation report holds `metrics`, for a model that tunes. */
function answers(metrics: Record<string, unknown>): Record<string, TaskOverride> {
  const best = 'mlops-dev-eta--h0123456789ab-002-0badcafe';
  return {
    ...overrides(0.9),
    Tune: (input) => ({
      HyperParameterTuningJobName: (input as Json).HyperParameterTuningJobName,
      HyperParameterTuningJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:hyper-parameter-tuning-job/x',
      HyperParameterTuningJobStatus: 'Completed',
      BestTrainingJob: { TrainingJobName: best },
    }),
    DescribeBestTrainingJob: {
      TrainingJobName: best,
      TrainingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:training-job/${best}`,
      ModelArtifacts: { S3ModelArtifacts: `s3://artifacts/models/eta/runs/exec-1/model/${best}/output/model.tar.gz` },
    },
    ReadMetrics: { Body: JSON.stringify({ metrics }) },
    DescribeApprovedModel: { CustomerMetadataProperties: { mae: '4.0' } },
  };
}

describe('the team\'s own evaluation script and the metrics contract', () => {
  test('a report with the declared metric passes the gate and registers the best tuning job\'s model', async () => {
    const result = await run(eta, INPUT, { overrides: answers({ mae: 3.1, rmse: 4.2 }) });
    expect(result.cause).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    const registered = result.taskInputs.RegisterModel[0] as Json;
    expect(registered.InferenceSpecification.Containers[0].ModelDataUrl).toMatch(/-002-0badcafe\/output\/model\.tar\.gz$/);
    expect(registered.CustomerMetadataProperties.mae).toBe('3.1');
  });

  test('a report without the declared metric ends notified, naming the script and the contract', async () => {
    const result = await run(eta, INPUT, { overrides: answers({ rmse: 4.2 }) });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe(
      'QualityGateFailed: the evaluation report of evaluate.py has no numeric mae (metrics contract: evaluation.json holds {"metrics": {"mae": <number>}})',
    );
    expect(JSON.stringify(result.taskInputs.NotifyFailure[0])).toContain('has no numeric mae');
    expect(result.taskInputs.RegisterModel).toBeUndefined();
  });

  test('a value outside the declared range is a broken evaluation, not a better model', async () => {
    const result = await run(eta, INPUT, { overrides: answers({ mae: -2 }) });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe('QualityGateFailed: mae = -2 reported by evaluate.py is outside its range [0, 1440]: a broken evaluation');
    expect(result.taskInputs.RegisterModel).toBeUndefined();
  });
});

describe('a model in its own images', () => {
  test('trains, evaluates and registers with the team\'s images', async () => {
    const result = await run(ownImage, INPUT, { overrides: { ...overrides(0.9), ReadMetrics: { Body: JSON.stringify({ metrics: { mae: 2 } }) } } });
    expect(result.cause).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    expect((result.taskInputs.Train[0] as Json).AlgorithmSpecification.TrainingImage).toMatch(/\/team\/own-train:1\.4\.0$/);
    expect((result.taskInputs.Evaluate[0] as Json).AppSpecification.ImageUri).toMatch(/\/team\/own-train:1\.4\.0$/);
    const container = (result.taskInputs.RegisterModel[0] as Json).InferenceSpecification.Containers[0];
    expect(container.Image).toMatch(/\/team\/own-serve@sha256:(ab){32}$/);
    expect(container.Environment).toBeUndefined();
  });
});
