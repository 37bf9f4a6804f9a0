import { RunLocallyOptions, TaskOverride } from '../helpers/sfn';
import { APPROVED_ARN, defaultDefinitionOf, INPUT, overrides, PACKAGE_ARN, run } from './fixtures';

// GIVEN the pipelines of the two sample models: dev (first deployments, automatic gate) and prod (updates with guardrails).
const churn = defaultDefinitionOf('dev', 'churn');
const fraud = defaultDefinitionOf('dev', 'fraud-dl');
const prodChurn = defaultDefinitionOf('prod', 'churn');

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
