import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ModelDeclaration } from '../lib/config/model';
import { ConfigError } from '../lib/config/schema';
import { models, platformConfig } from './fixtures/config';
import { buildTestApp } from './helpers';
import { defaultModelTemplate } from './helpers/default-app';
import { definitionText, only, Resource, stateText, statementsOf } from './model-stack-helpers';

const { stacks } = buildTestApp({ env: 'dev' }, { models, modelsSource: 'config/models.ts' });
// the constructs above; their templates as every file reading the default app gets them
const churn = defaultModelTemplate('dev', 'churn');
const fraud = defaultModelTemplate('dev', 'fraud-dl');

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

