import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ModelDeclaration } from '../lib/config/model';
import { ConfigError } from '../lib/config/schema';
import { models, platformConfig } from './fixtures/config';
import { buildTestApp } from './helpers';
import { defaultModelTemplate } from './helpers/default-app';
import { ENDPOINT_POLL_SECONDS, endpointPollBounds } from '../pipelines/stages/endpoint-status';

type Resource = { Type: string; Properties: any; DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

const { stacks } = buildTestApp({ env: 'dev' }, { models, modelsSource: 'config/models.ts' });
// the constructs above; their templates as every file reading the default app gets them
const churn = defaultModelTemplate('dev', 'churn');
const fraud = defaultModelTemplate('dev', 'fraud-dl');

function only(template: Template, type: string): [string, Resource] {
  const found = Object.entries(template.findResources(type) as Record<string, Resource>);
  expect(found).toHaveLength(1);
  return found[0];
}

function definitionText(template: Template): string {
  const [, machine] = only(template, 'AWS::StepFunctions::StateMachine');
  return JSON.stringify(machine.Properties.DefinitionString);
}

/** The text of one state of `definitionText`, from its name to its closing brace (state order does not matter). */
function stateText(text: string, name: string): string {
  const start = text.indexOf(`\\"${name}\\":{`);
  if (start < 0) throw new Error(`no state ${name}`);
  let depth = 0;
  for (let i = text.indexOf('{', start); i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

function statementsOf(template: Template, description: RegExp): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy') as Record<string, Resource>)
    .filter((p) => description.test(p.Properties.Description));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('ModelStack', () => {
  test('one stack per declared model, after the platform, reading it from SSM (no exports)', () => {
    expect(Object.keys(stacks.models)).toEqual(['churn', 'fraud-dl']);
    expect(stacks.models.churn.stackName).toBe('mlops-dev-model-churn');
    expect(stacks.models.churn.dependencies).toContain(stacks.platform);
    for (const t of [churn, fraud]) {
      expect(JSON.stringify(t.toJSON())).not.toContain('Fn::ImportValue');
      const params = Object.values(t.toJSON().Parameters as Record<string, { Type: string; Default?: string }>)
        .filter((p) => p.Type.startsWith('AWS::SSM'));
      expect(params.map((p) => p.Default)).toEqual(expect.arrayContaining(['/mlops/dev/platform/data-key-arn', '/mlops/dev/platform/artifacts-bucket-arn']));
    }
  });

  describe('feature group', () => {
    const [id, group] = only(churn, 'AWS::SageMaker::FeatureGroup');

    test('declared features, offline store in the lake (PascalCase keys, KMS), retained', () => {
      expect(group.Properties.RecordIdentifierFeatureName).toBe('customer_id');
      expect(group.Properties.EventTimeFeatureName).toBe('event_time');
      expect(group.Properties.FeatureDefinitions).toContainEqual({ FeatureName: 'tenure_months', FeatureType: 'Integral' });
      expect(group.Properties.FeatureDefinitions).toHaveLength(6);
      expect(Object.keys(group.Properties.OfflineStoreConfig).sort()).toEqual(['DisableGlueTableCreation', 'S3StorageConfig']);
      expect(JSON.stringify(group.Properties.OfflineStoreConfig.S3StorageConfig.KmsKeyId)).toContain('datakeyarn');
      expect(JSON.stringify(group.Properties.OfflineStoreConfig.S3StorageConfig.S3Uri)).toContain('/churn/');
      expect(group.Properties.OnlineStoreConfig).toBeUndefined();
      expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(group.UpdateReplacePolicy).toBe('Retain');
      expect(group.Properties.FeatureGroupName).toBe('mlops-dev-churn');
      void id;
    });

    test('waits for its role policy; the role may write only its prefix, with the key (CreateGrant) and Glue', () => {
      const statements = statementsOf(churn, /Feature Store offline store access/);
      const actions = statements.flatMap((s) => s.Action);
      expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 'kms:CreateGrant', 'kms:GenerateDataKey', 'glue:CreateTable']));
      const policyId = Object.entries(churn.findResources('AWS::IAM::ManagedPolicy') as Record<string, Resource>)
        .find(([, p]) => /Feature Store offline store access/.test(p.Properties.Description))![0];
      expect(group.DependsOn).toEqual(expect.arrayContaining([policyId]));
    });
  });

  test('model package group per model, retained, private unless cross-account readers are declared', () => {
    const [, group] = only(churn, 'AWS::SageMaker::ModelPackageGroup');
    expect(group.Properties.ModelPackageGroupName).toBe('mlops-dev-churn');
    expect(group.Properties.ModelPackageGroupPolicy).toBeUndefined();
    expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');

    const declaration: ModelDeclaration = { ...models[0], registry: { crossAccountReaders: ['210987654321'] } };
    const { stacks: withReaders } = buildTestApp({ env: 'dev' }, { models: [declaration] });
    const [, shared] = only(Template.fromStack(withReaders.models.churn), 'AWS::SageMaker::ModelPackageGroup');
    const statement = shared.Properties.ModelPackageGroupPolicy.Statement[0];
    expect(JSON.stringify(statement.Principal)).toContain(':iam::210987654321:root');
    expect(statement.Action).toEqual(['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages']);
  });

  describe('IAM', () => {
    test('no AmazonSageMakerFullAccess, no inline policies anywhere', () => {
      for (const t of [churn, fraud]) {
        expect(JSON.stringify(t.toJSON())).not.toContain('AmazonSageMakerFullAccess');
        expect(t.findResources('AWS::IAM::Policy')).toEqual({});
      }
    });

    test('pipeline role: PassRole only to SageMaker, .sync rules, AddTags, job names scoped to the model', () => {
      const statements = statementsOf(churn, /^Training pipeline of/);
      const passRole = statements.find((s) => s.Action === 'iam:PassRole');
      expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
      const rules = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('events:PutRule'));
      expect(JSON.stringify(rules.Resource)).toContain('rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule');
      expect(JSON.stringify(rules.Resource)).toContain('rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule');
      const jobs = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('sagemaker:CreateTrainingJob'));
      expect(jobs.Action).toEqual(expect.arrayContaining(['sagemaker:AddTags', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:CreateProcessingJob']));
      expect(JSON.stringify(jobs.Resource)).toContain(':training-job/mlops-dev-churn--*');
      expect(JSON.stringify(jobs.Resource)).toContain(':processing-job/mlops-dev-churn--*');
      const grant = statements.find((s) => s.Action === 'kms:CreateGrant');
      expect(grant.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
      // Publishing to the encrypted pipeline topic needs the notification key.
      const snsKey = statements.find((s) => JSON.stringify(s.Resource).includes('notificationkeyarn'));
      expect([...snsKey.Action].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    });

    test('job role: reads its data prefix, writes its artifacts, pulls exactly its framework repositories', () => {
      const statements = statementsOf(churn, /^SageMaker jobs of/);
      const ecr = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('ecr:BatchGetImage'));
      expect(JSON.stringify(ecr.Resource)).toContain('repository/sagemaker-xgboost');
      const actions = statements.flatMap((s) => s.Action);
      expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 'kms:Decrypt', 'kms:GenerateDataKey', 'ecr:GetAuthorizationToken', 'logs:PutLogEvents']));
      const list = statements.filter((s) => s.Action === 's3:ListBucket').map((s) => s.Condition.StringLike['s3:prefix']);
      expect(list.filter((p) => typeof p === 'string').sort()).toEqual(['churn/*', 'models/churn/*']);
      // The evaluation script is an S3Prefix input: SageMaker lists its own key before reading it.
      expect(list.filter((p) => Array.isArray(p))).toEqual([[expect.stringMatching(/^[0-9a-f]{64}\.py\*$/)]]);
      const fraudEcr = statementsOf(fraud, /^SageMaker jobs of/).find((s) => Array.isArray(s.Action) && s.Action.includes('ecr:BatchGetImage'));
      expect(JSON.stringify(fraudEcr.Resource)).toContain('repository/pytorch-training');
    });

    test('the state machine and the feature group wait for every policy their roles need', () => {
      const [, machine] = only(churn, 'AWS::StepFunctions::StateMachine');
      const policyIds = Object.keys(churn.findResources('AWS::IAM::ManagedPolicy'));
      const needed = policyIds.filter((id) => /^Model(JobPolicy|PipelinePolicy)/.test(id));
      expect(needed).toHaveLength(2);
      expect(machine.DependsOn).toEqual(expect.arrayContaining(needed));
    });
  });

  test('snapshot function: Node.js 24 on ARM, traced, no reserved concurrency, encrypted retained logs, explicit managed policy', () => {
    const fn = Object.values(churn.findResources('AWS::Lambda::Function') as Record<string, Resource>)
      .find((f) => /^Records the training data/.test(f.Properties.Description))!;
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    const groups = Object.values(churn.findResources('AWS::Logs::LogGroup') as Record<string, Resource>);
    for (const g of groups) {
      expect(g.Properties.KmsKeyId).toBe('{{resolve:ssm:/mlops/dev/platform/data-key-arn}}');
      expect(g.DeletionPolicy).toBe('Retain');
    }
    const statements = statementsOf(churn, /^Records the training data object versions/);
    const list = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('s3:ListBucketVersions'));
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': 'churn/*' } });
    expect(JSON.stringify(statements)).not.toContain('"s3:*"');
    // The pipeline may invoke exactly this function.
    const invoke = statementsOf(churn, /^Training pipeline of/).find((s) => s.Action === 'lambda:InvokeFunction');
    expect(JSON.stringify(invoke.Resource)).toContain('ModelSnapshotTrainingDataFunction');
  });

  describe('training pipeline', () => {
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
      const bounds = endpointPollBounds(stacks.models['fraud-dl'].model.serving);
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

  test('with a VPC configured for the environment, every job runs in it and the job role may manage its network interfaces there', () => {
    const config = JSON.parse(JSON.stringify(platformConfig));
    config.environments.dev.sagemakerVpc = { subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'], securityGroupIds: ['sg-0123456789abcdef0'] };
    const { app, stacks: withVpc } = buildTestApp({ env: 'dev' }, { config, models, complianceChecks: true });
    expect(() => app.synth()).not.toThrow();
    const t = Template.fromStack(withVpc.models.churn);
    const text = definitionText(t);
    expect(text).toContain('\\"VpcConfig\\":{\\"Subnets\\":[\\"subnet-0123456789abcdef0\\",\\"subnet-0fedcba9876543210\\"],\\"SecurityGroupIds\\":[\\"sg-0123456789abcdef0\\"]}');
    expect(text).toContain('\\"NetworkConfig\\":{\\"VpcConfig\\"');
    const statements = statementsOf(t, /^SageMaker jobs of/);
    const eni = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('ec2:CreateNetworkInterface'));
    expect(JSON.stringify(eni.Resource)).toContain(':subnet/subnet-0123456789abcdef0');
    expect(JSON.stringify(eni.Resource)).toContain(':security-group/sg-0123456789abcdef0');
    // Without a VPC there is no EC2 permission at all.
    expect(JSON.stringify(statementsOf(churn, /^SageMaker jobs of/))).not.toContain('ec2:');
    expect(definitionText(churn)).not.toContain('VpcConfig');
  });

  test('every training and feature option reaches the template', () => {
    const declaration: ModelDeclaration = {
      ...models[1],
      features: { ...models[1].features, onlineStore: true },
      training: { instanceType: 'ml.p4d.24xlarge', instanceCount: 2, spot: true, maxRuntimeMinutes: 300, maxWaitMinutes: 900, volumeSizeGb: 500, hyperparameters: { epochs: '3' } },
      evaluation: { metric: 'rmse', direction: 'minimize', threshold: 0.2, instanceType: 'ml.c5.2xlarge' },
    };
    const { stacks: custom } = buildTestApp({ env: 'dev' }, { models: [declaration] });
    const t = Template.fromStack(custom.models['fraud-dl']);
    const [, group] = only(t, 'AWS::SageMaker::FeatureGroup');
    expect(group.Properties.OnlineStoreConfig).toEqual({ EnableOnlineStore: true, SecurityConfig: { KmsKeyId: expect.anything() } });
    const text = definitionText(t);
    const train = stateText(text, 'Train');
    for (const fragment of ['"InstanceType\\":\\"ml.p4d.24xlarge', '"InstanceCount\\":2', '"VolumeSizeInGB\\":500', '"MaxRuntimeInSeconds\\":18000',
      '"MaxWaitTimeInSeconds\\":54000', '"EnableInterContainerTrafficEncryption\\":true', '"HyperParameters\\":{\\"epochs\\":\\"3\\",']) {
      expect(train).toContain(fragment);
    }
    expect(train).not.toContain('VolumeKmsKeyId');
    const evaluate = stateText(text, 'Evaluate');
    expect(evaluate).toContain('"InstanceType\\":\\"ml.c5.2xlarge');
    // Lower is better for rmse: the gate compares with <=.
    expect(text).toContain('NumericLessThanEquals\\":0.2');
    expect(text).toContain('NumericLessThanEqualsPath');
  });

  test('a third model is one declaration', () => {
    const third: ModelDeclaration = {
      name: 'upsell',
      framework: 'xgboost',
      features: { recordIdentifier: 'id', eventTime: 'ts', definitions: [{ name: 'id', type: 'string' }, { name: 'ts', type: 'string' }, { name: 'spend', type: 'fractional' }] },
      training: { instanceType: 'ml.m5.large', spot: false },
      evaluation: { metric: 'auc', direction: 'maximize', threshold: 0.7 },
      approvers: { prod: ['sales-ml@example.com'] },
    };
    const { stacks: three } = buildTestApp({ env: 'dev' }, { models: [...models, third] });
    expect(Object.keys(three.models)).toEqual(['churn', 'fraud-dl', 'upsell']);
    const t = Template.fromStack(three.models.upsell);
    t.hasResourceProperties('AWS::SageMaker::FeatureGroup', { FeatureGroupName: 'mlops-dev-upsell' });
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const text = definitionText(t);
    expect(text).toContain('\\"EnableManagedSpotTraining\\":false');
    expect(text).not.toContain('MaxWaitTimeInSeconds');
  });

  test('bad declarations fail before any stack exists, naming the model, the field and the value', () => {
    const bad = [{ ...models[0], training: { instanceType: 'ml.m5.xlarge' } }, { ...models[1], name: 'churn' }];
    expect(() => buildTestApp({ env: 'dev' }, { models: bad, modelsSource: 'config/models.ts' })).toThrow(ConfigError);
    expect(() => buildTestApp({ env: 'dev' }, { models: bad, modelsSource: 'config/models.ts' })).toThrow(/config\/models\.ts.*models\[1\] "churn"\.name/s);
    const gpuOnCpu = [{ ...models[1], training: { instanceType: 'ml.m5.xlarge' } }];
    expect(() => buildTestApp({ env: 'dev' }, { models: gpuOnCpu })).toThrow(/models\[0\] "fraud-dl"\.training\.instanceType: got "ml\.m5\.xlarge"; expected a GPU instance type/);
    void Stack;
    void Match;
  });
});

describe('ModelStack outputs', () => {
  test('name the pipeline, registry, feature group, endpoint and dashboard, never as exports', () => {
    const outputs = churn.toJSON().Outputs as Record<string, { Value: unknown; Export?: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      'DashboardName', 'DashboardUrl', 'EndpointName', 'FeatureGroupName', 'ModelPackageGroupName', 'StateMachineArn',
    ]);
    expect(Object.values(outputs).filter((o) => o.Export !== undefined)).toEqual([]);
    expect(outputs.StateMachineArn.Value).toEqual({ Ref: only(churn, 'AWS::StepFunctions::StateMachine')[0] });
    const dashboardRef = { Ref: only(churn, 'AWS::CloudWatch::Dashboard')[0] };
    expect(outputs.DashboardName.Value).toEqual(dashboardRef);
    expect(JSON.stringify(outputs.DashboardUrl.Value)).toContain(`#dashboards:name=",${JSON.stringify(dashboardRef)}`);
    expect(outputs.ModelPackageGroupName.Value).toBe(only(churn, 'AWS::SageMaker::ModelPackageGroup')[1].Properties.ModelPackageGroupName);
    expect(outputs.FeatureGroupName.Value).toBe(only(churn, 'AWS::SageMaker::FeatureGroup')[1].Properties.FeatureGroupName);
    expect(outputs.EndpointName.Value).toBe(stacks.models.churn.model.endpoint.endpointName);
  });

  test('with human approval (prod), the approval page URL too', () => {
    const prod = buildTestApp({ env: 'prod' }, { models, modelsSource: 'config/models.ts' }).stacks.models.churn;
    const outputs = Template.fromStack(prod).toJSON().Outputs as Record<string, { Value: unknown; Export?: unknown }>;
    expect(outputs.ApprovalPageUrl).toBeDefined();
    const text = JSON.stringify(outputs.ApprovalPageUrl.Value);
    expect(text).toContain(`{"Ref":"${prod.getLogicalId(prod.model.approvalGate!.api.node.defaultChild as CfnElement)}"}`);
    const stage = prod.model.approvalGate!.api.deploymentStage;
    expect(text).toContain(`{"Ref":"${prod.getLogicalId(stage.node.defaultChild as CfnElement)}"},"/"]`);
    expect(Object.values(outputs).filter((o) => o.Export !== undefined)).toEqual([]);
  });
});

