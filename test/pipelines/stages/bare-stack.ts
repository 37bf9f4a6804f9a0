/**
 * A bare stack for testing one workflow stage: imported role, key, buckets, functions and topic (no platform,
 * no model), the stage's statements resolved to plain strings, and its states as the workflow renders them.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SageMakerJobs } from '../../../pipelines/stages/jobs';
import { StagePermissions } from '../../../pipelines/stages/stage';

export const ACCOUNT = '111122223333';
export const PREFIX = 'mlops-dev-churn';

/** A statement with every token rendered as text (`${Ref}`, `${Resource.Arn}`, joins flattened). */
export interface Grant {
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/** A state of the rendered graph. */
export type StateJson = Record<string, unknown> & { Type: string; Next?: string; Resource?: string };

export function bareStack() {
  const stack = new Stack(new App(), 'Bare', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const scope = new Construct(stack, 'Pipeline');
  const functions = new Map<string, lambda.IFunction>();
  const fn = (name: string) => {
    if (!functions.has(name))
      functions.set(name, lambda.Function.fromFunctionArn(stack, name, `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`));
    return functions.get(name)!;
  };
  const jobRole = iam.Role.fromRoleArn(stack, 'JobRole', `arn:aws:iam::${ACCOUNT}:role/job`, { mutable: false });
  const dataKey = kms.Key.fromKeyArn(stack, 'DataKey', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/data`);
  const artifacts = s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts');
  return {
    stack,
    scope,
    fn,
    jobRole,
    dataKey,
    artifacts,
    capture: s3.Bucket.fromBucketName(stack, 'Capture', 'capture'),
    run: { bucket: artifacts, prefix: 'models/churn/runs' },
    notifications: {
      topic: sns.Topic.fromTopicArn(stack, 'Topic', `arn:aws:sns:eu-west-1:${ACCOUNT}:pipeline`),
      key: kms.Key.fromKeyArn(stack, 'NotificationKey', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/notifications`),
    },
    registry: {
      groupName: PREFIX,
      groupArn: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:model-package-group/${PREFIX}`,
      packageArnPattern: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:model-package/${PREFIX}/*`,
    },
    lineage: { function: fn('lineage'), modelName: 'churn', environmentName: 'dev' },
    jobs: new SageMakerJobs({ modelName: 'churn', environmentName: 'dev', runtimeNamePrefix: PREFIX, jobRole, dataKey }),
    /** Where the stage continues. */
    next: new sfn.Pass(scope, 'Next'),
    /** The failure path. */
    failure: new sfn.Pass(scope, 'Failure'),
  };
}

function text(stack: Stack, value: unknown): string {
  const v = stack.resolve(value) as unknown;
  const flat = (x: unknown): string => {
    if (typeof x === 'string') return x;
    const o = x as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flat).join(sep);
    }
    if (o.Ref) return `\${${o.Ref as string}}`;
    if (o['Fn::GetAtt']) return `\${${(o['Fn::GetAtt'] as string[]).join('.')}}`;
    return JSON.stringify(x);
  };
  return flat(v);
}

/** The stage's statements, resolved. */
export function grantsOf(stack: Stack, permissions: StagePermissions): Grant[] {
  return permissions.statements.map((s) => {
    const json = s.toStatementJson() as { Action: string | string[]; Resource: unknown; Condition?: Grant['conditions'] };
    const list = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);
    return { actions: list(json.Action), resources: list(json.Resource).map((r) => text(stack, r)), conditions: json.Condition };
  });
}

/** Whether some statement grants `action` on `resource` (exact). */
export function allows(grants: Grant[], action: string, resource: string): boolean {
  return grants.some((g) => g.actions.includes(action) && g.resources.includes(resource));
}

/** Every action the statements grant. */
export function actionsOf(grants: Grant[]): string[] {
  return [...new Set(grants.flatMap((g) => g.actions))].sort();
}

/** The states reachable from `start`, rendered as in the state machine (tokens resolved). */
export function statesOf(stack: Stack, start: sfn.State): Record<string, StateJson> {
  const graph = new sfn.StateGraph(start, 'test');
  return JSON.parse(text(stack, stack.toJsonString((graph.toGraphJson() as { States: object }).States))) as Record<string, StateJson>;
}
