import { renderText } from '../../tools/cost/report';
import { CfnResource } from '../../tools/cost/template';
import { HOURS, only, run, stack } from './cost-builders';

describe('CloudFormation resources', () => {
  test('KMS key: $1 a month; rotation adds $1 at each of the first two rotations', () => {
    const key = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, RotationPeriodInDays: 365 } };
    expect(only(run([stack({ Key: key })]), 'Key').idle).toBe(1);
    expect(only(run([stack({ Key: key })], { keyAgeMonths: 13 }), 'Key').idle).toBe(2);
    expect(only(run([stack({ Key: key })], { keyAgeMonths: 60 }), 'Key').idle).toBe(3);
    expect(only(run([stack({ Key: key })], { keyAgeMonths: 60 }), 'Key').detail).toMatch(/\$3\.00 from day 730/);
  });

  test('CloudTrail: the first management trail is free, data events cost $0.10 per 100k on the recorded buckets', () => {
    // GIVEN a trail recording 2 of 2 data buckets, and a second trail with management events only
    const bucketArn = (id: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/']] });
    const resources: Record<string, CfnResource> = {
      Raw: { Type: 'AWS::S3::Bucket' },
      Curated: { Type: 'AWS::S3::Bucket' },
      Trail: { Type: 'AWS::CloudTrail::Trail', Properties: { EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: [bucketArn('Raw'), bucketArn('Curated')] }], IncludeManagementEvents: true, ReadWriteType: 'All' }] } },
      Second: { Type: 'AWS::CloudTrail::Trail', Properties: {} },
    };
    // WHEN
    const e = run([stack(resources)], { lakeRequestsPerMonth: 2_000_000, managementEventsPerMonth: 300_000 });
    // THEN
    expect(only(e, 'Trail').idle).toBe(0);
    expect(only(e, 'Trail').load).toBeCloseTo(2, 6); // 2M data events x $0.10 / 100k
    expect(only(e, 'Second').load).toBeCloseTo(6, 6); // 300k management events x $2 / 100k (not the first trail)
  });

  test('log group: ingestion per GB and storage capped by retention; a trail\'s log group gets the trail\'s events', () => {
    // GIVEN
    const resources: Record<string, CfnResource> = {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
      Forever: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      TrailLogs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } },
      Trail: { Type: 'AWS::CloudTrail::Trail', Properties: { CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': ['TrailLogs', 'Arn'] } } },
    };
    // WHEN
    const e = run([stack(resources)], { logGbPerGroup: 2, retainedMonths: 12, managementEventsPerMonth: 1_000_000 });
    // THEN 2 GB x $0.50 + 2 GB x (30 / 30.42 months) x $0.03
    expect(only(e, 'Logs').load).toBeCloseTo(2 * 0.5 + 2 * (30 / (730 / 24)) * 0.03, 6);
    expect(only(e, 'Forever').load).toBeCloseTo(2 * 0.5 + 2 * 12 * 0.03, 6);
    // 1M events x 1.5 KB = 1.5 GB/month
    expect(only(e, 'TrailLogs').load).toBeCloseTo(1.5 * 0.5 + 1.5 * 12 * 0.03, 6);
    expect(only(e, 'Logs').idle).toBe(0);
  });

  test('alarms per alarm metric (high resolution dearer); dashboards free up to 3 in the environment', () => {
    // GIVEN
    const resources: Record<string, CfnResource> = {
      Plain: { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 300 } },
      Fast: { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 10 } },
      MathAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Id: 'a', MetricStat: { Period: 60 } }, { Id: 'b', MetricStat: { Period: 60 } }, { Id: 'e', Expression: 'a+b' }] } },
      D1: { Type: 'AWS::CloudWatch::Dashboard' }, D2: { Type: 'AWS::CloudWatch::Dashboard' }, D3: { Type: 'AWS::CloudWatch::Dashboard' }, D4: { Type: 'AWS::CloudWatch::Dashboard' },
    };
    // WHEN
    const e = run([stack(resources)]);
    // THEN
    expect(only(e, 'Plain').idle).toBeCloseTo(0.1, 9);
    expect(only(e, 'Fast').idle).toBeCloseTo(0.3, 9);
    expect(only(e, 'MathAlarm').idle).toBeCloseTo(0.2, 9);
    expect(['D1', 'D2', 'D3', 'D4'].map((d) => only(e, d).idle)).toEqual([0, 0, 0, 3]);
  });

  test('secret, DynamoDB (on demand and provisioned), SNS with e-mail subscriptions, SQS, REST API', () => {
    // GIVEN
    const resources: Record<string, CfnResource> = {
      Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } },
      Fixed: { Type: 'AWS::DynamoDB::Table', Properties: { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
      Mail1: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', TopicArn: { Ref: 'Topic' } } },
      Mail2: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', TopicArn: { Ref: 'Topic' } } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
    };
    // WHEN
    const e = run([stack(resources)], {
      dynamoWrites: 2_000_000, dynamoReads: 4_000_000, dynamoGb: 10, snsPublishes: 100_000, sqsRequests: 5_000_000, apiRequests: 2_000_000,
    });
    // THEN
    expect(only(e, 'Secret').idle).toBe(0.4);
    expect(only(e, 'Table').idle).toBe(0);
    expect(only(e, 'Table').load).toBeCloseTo(2 * 0.625 + 4 * 0.125 + 10 * 0.25 + 10 * 0.2, 6);
    expect(only(e, 'Fixed').idle).toBeCloseTo((5 * 0.00013 + 5 * 0.00065) * HOURS, 6);
    expect(only(e, 'Topic').load).toBeCloseTo(0.1 * 0.5 + 2 * 2, 6); // 100k publishes + 200k e-mails
    expect(only(e, 'Queue').load).toBeCloseTo(5 * 0.4, 6);
    expect(only(e, 'Api').load).toBeCloseTo(2 * 3.5, 6);
  });

  test('Lambda: invocations and GB-seconds from the memory size; schedules drive invocations (also at idle); custom resource handlers run only on deploys', () => {
    // GIVEN
    const resources: Record<string, CfnResource> = {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 2048, Architectures: ['arm64'], Timeout: 60 } },
      X86: { Type: 'AWS::Lambda::Function', Properties: { Timeout: 900 } },
      Drift: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 1024, Architectures: ['arm64'], Timeout: 60 } },
      Hourly: { Type: 'AWS::Scheduler::Schedule', Properties: { ScheduleExpression: 'rate(1 hour)', Target: { Arn: { 'Fn::GetAtt': ['Drift', 'Arn'] } } } },
      Cleanup: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 256, Timeout: 60 } },
      Custom: { Type: 'Custom::Cleanup', Properties: { ServiceToken: { 'Fn::GetAtt': ['Cleanup', 'Arn'] } } },
    };
    // WHEN
    const e = run([stack(resources)], { lambdaInvocations: 1_000_000, lambdaSeconds: 2 });
    // THEN 1M x 2 s x 2 GB x arm64 rate + 1M requests x $0.20/M
    expect(only(e, 'Fn').load).toBeCloseTo(4_000_000 * 0.0000133334 + 0.2, 6);
    expect(only(e, 'Fn').idle).toBe(0);
    // x86, 128 MB by default
    expect(only(e, 'X86').load).toBeCloseTo(1_000_000 * 2 * 0.125 * 0.0000166667 + 0.2, 6);
    // 730 hourly runs, at idle too; the schedule itself is $1 per million invocations
    expect(only(e, 'Drift').idle).toBeCloseTo(730 * 2 * 1 * 0.0000133334 + (730 / 1e6) * 0.2, 9);
    expect(only(e, 'Hourly').idle).toBeCloseTo((730 / 1e6) * 1, 9);
    expect(only(e, 'Cleanup').load).toBe(0);
    expect(only(e, 'Cleanup').detail).toMatch(/custom resource handler/);
    expect(e.notPriced).toEqual([]);
  });

  test('Step Functions: one transition per state per run; SageMaker tasks priced per run when there is no training metadata', () => {
    // GIVEN a two-state definition whose Train task runs 2 x ml.m5.xlarge spot for at most 2 hours
    const definition = {
      StartAt: 'Train',
      States: {
        Train: {
          Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync', Next: 'Done',
          Parameters: { ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2 }, StoppingCondition: { MaxRuntimeInSeconds: 7200 }, EnableManagedSpotTraining: true },
        },
        Done: { Type: 'Succeed' },
      },
    };
    const sm = { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: { 'Fn::Join': ['', [JSON.stringify(definition).slice(0, 20), JSON.stringify(definition).slice(20)]] } } };
    // WHEN
    const e = run([stack({ Pipeline: sm }, { model: 'churn' })], { trainingRunsPerMonth: 10, spotDiscount: 0.7 });
    // THEN
    expect(only(e, 'Pipeline').load).toBeCloseTo((2 * 10 / 1000) * 0.025, 9);
    const train = only(e, 'Pipeline/Train');
    expect(train.perRun).toBeCloseTo(2 * 0.23 * 2 * 0.3, 9);
    expect(train.load).toBeCloseTo(10 * 2 * 0.23 * 2 * 0.3, 9);
    expect(train.category).toBe('training');
  });

  test('S3: the lake size is spread over the data buckets; audit and access-log buckets hold the logs', () => {
    // GIVEN a trail recording the two data buckets into the audit bucket; the buckets log to the access-log bucket
    const logging = { LoggingConfiguration: { DestinationBucketName: { Ref: 'AccessLogs' } } };
    const arn = (id: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/']] });
    const resources: Record<string, CfnResource> = {
      AccessLogs: { Type: 'AWS::S3::Bucket', Properties: { LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90 }] } } },
      Raw: { Type: 'AWS::S3::Bucket', Properties: logging },
      Curated: { Type: 'AWS::S3::Bucket', Properties: logging },
      Audit: { Type: 'AWS::S3::Bucket', Properties: logging },
      Trail: { Type: 'AWS::CloudTrail::Trail', Properties: { S3BucketName: { Ref: 'Audit' }, EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: [arn('Raw'), arn('Curated')] }] }] } },
    };
    // WHEN
    const e = run([stack(resources)], { lakeGb: 100, lakeRequestsPerMonth: 1_000_000, managementEventsPerMonth: 0, retainedMonths: 12 });
    // THEN each data bucket: 50 GB x $0.023 + 500k requests (100k PUT x $0.005/1000 + 400k GET x $0.0004/1000)
    expect(only(e, 'Raw').load).toBeCloseTo(50 * 0.023 + 100 * 0.005 + 400 * 0.0004, 6);
    expect(only(e, 'Raw').idle).toBe(0);
    // 1M data events x 1.5 KB / 10 x 12 months
    expect(only(e, 'Audit').load).toBeCloseTo(1.8 * 0.023, 6);
    // 1M requests x 0.5 KB x (90 days = 2.96 months)
    expect(only(e, 'AccessLogs').load).toBeCloseTo(0.5 * (90 / (730 / 24)) * 0.023, 6);
  });

  test('NAT gateway and interface endpoints cost by the hour and the GB; gateway endpoints are free', () => {
    // GIVEN
    const resources: Record<string, CfnResource> = {
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
      Ecr: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['subnet-1', 'subnet-2', 'subnet-3'] } },
      S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
    };
    // WHEN
    const e = run([stack(resources)], { natGb: 100, endpointGb: 50 });
    // THEN
    expect(only(e, 'Nat').idle).toBeCloseTo(0.045 * HOURS, 6);
    expect(only(e, 'Nat').load).toBeCloseTo(0.045 * HOURS + 100 * 0.045, 6);
    expect(only(e, 'Ecr').idle).toBeCloseTo(3 * 0.01 * HOURS, 6);
    expect(only(e, 'Ecr').load).toBeCloseTo(3 * 0.01 * HOURS + 50 * 0.01, 6);
    expect(only(e, 'S3').load).toBe(0);
  });

  test('feature group: the online store\'s reads, writes and storage at load; offline-only costs nothing of its own', () => {
    // GIVEN
    const resources: Record<string, CfnResource> = {
      Online: { Type: 'AWS::SageMaker::FeatureGroup', Properties: { OnlineStoreConfig: { EnableOnlineStore: true } } },
      Offline: { Type: 'AWS::SageMaker::FeatureGroup', Properties: {} },
    };
    // WHEN
    const e = run([stack(resources)], { featureWrites: 2_000_000, requestsPerMonth: 4_000_000, featureGb: 2 });
    // THEN
    expect(only(e, 'Online').load).toBeCloseTo(2 * 1.25 + 4 * 0.25 + 2 * 0.45, 6);
    expect(only(e, 'Online').unconfirmed).toBe(true);
    expect(only(e, 'Offline').load).toBe(0);
  });

  test('SageMaker endpoints in the template are priced from their endpoint configuration', () => {
    // GIVEN
    const resources: Record<string, CfnResource> = {
      Config: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'main', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2 }] } },
      Endpoint: { Type: 'AWS::SageMaker::Endpoint', Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Config', 'EndpointConfigName'] } } },
      SlsConfig: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'sls', ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } }] } },
      Sls: { Type: 'AWS::SageMaker::Endpoint', Properties: { EndpointConfigName: { 'Fn::GetAtt': ['SlsConfig', 'EndpointConfigName'] } } },
    };
    // WHEN
    const e = run([stack(resources)]);
    // THEN
    expect(only(e, 'Endpoint/main').idle).toBeCloseTo(2 * 1.408 * HOURS, 6);
    expect(only(e, 'Sls/sls').idle).toBe(0);
    expect(e.notPriced).toEqual([]);
  });

  test('a type without a price is listed, not counted as $0; free types are not listed', () => {
    // GIVEN
    const resources: Record<string, CfnResource> = {
      Role: { Type: 'AWS::IAM::Role' },
      Db: { Type: 'AWS::RDS::DBInstance' },
      Db2: { Type: 'AWS::RDS::DBInstance' },
    };
    // WHEN
    const e = run([stack(resources)]);
    // THEN
    expect(e.notPriced).toEqual([{ type: 'AWS::RDS::DBInstance', count: 2, stacks: ['test-stack'] }]);
    expect(renderText(e)).toContain('AWS::RDS::DBInstance x 2 (test-stack)');
  });
});
