import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { featuresJson as featuresEnvValue, FEATURES_ENV } from '../../contracts/features';
import { DRIFT_NAMESPACE, RETRAINING_NAMESPACE } from '../../contracts/metrics';
import { acknowledge, acknowledgeWildcardResources } from '../compliance';
import { FeatureDeclaration } from '../config/model';
import { DriftDeclaration, MONITORING_DEFAULTS, RetrainingDeclaration } from '../config/monitoring';
import { IPlatform } from '../platform/platform-reference';
import { MlopsFunction } from '../private/mlops-function';

// The drift statistics' and retraining decisions' namespaces (docs/drift.md, docs/retraining.md), re-exported.
export { DRIFT_NAMESPACE, RETRAINING_NAMESPACE };

/** Properties of {@link ModelMonitoring}. */
export interface ModelMonitoringProps {
  /** The model's name. */
  readonly modelName: string;
  /** `<namespace>-<environment>-<model>`. */
  readonly qualifiedName: string;
  /** The model's input features, in the column order of its CSV data (after the label). */
  readonly features: FeatureDeclaration[];
  /** The environment's platform. */
  readonly platform: IPlatform;
  /** The training pipeline, started on drift or on schedule. */
  readonly stateMachine: sfn.IStateMachine;
  /** Where the pipeline records what serves (`models/<model>/serving/current.json`). */
  readonly servingRecordKey: string;
  /** Drift settings. @default - see DriftDeclaration */
  readonly drift?: DriftDeclaration;
  /** Retraining guardrails and schedule. @default - see RetrainingDeclaration */
  readonly retraining?: RetrainingDeclaration;
}

/**
 * Drift detection and safe retraining for one model: an hourly drift job (EventBridge Scheduler)
 * comparing the endpoint's captured data with the served model's baseline, drift alarms per feature
 * and aggregated, and a retraining function that starts the training pipeline on an aggregated alarm
 * (or on schedule) behind idempotency, running-execution, cooldown and daily-cap guardrails.
 */
export class ModelMonitoring extends Construct {
  /** The drift job. */
  public readonly driftFunction: MlopsFunction;
  /** The retraining trigger. */
  public readonly retrainFunction: MlopsFunction;
  /** Alarms whose ALARM state starts retraining (aggregated over the features). */
  public readonly retrainingAlarms: cloudwatch.Alarm[];
  /** Every drift alarm. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The retraining guardrails' state (idempotency, cooldown, daily counts). */
  public readonly stateTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ModelMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const d = { ...MONITORING_DEFAULTS, ...stripUndefined(props.drift ?? {}) };
    const r = { ...MONITORING_DEFAULTS, ...stripUndefined(props.retraining ?? {}) };
    const platform = props.platform;
    const lake = platform.lakeBuckets;
    const featuresJson = featuresEnvValue(props.features);
    const statePrefix = `models/${props.modelName}/drift/state/`;

    // 1. The drift job.
    const captureObjects = lake.capture.arnForObjects(`${props.modelName}/*`);
    const baselineObjects = lake.artifacts.arnForObjects(`models/${props.modelName}/runs/*`);
    const stateObjects = lake.artifacts.arnForObjects(`${statePrefix}*`);
    this.driftFunction = new MlopsFunction(this, 'DriftJob', {
      handler: 'drift-job',
      description: `Drift statistics of ${props.qualifiedName}: captured data against the served model's baseline`,
      logsKeyArn: platform.logsKeyArn,
      invokedBy: 'EventBridge Scheduler',
      deadLetterQueue: true,
      timeout: Duration.minutes(15),
      memorySize: MONITORING_DEFAULTS.driftJobMemoryMb,
      environment: {
        MODEL_NAME: props.modelName,
        POINTER_URI: `s3://${lake.artifacts.bucketName}/${props.servingRecordKey}`,
        CAPTURE_BUCKET: lake.capture.bucketName,
        CAPTURE_PREFIX: `${props.modelName}/`,
        [FEATURES_ENV]: featuresJson,
        STATE_PREFIX_URI: `s3://${lake.artifacts.bucketName}/${statePrefix}`,
        METRIC_NAMESPACE: DRIFT_NAMESPACE,
        MIN_SAMPLES: String(d.minSamples),
        SELF_INVOKE: 'true',
      },
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [lake.artifacts.arnForObjects(props.servingRecordKey), baselineObjects, captureObjects, stateObjects],
        }),
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [lake.capture.bucketArn],
          conditions: { StringLike: { 's3:prefix': `${props.modelName}/*` } },
        }),
        // Lets a missing serving record read as "not found" (nothing deployed yet) instead of "access denied".
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [lake.artifacts.bucketArn],
          conditions: { StringLike: { 's3:prefix': `models/${props.modelName}/serving/*` } },
        }),
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [stateObjects] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [platform.dataKey.keyArn] }),
        // PutMetricData has no resource type; the condition limits it to the drift namespace.
        new iam.PolicyStatement({
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'cloudwatch:namespace': DRIFT_NAMESPACE } },
        }),
      ],
    });
    const driftPolicy = this.driftFunction.policy.node.defaultChild as iam.CfnManagedPolicy;
    acknowledgeWildcardResources(
      driftPolicy,
      ['*'],
      'Only X-Ray tracing and cloudwatch:PutMetricData (limited to the drift namespace by condition) are granted on "*": neither has a resource ' +
        'type.',
    );
    acknowledgeWildcardResources(
      driftPolicy,
      [baselineObjects, captureObjects, stateObjects],
      "The job reads the baseline of whichever run is serving, the captured hours of this model and its own partial state: all under this model's " +
        'own prefixes, with names known only at run time.',
    );
    // Long windows continue in a new invocation of the same function (a separate policy: the function depends on its main one).
    new iam.ManagedPolicy(this, 'DriftJobContinuation', {
      roles: [this.driftFunction.role],
      description: `Lets the drift job of ${props.qualifiedName} continue a long window in a new invocation`,
      statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.driftFunction.function.functionArn] })],
    });

    // 2. Drift alarms: aggregated (they trigger retraining) and per feature (they inform).
    const alarm = (alarmId: string, description: string, metricName: string, threshold: number, dimensions: Record<string, string>) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `${props.qualifiedName}: ${description}`,
        metric: new cloudwatch.Metric({
          namespace: DRIFT_NAMESPACE,
          metricName,
          dimensionsMap: dimensions,
          statistic: 'Maximum',
          period: Duration.hours(1),
        }),
        threshold,
        evaluationPeriods: d.evaluationPeriods,
        datapointsToAlarm: Math.min(d.datapointsToAlarm, d.evaluationPeriods),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No traffic or too few samples publishes no statistic: that is not drift.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(platform.alarmTopic));
      a.addOkAction(new actions.SnsAction(platform.alarmTopic));
      return a;
    };
    const model = { Model: props.modelName };
    const numeric = props.features.filter((f) => f.type !== 'string');
    const categorical = props.features.filter((f) => f.type === 'string');
    this.retrainingAlarms = [
      alarm('MaxPsi', `a feature's PSI above ${d.psiThreshold}`, 'MaxPSI', d.psiThreshold, model),
      ...(numeric.length ? [alarm('MaxKs', `a numeric feature's KS distance above ${d.ksThreshold}`, 'MaxKSDistance', d.ksThreshold, model)] : []),
      ...(categorical.length
        ? [alarm('MaxJs', `a categorical feature's JS distance above ${d.jsThreshold}`, 'MaxJSDistance', d.jsThreshold, model)]
        : []),
    ];
    this.alarms = [
      ...this.retrainingAlarms,
      alarm('PredictionPsi', `the predictions' PSI above ${d.psiThreshold}`, 'PredictionPSI', d.psiThreshold, model),
      alarm('SchemaViolations', 'captured requests that do not match the declared features', 'SchemaViolations', 0, model),
    ];
    if (props.features.length <= d.maxFeatureAlarms) {
      props.features.forEach((f, i) => {
        const dims = { Model: props.modelName, Feature: f.name };
        this.alarms.push(alarm(`Psi${i}`, `PSI of ${f.name} above ${d.psiThreshold}`, 'PSI', d.psiThreshold, dims));
        this.alarms.push(f.type === 'string'
          ? alarm(`Js${i}`, `JS distance of ${f.name} above ${d.jsThreshold}`, 'JSDistance', d.jsThreshold, dims)
          : alarm(`Ks${i}`, `KS distance of ${f.name} above ${d.ksThreshold}`, 'KSDistance', d.ksThreshold, dims));
      });
    }

    // 3. The retraining trigger and its guardrails' table.
    this.stateTable = new dynamodb.Table(this, 'RetrainingState', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: platform.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.stateTable.node.defaultChild as dynamodb.CfnTable,
      ['NIST.800.53.R5-DynamoDBInBackupPlan', 'HIPAA.Security-DynamoDBInBackupPlan'],
      'The table only holds retraining guardrail state (idempotency keys, last start, daily counts) that expires by itself; point-in-time ' +
        'recovery covers it.',
    );
    const allowed = props.drift?.retrainOnDrift ?? MONITORING_DEFAULTS.retrainOnDrift ? this.retrainingAlarms : [];
    this.retrainFunction = new MlopsFunction(this, 'RetrainTrigger', {
      handler: 'retrain-trigger',
      description: `Starts the training pipeline of ${props.qualifiedName} on drift or schedule, at most once per event, never in a storm`,
      logsKeyArn: platform.logsKeyArn,
      invokedBy: 'EventBridge',
      deadLetterQueue: true,
      timeout: Duration.minutes(1),
      environment: {
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
        TABLE_NAME: this.stateTable.tableName,
        MODEL_NAME: props.modelName,
        ALLOWED_ALARM_ARNS: stack.toJsonString(allowed.map((a) => a.alarmArn)),
        COOLDOWN_MINUTES: String(r.cooldownMinutes),
        MAX_STARTS_PER_DAY: String(r.maxStartsPerDay),
        METRIC_NAMESPACE: RETRAINING_NAMESPACE,
      },
      statements: [
        new iam.PolicyStatement({
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          resources: [this.stateTable.tableArn],
        }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [platform.dataKey.keyArn] }),
        new iam.PolicyStatement({ actions: ['states:StartExecution', 'states:ListExecutions'], resources: [props.stateMachine.stateMachineArn] }),
        // PutMetricData has no resource type; the condition limits it to the retraining namespace.
        new iam.PolicyStatement({
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'cloudwatch:namespace': RETRAINING_NAMESPACE } },
        }),
      ],
    });
    acknowledgeWildcardResources(
      this.retrainFunction.policy.node.defaultChild as iam.CfnManagedPolicy,
      ['*'],
      'Only X-Ray tracing and cloudwatch:PutMetricData (limited to the retraining namespace by condition) are granted on "*": neither has a ' +
        'resource type.',
    );
    if (allowed.length) {
      const rule = new events.Rule(this, 'OnDrift', {
        description: `Retrains ${props.qualifiedName} when an aggregated drift alarm goes to ALARM`,
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: allowed.map((a) => a.alarmArn),
          detail: { state: { value: ['ALARM'] } },
        },
      });
      rule.addTarget(new targets.LambdaFunction(this.retrainFunction.function, {
        deadLetterQueue: this.retrainFunction.deadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.hours(2),
      }));
      const failed = new cloudwatch.Alarm(this, 'OnDriftFailed', {
        alarmDescription: `${props.qualifiedName}: the drift rule could not invoke the retraining function`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { RuleName: rule.ruleName },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      failed.addAlarmAction(new actions.SnsAction(platform.alarmTopic));
      failed.addOkAction(new actions.SnsAction(platform.alarmTopic));
      this.alarms.push(failed);
    }

    // 4. Schedules: the drift job hourly at minute 15 (the past hour's captured files have landed), retraining if declared.
    this.driftFunction.addSchedule('DriftSchedule', 'cron(15 * * * ? *)', { scheduledTime: '<aws.scheduler.scheduled-time>' },
      `Hourly drift statistics of ${props.qualifiedName}`);
    if (props.retraining?.schedule) {
      this.retrainFunction.addSchedule(
        'RetrainingSchedule',
        props.retraining.schedule,
        { source: 'mlops.schedule', model: props.modelName, scheduledTime: '<aws.scheduler.scheduled-time>' },
        `Scheduled retraining of ${props.qualifiedName}`,
      );
    }
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
