import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResources } from '../compliance';
import { BUNDLE_HANDLER, handlerCode } from './bundling';

/** Properties of {@link MlopsFunction}. */
export interface MlopsFunctionProps {
  /** The handler's folder under `lambda/` (its `index.ts` exports `handler`). */
  readonly handler: string;
  /** What the function does, for people. */
  readonly description: string;
  /** Key ARN of the function's log group (a plain string, see `IPlatform.logsKeyArn`). */
  readonly logsKeyArn: string;
  /** Everything the function may do besides writing its own logs and traces. */
  readonly statements: iam.PolicyStatement[];
  /** Environment variables. @default - only POWERTOOLS_SERVICE_NAME */
  readonly environment?: Record<string, string>;
  /** @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** How the function is invoked, for the reason of the DLQ acknowledgement. */
  readonly invokedBy: string;
  /**
   * For asynchronously invoked functions: an SQS dead-letter queue (14 days, encrypted with the key
   * of `logsKeyArn`) that keeps events whose invocations failed after Lambda's retries.
   *
   * @default false - the function is invoked synchronously and its caller handles errors
   */
  readonly deadLetterQueue?: boolean;
}

/**
 * A blueprint Lambda function: TypeScript bundled locally by esbuild (never Docker), minified with
 * source maps, with the AWS SDK v3 clients it uses bundled at the versions this repository pins
 * (the runtime's own SDK can lag behind), and bundled again only when its inputs changed (see
 * {@link handlerCode}); Node.js 24 on ARM; X-Ray tracing; a KMS-encrypted, retained log group; and
 * a role whose every permission is in one explicit managed policy.
 * No reserved concurrency: new accounts cannot spare it.
 */
export class MlopsFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly policy: iam.ManagedPolicy;
  /** The dead-letter queue, for asynchronously invoked functions. */
  public readonly deadLetterQueue?: sqs.Queue;
  private readonly logsKeyArn: string;
  private schedulerRole?: iam.Role;

  constructor(scope: Construct, id: string, props: MlopsFunctionProps) {
    super(scope, id);
    this.logsKeyArn = props.logsKeyArn;
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    (logGroup.node.defaultChild as logs.CfnLogGroup).kmsKeyId = props.logsKeyArn;

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: props.description,
    });
    if (props.deadLetterQueue) {
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
        encryption: sqs.QueueEncryption.KMS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        // Marks it as a dead-letter queue (Control Tower CT.SQS.PR.1). Lambda, not a queue, sends to
        // it; queues of this account could redrive into it, which moves no data across accounts.
        redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
      });
      // The customer managed key, as the same plain string as the log group's (see IPlatform.logsKeyArn).
      (this.deadLetterQueue.node.defaultChild as sqs.CfnQueue).kmsMasterKeyId = props.logsKeyArn;
    }
    const dlqStatements = this.deadLetterQueue ? [
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.logsKeyArn] }),
    ] : [];
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      roles: [this.role],
      description: props.description,
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        // X-Ray has no resource-level permissions.
        new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
        ...props.statements,
        ...dlqStatements,
      ],
    });

    this.function = new lambda.Function(this, 'Function', {
      // lambda/<handler>/index.ts bundled by esbuild for node24 (the runtime below), minified, with a
      // source map and the SDK clients bundled (their versions are the ones tested here); cached.
      code: handlerCode(this, props.handler),
      handler: BUNDLE_HANDLER,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.minutes(1),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role: this.role.withoutPolicyUpdates(),
      environment: { POWERTOOLS_SERVICE_NAME: props.handler, ...props.environment },
      deadLetterQueue: this.deadLetterQueue,
    });
    this.function.node.addDependency(this.policy);

    const fn = this.function.node.defaultChild as lambda.CfnFunction;
    acknowledge(
      fn,
      ['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency'],
      'Reserved concurrency is left unset on purpose: new accounts often have a total limit of 10-50 and must keep 100 unreserved, so reserving ' +
        'any fails the deployment.',
    );
    if (!this.deadLetterQueue) {
      acknowledge(
        fn,
        ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ'],
        `The function is invoked synchronously by ${props.invokedBy}, which retries and catches its errors; a dead-letter queue only receives ` +
          `failed asynchronous invocations.`,
      );
    }
    acknowledge(
      fn,
      ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'cdk-validator-cfnguard::lambda_inside_vpc_check'],
      'The function only calls AWS APIs over TLS with IAM authorisation; a VPC would add NAT gateways or interface endpoints that cost money ' +
        'while idle.',
    );
    acknowledgeWildcardResources(this.policy.node.defaultChild as iam.CfnManagedPolicy, ['*'],
      'Only the X-Ray tracing actions are granted on "*": X-Ray has no resource-level permissions.');
  }

  /**
   * Invokes the function on a schedule (EventBridge Scheduler, UTC, 3 retries within an hour), with
   * failed deliveries kept in its dead-letter queue. The scheduler's role may invoke this function only.
   *
   * @param expression a Scheduler expression, e.g. `cron(15 * * * ? *)`
   * @param input the event, as JSON (context attributes such as `<aws.scheduler.scheduled-time>` allowed)
   */
  public addSchedule(id: string, expression: string, input: object, description: string): scheduler.CfnSchedule {
    if (!this.deadLetterQueue) throw new Error(`${this.node.path}: a scheduled function needs deadLetterQueue: true`);
    if (!this.schedulerRole) {
      this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        description: `EventBridge Scheduler: invokes ${this.node.path}`,
      });
      new iam.ManagedPolicy(this, 'SchedulerPolicy', {
        roles: [this.schedulerRole],
        description: `EventBridge Scheduler: invoke ${this.node.path}, keep failed deliveries`,
        statements: [
          new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
          new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
          new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.logsKeyArn] }),
        ],
      });
    }
    const schedule = new scheduler.CfnSchedule(this, id, {
      description,
      scheduleExpression: expression,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.function.functionArn,
        roleArn: this.schedulerRole.roleArn,
        input: JSON.stringify(input),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    // The scheduler checks its role's permissions on first use: the policy must exist first.
    schedule.node.addDependency(this.node.findChild('SchedulerPolicy'));
    return schedule;
  }
}
