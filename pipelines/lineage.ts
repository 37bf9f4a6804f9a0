import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Milestone as LineageMilestone } from '../contracts/lineage';

/** What recording a milestone needs. */
export interface LineageRecorder {
  /** The record-lineage function. */
  readonly function: lambda.IFunction;
  /** The model's name. */
  readonly modelName: string;
  /** The environment's name. */
  readonly environmentName: string;
}

/**
 * A task that writes one lineage record to the audit bucket (Object Lock) with the whole pipeline
 * state; its result lands in `$.lineage.<milestone>` (`recordUri`, `versionId`).
 */
export function recordMilestone(scope: Construct, id: string, recorder: LineageRecorder, milestone: LineageMilestone): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: recorder.function,
    payload: sfn.TaskInput.fromObject({
      milestone,
      executionArn: sfn.JsonPath.executionId,
      executionStartTime: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
      model: recorder.modelName,
      environment: recorder.environmentName,
      state: sfn.JsonPath.entirePayload,
    }),
    payloadResponseOnly: true,
    resultPath: `$.lineage.${milestone.replace('-', '')}`,
    taskTimeout: sfn.Timeout.duration(Duration.minutes(2)),
  });
  task.addRetry({ errors: ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException', 'ThrottlingException'], interval: Duration.seconds(5), maxAttempts: 4, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
  return task;
}
