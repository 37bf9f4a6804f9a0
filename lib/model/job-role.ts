import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { tuningNamePrefix } from '../../pipelines/runtime-names';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { ResolvedServing } from '../../contracts/serving';
import { acknowledgeWildcardResources } from '../compliance';
import { SageMakerVpcSettings } from '../config/environment';
import { IPlatform } from '../platform/platform-reference';

/** Properties of {@link createJobRole}. */
export interface JobRoleProps {
  /** `<namespace>-<environment>-<model>`. */
  readonly qualifiedName: string;
  /** The model's name: its prefix in the lake buckets. */
  readonly modelName: string;
  readonly platform: IPlatform;
  /** The blueprint's scripts the jobs run (S3 assets). */
  readonly scriptAssets: s3assets.Asset[];
  /** The ECR repositories of the training, evaluation and inference images. */
  readonly imageRepositoryArns: string[];
  /**
   * The model tunes: the training jobs its tuning jobs launch are named after the tuning job, whose prefix is shortened
   * for long qualified names (pipelines/runtime-names.ts), and write their logs under that name.
   *
   * @default false
   */
  readonly tuned?: boolean;
  /** @default - no VPC */
  readonly sagemakerVpc?: SageMakerVpcSettings;
}

/** The job role and its managed policy. */
export interface JobRole {
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;
  /** The model's curated training objects (`<curated>/<model>/*`). */
  readonly dataObjects: string;
}

/**
 * The role SageMaker jobs and the deployed model run as (`JobRole`, `JobPolicy` in `scope`): read this model's
 * training data, read and write this model's artifacts, use the data key, pull the framework images, write job
 * logs and metrics, write captured data, and (with a VPC) manage the jobs' network interfaces.
 */
export function createJobRole(scope: Construct, props: JobRoleProps): JobRole {
  const stack = Stack.of(scope);
  const { qualifiedName, platform, scriptAssets } = props;
  const lake = platform.lakeBuckets;
  const modelPrefix = `models/${props.modelName}/`;
  // Captured data first: the platform's attributes are read (as SSM parameters) in the order the template lists them.
  const captureObjects = lake.capture.arnForObjects(`${props.modelName}/*`);
  const role = new iam.Role(scope, 'JobRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
    description: `SageMaker jobs of ${qualifiedName}`,
  });
  const dataObjects = lake.curated.arnForObjects(`${props.modelName}/*`);
  const artifactObjects = lake.artifacts.arnForObjects(`${modelPrefix}*`);
  const logGroup = (kind: string) =>
    stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/sagemaker/${kind}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const streams = (kind: string, prefix: string) =>
    stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/sagemaker/${kind}:log-stream:${prefix}--*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  const jobLogStreams = ['TrainingJobs', 'ProcessingJobs'].map((kind) => streams(kind, qualifiedName));
  const tuningPrefix = tuningNamePrefix(qualifiedName);
  if (props.tuned && tuningPrefix !== qualifiedName) jobLogStreams.push(streams('TrainingJobs', tuningPrefix));
  const policy = new iam.ManagedPolicy(scope, 'JobPolicy', {
    roles: [role],
    description: `SageMaker jobs of ${qualifiedName}`,
    statements: [
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [dataObjects] }),
      listPrefix(lake.curated.bucketArn, `${props.modelName}/`),
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], resources: [artifactObjects] }),
      listPrefix(lake.artifacts.bucketArn, modelPrefix),
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: scriptAssets.map((a) => a.bucket.arnForObjects(a.s3ObjectKey)) }),
      // A script is an S3Prefix input: SageMaker lists the prefix (the object's own key) before it downloads it.
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [...new Set(scriptAssets.map((a) => a.bucket.bucketArn))],
        conditions: { StringLike: { 's3:prefix': scriptAssets.map((a) => `${a.s3ObjectKey}*`) } },
      }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [platform.dataKey.keyArn],
      }),
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [platform.dataKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
      new iam.PolicyStatement({
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: [...new Set(props.imageRepositoryArns)],
      }),
      // The endpoint's captured requests and responses (SageMaker writes them as the model's role).
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [captureObjects] }),
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
        resources: ['TrainingJobs', 'ProcessingJobs'].map(logGroup),
      }),
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: jobLogStreams }),
      // GetAuthorizationToken has no resource type: it can only be granted on "*".
      new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      // PutMetricData has no resource type; the condition limits it to SageMaker's namespaces.
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
      }),
    ],
  });
  const networkInterfaces = stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
  const vpc = props.sagemakerVpc;
  if (vpc) {
    policy.addStatements(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:CreateNetworkInterfacePermission',
          'ec2:DeleteNetworkInterface',
          'ec2:DeleteNetworkInterfacePermission',
        ],
        resources: [
          networkInterfaces,
          ...vpc.subnetIds.map((id) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: id })),
          ...vpc.securityGroupIds.map((id) => stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: id })),
        ],
      }),
      // EC2 Describe actions have no resource-level permissions.
      new iam.PolicyStatement({
        actions: [
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeVpcs',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
        ],
        resources: ['*'],
      }),
    );
  }
  const resource = policy.node.defaultChild as iam.CfnManagedPolicy;
  if (vpc) {
    acknowledgeWildcardResources(
      resource,
      [networkInterfaces],
      "SageMaker creates the jobs' network interfaces at run time, so their IDs cannot be known; creation is limited to the configured subnets " +
        'and security groups.',
    );
  }
  acknowledgeWildcardResources(
    resource,
    ['*'],
    'Only ecr:GetAuthorizationToken, cloudwatch:PutMetricData and (with a VPC) EC2 Describe actions are granted on "*": none has a resource type; ' +
      'PutMetricData is limited to SageMaker namespaces by condition.',
  );
  acknowledgeWildcardResources(
    resource,
    [dataObjects, artifactObjects, captureObjects],
    "Object access is scoped to this model's own key prefix; the objects under it are created per run (or per captured hour), so they cannot be " +
      'listed in advance.',
  );
  acknowledgeWildcardResources(
    resource,
    jobLogStreams,
    "SageMaker names each job's log stream after the job, which is unique per run; the pattern is this model's job-name prefix.",
  );
  return { role, policy, dataObjects };
}

/**
 * What the endpoint's containers do as the model's role: write their logs to `/aws/sagemaker/Endpoints/<endpoint>`,
 * and (deployment guardrails) read the rollback alarms during a blue/green update.
 */
export function addEndpointRuntimeStatements(
  policy: iam.ManagedPolicy,
  endpoint: { endpointName: string; rollbackAlarms: Array<{ alarmArn: string }> },
  serving: ResolvedServing,
): void {
  const stack = Stack.of(policy);
  const group = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: `/aws/sagemaker/Endpoints/${endpoint.endpointName}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const alarms = [
    ...endpoint.rollbackAlarms.map((a) => a.alarmArn),
    ...(serving.mode === 'realtime' ? serving.rollbackAlarmNames : []).map((name) =>
      stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    ),
  ];
  const logStreams = `${group}:log-stream:*`;
  policy.addStatements(
    new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'], resources: [group] }),
    new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logStreams] }),
    ...(alarms.length ? [new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: alarms })] : []),
  );
  acknowledgeWildcardResources(
    policy.node.defaultChild as iam.CfnManagedPolicy,
    [logStreams],
    "The endpoint's containers create one log stream per variant and instance, named by SageMaker at run time, in this endpoint's own log group.",
  );
}

function listPrefix(bucketArn: string, prefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn], conditions: { StringLike: { 's3:prefix': `${prefix}*` } } });
}
