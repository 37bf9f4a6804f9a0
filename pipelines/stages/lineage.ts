/**
 * Lineage stage: the tasks that write one lineage record per milestone (registered, approved,
 * rejected, deployed, rollback, deployment-failed), used by the registration, approval and
 * deployment stages, and the permission they need.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Milestone as LineageMilestone } from '../../contracts/lineage';
import { catchInto, StagePermissions } from './stage';

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
  task.addRetry({
    errors: ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException', 'ThrottlingException'],
    interval: Duration.seconds(5),
    maxAttempts: 4,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/**
 * A lineage task whose failure stops the run: no later step (registration's gate, deployment) runs
 * without its record. Errors go to `onFailure` with the error in `$.error`.
 */
export function recordRequiredMilestone(
  scope: Construct,
  id: string,
  recorder: LineageRecorder,
  milestone: LineageMilestone,
  onFailure: sfn.IChainable,
): tasks.LambdaInvoke {
  const task = recordMilestone(scope, id, recorder, milestone);
  catchInto(task, onFailure);
  return task;
}

/** What the pipeline role needs to record lineage: invoking the record-lineage function. */
export function lineagePermissions(recorder: LineageRecorder): StagePermissions {
  return { statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [recorder.function.functionArn] })], wildcards: [] };
}
