/** Redeploy stage: brings the latest approved package back without training, evaluating or asking anyone again. */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { describePackage, latestApprovedPackage, readPackagesPermissions } from './gate';
import { catchInto, ModelPackageGroupRef, StagePermissions } from './stage';

/** Properties of {@link redeployStage}. */
export interface RedeployStageProps {
  readonly registry: ModelPackageGroupRef;
  /** The quality gate's metric (read back from the package's metadata for the notification). */
  readonly metric: string;
  /** Where errors go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
  /** Where a run without `redeploy` goes (the input stage). */
  readonly train: sfn.IChainable;
  /** Where the approved package is deployed (the approval stage's hand-off). */
  readonly deploy: sfn.IChainable;
}

/**
 * The workflow's first state. **Input**: `{ "redeploy": true, "trigger"?: {...} }` (e.g. after a non-production
 * endpoint was stopped when idle); anything else goes to `train`. **Output**: `$.registration`, `$.baseline`,
 * `$.approval` and `$.evaluation.report.metrics` rebuilt from the latest approved package, then `deploy`.
 * **Errors**: `NothingToRedeploy` (no approved package: a Fail state); `PackageMetadataMissing` and failed calls
 * go to `onFailure`.
 */
export function redeployStage(scope: Construct, props: RedeployStageProps): StagePermissions & { readonly start: sfn.State } {
  const metric = props.metric;
  const isRedeploy = new sfn.Choice(scope, 'IsRedeploy');
  const findToRedeploy = latestApprovedPackage(scope, 'FindPackageToRedeploy', props.registry, '$.redeployment');
  const describeToRedeploy = describePackage(scope, 'DescribePackageToRedeploy', '$.redeployment');
  const metadata = '$.redeployment.package.CustomerMetadataProperties';
  const prepareRedeploy = new sfn.Pass(scope, 'PrepareRedeploy', {
    parameters: {
      redeploy: true,
      'trigger.$': '$.trigger',
      registration: { 'modelPackageArn.$': '$.redeployment.package.ModelPackageArn' },
      baseline: { 'baselineUri.$': `${metadata}.baselineUri` },
      approval: { approver: 'an earlier approval (redeployment of the approved package)' },
      evaluation: { report: { metrics: { [`${metric}.$`]: `States.StringToJson(${metadata}.${metric})` } } },
    },
  });
  const redeployMetadataMissing = new sfn.Pass(scope, 'RedeployMetadataMissing', {
    parameters: {
      Error: 'PackageMetadataMissing',
      Cause: sfn.JsonPath.format(
        `the approved package {} lacks baselineUri or ${metric} in its CustomerMetadataProperties ` +
          '(registered by other means or by an older version): it cannot be redeployed; run the pipeline without "redeploy" to train one',
        sfn.JsonPath.stringAt('$.redeployment.packages[0].ModelPackageArn'),
      ),
    },
    resultPath: '$.error',
  });
  redeployMetadataMissing.next(props.onFailure);
  const redeployMetadataComplete = new sfn.Choice(scope, 'RedeployMetadataComplete')
    .when(
      sfn.Condition.and(
        ...[`${metadata}.baselineUri`, `${metadata}.${metric}`].flatMap((path) => [sfn.Condition.isPresent(path), sfn.Condition.isString(path)]),
      ),
      prepareRedeploy,
    )
    .otherwise(redeployMetadataMissing);
  const nothingToRedeploy = new sfn.Fail(scope, 'NothingToRedeploy', {
    error: 'NothingToRedeploy',
    cause: `No approved model package in ${props.registry.groupName}: start the pipeline without "redeploy" to train one.`,
  });
  const hasToRedeploy = new sfn.Choice(scope, 'HasPackageToRedeploy')
    .when(sfn.Condition.isPresent('$.redeployment.packages[0]'), describeToRedeploy)
    .otherwise(nothingToRedeploy);
  for (const state of [findToRedeploy, describeToRedeploy]) catchInto(state, props.onFailure);
  const withTrigger = new sfn.Pass(scope, 'DefaultRedeployTrigger', { result: sfn.Result.fromObject({ type: 'manual' }), resultPath: '$.trigger' });
  findToRedeploy.next(hasToRedeploy);
  describeToRedeploy.next(redeployMetadataComplete);
  prepareRedeploy.next(props.deploy);
  isRedeploy
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.redeploy'),
        sfn.Condition.isBoolean('$.redeploy'),
        sfn.Condition.booleanEquals('$.redeploy', true),
      ),
      new sfn.Choice(scope, 'RedeployTriggerGiven')
        .when(sfn.Condition.isPresent('$.trigger'), findToRedeploy)
        .otherwise(withTrigger.next(findToRedeploy)),
    )
    .otherwise(props.train);
  return { start: isRedeploy, ...readPackagesPermissions(props.registry) };
}
