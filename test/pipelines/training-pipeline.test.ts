import { models } from '../fixtures/config';
import { buildTestApp } from '../helpers';
import { RunLocallyOptions, TaskOverride, validateAsl } from '../helpers/sfn';
import { APPROVED_ARN, defaultDefinitionOf, definitionOf, INPUT, overrides, PACKAGE_ARN, run } from './fixtures';

// GIVEN the synthesized training pipelines of the two sample models, with test account/region/partition.
const churn = defaultDefinitionOf('dev', 'churn');
const fraud = defaultDefinitionOf('dev', 'fraud-dl');
// prod requires a human decision.
const prodChurn = defaultDefinitionOf('prod', 'churn');

/** The states of a first deployment that succeeds (Creating, then InService). */
const FIRST_DEPLOYMENT_STATES = ['PrepareDeployment', 'CreateModel', 'CreateEndpointConfig', 'FindEndpoint', 'MatchEndpointNames', 'NameMatches', 'SummarizeEndpointSearch', 'EndpointExists', 'CreateEndpoint',
  'WaitForEndpointCreation', 'DescribeNewEndpoint', 'EndpointCreationStatus', 'CountCreationLook', 'WaitForEndpointCreation', 'DescribeNewEndpoint', 'EndpointCreationStatus',
  'RegisterScalableTarget', 'ScaleOnInvocations', 'DescribeServing', 'RecordServing', 'RecordDeployed', 'Deployed'];

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

describe('approval gate (prod: human), executed locally', () => {
  const decision = (d: 'approved' | 'rejected') => ({
    decision: d, approver: 'ml-lead@example.com', comment: d === 'approved' ? 'AUC up 2 points on the holdout' : 'Feature drift not explained',
    decidedAt: '2026-11-22T12:00:00.000Z', requestId: 'req-1', recordUri: 's3://audit/decisions/mlops-prod-churn/req-1.json',
  });

  test('the request carries the task token, the approvers, the timeout and the evidence', async () => {
    const result = await run(prodChurn, INPUT, { overrides: { ...overrides(0.96, 0.95), RequestApproval: decision('approved') } });
    expect(result.status).toBe('SUCCEEDED');
    expect((result.taskInputs.RequestApproval[0] as { Payload: object }).Payload).toEqual(expect.objectContaining({
      taskToken: expect.any(String),
      approvers: ['ml-lead@example.com', 'risk-officer@example.com'],
      timeoutSeconds: 72 * 3600,
      environment: 'prod',
      modelPackageArn: PACKAGE_ARN,
      evidence: expect.objectContaining({ metric: 'auc', candidateValue: 0.96, approvedValue: 0.95, approvedModelPackageArn: APPROVED_ARN }),
    }));
  });

  test('approve: the package becomes Approved naming the approver and comment, then deployment is handed off', async () => {
    const result = await run(prodChurn, INPUT, { overrides: { ...overrides(0.96), RequestApproval: decision('approved') } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visitedStates.slice(-(8 + FIRST_DEPLOYMENT_STATES.length))).toEqual(['RequestApproval', 'ApprovalComplete', 'ApprovalDecision', 'MarkApproved', 'RecordApproved', 'DeploymentHandOff', ...FIRST_DEPLOYMENT_STATES, 'NotifySuccess', 'Succeeded']);
    expect(result.taskInputs.MarkApproved[0]).toEqual(expect.objectContaining({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'Approved by ml-lead@example.com at 2026-11-22T12:00:00.000Z: AUC up 2 points on the holdout (record s3://audit/decisions/mlops-prod-churn/req-1.json)',
    }));
  });

  test('reject: the package becomes Rejected, the rejection is notified, the run ends in ModelRejected with the reason', async () => {
    const result = await run(prodChurn, INPUT, { overrides: { ...overrides(0.96), RequestApproval: decision('rejected') } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ModelRejected');
    expect(result.cause).toBe('Rejected by ml-lead@example.com: Feature drift not explained');
    expect(result.taskInputs.MarkRejected[0]).toEqual(expect.objectContaining({ ModelApprovalStatus: 'Rejected' }));
    expect((result.taskInputs.RecordRejected[0] as { state: { approval: object } }).state.approval).toEqual(expect.objectContaining({ decision: 'rejected', approver: 'ml-lead@example.com' }));
    expect((result.taskInputs.NotifyRejected[0] as { Message: object }).Message).toEqual(expect.objectContaining({ reason: 'Rejected by ml-lead@example.com: Feature drift not explained' }));
    expect(result.attempts.MarkApproved ?? 0).toBe(0);
  });

  test('timeout: no decision means rejected, recorded in the registry and notified', async () => {
    const result = await run(prodChurn, INPUT, {
      overrides: { ...overrides(0.96), ApprovalTimedOut: (input) => ({
        decision: 'rejected', approver: 'nobody', comment: (input as { comment: string }).comment, decidedAt: '2026-11-25T12:00:00.000Z',
        requestId: 'timeout-exec-1', recordUri: 's3://audit/decisions/mlops-prod-churn/timeout-exec-1.json',
      }) },
      errors: { RequestApproval: { error: 'States.Timeout' } },
    });
    // The timeout is recorded like a decision.
    expect(result.taskInputs.ApprovalTimedOut[0]).toEqual(expect.objectContaining({ kind: 'timeout', comment: 'no decision within 3 days: rejected automatically', modelPackageArn: PACKAGE_ARN }));
    expect(result.status).toBe('FAILED');
    expect(`${result.error} ${result.cause}`).toBe('ModelRejected Rejected by nobody: no decision within 3 days: rejected automatically');
    expect(result.visitedStates).toEqual(expect.arrayContaining(['ApprovalTimedOut', 'MarkRejected', 'NotifyRejected']));
    expect((result.taskInputs.MarkRejected[0] as { ApprovalDescription: string }).ApprovalDescription)
      .toBe('Rejected by nobody at 2026-11-25T12:00:00.000Z: no decision within 3 days: rejected automatically (record s3://audit/decisions/mlops-prod-churn/timeout-exec-1.json)');
  });

  test('the request function failing (not a timeout) ends the run as a pipeline failure', async () => {
    const result = await run(prodChurn, INPUT, { overrides: overrides(0.96), errors: { RequestApproval: { error: 'InvalidEventError', cause: 'Invalid event: approvers is []' } } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PipelineFailed');
    expect(result.cause).toBe('InvalidEventError: Invalid event: approvers is []');
  });
});

describe('deployment of the approved model, executed locally', () => {
  const prodFraud = defaultDefinitionOf('prod', 'fraud-dl');
  const approve = { decision: 'approved', approver: 'fraud-lead@example.com', comment: 'ok', decidedAt: '2026-11-22T12:00:00.000Z', requestId: 'r', recordUri: 's3://audit/decisions/x.json' };
  type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  /**
   * An existing endpoint serving `fraud-dl--c-old`. DescribeEndpoint answers `current` first, then InService.
   * DescribeRollout answers the statuses in `rollout` in turn (the last repeats); `serves: 'new'` names the
   * configuration UpdateEndpoint asked for (captured from its input), `'old'` the previous one.
   */
  function update(rollout: Array<{ status: string; serves: 'new' | 'old'; reason?: string }>, current = 'InService', previousType = 'ml.g5.xlarge'): Record<string, TaskOverride> {
    let requested = '';
    return {
      FindEndpoint: { Endpoints: [{ EndpointName: 'mlops-prod-fraud-dl-shadow' }, { EndpointName: 'mlops-prod-fraud-dl' }] },
      DescribeEndpoint: (_input, info) => ({ EndpointName: 'mlops-prod-fraud-dl', EndpointStatus: info.attempt === 1 ? current : 'InService', EndpointConfigName: 'fraud-dl--c-old' }),
      DescribeCurrentConfig: { ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: previousType }] },
      DeregisterForTypeChange: {},
      UpdateEndpoint: (input) => {
        requested = (input as Any).EndpointConfigName;
        return { EndpointArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/mlops-prod-fraud-dl' };
      },
      DescribeRollout: (_input, info) => {
        const answer = rollout[Math.min(info.attempt, rollout.length) - 1];
        return {
          EndpointName: 'mlops-prod-fraud-dl', EndpointStatus: answer.status, EndpointConfigName: answer.serves === 'new' ? requested : 'fraud-dl--c-old',
          ...(answer.reason ? { FailureReason: answer.reason } : {}),
        };
      },
    };
  }
  const fraudRun = (extra: Record<string, TaskOverride>, errors?: RunLocallyOptions['errors']) =>
    run(prodFraud, { trainingDataUri: 's3://curated/fraud-dl/x/' }, { overrides: { ...overrides(0.97), RequestApproval: approve, ...extra }, errors });

  test('first deployment (dev, CPU): model from the package, capture to the lake, volume key, endpoint created, waited for, autoscaled, recorded', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.91) });
    expect(result.status).toBe('SUCCEEDED');
    const model = result.taskInputs.CreateModel[0] as Any;
    expect(model.ModelName).toMatch(/^mlops-dev-churn--m[0-9a-f]{12}$/);
    expect(model.PrimaryContainer).toEqual({ ModelPackageName: PACKAGE_ARN });
    expect(model.ExecutionRoleArn).toMatch(/^arn:aws:iam::/);
    const config = result.taskInputs.CreateEndpointConfig[0] as Any;
    expect(config.ProductionVariants).toEqual([{
      VariantName: 'AllTraffic', ModelName: model.ModelName, InstanceType: 'ml.m5.large', InitialInstanceCount: 1,
      ContainerStartupHealthCheckTimeoutInSeconds: 300, ModelDataDownloadTimeoutInSeconds: 600,
    }]);
    expect(config.KmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(config.DataCaptureConfig).toEqual(expect.objectContaining({
      EnableCapture: true, InitialSamplingPercentage: 100, DestinationS3Uri: expect.stringMatching(/^s3:\/\/.+\/churn\/$/), KmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    }));
    expect(result.taskInputs.CreateEndpoint[0]).toEqual(expect.objectContaining({ EndpointName: 'mlops-dev-churn', EndpointConfigName: config.EndpointConfigName }));
    // "mlops-dev-churn2" contains the name but is another endpoint: this is a first deployment.
    expect(result.attempts.UpdateEndpoint ?? 0).toBe(0);
    expect(result.taskInputs.RegisterScalableTarget[0]).toEqual({
      ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/mlops-dev-churn/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 1, MaxCapacity: 2,
    });
    expect((result.taskInputs.ScaleOnInvocations[0] as Any).TargetTrackingScalingPolicyConfiguration)
      .toEqual(expect.objectContaining({ TargetValue: 100, ScaleInCooldown: 600, ScaleOutCooldown: 60 }));
    expect(result.attempts.ScaleOnGpuUtilization ?? 0).toBe(0);
    const record = result.taskInputs.RecordServing[0] as Any;
    expect(record.Key).toBe('models/churn/serving/current.json');
    expect(JSON.parse(record.Body)).toEqual(expect.objectContaining({
      schemaVersion: 1, endpointName: 'mlops-dev-churn', variantName: 'AllTraffic', modelPackageArn: PACKAGE_ARN, endpointConfigName: config.EndpointConfigName,
      modelName: model.ModelName, deployedAt: '2026-11-25T12:00:00.000Z', executionArn: expect.stringContaining(':execution:'),
    }));
    expect((result.taskInputs.NotifySuccess[0] as Any).Message).toEqual(expect.objectContaining({ endpoint: 'mlops-dev-churn', endpointConfig: config.EndpointConfigName }));
  });

  test('first deployment (dev, GPU): no volume key on local-NVMe ml.g5, GPU timeouts, GPU utilization scaling', async () => {
    const result = await run(fraud, { trainingDataUri: 's3://curated/fraud-dl/x/' }, { overrides: overrides(0.95) });
    expect(result.status).toBe('SUCCEEDED');
    const config = result.taskInputs.CreateEndpointConfig[0] as Any;
    expect(config.KmsKeyId).toBeUndefined();
    expect(config.ProductionVariants[0]).toEqual(expect.objectContaining({ InstanceType: 'ml.g5.xlarge', ContainerStartupHealthCheckTimeoutInSeconds: 900, ModelDataDownloadTimeoutInSeconds: 1200 }));
    expect((result.taskInputs.ScaleOnGpuUtilization[0] as Any).TargetTrackingScalingPolicyConfiguration).toEqual(expect.objectContaining({
      TargetValue: 70,
      CustomizedMetricSpecification: expect.objectContaining({ MetricName: 'GPUUtilization', Namespace: '/aws/sagemaker/Endpoints' }),
    }));
  });

  test('update (prod, GPU): canary with auto-rollback on the alarms, properties retained, waits until the new configuration serves', async () => {
    const result = await fraudRun(update([{ status: 'Updating', serves: 'old' }, { status: 'Updating', serves: 'old' }, { status: 'InService', serves: 'new' }]));
    expect(result.status).toBe('SUCCEEDED');
    const call = result.taskInputs.UpdateEndpoint[0] as Any;
    expect(call).toEqual({
      EndpointName: 'mlops-prod-fraud-dl',
      EndpointConfigName: (result.taskInputs.CreateEndpointConfig[0] as Any).EndpointConfigName,
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DataCaptureConfig' }],
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 900, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 50 } },
          TerminationWaitInSeconds: 300,
          MaximumExecutionTimeoutInSeconds: 3000,
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: expect.any(String) }, { AlarmName: expect.any(String) }] },
      },
    });
    expect(result.attempts.DescribeRollout).toBe(3);
    expect(result.attempts.CreateEndpoint ?? 0).toBe(0);
    expect(result.taskInputs.RegisterScalableTarget[0]).toEqual(expect.objectContaining({ MinCapacity: 2, MaxCapacity: 6 }));
    expect(JSON.parse((result.taskInputs.RecordServing[0] as Any).Body).endpointConfigName).toBe(call.EndpointConfigName);
  });

  test('an instance type change deregisters autoscaling before the update and registers it again after', async () => {
    const same = await fraudRun(update([{ status: 'InService', serves: 'new' }]));
    expect(same.attempts.DeregisterForTypeChange ?? 0).toBe(0);
    const changed = await fraudRun(update([{ status: 'InService', serves: 'new' }], 'InService', 'ml.g4dn.xlarge'));
    expect(changed.status).toBe('SUCCEEDED');
    expect(changed.taskInputs.DescribeCurrentConfig[0]).toEqual({ EndpointConfigName: 'fraud-dl--c-old' });
    expect(changed.taskInputs.DeregisterForTypeChange[0]).toEqual({ ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/mlops-prod-fraud-dl/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' });
    const order = changed.visitedStates;
    expect(order.indexOf('DeregisterForTypeChange')).toBeLessThan(order.indexOf('UpdateEndpoint'));
    expect(order.indexOf('RegisterScalableTarget')).toBeGreaterThan(order.indexOf('UpdateEndpoint'));
    // Nothing registered yet (never autoscaled): the update goes ahead.
    const unregistered = await fraudRun(update([{ status: 'InService', serves: 'new' }], 'InService', 'ml.g4dn.xlarge'),
      { DeregisterForTypeChange: { error: 'ApplicationAutoScaling.ObjectNotFoundException', cause: 'No scalable target registered' } });
    expect(unregistered.status).toBe('SUCCEEDED');
  });

  test('update (prod, CPU): linear 50% steps', async () => {
    const result = await run(prodChurn, INPUT, {
      overrides: {
        ...overrides(0.96), RequestApproval: { ...approve, approver: 'ml-lead@example.com' },
        ...update([{ status: 'InService', serves: 'new' }]),
        FindEndpoint: { Endpoints: [{ EndpointName: 'mlops-prod-churn' }] },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect((result.taskInputs.UpdateEndpoint[0] as Any).DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration)
      .toEqual({ Type: 'LINEAR', WaitIntervalInSeconds: 600, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 50 } });
    expect((result.taskInputs.CreateEndpointConfig[0] as Any).ProductionVariants[0]).toEqual(expect.objectContaining({ InstanceType: 'ml.c6i.large', InitialInstanceCount: 2 }));
  });

  test('rolled back: an alarm fired, the previous configuration still serves; notified, ends in RolloutRolledBack, nothing recorded as serving', async () => {
    const result = await fraudRun(update([{ status: 'Updating', serves: 'old' }, { status: 'InService', serves: 'old' }]));
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('RolloutRolledBack');
    expect(result.cause).toMatch(/^A rollback alarm fired while mlops-prod-fraud-dl moved to mlops-prod-fraud-dl--c[0-9a-f]{12}: SageMaker rolled back, fraud-dl--c-old still serves\./);
    expect((result.taskInputs.NotifyDeploymentProblem[0] as Any).Message).toEqual(expect.objectContaining({ problem: 'RolloutRolledBack', endpoint: 'mlops-prod-fraud-dl', modelPackageArn: PACKAGE_ARN }));
    expect(result.attempts.RecordServing ?? 0).toBe(0);
    expect(result.attempts.RegisterScalableTarget ?? 0).toBe(0);
    // Recorded for auditors before it is notified.
    const order = result.visitedStates;
    expect(order.indexOf('RecordRollback')).toBeLessThan(order.indexOf('NotifyDeploymentProblem'));
    expect(result.attempts.RecordDeployed ?? 0).toBe(0);
  });

  test('lineage: the milestones are recorded in order with the whole state; a rollback record that fails still lets the problem be notified', async () => {
    const ok = await run(churn, INPUT, { overrides: overrides(0.91) });
    const order = ok.visitedStates;
    expect(['RegisterModel', 'RecordRegistered', 'MarkApproved', 'RecordApproved', 'RecordServing', 'RecordDeployed'].map((s) => order.indexOf(s)))
      .toEqual([...['RegisterModel', 'RecordRegistered', 'MarkApproved', 'RecordApproved', 'RecordServing', 'RecordDeployed'].map((s) => order.indexOf(s))].sort((a, b) => a - b));
    const registered = ok.taskInputs.RecordRegistered[0] as Any;
    expect(registered.state).toEqual(expect.objectContaining({
      registration: { modelPackageArn: PACKAGE_ARN }, dataSnapshot: expect.any(Object), training: expect.any(Object), baseline: expect.any(Object),
    }));
    const deployed = ok.taskInputs.RecordDeployed[0] as Any;
    expect(deployed.state.deployment).toEqual(expect.objectContaining({ endpointName: 'mlops-dev-churn', endpointConfigName: expect.stringMatching(/^mlops-dev-churn--c[0-9a-f]{12}$/), modelName: expect.stringMatching(/^mlops-dev-churn--m[0-9a-f]{12}$/) }));

    const failedRecord = await fraudRun(update([{ status: 'InService', serves: 'old' }]), { RecordRollback: { error: 'AccessDenied', cause: 'no' } });
    expect(failedRecord.error).toBe('RolloutRolledBack');
    expect(failedRecord.attempts.NotifyDeploymentProblem).toBe(1);
  });

  test('lineage: no deployment without the approval record', async () => {
    const result = await run(churn, INPUT, { overrides: overrides(0.91), errors: { RecordApproved: { error: 'S3.AccessDenied', cause: 'Access Denied' } } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PipelineFailed');
    expect(result.attempts.CreateModel ?? 0).toBe(0);
  });

  test('update failure: the endpoint ends Failed; notified with SageMaker\'s reason, ends in EndpointUpdateFailed', async () => {
    const result = await fraudRun(update([{ status: 'Updating', serves: 'old' }, { status: 'Failed', serves: 'old', reason: 'Instance quota exceeded for ml.g5.xlarge' }]));
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('EndpointUpdateFailed');
    expect(result.cause).toContain('Instance quota exceeded for ml.g5.xlarge');
    expect(result.attempts.NotifyDeploymentProblem).toBe(1);
  });

  test('the UpdateEndpoint call failing (e.g. a validation error) is a pipeline failure with the cause', async () => {
    const result = await fraudRun(update([{ status: 'InService', serves: 'new' }]), { UpdateEndpoint: { error: 'SageMaker.ValidationException', cause: 'Cannot update in-progress endpoint' } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PipelineFailed');
    expect(result.cause).toBe('SageMaker.ValidationException: Cannot update in-progress endpoint');
  });

  test('a busy endpoint (Updating) is waited for before the update', async () => {
    const result = await fraudRun(update([{ status: 'InService', serves: 'new' }], 'Updating'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visitedStates).toEqual(expect.arrayContaining(['WaitForIdleEndpoint']));
    expect(result.attempts.DescribeEndpoint).toBe(2);
  });

  test('an endpoint in state Failed is not updated: notified, ends in EndpointNotUpdatable naming the fix', async () => {
    const result = await fraudRun(update([{ status: 'InService', serves: 'new' }], 'Failed'));
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('EndpointNotUpdatable');
    expect(result.cause).toContain('aws sagemaker delete-endpoint --endpoint-name mlops-prod-fraud-dl');
    expect(result.attempts.UpdateEndpoint ?? 0).toBe(0);
  });

  test('redeploy: the latest approved package is deployed again without training or asking anyone', async () => {
    const result = await run(churn, { redeploy: true }, {
      overrides: {
        ...overrides(0.91),
        FindPackageToRedeploy: { ModelPackageSummaryList: [{ ModelPackageArn: APPROVED_ARN }] },
        DescribePackageToRedeploy: { ModelPackageArn: APPROVED_ARN, CustomerMetadataProperties: { auc: '0.93', baselineUri: 's3://artifacts/models/churn/runs/exec-0/baseline.json' } },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.visitedStates.slice(0, 8)).toEqual(['IsRedeploy', 'RedeployTriggerGiven', 'DefaultRedeployTrigger', 'FindPackageToRedeploy', 'HasPackageToRedeploy', 'DescribePackageToRedeploy',
      'RedeployMetadataComplete', 'PrepareRedeploy']);
    for (const skipped of ['Train', 'Evaluate', 'RegisterModel', 'RecordAutomaticApproval', 'MarkApproved']) expect(result.attempts[skipped] ?? 0).toBe(0);
    expect((result.taskInputs.CreateModel[0] as Any).PrimaryContainer).toEqual({ ModelPackageName: APPROVED_ARN });
    expect(JSON.parse((result.taskInputs.RecordServing[0] as Any).Body).baselineUri).toBe('s3://artifacts/models/churn/runs/exec-0/baseline.json');
    expect((result.taskInputs.NotifySuccess[0] as Any).Message).toEqual(expect.objectContaining({ metric: 0.93, modelPackageArn: APPROVED_ARN }));
  });

  test('redeploy with nothing approved yet ends in NothingToRedeploy', async () => {
    const result = await run(churn, { redeploy: true, trigger: { type: 'manual' } }, { overrides: { ...overrides(0.91), FindPackageToRedeploy: { ModelPackageSummaryList: [] } } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('NothingToRedeploy');
    expect(result.cause).toContain('No approved model package in mlops-dev-churn');
  });

  test('first deployment fails (no capacity): the failed endpoint is deleted for a clean next run; notified, EndpointCreationFailed', async () => {
    const result = await run(fraud, { trainingDataUri: 's3://curated/fraud-dl/x/' }, {
      overrides: {
        ...overrides(0.95),
        DescribeNewEndpoint: { EndpointName: 'mlops-dev-fraud-dl', EndpointStatus: 'Failed', EndpointConfigName: 'x', FailureReason: 'Unable to provision requested ML compute capacity' },
        DeleteFailedEndpoint: {},
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('EndpointCreationFailed');
    expect(result.taskInputs.DeleteFailedEndpoint[0]).toEqual({ EndpointName: 'mlops-dev-fraud-dl' });
    expect(result.cause).toContain('Unable to provision requested ML compute capacity');
    expect(result.cause).toContain('instance quota of ml.g5.xlarge');
    expect(result.attempts.RecordServing ?? 0).toBe(0);
  });
});
