/**
 * Local executions of a workflow that tunes instead of training once: the best training job is what evaluation,
 * registration and the lineage records read; a failed tuning job, or one without a best job, ends notified.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { TrainingPipeline } from '../../pipelines/training-pipeline';
import { AslDefinition, JsonValue, resolveDefinition, TaskOverride, validateAsl } from '../helpers/sfn';
import { bareStack, PREFIX } from './stages/bare-stack';
import { TRAINING, TUNING } from './stages/tuning-settings';
import { EVALUATION, workflowProps } from './stages/workflow-props';
import { INPUT, overrides, run } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The tuning workflow of one model in a bare stack, as its state machine's definition. */
function tuningDefinition(): AslDefinition {
  const b = bareStack();
  const serving = { mode: 'serverless', memoryMb: 2048, maxConcurrency: 5, latencyThresholdMs: 1000 } as const;
  const props = workflowProps(b, serving, { training: TRAINING, tuning: TUNING, evaluation: { ...EVALUATION, range: { min: 0, max: 1 } } });
  const pipeline = new TrainingPipeline(b.stack, 'Workflow', props);
  const role = iam.Role.fromRoleArn(b.stack, 'PipelineRole', 'arn:aws:iam::111122223333:role/pipeline', { mutable: false });
  new sfn.StateMachine(b.stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(pipeline), role });
  return resolveDefinition(Template.fromStack(b.stack));
}

const definition = tuningDefinition();
const BEST = 'mlops-dev-churn--h0123456789ab-007-1a2b3c4d';
const BEST_ARN = `arn:aws:sagemaker:eu-west-1:111122223333:training-job/${BEST}`;
const BEST_MODEL = `s3://artifacts/models/churn/runs/exec-1/model/${BEST}/output/model.tar.gz`;

/** The `.sync` result of the tuning job: its description, with the best training job when one completed. */
function tuned(best = true): TaskOverride {
  return (input) => {
    const name = (input as Json).HyperParameterTuningJobName as string;
    return {
      HyperParameterTuningJobName: name,
      HyperParameterTuningJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:hyper-parameter-tuning-job/${name}`,
      HyperParameterTuningJobStatus: best ? 'Completed' : 'Stopped',
      HyperParameterTuningJobConfig: (input as Json).HyperParameterTuningJobConfig,
      TrainingJobStatusCounters: { Completed: best ? 12 : 0, Stopped: best ? 0 : 3 },
      ...(best ? { BestTrainingJob: { TrainingJobName: BEST, TrainingJobArn: BEST_ARN, TrainingJobStatus: 'Completed' } } : {}),
    } as JsonValue;
  };
}

/** The answers of a run that tunes: the run's usual answers, the tuning job's and the best training job's description. */
function tuningOverrides(best = true): Record<string, TaskOverride> {
  return {
    ...overrides(0.91),
    Tune: tuned(best),
    DescribeBestTrainingJob: (input) => {
      expect(input).toEqual({ TrainingJobName: BEST });
      return { TrainingJobName: BEST, TrainingJobArn: BEST_ARN, TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: BEST_MODEL } };
    },
  };
}

describe('a workflow with tuning, run locally', () => {
  test('the definition is valid and has no training state of its own', () => {
    expect(() => validateAsl(definition)).not.toThrow();
    expect(definition.States.Train).toBeUndefined();
    expect(definition.States.Tune).toBeDefined();
  });

  test('the best training job feeds evaluation, registration and the lineage records', async () => {
    const result = await run(definition, INPUT, { overrides: tuningOverrides() });
    expect(result.cause).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    const tuning = result.taskInputs.Tune[0] as Json;
    expect(tuning.HyperParameterTuningJobName).toMatch(new RegExp(`^${PREFIX}--h[0-9a-f]{12}$`));
    expect(tuning.HyperParameterTuningJobName.length).toBeLessThanOrEqual(32);
    expect(tuning.TrainingJobDefinition.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(INPUT.trainingDataUri);
    expect(tuning.TrainingJobDefinition.OutputDataConfig.S3OutputPath).toBe('s3://artifacts/models/churn/runs/exec-1/model/');

    const evaluate = result.taskInputs.Evaluate[0] as Json;
    expect(evaluate.ProcessingInputs.find((i: Json) => i.InputName === 'model').S3Input.S3Uri).toBe(BEST_MODEL);
    const register = result.taskInputs.RegisterModel[0] as Json;
    expect(register.InferenceSpecification.Containers[0].ModelDataUrl).toBe(BEST_MODEL);
    expect(JSON.stringify(register)).toContain(BEST_ARN);
    const registered = result.taskInputs.RecordRegistered[0] as Json;
    expect(registered.state.training).toEqual({ jobName: BEST, jobArn: BEST_ARN, modelArtifactUri: BEST_MODEL });

    const output = result.output as Json;
    expect(output.training).toEqual({ jobName: BEST, jobArn: BEST_ARN, modelArtifactUri: BEST_MODEL });
    expect(output.tuning).toEqual({
      jobName: tuning.HyperParameterTuningJobName,
      jobArn: `arn:aws:sagemaker:eu-west-1:111122223333:hyper-parameter-tuning-job/${tuning.HyperParameterTuningJobName}`,
    });
  });

  test('a failed tuning job ends in the notified failure state', async () => {
    const result = await run(definition, INPUT, {
      overrides: tuningOverrides(),
      errors: { Tune: { error: 'SageMaker.AmazonSageMakerException', cause: 'Tuning job failed: all training jobs failed' } },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PipelineFailed');
    expect(result.visitedStates).toEqual(expect.arrayContaining(['TuneThrottled', 'DescribeFailure', 'NotifyFailure', 'PipelineFailed']));
    expect(result.visitedStates).not.toContain('Evaluate');
    expect(result.cause).toContain('all training jobs failed');
  });

  test('a throttled tuning job is created again under a new name', async () => {
    const result = await run(definition, INPUT, {
      overrides: tuningOverrides(),
      errors: { Tune: { error: 'SageMaker.AmazonSageMakerException', cause: 'Rate exceeded (Error Code: ThrottlingException)', times: 1 } },
    });
    expect(result.status).toBe('SUCCEEDED');
    const names = result.taskInputs.Tune.map((i) => (i as Json).HyperParameterTuningJobName);
    expect(names).toHaveLength(2);
    expect(names[0]).not.toBe(names[1]);
  });

  test('a tuning job without a best training job ends in the notified failure state', async () => {
    const result = await run(definition, INPUT, { overrides: tuningOverrides(false) });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PipelineFailed');
    expect(result.visitedStates).toEqual(expect.arrayContaining(['NoBestTrainingJob', 'NotifyFailure']));
    expect(result.visitedStates).not.toContain('DescribeBestTrainingJob');
    expect(result.cause).toMatch(/^NoBestTrainingJob: Tuning job mlops-dev-churn--h[0-9a-f]{12} ended Stopped without a best training job$/);
  });

  test('a failed read of the best training job ends in the notified failure state', async () => {
    const result = await run(definition, INPUT, {
      overrides: tuningOverrides(),
      errors: { DescribeBestTrainingJob: { error: 'SageMaker.ResourceNotFoundException', cause: 'no such job' } },
    });
    expect(result.status).toBe('FAILED');
    expect(result.visitedStates).toEqual(expect.arrayContaining(['DescribeFailure', 'NotifyFailure']));
    expect(result.visitedStates).not.toContain('Evaluate');
  });
});
