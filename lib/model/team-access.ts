import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../compliance';
import { IPlatform } from '../platform/platform-reference';
import { MlopsFunction } from '../private/mlops-function';
import { PropsProblems } from '../private/validation';

/** The SSM parameter a model's team sets to choose what scheduled and drift-triggered retraining train on (docs/retraining.md). */
export function trainingDataParameterName(namespace: string, environmentName: string, modelName: string): string {
  return `/${namespace}/${environmentName}/models/${modelName}/training-data-uri`;
}

/** What the team's policy reaches of one model: the parts an `MlopsModel` exposes. */
export interface TeamAccessTarget {
  readonly stateMachine: sfn.StateMachine;
  readonly registry: { readonly groupArn: string; readonly packageArnPattern: string };
  readonly endpoint: { readonly endpointArn: string };
  /** Present for real-time endpoints with data capture: its retraining function reads the training data pointer. */
  readonly monitoring?: { readonly retrainFunction: MlopsFunction };
}

/** Properties of {@link TeamAccess}. */
export interface TeamAccessProps {
  /** The model's name, as declared. */
  readonly modelName: string;
  /** The environment's platform (lake buckets and data key). */
  readonly platform: Pick<IPlatform, 'namespace' | 'environmentName' | 'lakeBuckets' | 'dataKey'>;
  /** The model's pipeline, registry, endpoint and (optionally) retraining function. */
  readonly model: TeamAccessTarget;
  /**
   * The managed policy's name: IAM Identity Center permission sets attach customer managed policies by name.
   *
   * @default `<namespace>-<environment>-<model>-team`
   */
  readonly managedPolicyName?: string;
}

/**
 * What a model's team needs for its own runs (docs/first-run.md), as one customer managed policy to attach to the team's
 * roles, groups or permission sets: upload data under the model's prefix of the curated bucket, use the data key through S3
 * only, set the training data pointer, start, watch and stop the model's pipeline, read its run outputs and registered
 * packages, and invoke its endpoint. Nothing of another model, no delete, no approval (approvers decide through the
 * approval page), no change to the endpoint.
 *
 * When the model has a retraining function, the construct also lets it read the training data pointer
 * (`TRAINING_DATA_PARAMETER`) and tells it which prefix the pointer must name (`TRAINING_DATA_PREFIX`).
 */
export class TeamAccess extends Construct {
  /** The team's policy. */
  public readonly managedPolicy: iam.ManagedPolicy;
  /** The training data pointer's name, `/<namespace>/<environment>/models/<model>/training-data-uri`. */
  public readonly trainingDataParameterName: string;

  constructor(scope: Construct, id: string, props: TeamAccessProps) {
    super(scope, id);
    const { platform, model, modelName } = props;
    const qualifiedName = `${platform.namespace}-${platform.environmentName}-${modelName}`;
    const name = props.managedPolicyName ?? `${qualifiedName}-team`;
    new PropsProblems(this, 'TeamAccess')
      .check(
        Token.isUnresolved(name) || /^[\w+=,.@-]{1,128}$/.test(name),
        'managedPolicyName',
        name,
        '1 to 128 letters, digits and +=,.@_- (an IAM policy name)',
      )
      .throwIfAny();
    const stack = Stack.of(this);
    const curated = platform.lakeBuckets.curated;
    const artifacts = platform.lakeBuckets.artifacts;
    const dataObjects = curated.arnForObjects(`${modelName}/*`);
    const runObjects = artifacts.arnForObjects(`models/${modelName}/runs/*`);
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${model.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.trainingDataParameterName = trainingDataParameterName(platform.namespace, platform.environmentName, modelName);
    const parameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: this.trainingDataParameterName.slice(1),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const listPrefix = (bucketArn: string, prefix: string) => ({
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      conditions: { StringLike: { 's3:prefix': `${prefix}*` } },
    });

    this.managedPolicy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: name,
      description: `Team of ${qualifiedName}: upload its data, start and watch its pipeline, read its results, invoke its endpoint`,
      statements: [
        // New objects only under the model's prefix (train/, test/, dated prefixes, code/preprocess.py); no delete.
        new iam.PolicyStatement({ sid: 'UploadModelData', actions: ['s3:PutObject'], resources: [dataObjects] }),
        new iam.PolicyStatement({ sid: 'ListModelData', ...listPrefix(curated.bucketArn, `${modelName}/`) }),
        // The lake is SSE-KMS with S3 Bucket Keys: S3 asks KMS with the caller's rights, and the encryption context is the
        // bucket's ARN. Through S3, in these two buckets only; a direct call to KMS is refused.
        new iam.PolicyStatement({
          sid: 'UseDataKeyThroughS3',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [platform.dataKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
            StringLike: {
              'kms:EncryptionContext:aws:s3:arn': [curated.bucketArn, `${curated.bucketArn}/*`, artifacts.bucketArn, `${artifacts.bucketArn}/*`],
            },
          },
        }),
        new iam.PolicyStatement({ sid: 'SetTrainingDataPointer', actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: [parameterArn] }),
        new iam.PolicyStatement({
          sid: 'StartRuns',
          actions: ['states:StartExecution', 'states:ListExecutions'],
          resources: [model.stateMachine.stateMachineArn],
        }),
        new iam.PolicyStatement({
          sid: 'WatchRuns',
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution'],
          resources: [executions],
        }),
        new iam.PolicyStatement({ sid: 'ReadRunOutputs', actions: ['s3:GetObject'], resources: [runObjects] }),
        new iam.PolicyStatement({ sid: 'ListRunOutputs', ...listPrefix(artifacts.bucketArn, `models/${modelName}/runs/`) }),
        new iam.PolicyStatement({
          sid: 'ReadRegisteredPackages',
          actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage'],
          resources: [model.registry.groupArn, model.registry.packageArnPattern],
        }),
        // ListModelPackages names no resource in its request: it can only be granted on "*" (it lists, never reads contents).
        new iam.PolicyStatement({ sid: 'ListPackages', actions: ['sagemaker:ListModelPackages'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'UseEndpoint',
          actions: ['sagemaker:InvokeEndpoint', 'sagemaker:DescribeEndpoint'],
          resources: [model.endpoint.endpointArn],
        }),
      ],
    });
    const policy = this.managedPolicy.node.defaultChild as iam.CfnManagedPolicy;
    acknowledgeWildcardResources(
      policy,
      ['*'],
      'Only sagemaker:ListModelPackages is granted on "*": its request names no resource, so it has no resource-level permissions.',
    );
    acknowledgeWildcardResources(
      policy,
      [dataObjects],
      "The team writes its data sets under its own model's prefix of the curated bucket; their keys (dated prefixes, file names) "
        + "are the team's choice.",
    );
    acknowledgeWildcardResources(
      policy,
      [runObjects],
      "Run outputs are written one folder per execution under this model's run prefix; folders are named after executions.",
    );
    acknowledgeWildcardResources(
      policy,
      [executions],
      "Executions of this model's state machine only; their names are chosen per run (by the team or the retraining function).",
    );
    acknowledgeWildcardResources(
      policy,
      [model.registry.packageArnPattern],
      "Describe only, on the versions of this model's own package group, which are created per registered candidate.",
    );

    const retrain = model.monitoring?.retrainFunction;
    if (retrain) {
      retrain.function.addEnvironment('TRAINING_DATA_PARAMETER', this.trainingDataParameterName);
      retrain.function.addEnvironment('TRAINING_DATA_PREFIX', `s3://${curated.bucketName}/${modelName}/`);
      retrain.policy.addStatements(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn] }));
    }
  }
}
