/** Approval stage: the gate after registration, automatic (recorded) or by a person within a timeout. */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { backoff, TRANSIENT_ERRORS } from '../resilience';
import { LineageRecorder, lineagePermissions, recordMilestone, recordRequiredMilestone } from './lineage';
import { NotificationTarget, notifyThenEnd, publishPermissions } from './notifications';
import { sdkCall } from './sdk-call';
import { catchInto, mergePermissions, ModelPackageGroupRef, PACKAGE_WILDCARD_REASON, StagePermissions } from './stage';

/** The approval gate: automatic (recorded) or by a person within a timeout. */
export type PipelineApproval =
  | { readonly mode: 'auto'; readonly recordFunction: lambda.IFunction }
  | {
      readonly mode: 'human';
      readonly requestFunction: lambda.IFunction;
      readonly recordFunction: lambda.IFunction;
      readonly approvers: string[];
      readonly timeout: Duration;
    };

/** Properties of {@link approvalStage}. */
export interface ApprovalStageProps {
  readonly approval: PipelineApproval;
  readonly registry: ModelPackageGroupRef;
  readonly lineage: LineageRecorder;
  /** Where a rejection is notified. */
  readonly notifications: NotificationTarget;
  /** Where approving deploys, shown on the approval page (deployment.ts `approvalTarget`). */
  readonly deploymentTarget: object;
  /** Where errors go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
}

/**
 * **Input**: `$.registration.modelPackageArn`, `$.evidence`, `$.evaluationDataUri`. `auto`: the automatic
 * approval is recorded, then approved. `human`: waits for a person (`.waitForTaskToken`, with a timeout).
 * **Output**: `$.approval` (`decision`, `approver`, `comment`, `decidedAt`, `recordUri`); approved, the package
 * becomes `Approved` with the approver and comment in its `ApprovalDescription`, `$.lineage.approved` is
 * written and the run continues at `approved` (`DeploymentHandOff`). **Errors**: rejected or timed out, the
 * package becomes `Rejected`, notified, and the run ends in `ModelRejected` with the reason; an incomplete
 * decision (`ApprovalIncomplete`) and failed calls go to `onFailure`.
 */
export function approvalStage(
  scope: Construct,
  props: ApprovalStageProps,
): StagePermissions & { readonly start: sfn.State; readonly approved: sfn.Pass } {
  const approval = props.approval;
  const { modelName, environmentName } = props.lineage;
  const updatePackage = (id: string, status: 'Approved' | 'Rejected', verb: string) => {
    const state = sdkCall(scope, id, {
      service: 'sagemaker',
      action: 'updateModelPackage',
      parameters: {
        'ModelPackageArn.$': '$.registration.modelPackageArn',
        ModelApprovalStatus: status,
        'ApprovalDescription.$': `States.Format('${verb} by {} at {}: {} (record {})', $.approval.approver, $.approval.decidedAt, ` +
          `$.approval.comment, $.approval.recordUri)`,
      },
      resultPath: null,
    });
    catchInto(state, props.onFailure);
    return state;
  };
  const markApproved = updatePackage('MarkApproved', 'Approved', 'Approved');
  // The decision comes from a function or the approval page: each field the next states read is checked first.
  const fields = ['decision', 'approver', 'decidedAt', 'comment', 'recordUri'].map((f) => `$.approval.${f}`);
  const approvalIncomplete = new sfn.Pass(scope, 'ApprovalIncomplete', {
    parameters: {
      Error: 'ApprovalIncomplete',
      Cause: sfn.JsonPath.format(
        'the approval decision must have the strings decision, approver, decidedAt, comment and recordUri; got {}',
        sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.approval')),
      ),
    },
    resultPath: '$.error',
  });
  approvalIncomplete.next(props.onFailure);
  const approvalComplete = new sfn.Choice(scope, 'ApprovalComplete');
  approvalComplete.otherwise(approvalIncomplete);
  const complete = sfn.Condition.and(...fields.flatMap((path) => [sfn.Condition.isPresent(path), sfn.Condition.isString(path)]));
  const deploymentHandOff = new sfn.Pass(scope, 'DeploymentHandOff', { comment: 'Deployment of the approved model continues from here.' });
  // No deployment without its lineage record.
  markApproved.next(recordRequiredMilestone(scope, 'RecordApproved', props.lineage, 'approved', props.onFailure)).next(deploymentHandOff);

  const request = {
    executionArn: sfn.JsonPath.executionId,
    model: modelName,
    environment: environmentName,
    modelPackageArn: sfn.JsonPath.stringAt('$.registration.modelPackageArn'),
    evidence: sfn.JsonPath.objectAt('$.evidence'),
  };
  const permissions = (functions: lambda.IFunction[], ...more: StagePermissions[]) =>
    mergePermissions(
      {
        statements: [
          new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functions.map((f) => f.functionArn) }),
          new iam.PolicyStatement({ actions: ['sagemaker:UpdateModelPackage'], resources: [props.registry.packageArnPattern] }),
        ],
        wildcards: [{ resources: [props.registry.packageArnPattern], reason: PACKAGE_WILDCARD_REASON }],
      },
      lineagePermissions(props.lineage),
      ...more,
    );
  if (approval.mode === 'auto') {
    const record = new tasks.LambdaInvoke(scope, 'RecordAutomaticApproval', {
      lambdaFunction: approval.recordFunction,
      payload: sfn.TaskInput.fromObject(request),
      payloadResponseOnly: true,
      resultPath: '$.approval',
    });
    record.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
    catchInto(record, props.onFailure);
    record.next(approvalComplete);
    approvalComplete.when(complete, markApproved);
    return { start: record, approved: deploymentHandOff, ...permissions([approval.recordFunction]) };
  }

  const markRejected = updatePackage('MarkRejected', 'Rejected', 'Rejected');
  const describeRejection = new sfn.Pass(scope, 'DescribeRejection', {
    parameters: {
      cause: sfn.JsonPath.format('Rejected by {}: {}', sfn.JsonPath.stringAt('$.approval.approver'), sfn.JsonPath.stringAt('$.approval.comment')),
    },
    resultPath: '$.rejection',
  });
  const rejected = new sfn.Fail(scope, 'ModelRejected', { error: 'ModelRejected', causePath: '$.rejection.cause' });
  const notifyRejected = notifyThenEnd(scope, 'NotifyRejected', {
    target: props.notifications,
    subject: `MLOps ${modelName}: candidate rejected`,
    message: {
      model: modelName,
      environment: environmentName,
      execution: sfn.JsonPath.executionId,
      modelPackageArn: sfn.JsonPath.stringAt('$.registration.modelPackageArn'),
      reason: sfn.JsonPath.stringAt('$.rejection.cause'),
    },
    end: rejected,
  });
  // The rejection is recorded for auditors; a failed record must not hide the rejection.
  const recordRejected = recordMilestone(scope, 'RecordRejected', props.lineage, 'rejected');
  recordRejected.addCatch(describeRejection, { errors: ['States.ALL'], resultPath: '$.lineageError' });
  markRejected.next(recordRejected).next(describeRejection).next(notifyRejected);

  const requestApproval = new tasks.LambdaInvoke(scope, 'RequestApproval', {
    lambdaFunction: approval.requestFunction,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      ...request,
      taskToken: sfn.JsonPath.taskToken,
      approvers: approval.approvers,
      timeoutSeconds: approval.timeout.toSeconds(),
      // What approvers are shown besides the evidence: the evaluation data, what started the run, where approving deploys.
      evaluationDataUri: sfn.JsonPath.stringAt('$.evaluationDataUri'),
      // The whole input: its trigger is optional, and a path to a missing field would fail the state.
      executionInput: sfn.JsonPath.objectAt('$$.Execution.Input'),
      deployment: props.deploymentTarget,
    }),
    taskTimeout: sfn.Timeout.duration(approval.timeout),
    resultPath: '$.approval',
  });
  // No decision in time: rejected, and recorded like any decision.
  const timedOut = new tasks.LambdaInvoke(scope, 'ApprovalTimedOut', {
    lambdaFunction: approval.recordFunction,
    payload: sfn.TaskInput.fromObject({
      ...request,
      kind: 'timeout',
      comment: `no decision within ${approval.timeout.toHumanString()}: rejected automatically`,
    }),
    payloadResponseOnly: true,
    resultPath: '$.approval',
  });
  catchInto(timedOut, props.onFailure);
  timedOut.next(approvalComplete);
  requestApproval.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
  timedOut.addRetry(backoff(TRANSIENT_ERRORS.lambda, 2, 5));
  requestApproval.addCatch(timedOut, { errors: ['States.Timeout'], resultPath: '$.timeout' });
  catchInto(requestApproval, props.onFailure);
  const decision = new sfn.Choice(scope, 'ApprovalDecision')
    .when(sfn.Condition.stringEquals('$.approval.decision', 'approved'), markApproved)
    .otherwise(markRejected);
  approvalComplete.when(complete, decision);
  requestApproval.next(approvalComplete);
  return {
    start: requestApproval,
    approved: deploymentHandOff,
    ...permissions([approval.recordFunction, approval.requestFunction], publishPermissions(props.notifications)),
  };
}
