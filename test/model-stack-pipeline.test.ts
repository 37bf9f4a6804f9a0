import { models } from './fixtures/config';
import { buildTestApp } from './helpers';
import { defaultModelTemplate } from './helpers/default-app';
import { definitionText, only, Resource, stateText, statementsOf } from './model-stack-helpers';
import { ENDPOINT_POLL_SECONDS, endpointPollBounds } from '../pipelines/stages/endpoint-status';

// GIVEN the dev model stacks of the two sample models (their templates as every file reading the default app gets them).
const churn = defaultModelTemplate('dev', 'churn');
const fraud = defaultModelTemplate('dev', 'fraud-dl');

describe('ModelStack: training pipeline', () => {
  test('standard workflow, logged (encrypted, retained) and traced', () => {
    const [, machine] = only(churn, 'AWS::StepFunctions::StateMachine');
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration.Level).toBe('ALL');
    const logGroupId = machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    const logGroup = churn.toJSON().Resources[logGroupId] as Resource;
    // A dynamic reference: a plain string for the Control Tower check, the platform's data key at deployment.
    expect(logGroup.Properties.KmsKeyId).toBe('{{resolve:ssm:/mlops/dev/platform/data-key-arn}}');
    expect(logGroup.DeletionPolicy).toBe('Retain');
  });

  test('CPU training: spot with checkpoints and max wait, volume KMS, CSV channel, built-in image', () => {
    const text = definitionText(churn);
    expect(text).toContain('\\"EnableManagedSpotTraining\\":true');
    expect(text).toContain('\\"MaxWaitTimeInSeconds\\":7200');
    expect(text).toContain('checkpoints/');
    expect(text).toContain('\\"VolumeKmsKeyId\\"');
    expect(text).toContain('\\"ContentType\\":\\"text/csv\\"');
    expect(text).toContain('/sagemaker-xgboost:1.7-1');
    expect(text).not.toContain('ContainerEntrypoint\\":[\\"/bin/sh\\",\\"-c\\",\\"exec python3 /opt/ml/input');
  });

  test('GPU training on ml.g5 (local NVMe): no volume KMS key, the PyTorch GPU image and the blueprint script', () => {
    const text = definitionText(fraud);
    const train = stateText(text, 'Train');
    expect(train).toContain('\\"InstanceType\\":\\"ml.g5.xlarge\\"');
    expect(train).not.toContain('VolumeKmsKeyId');
    expect(train).toContain('pytorch-training:2.6.0-gpu-py312-cu126-ubuntu22.04-sagemaker');
    // The training toolkit runs the wrapper from the source package in the code channel (no ContainerEntrypoint in createTrainingJob.sync).
    expect(train).toContain('\\"sagemaker_program\\":\\"mlops_train.py\\"');
    expect(train).toMatch(/\\"sagemaker_submit_directory\\":\\"\/opt\/ml\/input\/data\/code\/[0-9a-f]{64}\.gz\\"/);
    expect(train).not.toContain('ContainerEntrypoint');
    expect(train).toContain('\\"ChannelName\\":\\"code\\"');
    // Evaluation runs on CPU: the CPU image, with its volume encrypted.
    const evaluate = stateText(text, 'Evaluate');
    expect(evaluate).toContain('pytorch-training:2.6.0-cpu-py312-ubuntu22.04-sagemaker');
    expect(evaluate).toContain('VolumeKmsKeyId');
    expect(evaluate).toContain('\\"MLOPS_FRAMEWORK\\":\\"pytorch\\"');
  });

  test('the package is registered with the framework\'s inference image; the run may last as long as its slowest path', () => {
    const text = definitionText(fraud);
    const register = stateText(text, 'RegisterModel');
    expect(register).toContain('pytorch-inference:2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker');
    // fraud-dl: spot wait 2 x 120 min, + 1 h evaluation + 1 h margin, no human wait in dev, plus the longest endpoint
    // waits (idle endpoint, then the rollout), so the deployment's own bounds end the run first, notified.
    const { serving } = buildTestApp({ env: 'dev' }, { models }).stacks.models['fraud-dl'].model;
    const bounds = endpointPollBounds(serving);
    const waits = (Math.max(bounds.creation, bounds.rollout) + bounds.rollout) * ENDPOINT_POLL_SECONDS;
    expect(waits).toBeGreaterThan(3600);
    expect(definitionText(fraud)).toContain(`\\"TimeoutSeconds\\":${21600 + waits}`);
  });

  test('the pipeline may approve its packages and invoke exactly its own functions (prod: the approval request too)', () => {
    const prodT = defaultModelTemplate('prod', 'churn');
    const statements = statementsOf(prodT, /^Training pipeline of/);
    const update = statements.find((s) => [s.Action].flat().includes('sagemaker:UpdateModelPackage'));
    expect(JSON.stringify(update.Resource)).toContain(':model-package/mlops-prod-churn/*');
    const invoke = statements.find((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    const ids = (invoke.Resource as Array<{ 'Fn::GetAtt': [string, string] }>).map((r) => r['Fn::GetAtt'][0]).sort();
    expect(ids).toEqual([expect.stringMatching(/^ModelApprovalRequestFunction/), expect.stringMatching(/^ModelComputeBaselineFunction/), expect.stringMatching(/^ModelRecordDecisionFunction/), expect.stringMatching(/^ModelRecordLineageFunction/), expect.stringMatching(/^ModelSnapshotTrainingDataFunction/)]);
  });

  test('no hard-coded partition in task resources', () => {
    expect(definitionText(churn)).not.toContain('arn:aws:');
  });
});
