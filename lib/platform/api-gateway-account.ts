import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../compliance';

/**
 * The account-and-region setting that lets API Gateway write CloudWatch Logs. REST API stages
 * refuse access logging and execution logging without it ("CloudWatch Logs role ARN must be set in
 * account settings to enable logging"), so the approval page's API could not deploy in an account
 * that never set it.
 *
 * The setting is a singleton per account and region; several environments in one account set the
 * same kind of role, and the role is retained so that deleting one environment never leaves the
 * setting pointing at a deleted role.
 */
export class ApiGatewayAccount extends Construct {
  /** The role API Gateway assumes to write logs. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write access and execution logs to CloudWatch Logs (account setting)',
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      roles: [this.role],
      description: 'API Gateway logging to CloudWatch Logs',
      statements: [
        new iam.PolicyStatement({
          actions: [
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:DescribeLogGroups',
            'logs:DescribeLogStreams',
            'logs:PutLogEvents',
            'logs:GetLogEvents',
            'logs:FilterLogEvents',
          ],
          resources: ['*'],
        }),
      ],
    });
    policy.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledgeWildcardResources(
      policy.node.defaultChild as iam.CfnManagedPolicy,
      ['*'],
      'The account-wide API Gateway role writes to log groups that API Gateway names per API and stage (API-Gateway-Execution-Logs_<id>/<stage>) ' +
        "and to any stage's access-log group; one role serves every API of the account and region.",
    );
    const account = new apigateway.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    account.node.addDependency(policy);
  }
}
