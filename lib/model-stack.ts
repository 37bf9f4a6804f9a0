import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApprovalSettings, SageMakerVpcSettings } from './config/environment';
import { ModelDeclaration } from './config/model';
import { MlopsModel } from './model/mlops-model';
import { PlatformReference } from './platform/platform-reference';

/** Properties of {@link ModelStack}. */
export interface ModelStackProps extends StackProps {
  /** The installation's namespace. */
  readonly namespace: string;
  /** The environment's name. */
  readonly environmentName: string;
  /** The model's validated declaration. */
  readonly declaration: ModelDeclaration;
  /** Subnets and security groups of the SageMaker jobs. @default - no VPC */
  readonly sagemakerVpc?: SageMakerVpcSettings;
  /** The environment's approval gate. @default - human approval within 72 hours */
  readonly approval?: ApprovalSettings;
  /** Whether the environment is a production one. @default false */
  readonly production?: boolean;
}

/**
 * One model in one environment: its feature group, registry, job role and training pipeline.
 * It finds the environment's platform through SSM parameters, so it can be deployed, updated and
 * destroyed without touching the platform stack.
 */
export class ModelStack extends Stack {
  /** The platform, read from SSM parameters. */
  public readonly platform: PlatformReference;
  /** The model's resources. */
  public readonly model: MlopsModel;

  constructor(scope: Construct, id: string, props: ModelStackProps) {
    super(scope, id, props);
    Tags.of(this).add('mlops:environment', props.environmentName);
    Tags.of(this).add('mlops:model', props.declaration.name);
    this.platform = new PlatformReference(this, 'Platform', { namespace: props.namespace, environmentName: props.environmentName });
    this.model = new MlopsModel(this, 'Model', {
      declaration: props.declaration,
      platform: this.platform,
      sagemakerVpc: props.sagemakerVpc,
      approval: props.approval,
      environmentName: props.environmentName,
      production: props.production,
    });
    this.addOutputs();
  }

  /** What people look up after a deploy (README, docs/teardown.md); outputs only, never exports. */
  private addOutputs(): void {
    const { model } = this;
    new CfnOutput(this, 'StateMachineArn', { value: model.stateMachine.stateMachineArn, description: 'The training pipeline (Step Functions)' });
    new CfnOutput(this, 'ModelPackageGroupName', { value: model.registry.groupName, description: 'The model registry group' });
    new CfnOutput(this, 'FeatureGroupName', {
      value: model.featureGroup.featureGroup.featureGroupName,
      description: 'The Feature Store feature group',
    });
    new CfnOutput(this, 'EndpointName', {
      value: model.endpoint.endpointName,
      description: 'The endpoint the pipeline creates on the first approved model',
    });
    const dashboard = model.endpoint.dashboard.dashboardName;
    new CfnOutput(this, 'DashboardName', { value: dashboard, description: 'The endpoint\'s CloudWatch dashboard' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${dashboard}`,
      description: 'The dashboard in the AWS console (aws partition)',
    });
    if (model.approvalGate) {
      new CfnOutput(this, 'ApprovalPageUrl', {
        value: model.approvalGate.api.url,
        description: "The approval page's stage (links are <url>approvals/<id>)",
      });
    }
  }
}
