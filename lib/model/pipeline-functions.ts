import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../../contracts/approval';
import { FEATURES_ENV, featuresJson } from '../../contracts/features';
import { acknowledgeWildcardResources } from '../compliance';
import { ResolvedModel } from '../config/resolved-model';
import { IPlatform } from '../platform/platform-reference';
import { MlopsFunction } from '../private/mlops-function';
import { ApprovalGate } from './approval-gate';

/** Properties of {@link createPipelineFunctions}. */
export interface PipelineFunctionsProps {
  /** The model resolved for the environment: names, prefixes, approval, input features. */
  readonly model: ResolvedModel;
  readonly platform: IPlatform;
  /** The model's curated training objects. */
  readonly dataObjects: string;
}

/** The functions the training pipeline invokes. */
export interface PipelineFunctions {
  /** Records the training data object versions (`SnapshotTrainingData`). */
  readonly snapshot: lambda.IFunction;
  /** Records automatic approvals and approval timeouts (`RecordDecision`). */
  readonly recordDecision: lambda.IFunction;
  /** The human approval gate (`Approval`), in environments that require one. */
  readonly gate?: ApprovalGate;
  /** Summarises training data and predictions into the drift baseline (`ComputeBaseline`). */
  readonly baseline: lambda.IFunction;
  /** Writes lineage records to the audit bucket (`RecordLineage`). */
  readonly lineage: lambda.IFunction;
}

/**
 * The Lambda functions of one model's training pipeline, created in `scope` (construct ids `SnapshotTrainingData`,
 * `RecordDecision`, `Approval`, `ComputeBaseline`, `RecordLineage`), each with its own least-privilege policy.
 */
export function createPipelineFunctions(scope: Construct, props: PipelineFunctionsProps): PipelineFunctions {
  const { model, platform } = props;
  const { qualifiedName, prefixes } = model;
  const lake = platform.lakeBuckets;
  const runObjects = lake.artifacts.arnForObjects(`${prefixes.runs}/*`);
  const snapshot = new MlopsFunction(scope, 'SnapshotTrainingData', {
    handler: 'snapshot-training-data',
    description: `Records the training data object versions of ${qualifiedName}`,
    logsKeyArn: platform.logsKeyArn,
    invokedBy: 'the training pipeline',
    timeout: Duration.minutes(10),
    memorySize: 1024,
    statements: [
      new iam.PolicyStatement({
        actions: ['s3:ListBucketVersions', 's3:ListBucket'],
        resources: [lake.curated.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${prefixes.data}*` } },
      }),
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [runObjects] }),
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.dataKey.keyArn] }),
    ],
  });
  acknowledgeWildcardResources(
    snapshot.policy.node.defaultChild as iam.CfnManagedPolicy,
    [runObjects],
    "The function writes one manifest per run under this model's run prefix; run folders are named after executions.",
  );

  const decisionObjects = platform.auditBucket.arnForObjects(`${prefixes.decisions}*`);
  const recordDecision = new MlopsFunction(scope, 'RecordDecision', {
    handler: 'record-decision',
    description: `Records automatic approvals and approval timeouts of ${qualifiedName}`,
    logsKeyArn: platform.logsKeyArn,
    invokedBy: 'the training pipeline',
    environment: { [ENV.AUDIT_BUCKET]: platform.auditBucket.bucketName, [ENV.DECISION_PREFIX]: prefixes.decisions },
    statements: [
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [decisionObjects] }),
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.auditKey.keyArn] }),
    ],
  });
  acknowledgeWildcardResources(
    recordDecision.policy.node.defaultChild as iam.CfnManagedPolicy,
    [decisionObjects],
    "Decision records are written one per execution under this model's own prefix of the audit bucket.",
  );
  // resolveModel has checked that an environment with human approval names the model's approvers.
  const approval = model.approval;
  const gate =
    approval.mode === 'human' ? new ApprovalGate(scope, 'Approval', { qualifiedName, platform, approvers: approval.approvers }) : undefined;

  // The drift baseline: training data per input feature (CSV columns after the label, in declaration
  // order, without the record identifier and event time) and the held-out predictions.
  const baseline = new MlopsFunction(scope, 'ComputeBaseline', {
    handler: 'compute-baseline',
    description: `Summarises the training data and predictions of ${qualifiedName} into its drift baseline`,
    logsKeyArn: platform.logsKeyArn,
    invokedBy: 'the training pipeline',
    timeout: Duration.minutes(15),
    memorySize: 1024,
    environment: { MODEL_NAME: model.name, [FEATURES_ENV]: featuresJson(model.inputFeatures) },
    statements: [
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [props.dataObjects, runObjects] }),
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [runObjects] }),
      new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [platform.dataKey.keyArn] }),
    ],
  });
  acknowledgeWildcardResources(
    baseline.policy.node.defaultChild as iam.CfnManagedPolicy,
    [props.dataObjects, runObjects],
    "The function reads the snapshotted training objects under this model's data prefix and writes the baseline into the run's folder: names " +
      'known only at run time.',
  );

  // Lineage: one record per milestone in the Object Lock audit bucket (docs/auditing.md).
  const stack = Stack.of(scope);
  const lineagePrefix = prefixes.lineage;
  const lineageObjects = platform.auditBucket.arnForObjects(`${lineagePrefix}*`);
  const sagemakerArn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
  const lineageReads = [
    sagemakerArn('training-job', `${qualifiedName}--*`),
    sagemakerArn('model-package', `${qualifiedName}/*`),
    sagemakerArn('endpoint-config', `${qualifiedName}--c*`),
    sagemakerArn('model', `${qualifiedName}--m*`),
  ];
  const lineage = new MlopsFunction(scope, 'RecordLineage', {
    handler: 'record-lineage',
    description: `Writes the lineage records of ${qualifiedName} to the audit bucket`,
    logsKeyArn: platform.logsKeyArn,
    invokedBy: 'the training pipeline',
    environment: {
      AUDIT_BUCKET_NAME: platform.auditBucket.bucketName,
      LINEAGE_PREFIX: lineagePrefix,
      MODEL_NAME: model.name,
      ENVIRONMENT_NAME: model.environmentName,
      FEATURE_GROUP_NAME: qualifiedName,
    },
    statements: [
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [lineageObjects] }),
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.auditKey.keyArn] }),
      new iam.PolicyStatement({ actions: ['sagemaker:DescribeTrainingJob'], resources: [lineageReads[0]] }),
      new iam.PolicyStatement({ actions: ['sagemaker:DescribeModelPackage'], resources: [lineageReads[1]] }),
      new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: [sagemakerArn('endpoint', qualifiedName)] }),
      new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpointConfig'], resources: [lineageReads[2]] }),
      new iam.PolicyStatement({ actions: ['sagemaker:DescribeModel'], resources: [lineageReads[3]] }),
    ],
  });
  acknowledgeWildcardResources(
    lineage.policy.node.defaultChild as iam.CfnManagedPolicy,
    [lineageObjects, ...lineageReads],
    "Lineage records are written one per execution and milestone under this model's prefix of the audit bucket, and describe this model's per-run " +
      'jobs, ' +
      'packages, models and configurations, whose names are generated per run.',
  );
  return {
    snapshot: snapshot.function,
    recordDecision: recordDecision.function,
    gate,
    baseline: baseline.function,
    lineage: lineage.function,
  };
}
