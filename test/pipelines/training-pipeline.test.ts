import { models } from '../fixtures/config';
import { buildTestApp } from '../helpers';
import { validateAsl } from '../helpers/sfn';
import { APPROVED_ARN, defaultDefinitionOf, definitionOf, FIRST_DEPLOYMENT_STATES, INPUT, overrides, PACKAGE_ARN, run } from './fixtures';

// GIVEN the synthesized training pipelines of the two sample models, with test account/region/partition.
const churn = defaultDefinitionOf('dev', 'churn');
const fraud = defaultDefinitionOf('dev', 'fraud-dl');
// prod requires a human decision.
const prodChurn = defaultDefinitionOf('prod', 'churn');

describe('training pipeline (Amazon States Language)', () => {
  test.each([['churn', churn], ['fraud-dl', fraud], ['churn (prod, human gate)', prodChurn]])('%s: the definition passes asl-validator', (_name, definition) => {
    expect(() => validateAsl(definition)).not.toThrow();
  });
});

describe('training pipeline, executed locally', () => {
  test('happy path, no approved model yet: trains, evaluates, registers PendingManualApproval, hands off, notifies', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.91) });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visitedStates).toEqual(['IsRedeploy', 'ValidateInput', 'ValidateEvaluationInput', 'UseDefaultEvaluationData', 'SnapshotTrainingData', 'Train', 'Evaluate', 'ReadMetrics', 'ComputeBaseline',
      'MeetsThreshold', 'FindApprovedModel', 'HasApprovedModel', 'EvidenceFirstModel', 'RegisterModel', 'RecordRegistered', 'RecordAutomaticApproval', 'ApprovalComplete', 'MarkApproved', 'RecordApproved', 'DeploymentHandOff',
      ...FIRST_DEPLOYMENT_STATES, 'NotifySuccess', 'Succeeded']);
    const output = result.output as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(output.registration).toEqual({ modelPackageArn: PACKAGE_ARN });
    expect(output.evaluation.report.metrics.auc).toBe(0.91);
    expect(output.training.modelArtifactUri).toMatch(/model\.tar\.gz$/);

    const train = result.taskInputs.Train[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(train.TrainingJobName).toMatch(/^mlops-dev-churn--t[0-9a-f]{12}$/);
    expect(train.TrainingJobName.length).toBeLessThanOrEqual(63);
    expect(train.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(INPUT.trainingDataUri);
    expect(train.OutputDataConfig.S3OutputPath).toMatch(/\/models\/churn\/runs\/exec-1\/model\/$/);

    const register = result.taskInputs.RegisterModel[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(register.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(register.CustomerMetadataProperties).toEqual(expect.objectContaining({
      auc: '0.91',
      trainingDataUri: INPUT.trainingDataUri,
      trainingDataManifestUri: expect.stringMatching(/\/models\/churn\/runs\/exec-1\/data-manifest\.json$/),
      trainingDataObjectCount: '12',
    }));
    expect(result.taskInputs.SnapshotTrainingData[0]).toEqual({
      dataUri: INPUT.trainingDataUri, manifestUri: expect.stringMatching(/^s3:\/\/.+\/models\/churn\/runs\/exec-1\/data-manifest\.json$/),
    });
    expect(register.ModelMetrics.ModelQuality.Statistics.S3Uri).toMatch(/runs\/exec-1\/evaluation\/evaluation\.json$/);
    // The drift baseline: the snapshotted training data and the held-out predictions, referenced by the package.
    expect(result.taskInputs.ComputeBaseline[0]).toEqual({
      manifestUri: expect.stringMatching(/runs\/exec-1\/data-manifest\.json$/),
      predictionsUri: expect.stringMatching(/^s3:\/\/.+\/models\/churn\/runs\/exec-1\/evaluation\/predictions\.csv$/),
      baselineUri: expect.stringMatching(/^s3:\/\/.+\/models\/churn\/runs\/exec-1\/baseline\.json$/),
    });
    expect(register.DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri).toMatch(/runs\/exec-1\/baseline\.json$/);
    expect(register.CustomerMetadataProperties.baselineUri).toMatch(/runs\/exec-1\/baseline\.json$/);
    expect(JSON.parse((result.taskInputs.RecordServing[0] as { Body: string }).Body).baselineUri).toMatch(/runs\/exec-1\/baseline\.json$/);
  });

  test('without trainingDataUri the model\'s curated prefix is used', async () => {
    const result = await run(churn, {}, { overrides: overrides(0.91) });
    expect(result.status).toBe('SUCCEEDED');
    const train = result.taskInputs.Train[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(train.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toMatch(/^s3:\/\/.+\/churn\/train\/$/);
  });

  test('a training failure is caught, notified, and ends in PipelineFailed with a readable cause', async () => {
    const result = await run(churn, INPUT, {
      overrides: overrides(0.91),
      errors: { Train: { error: 'States.TaskFailed', cause: 'AlgorithmError: ValueError: could not convert string to float' } },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PipelineFailed');
    expect(result.cause).toBe('States.TaskFailed: AlgorithmError: ValueError: could not convert string to float');
    expect(result.visitedStates).toEqual(['IsRedeploy', 'ValidateInput', 'ValidateEvaluationInput', 'UseDefaultEvaluationData', 'SnapshotTrainingData', 'Train', 'DescribeFailure', 'NotifyFailure', 'PipelineFailed']);
    // Step Functions serializes an object Message for SNS.
    expect((result.taskInputs.NotifyFailure[0] as { Message: object }).Message).toEqual(expect.objectContaining({
      model: 'churn', error: 'States.TaskFailed', cause: 'States.TaskFailed: AlgorithmError: ValueError: could not convert string to float',
    }));
    expect(result.attempts.Train).toBe(1);
  });

  test('a baseline failure (e.g. unreadable training data) ends the run before registration', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.91), errors: { ComputeBaseline: { error: 'InvalidTrainingData', cause: 'churn/a.csv line 3: "x" is not a number for tenure_months' } } });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe('InvalidTrainingData: churn/a.csv line 3: "x" is not a number for tenure_months');
    expect(result.attempts.RegisterModel ?? 0).toBe(0);
  });

  test('quality gate: below the threshold fails, is notified, registers nothing', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.7) });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PipelineFailed');
    expect(result.cause).toBe('QualityGateFailed: auc = 0.7 is below the threshold 0.75');
    expect(result.visitedStates).toContain('BelowThreshold');
    expect(result.visitedStates).not.toContain('RegisterModel');
    expect(result.attempts.NotifyFailure).toBe(1);
  });

  test('quality gate: worse than the approved model fails', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.9, 0.95) });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe(`QualityGateFailed: auc = 0.9 is worse than the approved model's 0.95 (${APPROVED_ARN})`);
    expect(result.visitedStates).toEqual(expect.arrayContaining(['DescribeApprovedModel', 'BeatsApprovedModel', 'WorseThanApproved']));
    expect(result.visitedStates).not.toContain('RegisterModel');
  });

  test('quality gate: at least as good as the approved model passes', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.95, 0.95) });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visitedStates).toEqual(expect.arrayContaining(['DescribeApprovedModel', 'BeatsApprovedModel', 'RegisterModel']));
  });

  test('a throttled training job (SageMaker.AmazonSageMakerException, cause ThrottlingException) is retried, each attempt with a fresh job name', async () => {
    const throttled = { error: 'SageMaker.AmazonSageMakerException', cause: 'Rate exceeded (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException)' };
    const result = await run(churn, INPUT, { overrides: overrides(0.91), errors: { Train: { ...throttled, times: 2 } } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.attempts.Train).toBe(3);
    expect(result.visitedStates.slice(5, 13)).toEqual(['Train', 'TrainThrottled', 'TrainFirstRetry', 'TrainBackoff', 'Train', 'TrainThrottled', 'TrainNextRetry', 'TrainBackoff']);
    const names = result.taskInputs.Train.map((i) => (i as { TrainingJobName: string }).TrainingJobName);
    expect(new Set(names).size).toBe(3);
    // Bounded: the first call and five retries, then the failure is notified.
    const persistent = await run(churn, INPUT, { overrides: overrides(0.91), errors: { Train: throttled } });
    expect(persistent.attempts.Train).toBe(6);
    expect(persistent.error).toBe('PipelineFailed');
    expect(persistent.attempts.NotifyFailure).toBe(1);
  });

  test('a training job refused as invalid (same error name, another cause) is not retried', async () => {
    const result = await run(churn, INPUT, {
      overrides: overrides(0.91),
      errors: { Train: { error: 'SageMaker.AmazonSageMakerException', cause: 'The field is invalid (Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException)' } },
    });
    expect(result.attempts.Train).toBe(1);
    expect(result.error).toBe('PipelineFailed');
    expect(result.cause).toMatch(/^SageMaker\.AmazonSageMakerException: The field is invalid/);
  });

  test('persistent throttling of an SDK call exhausts the retries and fails cleanly; a validation or permission error is not retried', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.91), errors: { RegisterModel: { error: 'SageMaker.ThrottlingException', cause: 'Rate exceeded' } } });
    expect(result.status).toBe('FAILED');
    // The first call and five retries.
    expect(result.attempts.RegisterModel).toBe(6);
    expect(result.cause).toBe('SageMaker.ThrottlingException: Rate exceeded');
    for (const error of ['SageMaker.ValidationException', 'SageMaker.AccessDeniedException']) {
      const once = await run(churn, INPUT, { overrides: overrides(0.91), errors: { RegisterModel: { error, cause: 'no' } } });
      expect([once.attempts.RegisterModel, once.error]).toEqual([1, 'PipelineFailed']);
    }
  });

  test('no training data under the prefix fails before any job starts', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.91), errors: { SnapshotTrainingData: { error: 'NoTrainingData', cause: 'No training data: there is no object under s3://curated/churn/2026-11-22/' } } });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe('NoTrainingData: No training data: there is no object under s3://curated/churn/2026-11-22/');
    expect(result.attempts.Train ?? 0).toBe(0);
  });

  test('an input that is not an S3 URI is refused before any job starts', async () => {
    const result = await run(churn, { trainingDataUri: 'https://example.com/data.csv' }, { overrides: overrides(0.91) });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidInput');
    expect(result.attempts.Train ?? 0).toBe(0);
  });

  test('job names stay valid whatever the execution name (underscores, 80 characters)', async () => {
    const executionName = 'drift_alarm_churn_feature_psi_2026-11-22T10_00_00Z_' + 'x'.repeat(30);
    const result = await run(churn, INPUT, { overrides: overrides(0.91), context: { Execution: { Name: executionName, Id: `arn:aws:states:eu-west-1:111122223333:execution:churn:${executionName}` }, State: { EnteredTime: '2026-11-25T12:00:00.000Z' } } });
    expect(result.status).toBe('SUCCEEDED');
    for (const state of ['Train', 'Evaluate', 'CreateModel', 'CreateEndpointConfig']) {
      const input = result.taskInputs[state][0] as Record<string, string>;
      const name = input.TrainingJobName ?? input.ProcessingJobName ?? input.ModelName ?? input.EndpointConfigName;
      expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/);
      expect(name.length).toBeLessThanOrEqual(63);
    }
  });

  test('with preprocessing declared, a processing job prepares the data and training reads its output', async () => {
    const declaration = { ...models[0], preprocessing: { instanceType: 'ml.m5.xlarge' } };
    const { stacks: withPrep } = buildTestApp({ env: 'dev' }, { models: [declaration] });
    const definition = definitionOf(withPrep.models.churn);
    validateAsl(definition);
    const result = await run(definition, INPUT, { overrides: { ...overrides(0.91), Preprocess: { ProcessingJobStatus: 'Completed' } } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visitedStates.slice(4, 7)).toEqual(['SnapshotTrainingData', 'Preprocess', 'Train']);
    const preprocess = result.taskInputs.Preprocess[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(preprocess.ProcessingJobName).toMatch(/^mlops-dev-churn--p[0-9a-f]{12}$/);
    expect(preprocess.ProcessingInputs[1].S3Input.S3Uri).toBe(INPUT.trainingDataUri);
    const prepared = preprocess.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri;
    expect(prepared).toMatch(/\/runs\/exec-1\/prepared\/$/);
    const train = result.taskInputs.Train[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(train.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(prepared);
  });

  test('evaluation reads a held-out set, never the training data', async () => {
    const result = await run(churn, { ...INPUT, evaluationDataUri: 's3://curated/churn/holdout/' }, { overrides: overrides(0.91) });
    expect(result.status).toBe('SUCCEEDED');
    const evaluate = result.taskInputs.Evaluate[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(evaluate.ProcessingInputs.find((i: { InputName: string }) => i.InputName === 'data').S3Input.S3Uri).toBe('s3://curated/churn/holdout/');
    const byDefault = await run(churn, INPUT, { overrides: overrides(0.91) });
    const defaultInput = byDefault.taskInputs.Evaluate[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(defaultInput.ProcessingInputs.find((i: { InputName: string }) => i.InputName === 'data').S3Input.S3Uri).toMatch(/\/churn\/test\/$/);
  });

  test('a report without the gate metric fails the gate with a readable cause', async () => {
    const result = await run(churn, INPUT, { overrides: { ...overrides(0.91), ReadMetrics: { Body: JSON.stringify({ metrics: { auc: null } }) } } });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe(
      'QualityGateFailed: the evaluation report of the generic evaluation has no numeric auc ' +
        '(metrics contract: evaluation.json holds {"metrics": {"auc": <number>}})',
    );
  });

  test('automatic approval (dev): recorded, then the package is approved naming the record', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.91) });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.taskInputs.RecordAutomaticApproval[0]).toEqual(expect.objectContaining({
      model: 'churn', environment: 'dev', modelPackageArn: PACKAGE_ARN,
      evidence: expect.objectContaining({ metric: 'auc', candidateValue: 0.91, trainingJobArn: expect.any(String) }),
    }));
    expect(result.taskInputs.MarkApproved[0]).toEqual({
      ModelPackageArn: PACKAGE_ARN,
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'Approved by automatic approval (environment dev) at 2026-11-22T10:00:00.000Z: Environment dev approves automatically: the candidate passed the quality gate. (record s3://audit/decisions/mlops-dev-churn/auto-exec-1.json)',
    });
  });

  test('the PyTorch code runs through the training toolkit\'s hyperparameters, not ContainerEntrypoint (not documented for createTrainingJob.sync)', async () => {
    const result = await run(fraud, { trainingDataUri: 's3://curated/fraud-dl/x/' }, { overrides: overrides(0.85) });
    const train = result.taskInputs.Train[0] as {
      AlgorithmSpecification: object;
      HyperParameters: Record<string, string>;
      InputDataConfig: Array<{ ChannelName: string; DataSource: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    expect(train.AlgorithmSpecification).toEqual({ TrainingImage: expect.stringContaining('pytorch-training'), TrainingInputMode: 'File' });
    // The wrapper runs from the source package, which the toolkit extracts from the code channel.
    expect(train.HyperParameters).toEqual({
      epochs: '20',
      batch_size: '512',
      sagemaker_program: 'mlops_train.py',
      sagemaker_submit_directory: expect.stringMatching(/^\/opt\/ml\/input\/data\/code\/[0-9a-f]{64}\.gz$/),
    });
    const code = train.InputDataConfig.find((c) => c.ChannelName === 'code');
    expect(code?.DataSource.S3DataSource.S3Uri).toMatch(new RegExp(`/${train.HyperParameters.sagemaker_submit_directory.split('/').pop()}$`));
  });

  test('the GPU model runs the same path with its own gate', async () => {
    const result = await run(fraud, { trainingDataUri: 's3://curated/fraud-dl/x/' }, { overrides: overrides(0.85) });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe('QualityGateFailed: auc = 0.85 is below the threshold 0.9');
  });
});
