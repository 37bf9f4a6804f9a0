/**
 * How the deployment stage ends when it cannot deploy: each problem is described once in `$.deploymentProblem`,
 * recorded in lineage, notified, and ends in the Fail state `DeploymentFailed` named after the problem. Every
 * wait on the endpoint is bounded: a transitional status past its number of looks is the problem `EndpointWaitExceeded`.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ResolvedServing } from '../../contracts/serving';
import { ENDPOINT_POLL_SECONDS, ENDPOINT_STATUSES } from './endpoint-status';
import { LineageRecorder, recordMilestone } from './lineage';
import { NotificationTarget, notifyThenEnd } from './notifications';

const STATUS = '$.endpoint.EndpointStatus';

/** The endpoint's status (`$.endpoint`, from DescribeEndpoint) is one of `names`. */
export function endpointStatusIs(...names: readonly string[]): sfn.Condition {
  return sfn.Condition.or(...names.map((n) => sfn.Condition.stringEquals(STATUS, n)));
}

/** The whole description of the endpoint, as a string: FailureReason is only there on failures. */
export function describedEndpoint(): string {
  return sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.endpoint'));
}

/** Properties of {@link DeploymentProblems}. */
export interface DeploymentProblemsProps {
  readonly modelName: string;
  readonly environmentName: string;
  readonly endpointName: string;
  readonly notifications: NotificationTarget;
  /** Lineage records of the problems. @default - none written */
  readonly lineage?: LineageRecorder;
}

/** A bounded wait: the condition that ends it, what follows then, and the state counting one more look. */
export interface BoundedWait {
  readonly exceeded: sfn.Condition;
  readonly onExceeded: sfn.IChainable;
  readonly look: sfn.IChainable;
}

/** The problem states of a deployment (each a Pass into `$.deploymentProblem`). */
export interface DeploymentEndings {
  /** `EndpointCreationFailed`: the endpoint failed to create (it is deleted first). */
  readonly creationFailed: sfn.Pass;
  /** `EndpointNotUpdatable`: the endpoint is Failed, stuck or being deleted. */
  readonly notUpdatable: sfn.Pass;
  /** `RolloutRolledBack`: an alarm fired, the previous configuration serves. */
  readonly rolledBack: sfn.Pass;
  /** `EndpointUpdateFailed`. */
  readonly updateFailed: sfn.Pass;
  /** `EndpointCreationFailed` (`CreatedEndpointUnusable`): the new endpoint is in a state the pipeline cannot use. */
  readonly creationUnusable: sfn.Pass;
  /** `RolloutRollbackFailed`: the endpoint serves a mix of two configurations. */
  readonly rollbackFailed: sfn.Pass;
}

/** The problem endings of one deployment stage. */
export class DeploymentProblems {
  /** Records a failed deployment, then notifies it. */
  public readonly recordFailure: sfn.IChainable;
  private readonly notifyProblem: tasks.SnsPublish;

  constructor(
    private readonly scope: Construct,
    private readonly props: DeploymentProblemsProps,
  ) {
    const deploymentFailed = new sfn.Fail(scope, 'DeploymentFailed', {
      errorPath: '$.deploymentProblem.error',
      causePath: '$.deploymentProblem.cause',
    });
    this.notifyProblem = notifyThenEnd(scope, 'NotifyDeploymentProblem', {
      target: props.notifications,
      subject: `MLOps ${props.modelName}: deployment did not complete`,
      message: {
        model: props.modelName,
        environment: props.environmentName,
        endpoint: props.endpointName,
        execution: sfn.JsonPath.executionId,
        modelPackageArn: sfn.JsonPath.stringAt('$.registration.modelPackageArn'),
        problem: sfn.JsonPath.stringAt('$.deploymentProblem.error'),
        cause: sfn.JsonPath.stringAt('$.deploymentProblem.cause'),
      },
      end: deploymentFailed,
    });
    this.recordFailure = this.recordProblem('RecordDeploymentFailure', 'deployment-failed');
  }

  /** A problem: `{ error, cause }` in `$.deploymentProblem` (chain it to `recordFailure` or `recordRollback()`). */
  public problem(id: string, error: string, cause: string): sfn.Pass {
    return new sfn.Pass(this.scope, id, { parameters: { error, cause }, resultPath: '$.deploymentProblem' });
  }

  /** The problems the deployment stage can end in besides wait bounds, each to be chained to a record. */
  public endings(s: ResolvedServing): DeploymentEndings {
    const endpointName = this.props.endpointName;
    const described = describedEndpoint;
    const creationFailed = this.problem(
      'EndpointCreationFailed',
      'EndpointCreationFailed',
      sfn.JsonPath.format(
        `Endpoint ${endpointName} failed to create and was deleted, the next run creates it again. Check the instance quota of ` +
          `${s.mode === 'realtime' ? s.instanceType : 'serverless inference'} and the endpoint CloudWatch logs. SageMaker described it as {}`,
        described(),
      ),
    );
    const notUpdatable = this.problem(
      'EndpointNotUpdatable',
      'EndpointNotUpdatable',
      sfn.JsonPath.format(
        `Endpoint ${endpointName} is in state {} and cannot be updated. Failed: delete it (aws sagemaker delete-endpoint --endpoint-name ` +
          `${endpointName}) and run the pipeline again; ` +
          'UpdateRollbackFailed: it serves a mix of two configurations, update it to one of them by hand or delete it, then run again; ' +
          `OutOfService or Deleting: let the deletion finish, then run again. SageMaker described it as {}`,
        sfn.JsonPath.stringAt('$.endpoint.EndpointStatus'),
        described(),
      ),
    );
    const rolledBack = this.problem(
      'RolloutRolledBack',
      'RolloutRolledBack',
      sfn.JsonPath.format(
        `A rollback alarm fired while ${endpointName} moved to {}: SageMaker rolled back, {} still serves. ` +
          'See the alarm history and the endpoint CloudWatch logs.',
        sfn.JsonPath.stringAt('$.deployment.endpointConfigName'),
        sfn.JsonPath.stringAt('$.endpoint.EndpointConfigName'),
      ),
    );
    const updateFailed = this.problem(
      'EndpointUpdateFailed',
      'EndpointUpdateFailed',
      sfn.JsonPath.format(
        `Updating ${endpointName} to {} ended in state {}. SageMaker described it as {}`,
        sfn.JsonPath.stringAt('$.deployment.endpointConfigName'),
        sfn.JsonPath.stringAt('$.endpoint.EndpointStatus'),
        described(),
      ),
    );
    const creationUnusable = this.problem(
      'CreatedEndpointUnusable',
      'EndpointCreationFailed',
      sfn.JsonPath.format(
        `Endpoint ${endpointName} is in state {} while it was being created: the pipeline cannot use it. ` +
          `Delete it (aws sagemaker delete-endpoint --endpoint-name ${endpointName}) and run the pipeline again. SageMaker described it as {}`,
        sfn.JsonPath.stringAt('$.endpoint.EndpointStatus'),
        described(),
      ),
    );
    const rollbackFailed = this.problem(
      'RolloutRollbackFailed',
      'RolloutRollbackFailed',
      sfn.JsonPath.format(
        `Updating ${endpointName} to {} failed and so did the automatic rollback (UpdateRollbackFailed): it serves a mix of ` +
          `both configurations. Update it to one configuration by hand (aws sagemaker update-endpoint) or delete it. SageMaker described it as {}`,
        sfn.JsonPath.stringAt('$.deployment.endpointConfigName'),
        described(),
      ),
    );
    return { creationFailed, notUpdatable, rolledBack, updateFailed, creationUnusable, rollbackFailed };
  }

  /** Records a rollback, then notifies it. */
  public recordRollback(): sfn.IChainable {
    return this.recordProblem('RecordRollback', 'rollback');
  }

  /** A bounded wait of `kind` on the endpoint, `maxLooks` looks `ENDPOINT_POLL_SECONDS` apart, counted in `$.deployment.polls`. */
  public boundedWait(kind: 'creation' | 'idle' | 'rollout', wait: sfn.Wait, maxLooks: number): BoundedWait {
    const Kind = kind[0].toUpperCase() + kind.slice(1);
    const counts = Object.fromEntries(
      (['creation', 'idle', 'rollout'] as const).map((k) => [
        `${k}.$`,
        k === kind ? `States.MathAdd($.deployment.polls.${k}, 1)` : `$.deployment.polls.${k}`,
      ]),
    );
    const look = new sfn.Pass(this.scope, `Count${Kind}Look`, { parameters: counts, resultPath: '$.deployment.polls' });
    look.next(wait);
    const exceeded = this.problem(
      `${Kind}WaitExceeded`,
      'EndpointWaitExceeded',
      sfn.JsonPath.format(
        `Endpoint ${this.props.endpointName} was still in state {} after ${maxLooks} looks ${ENDPOINT_POLL_SECONDS} seconds apart ` +
          `(${kind === 'idle' ? 'waiting for it to become idle' : kind === 'creation' ? 'waiting for its creation' : 'waiting for the rollout'}): ` +
          'the pipeline stopped waiting. Check the endpoint in the SageMaker console and its CloudWatch logs. SageMaker described it as {}',
        sfn.JsonPath.stringAt(STATUS),
        describedEndpoint(),
      ),
    );
    return {
      exceeded: sfn.Condition.and(
        endpointStatusIs(...ENDPOINT_STATUSES.transitional),
        sfn.Condition.numberGreaterThanEquals(`$.deployment.polls.${kind}`, maxLooks),
      ),
      onExceeded: exceeded.next(this.recordFailure),
      look,
    };
  }

  // Problems are recorded for auditors before they are notified; a failed record must not hide the problem.
  private recordProblem(id: string, milestone: 'rollback' | 'deployment-failed'): sfn.IChainable {
    if (!this.props.lineage) return this.notifyProblem;
    const task = recordMilestone(this.scope, id, this.props.lineage, milestone);
    task.addCatch(this.notifyProblem, { errors: ['States.ALL'], resultPath: '$.lineageError' });
    return task.next(this.notifyProblem);
  }
}
