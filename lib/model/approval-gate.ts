import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ENV } from '../../contracts/approval';
import { acknowledge, acknowledgeWildcardResources } from '../compliance';
import { IPlatform } from '../platform/platform-reference';
import { MlopsFunction } from '../private/mlops-function';

/** The API's one stage. */
const STAGE_NAME = 'approvals';

/** Properties of {@link ApprovalGate}. */
export interface ApprovalGateProps {
  /** `<namespace>-<env>-<model>`: names the decision records' prefix. */
  readonly qualifiedName: string;
  /** The environment's platform (keys, audit bucket). */
  readonly platform: IPlatform;
  /** Approver e-mail addresses (lower-case); each gets only their own signed link. */
  readonly approvers: string[];
  /**
   * Requests per second the approval page accepts (burst twice that).
   *
   * @default 5
   */
  readonly rateLimit?: number;
}

/**
 * The human approval gate of one model in one environment: a request function the pipeline waits
 * on (`.waitForTaskToken`), an approvals topic whose e-mail subscriptions are filtered per approver,
 * a DynamoDB table of requests (task tokens never leave it), a Secrets Manager HMAC key for signed
 * links, and the approval page (API Gateway with throttling, access logs and tracing, and a Lambda).
 */
export class ApprovalGate extends Construct {
  /** The function the pipeline's `RequestApproval` state invokes. */
  public readonly requestFunction: lambda.IFunction;
  /** The approval page's API. */
  public readonly api: apigateway.RestApi;
  /** Approval requests. */
  public readonly table: dynamodb.Table;
  /** The links' HMAC key. */
  public readonly secret: secretsmanager.Secret;
  /** Approval messages, one per approver (filtered subscriptions). */
  public readonly topic: sns.Topic;
  private readonly pagePolicy: iam.ManagedPolicy;

  /** Lets the approval page answer the gate of exactly this state machine (SendTaskSuccess). */
  public allowDecisionsFor(stateMachine: sfn.IStateMachine): void {
    this.pagePolicy.addStatements(new iam.PolicyStatement({
      actions: ['states:SendTaskSuccess'],
      resources: [stateMachine.stateMachineArn],
    }));
  }

  constructor(scope: Construct, id: string, props: ApprovalGateProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const platform = props.platform;
    const decisionPrefix = `decisions/${props.qualifiedName}/`;

    this.table = new dynamodb.Table(this, 'Requests', {
      partitionKey: { name: 'requestId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: platform.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    acknowledge(
      this.table.node.defaultChild as dynamodb.CfnTable,
      ['NIST.800.53.R5-DynamoDBInBackupPlan', 'HIPAA.Security-DynamoDBInBackupPlan'],
      'Requests live at most the gate timeout plus 30 days (TTL); point-in-time recovery covers them, and every decision is also written to the ' +
        'Object Lock audit bucket.',
    );

    this.secret = new secretsmanager.Secret(this, 'SigningKey', {
      description: `HMAC key of the approval links of ${props.qualifiedName} ({"current": ..., "previous": ...})`,
      encryptionKey: platform.dataKey,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.secret.node.defaultChild as secretsmanager.CfnSecret,
      ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled'],
      'The key is rotated by an operator (docs/approvals.md): the new key goes to "current", the old one to "previous", so links already sent ' +
        'keep working until they expire. Automatic rotation would need a rotation function for an HMAC key that no AWS template provides.',
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `Approvals ${props.qualifiedName}`,
      masterKey: platform.notificationKey,
      enforceSSL: true,
    });
    for (const approver of props.approvers) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(approver, {
        filterPolicy: { approver: sns.SubscriptionFilter.stringFilter({ allowlist: [approver] }) },
      }));
    }

    const page = new MlopsFunction(this, 'Page', {
      handler: 'approval-page',
      description: `Approval page of ${props.qualifiedName}`,
      logsKeyArn: platform.logsKeyArn,
      invokedBy: 'API Gateway',
      environment: {
        [ENV.TABLE_NAME]: this.table.tableName,
        [ENV.SECRET_ARN]: this.secret.secretArn,
        [ENV.AUDIT_BUCKET]: platform.auditBucket.bucketName,
        [ENV.DECISION_PREFIX]: decisionPrefix,
      },
      statements: [
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [this.table.tableArn] }),
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [platform.dataKey.keyArn] }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [platform.auditBucket.arnForObjects(`${decisionPrefix}*`)] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.auditKey.keyArn] }),
      ],
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    (accessLogs.node.defaultChild as logs.CfnLogGroup).kmsKeyId = platform.logsKeyArn;
    const rate = props.rateLimit ?? 5;
    this.api = new apigateway.RestApi(this, 'Api', {
      description: `Approval page of ${props.qualifiedName}`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: rate,
        throttlingBurstLimit: rate * 2,
        tracingEnabled: true,
        // Errors only, never request or response bodies (dataTraceEnabled stays off).
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const validator = new apigateway.RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const resource = this.api.root.addResource('approvals').addResource('{requestId}');
    // No console test-invoke permission: only the deployed stage may call the page.
    const integration = new apigateway.LambdaIntegration(page.function, { allowTestInvoke: false });
    for (const method of ['GET', 'POST']) {
      const m = resource.addMethod(method, integration, {
        requestValidator: validator,
        requestParameters: { 'method.request.path.requestId': true },
      });
      for (const permission of m.node.children.filter((c): c is lambda.CfnPermission => c instanceof lambda.CfnPermission)) {
        acknowledge(
          permission,
          ['cdk-validator-cfnguard::lambda_function_public_access_prohibited_check'],
          "The permission is limited by SourceArn to this API's own method; the control's static check cannot read a SourceArn that an " +
            'environment-agnostic template builds with Fn::Join.',
        );
      }
      const cfn = m.node.defaultChild as apigateway.CfnMethod;
      acknowledge(
        cfn,
        ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
        'The approval page authenticates every request by its signed link (HMAC bound to request, approver and expiry, single use); approvers ' +
          'need no AWS or Cognito identity by design.',
      );
    }
    const stage = this.api.deploymentStage.node.defaultChild as apigateway.CfnStage;
    acknowledge(
      stage,
      ['AwsSolutions-APIG3'],
      'The page is throttled, answers only signed links and holds no data a scan could find; AWS WAF would cost about 5 USD a month per model and ' +
        'environment while idle.',
    );
    acknowledge(
      stage,
      ['NIST.800.53.R5-APIGWSSLEnabled', 'HIPAA.Security-APIGWSSLEnabled'],
      'The API is only reachable over HTTPS (API Gateway has no HTTP endpoint); client certificates are for backend calls, which this Lambda ' +
        'proxy does not make.',
    );
    acknowledge(
      stage,
      ['NIST.800.53.R5-APIGWAssociatedWithWAF', 'HIPAA.Security-APIGWCacheEnabledAndEncrypted', 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted'],
      "No cache: every answer depends on the request's current state; WAF is left out as above (throttling and signed links instead).",
    );

    const request = new MlopsFunction(this, 'Request', {
      handler: 'request-approval',
      description: `Sends the approval requests of ${props.qualifiedName}`,
      logsKeyArn: platform.logsKeyArn,
      invokedBy: 'the training pipeline',
      environment: {
        [ENV.TABLE_NAME]: this.table.tableName,
        [ENV.SECRET_ARN]: this.secret.secretArn,
        [ENV.TOPIC_ARN]: this.topic.topicArn,
        // The stage URL without a trailing slash (links append /approvals/<id>). Built from the
        // literal stage name: a reference to the stage would make the pipeline, the page's policy
        // (which names the pipeline) and the API depend on each other in a cycle.
        [ENV.BASE_URL]: `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${STAGE_NAME}`,
      },
      statements: [
        new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [this.table.tableArn] }),
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [platform.dataKey.keyArn] }),
        new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [platform.notificationKey.keyArn] }),
      ],
    });
    this.requestFunction = request.function;
    acknowledgeWildcardResources(page.policy.node.defaultChild as iam.CfnManagedPolicy, [platform.auditBucket.arnForObjects(`${decisionPrefix}*`)],
      'Decision records are written one per request under this model\'s own prefix; request ids are random.');
    this.pagePolicy = page.policy;
  }
}
