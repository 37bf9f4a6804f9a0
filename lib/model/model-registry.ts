import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';

/** Properties of {@link ModelRegistry}. */
export interface ModelRegistryProps {
  /**
   * Name of the model package group (SageMaker requires one; at most 63 characters, letters, digits
   * and hyphens). The group is retained on update and deletion (it is the record of every model version),
   * but not after a failed first create, so that the deployment can be retried.
   */
  readonly groupName: string;
  /** A description for people. @default - none */
  readonly description?: string;
  /**
   * Accounts that may read this group's model packages and deploy them.
   *
   * @default - no resource policy: only this account
   */
  readonly crossAccountReaders?: string[];
}

/** A SageMaker model package group: the registry of one model's versions. */
export class ModelRegistry extends Construct {
  /** The model package group. */
  public readonly group: sagemaker.CfnModelPackageGroup;
  /** The group's name. */
  public readonly groupName: string;
  /** The group's ARN. */
  public readonly groupArn: string;
  /** ARN pattern of the group's model packages (versions). */
  public readonly packageArnPattern: string;

  constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.groupName = props.groupName;
    // SageMaker ARNs are lower-case, also in IAM condition and resource matching.
    this.groupArn = stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: props.groupName.toLowerCase() });
    this.packageArnPattern = stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${props.groupName.toLowerCase()}/*` });

    const readers = props.crossAccountReaders ?? [];
    this.group = new sagemaker.CfnModelPackageGroup(this, 'Group', {
      modelPackageGroupName: props.groupName,
      modelPackageGroupDescription: props.description,
      modelPackageGroupPolicy: readers.length === 0 ? undefined : {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'CrossAccountRead',
          Effect: 'Allow',
          Principal: { AWS: readers.map((account) => `arn:${stack.partition}:iam::${account}:root`) },
          Action: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'],
          Resource: [this.groupArn, this.packageArnPattern],
        }],
      },
    });
    // Kept on update and delete (the record of every version), but removed when its first create fails,
    // so that a retry does not meet the named group left behind ("already exists").
    this.group.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
  }

  /** Grants reading the group and its packages. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'],
      resourceArns: [this.groupArn, this.packageArnPattern],
    });
  }

  /** Grants registering new packages (versions) in the group. */
  public grantRegister(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:CreateModelPackage', 'sagemaker:AddTags'],
      resourceArns: [this.groupArn, this.packageArnPattern],
    });
  }

  /** Grants changing a package's approval status. */
  public grantApprove(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:UpdateModelPackage'],
      resourceArns: [this.packageArnPattern],
    });
  }
}
