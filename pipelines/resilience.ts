import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * Error names Step Functions reports for throttling and transient service faults, by integration. AWS SDK
 * integrations report `<Service>.<ErrorName>`, with `Exception` appended where the service's own name lacks it
 * (Step Functions developer guide, "AWS SDK service integrations"). Permission and validation errors
 * (`*.AccessDeniedException`, `SageMaker.ValidationException`, `ResourceNotFound`...) are never listed: they
 * are not transient, so they go straight to the failure notification.
 */
export const TRANSIENT_ERRORS = {
  /** `aws-sdk:sagemaker:*`. */
  sagemakerSdk: [
    'SageMaker.ThrottlingException',
    'SageMaker.InternalFailureException',
    'SageMaker.ServiceUnavailableException',
    'SageMaker.SdkClientException',
  ],
  /** `aws-sdk:s3:*` (S3 throttles with `SlowDown`). */
  s3Sdk: ['S3.SlowDownException', 'S3.InternalErrorException', 'S3.ServiceUnavailableException', 'S3.SdkClientException'],
  /** `aws-sdk:applicationautoscaling:*`. */
  autoScalingSdk: [
    'ApplicationAutoScaling.ThrottlingException',
    'ApplicationAutoScaling.ConcurrentUpdateException',
    'ApplicationAutoScaling.InternalServiceException',
    'ApplicationAutoScaling.SdkClientException',
  ],
  /** The optimized `sns:publish` integration (SNS throttles with `Throttled`; the topic's key may throttle too). */
  sns: ['SNS.ThrottledException', 'SNS.InternalErrorException', 'SNS.KMSThrottlingException', 'SNS.SdkClientException'],
  /**
   * The optimized `lambda:invoke` integration: throttling. aws-cdk-lib's `LambdaInvoke` already retries
   * `Lambda.ServiceException`, `Lambda.AWSLambdaException`, `Lambda.SdkClientException` and
   * `Lambda.ClientExecutionTimeoutException` (its default `retryOnServiceExceptions`).
   */
  lambda: ['Lambda.TooManyRequestsException'],
} as const;

/**
 * The optimized SageMaker `.sync` integrations report every service error, throttling and validation alike, as
 * `SageMaker.AmazonSageMakerException`; only the cause tells them apart. These patterns of the cause are retried.
 */
export const SAGEMAKER_SYNC_THROTTLE_CAUSES = ['*ThrottlingException*', '*Rate exceeded*'];

/** A retry with exponential backoff and full jitter. */
export function backoff(errors: readonly string[], intervalSeconds: number, maxAttempts: number): sfn.RetryProps {
  return { errors: [...errors], interval: Duration.seconds(intervalSeconds), backoffRate: 2, maxAttempts, jitterStrategy: sfn.JitterType.FULL };
}

/** What a throttle loop needs: the task, where its errors go, and its bound. */
export interface ThrottleLoopProps {
  /** The `.sync` Task state; it must draw a new job name on every entry (see runtime-names.ts). */
  readonly task: sfn.CustomState;
  /** Where an error that is not throttling, or throttling past the bound, goes (with the error in `$.error`). */
  readonly onError: sfn.IChainable;
  /** Calls after the first one. @default 5 */
  readonly maxRetries?: number;
  /** Seconds between two calls. @default 60 */
  readonly waitSeconds?: number;
}

/**
 * Retries a throttled optimized SageMaker `.sync` Task, and nothing else: a Catch of
 * `SageMaker.AmazonSageMakerException` leads to `<task>Throttled`, which retries (after `<task>Backoff`) only
 * when the cause is throttling and fewer than `maxRetries` retries were made (counted in
 * `$.throttleRetries.<task>`); every other error of the task goes to `onError`.
 */
export function retryThrottledSync(scope: Construct, props: ThrottleLoopProps): void {
  const name = props.task.stateId;
  const counter = `$.throttleRetries.${name}`;
  const max = props.maxRetries ?? 5;
  const throttled = sfn.Condition.or(...SAGEMAKER_SYNC_THROTTLE_CAUSES.map((pattern) => sfn.Condition.stringMatches('$.error.Cause', pattern)));
  const wait = new sfn.Wait(scope, `${name}Backoff`, { time: sfn.WaitTime.duration(Duration.seconds(props.waitSeconds ?? 60)) });
  const first = new sfn.Pass(scope, `${name}FirstRetry`, { result: sfn.Result.fromObject({ count: 1 }), resultPath: counter });
  const next = new sfn.Pass(scope, `${name}NextRetry`, { parameters: { 'count.$': `States.MathAdd(${counter}.count, 1)` }, resultPath: counter });
  first.next(wait);
  next.next(wait);
  wait.next(props.task);
  const choice = new sfn.Choice(scope, `${name}Throttled`)
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.error.Cause'),
        sfn.Condition.isString('$.error.Cause'),
        throttled,
        sfn.Condition.not(sfn.Condition.isPresent(counter)),
      ),
      first,
    )
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.error.Cause'),
        sfn.Condition.isString('$.error.Cause'),
        throttled,
        sfn.Condition.numberLessThan(`${counter}.count`, max),
      ),
      next,
    )
    .otherwise(props.onError);
  props.task.addCatch(choice, { errors: ['SageMaker.AmazonSageMakerException'], resultPath: '$.error' });
  props.task.addCatch(props.onError, { errors: ['States.ALL'], resultPath: '$.error' });
}
