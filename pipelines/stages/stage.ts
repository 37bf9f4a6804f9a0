import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** A wildcard resource a stage grants, with why it cannot be narrowed (for compliance acknowledgements). */
export interface WildcardGrant {
  /** The wildcard resources, exactly as in the statements. */
  readonly resources: string[];
  /** Why these resources cannot be named in advance (40 characters at least). */
  readonly reason: string;
}

/** What every stage returns besides its states: the permissions its tasks need. */
export interface StagePermissions {
  /** Statements the pipeline role needs for this stage's tasks (Step Functions acts as that role). */
  readonly statements: iam.PolicyStatement[];
  /** Wildcard resources among `statements` other than `*`, each with its reason. */
  readonly wildcards: WildcardGrant[];
}

/** Where every run writes: `s3://<bucket>/<prefix>/<execution name>/`. */
export interface RunLocation {
  /** The artifacts bucket. */
  readonly bucket: s3.IBucket;
  /** Key prefix of runs, without a trailing slash. */
  readonly prefix: string;
}

/** The URI of `suffix` in this execution's run folder, as a `States.Format` expression. */
export function runUri(run: RunLocation, suffix: string): string {
  return sfn.JsonPath.format(`s3://${run.bucket.bucketName}/${run.prefix}/{}/${suffix}`, sfn.JsonPath.executionName);
}

/** The tags of every SageMaker resource the workflow creates. */
export function resourceTags(modelName: string, environmentName: string): Array<{ Key: string; Value: string }> {
  return [
    { Key: 'mlops:model', Value: modelName },
    { Key: 'mlops:environment', Value: environmentName },
  ];
}

/** The catch every task of the workflow shares: any error, into `$.error`, to the failure path. */
export function catchInto(state: sfn.TaskStateBase | sfn.CustomState, onFailure: sfn.IChainable): void {
  state.addCatch(onFailure, { errors: ['States.ALL'], resultPath: '$.error' });
}

/** Merges the permissions of several stages, in order. */
export function mergePermissions(...parts: StagePermissions[]): StagePermissions {
  return { statements: parts.flatMap((p) => p.statements), wildcards: parts.flatMap((p) => p.wildcards) };
}

/** The model package group the workflow registers candidates in (lib/model/model-registry.ts implements it). */
export interface ModelPackageGroupRef {
  /** The group's name. */
  readonly groupName: string;
  /** The group's ARN. */
  readonly groupArn: string;
  /** The ARN pattern of the group's packages (`model-package/<group>/*`). */
  readonly packageArnPattern: string;
}

/** Why the packages' ARN pattern is a wildcard. */
export const PACKAGE_WILDCARD_REASON = "Model package versions are created per run; the pattern is limited to this model's own model package group.";
