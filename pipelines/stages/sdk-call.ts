import { Aws } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { backoff, TRANSIENT_ERRORS } from '../resilience';

/** The services the workflow calls through AWS SDK integrations, each with its retry of transient errors. */
const RETRIES = {
  sagemaker: () => backoff(TRANSIENT_ERRORS.sagemakerSdk, 5, 5),
  s3: () => backoff(TRANSIENT_ERRORS.s3Sdk, 2, 5),
  applicationautoscaling: () => backoff(TRANSIENT_ERRORS.autoScalingSdk, 5, 5),
} as const;

/** A service the workflow calls through an AWS SDK integration. */
export type SdkService = keyof typeof RETRIES;

/** One AWS SDK call. */
export interface SdkCallProps {
  /** The service, as the integration names it (`arn:<partition>:states:::aws-sdk:<service>:<action>`). */
  readonly service: SdkService;
  /** The API action, camel case (`describeEndpoint`). */
  readonly action: string;
  /** The request; keys ending in `.$` are JSONPaths or intrinsic functions. */
  readonly parameters: object;
  /** Selects from the response. @default - the whole response */
  readonly resultSelector?: object;
  /** Where the result lands; `null` discards it. @default - the state's output is the result */
  readonly resultPath?: string | null;
}

/**
 * A Task state calling one AWS SDK action, with the service's retry of throttling and transient faults
 * (resilience.ts) already added. Errors it does not retry are left to the caller's Catch. The IAM
 * statements are the calling stage's: each stage lists the actions of its calls next to them.
 */
export function sdkCall(scope: Construct, id: string, props: SdkCallProps): sfn.CustomState {
  const state = new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:${props.service}:${props.action}`,
      Parameters: props.parameters,
      ...(props.resultSelector ? { ResultSelector: props.resultSelector } : {}),
      ...(props.resultPath !== undefined ? { ResultPath: props.resultPath } : {}),
    },
  });
  state.addRetry(RETRIES[props.service]());
  return state;
}
