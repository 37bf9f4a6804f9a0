/**
 * Notifications stage: the one failure path every stage's errors lead to, the success notification,
 * and the permission to publish to the (encrypted) topic.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { backoff, TRANSIENT_ERRORS } from '../resilience';
import { StagePermissions } from './stage';

/** The topic the workflow notifies, and the key it is encrypted with. */
export interface NotificationTarget {
  readonly topic: sns.ITopic;
  /** The topic's key: SNS uses it on the publisher's behalf. */
  readonly key: kms.IKey;
}

/** What publishing to the topic needs. */
export function publishPermissions(target: NotificationTarget): StagePermissions {
  return {
    statements: [
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [target.topic.topicArn] }),
      // Publishing to the encrypted topic: SNS uses the key on the publisher's behalf.
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [target.key.keyArn] }),
    ],
    wildcards: [],
  };
}

/**
 * Publishes `message` to the topic with `subject`, then ends in `end`. A failed notification must not hide what it
 * was about: throttling and transient errors are retried, anything else is caught (`$.notificationError`) into `end`.
 */
export function notifyThenEnd(
  scope: Construct,
  id: string,
  props: { readonly target: NotificationTarget; readonly subject: string; readonly message: Record<string, unknown>; readonly end: sfn.Fail },
): tasks.SnsPublish {
  const notify = new tasks.SnsPublish(scope, id, {
    topic: props.target.topic,
    subject: props.subject,
    message: sfn.TaskInput.fromObject(props.message),
    resultPath: sfn.JsonPath.DISCARD,
  });
  notify.addRetry(backoff(TRANSIENT_ERRORS.sns, 2, 5));
  notify.addCatch(props.end, { errors: ['States.ALL'], resultPath: '$.notificationError' });
  notify.next(props.end);
  return notify;
}

/** Properties of {@link failureStage}. */
export interface FailureStageProps {
  readonly modelName: string;
  readonly notifications: NotificationTarget;
}

/**
 * The failure path. **Input**: any state with `$.error` (`Error`, `Cause`). Describes the failure once in
 * `$.failure.cause`, notifies the topic (a failed notification must not hide the failure: retried, then
 * caught) and ends in the Fail state `PipelineFailed` with that cause.
 */
export function failureStage(scope: Construct, props: FailureStageProps): StagePermissions & { readonly start: sfn.State } {
  const describeFailure = new sfn.Pass(scope, 'DescribeFailure', {
    parameters: { cause: sfn.JsonPath.format('{}: {}', sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')) },
    resultPath: '$.failure',
  });
  const failed = new sfn.Fail(scope, 'PipelineFailed', { error: 'PipelineFailed', causePath: '$.failure.cause' });
  const notifyFailure = notifyThenEnd(scope, 'NotifyFailure', {
    target: props.notifications,
    subject: `MLOps ${props.modelName}: pipeline failed`,
    message: {
      model: props.modelName,
      execution: sfn.JsonPath.executionId,
      error: sfn.JsonPath.stringAt('$.error.Error'),
      cause: sfn.JsonPath.stringAt('$.failure.cause'),
    },
    end: failed,
  });
  describeFailure.next(notifyFailure);
  return { start: describeFailure, ...publishPermissions(props.notifications) };
}

/** Properties of {@link successStage}. */
export interface SuccessStageProps {
  readonly modelName: string;
  readonly environmentName: string;
  readonly notifications: NotificationTarget;
  /** JSONPath of the candidate's metric, in the notification. */
  readonly metricPath: string;
  /** Where errors go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
}

/**
 * The end of a deployed run. **Input**: the deployed state (`$.registration`, `$.serving`, `$.approval`).
 * Notifies the topic, then `Succeeded`.
 */
export function successStage(scope: Construct, props: SuccessStageProps): StagePermissions & { readonly start: sfn.State } {
  const notifySuccess = new tasks.SnsPublish(scope, 'NotifySuccess', {
    topic: props.notifications.topic,
    subject: `MLOps ${props.modelName}: new model deployed`,
    message: sfn.TaskInput.fromObject({
      model: props.modelName,
      environment: props.environmentName,
      execution: sfn.JsonPath.executionId,
      modelPackageArn: sfn.JsonPath.stringAt('$.registration.modelPackageArn'),
      endpoint: sfn.JsonPath.stringAt('$.serving.endpointName'),
      endpointConfig: sfn.JsonPath.stringAt('$.serving.endpointConfigName'),
      approvedBy: sfn.JsonPath.stringAt('$.approval.approver'),
      metric: sfn.JsonPath.objectAt(props.metricPath),
    }),
    resultPath: sfn.JsonPath.DISCARD,
  });
  notifySuccess.addRetry(backoff(TRANSIENT_ERRORS.sns, 2, 5));
  notifySuccess.addCatch(props.onFailure, { errors: ['States.ALL'], resultPath: '$.error' });
  notifySuccess.next(new sfn.Succeed(scope, 'Succeeded'));
  return { start: notifySuccess, ...publishPermissions(props.notifications) };
}
