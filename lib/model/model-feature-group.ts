import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../compliance';
import { FeaturesDeclaration } from '../config/model';

const FEATURE_TYPES: Record<string, string> = { string: 'String', integral: 'Integral', fractional: 'Fractional' };

/** Properties of {@link ModelFeatureGroup}. */
export interface ModelFeatureGroupProps {
  /**
   * Name of the feature group (Feature Store requires one). Feature groups cannot be replaced in
   * place, so the group is retained (except after a failed first create) and its name derived from
   * namespace, environment and model.
   */
  readonly featureGroupName: string;
  /** The declared features (already validated). */
  readonly features: FeaturesDeclaration;
  /** The data lake bucket of the offline store. */
  readonly offlineStoreBucket: s3.IBucket;
  /** Key prefix of this group's offline store inside the bucket. */
  readonly offlineStorePrefix: string;
  /** Key that encrypts the offline and online stores. */
  readonly encryptionKey: kms.IKey;
  /** A description for people. @default - none */
  readonly description?: string;
}

/**
 * A SageMaker Feature Store feature group for one model: offline store in the data lake's feature
 * bucket (KMS, Glue Data Catalog table created by Feature Store), optional online store (KMS), and a
 * least-privilege role that Feature Store assumes to write the offline store.
 * The group is retained on update and deletion (its offline data outlives the stack), but not after a
 * failed first create, so that the deployment can be retried.
 */
export class ModelFeatureGroup extends Construct {
  /** The feature group. */
  public readonly featureGroup: sagemaker.CfnFeatureGroup;
  /** The role Feature Store uses to write the offline store. */
  public readonly role: iam.Role;
  /** The feature group's ARN. */
  public readonly featureGroupArn: string;
  /** The S3 URI of the offline store. */
  public readonly offlineStoreUri: string;

  constructor(scope: Construct, id: string, props: ModelFeatureGroupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.offlineStoreUri = `s3://${props.offlineStoreBucket.bucketName}/${props.offlineStorePrefix}`;

    this.role = new iam.Role(this, 'OfflineStoreRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `Feature Store offline store writer for ${props.featureGroupName}`,
    });
    const glueTables = stack.formatArn({ service: 'glue', resource: 'table', resourceName: 'sagemaker_featurestore/*' });
    const policy = new iam.ManagedPolicy(this, 'OfflineStorePolicy', {
      roles: [this.role],
      description: `Feature Store offline store access for ${props.featureGroupName}`,
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:GetObject', 's3:GetBucketAcl', 's3:PutObjectAcl'],
          resources: [props.offlineStoreBucket.bucketArn, props.offlineStoreBucket.arnForObjects(`${props.offlineStorePrefix}*`)],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'],
          resources: [props.encryptionKey.keyArn],
        }),
        new iam.PolicyStatement({
          actions: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable', 'glue:GetDatabase', 'glue:CreateDatabase'],
          resources: [
            stack.formatArn({ service: 'glue', resource: 'catalog' }),
            stack.formatArn({ service: 'glue', resource: 'database', resourceName: 'sagemaker_featurestore' }),
            glueTables,
          ],
        }),
      ],
    });

    const policyResource = policy.node.defaultChild as iam.CfnManagedPolicy;
    acknowledgeWildcardResources(policyResource, [props.offlineStoreBucket.arnForObjects(`${props.offlineStorePrefix}*`)],
      'Feature Store writes the offline store as many Parquet objects under this group\'s own prefix; their keys are created as records arrive.');
    acknowledgeWildcardResources(
      policyResource,
      [glueTables],
      "Feature Store names the offline store's Glue table after the group plus a creation timestamp, so the table name cannot be known in " +
        'advance; access stays within the feature store database.',
    );

    const f = props.features;
    this.featureGroup = new sagemaker.CfnFeatureGroup(this, 'FeatureGroup', {
      featureGroupName: props.featureGroupName,
      description: props.description,
      recordIdentifierFeatureName: f.recordIdentifier,
      eventTimeFeatureName: f.eventTime,
      featureDefinitions: f.definitions.map((d) => ({ featureName: d.name, featureType: FEATURE_TYPES[d.type] })),
      roleArn: this.role.roleArn,
      // Feature Store's store configurations are untyped in CloudFormation's schema: keys must be PascalCase.
      offlineStoreConfig: {
        S3StorageConfig: { S3Uri: this.offlineStoreUri, KmsKeyId: props.encryptionKey.keyArn },
        DisableGlueTableCreation: false,
      },
      onlineStoreConfig: f.onlineStore ? { EnableOnlineStore: true, SecurityConfig: { KmsKeyId: props.encryptionKey.keyArn } } : undefined,
    });
    // Kept on update and delete (its offline data outlives the stack), but removed when its first create
    // fails: a plain Retain would leave the named group behind and the retry would fail with "already exists".
    this.featureGroup.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    // Feature Store checks the role's access when it creates the group.
    this.featureGroup.node.addDependency(policy);
    this.featureGroupArn = stack.formatArn({ service: 'sagemaker', resource: 'feature-group', resourceName: props.featureGroupName.toLowerCase() });
  }

  /** Grants reading records from the online store and describing the group. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'sagemaker:DescribeFeatureGroup'],
      resourceArns: [this.featureGroupArn],
    });
  }

  /** Grants ingesting records into the group. */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:PutRecord', 'sagemaker:DescribeFeatureGroup'],
      resourceArns: [this.featureGroupArn],
    });
  }
}
