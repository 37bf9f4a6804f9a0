/**
 * Prices the CloudFormation resources of a synthesized template: the registry of pricers, one file per service
 * (tools/cost/pricers/<service>.ts), by CloudFormation type.
 *
 * "Idle" is the stack deployed with no traffic, no pipeline runs and an empty lake; work that runs
 * on a clock (schedules and what they invoke) still runs. "Load" adds the stated load profile.
 * Resource types that cost nothing by themselves are listed in FREE_TYPES; any other type without a
 * pricer is reported as not priced, never silently counted as $0.
 */
import { LineItem } from '../line-item';
import { apiStage, httpApi, restApi } from './api-gateway';
import { cloudTrail } from './cloudtrail';
import { alarm, compositeAlarm, dashboard } from './cloudwatch';
import { Pricer, PricingContext, props, resourcesOf } from './context';
import { dynamoTable } from './dynamodb';
import { elasticIp, natGateway, vpcEndpoint } from './ec2';
import { kmsKey } from './kms';
import { lambdaFunction } from './lambda';
import { logGroupPricer } from './logs';
import { accessLogBuckets, trailFacts } from './relations';
import { bucketPricer } from './s3';
import { endpoint, featureGroup, monitoringSchedule } from './sagemaker';
import { schedule } from './scheduler';
import { secret } from './secrets-manager';
import { snsTopic } from './sns';
import { sqsQueue } from './sqs';
import { stateMachine } from './step-functions';

export {
  ACCESS_LOG_RECORD_KB,
  DEFAULT_TRANSITIONS_PER_RUN,
  LAKE_WRITE_SHARE,
  TRAIL_EVENT_KB,
  TRAIL_GZIP_RATIO,
  TRANSFORM_JOB_MINUTES,
} from './context';
export type { Allowances, EnvironmentScan, PricingContext } from './context';
export { dataBucketsOf, hasSchedule } from './relations';
export { jobLineItem, unknownInstanceMessage } from './sagemaker-jobs';
export { realtimeLine, serverlessLine } from './sagemaker';

/** Resource types with no charge of their own (their cost, if any, is priced on another resource). */
const FREE_TYPES: readonly RegExp[] = [
  /^AWS::IAM::/,
  /^AWS::CDK::Metadata$/,
  /^AWS::S3::BucketPolicy$/,
  /^AWS::SNS::(TopicPolicy|Subscription)$/,
  /^AWS::SQS::QueuePolicy$/,
  /^AWS::Lambda::(Permission|Version|EventInvokeConfig|LayerVersionPermission)$/,
  /^AWS::ApiGateway::(Account|Deployment|Resource|Method|RequestValidator|Authorizer|Model|GatewayResponse)$/,
  /^AWS::ApiGateway::(BasePathMapping|UsagePlan|UsagePlanKey|ApiKey)$/,
  /^AWS::ApiGatewayV2::(Stage|Route|Integration|Deployment|Authorizer)$/,
  /^AWS::KMS::Alias$/,
  /^AWS::Logs::(ResourcePolicy|MetricFilter|SubscriptionFilter|LogStream)$/,
  /^AWS::Events::(Rule|EventBusPolicy)$/,
  /^AWS::Scheduler::ScheduleGroup$/,
  /^AWS::SageMaker::(ModelPackageGroup|Model|EndpointConfig|CodeRepository|Image|ImageVersion)$/,
  /^AWS::SageMaker::(DataQualityJobDefinition|ModelQualityJobDefinition|ModelBiasJobDefinition|ModelExplainabilityJobDefinition)$/,
  /^AWS::ApplicationAutoScaling::(ScalableTarget|ScalingPolicy)$/,
  /^AWS::EC2::(VPC|Subnet|RouteTable|Route|SubnetRouteTableAssociation|InternetGateway|VPCGatewayAttachment|EgressOnlyInternetGateway|PrefixList)$/,
  /^AWS::EC2::(SecurityGroup|SecurityGroupIngress|SecurityGroupEgress|NetworkAcl|NetworkAclEntry|SubnetNetworkAclAssociation)$/,
  /^AWS::CloudFormation::(WaitCondition|WaitConditionHandle)$/,
  /^AWS::SSM::Parameter$/,
  /^Custom::/,
  /^AWS::CloudFormation::CustomResource$/,
];

/** Whether a resource type costs nothing by itself. */
export function isFreeType(type: string): boolean {
  return FREE_TYPES.some((re) => re.test(type));
}

/** The pricers, by CloudFormation type. Log groups and buckets need the template's trail facts. */
function pricers(ctx: PricingContext): Record<string, Pricer> {
  const trails = trailFacts(ctx);
  return {
    'AWS::KMS::Key': kmsKey,
    'AWS::KMS::ReplicaKey': kmsKey,
    'AWS::CloudTrail::Trail': cloudTrail,
    'AWS::Logs::LogGroup': logGroupPricer(trails),
    'AWS::CloudWatch::Alarm': alarm,
    'AWS::CloudWatch::CompositeAlarm': compositeAlarm,
    'AWS::CloudWatch::Dashboard': dashboard,
    'AWS::SecretsManager::Secret': secret,
    'AWS::DynamoDB::Table': dynamoTable,
    'AWS::DynamoDB::GlobalTable': dynamoTable,
    'AWS::Lambda::Function': lambdaFunction,
    'AWS::StepFunctions::StateMachine': stateMachine,
    'AWS::ApiGateway::RestApi': restApi,
    'AWS::ApiGateway::Stage': apiStage,
    'AWS::ApiGatewayV2::Api': httpApi,
    'AWS::SNS::Topic': snsTopic,
    'AWS::SQS::Queue': sqsQueue,
    'AWS::S3::Bucket': bucketPricer(trails, accessLogBuckets(ctx.template)),
    'AWS::Scheduler::Schedule': schedule,
    'AWS::EC2::NatGateway': natGateway,
    'AWS::EC2::EIP': elasticIp,
    'AWS::EC2::VPCEndpoint': vpcEndpoint,
    'AWS::SageMaker::FeatureGroup': featureGroup,
    'AWS::SageMaker::Endpoint': endpoint,
    'AWS::SageMaker::MonitoringSchedule': monitoringSchedule,
  };
}

/** The types a template has that no pricer covers and that are not known to be free, with counts. */
export interface NotPriced {
  readonly type: string;
  readonly count: number;
}

/** Prices every resource of one stack's template. */
export function priceResources(ctx: PricingContext): { lines: LineItem[]; notPriced: NotPriced[] } {
  const table = pricers(ctx);
  const lines: LineItem[] = [];
  const missing = new Map<string, number>();
  for (const [id, resource] of Object.entries(resourcesOf(ctx.template))) {
    const pricer = table[resource.Type];
    if (pricer) lines.push(...pricer(ctx, id, resource));
    else if (resource.Type === 'AWS::Lambda::Alias' && props(resource).ProvisionedConcurrencyConfig === undefined) continue;
    else if (!isFreeType(resource.Type)) missing.set(resource.Type, (missing.get(resource.Type) ?? 0) + 1);
  }
  return { lines, notPriced: [...missing].map(([type, n]) => ({ type, count: n })) };
}
