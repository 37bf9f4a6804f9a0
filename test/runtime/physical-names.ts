/**
 * Physical names as CloudFormation gives them: the property that carries an explicit name, per resource type, and
 * generated names (`<stack>-<logicalId>-<suffix>`, within each type's limits) with reproducible suffixes.
 */
import { createHash } from 'crypto';

/** The name property of each type that takes an explicit physical name. */
export const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SageMaker::FeatureGroup': 'FeatureGroupName',
  'AWS::SageMaker::ModelPackageGroup': 'ModelPackageGroupName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::CloudTrail::Trail': 'TrailName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::ApiGateway::Stage': 'StageName',
};

/** A stable pseudo-random token of `length` characters from `seed` (CloudFormation's random suffixes, made reproducible). */
export function token(seed: string, length: number, alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'): string {
  const bytes = createHash('sha256').update(seed).digest();
  return Array.from(bytes.subarray(0, length), (b) => alphabet[b % alphabet.length]).join('');
}

/** A generated physical name, shaped like CloudFormation's `<stack>-<logicalId>-<suffix>` within the type's limits. */
export function generatedName(stack: string, logicalId: string, type: string): string {
  const suffix = token(`${stack}/${logicalId}`, 12);
  switch (type) {
    case 'AWS::S3::Bucket':
      return (
        `${stack}-${logicalId}`
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, '')
          .slice(0, 50) +
        '-' +
        suffix.toLowerCase()
      );
    case 'AWS::IAM::Role':
    case 'AWS::IAM::ManagedPolicy':
      return `${stack.slice(0, 20)}-${logicalId.slice(0, 30)}-${suffix}`;
    case 'AWS::Lambda::Function':
      return `${stack.slice(0, 25)}-${logicalId.slice(0, 25)}-${suffix}`;
    case 'AWS::ApiGateway::RestApi':
    case 'AWS::ApiGateway::Deployment':
    case 'AWS::ApiGateway::Resource':
      return token(`${stack}/${logicalId}`, 10, 'abcdefghijklmnopqrstuvwxyz0123456789');
    default:
      return `${stack}-${logicalId}-${suffix}`;
  }
}
