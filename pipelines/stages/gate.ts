/** Quality gate stage: the candidate's metric against the threshold and against the approved model. */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { sdkCall } from './sdk-call';
import { catchInto, ModelPackageGroupRef, PACKAGE_WILDCARD_REASON, StagePermissions } from './stage';

/** The quality gate's rule. */
export interface QualityGateSettings {
  /** The metric's name in the report's `metrics`. */
  readonly metric: string;
  readonly direction: 'maximize' | 'minimize';
  readonly threshold: number;
  /**
   * The values the metric can take: a report outside them is a broken evaluation, not a worse model.
   *
   * @default - unbounded
   */
  readonly range?: { readonly min?: number; readonly max?: number };
  /**
   * The evaluation script that writes the report, named when the report breaks the metrics contract.
   *
   * @default - the generic evaluation
   */
  readonly evaluationScript?: string;
}

/** Properties of {@link gateStage}. */
export interface GateStageProps {
  readonly gate: QualityGateSettings;
  /** The group whose latest approved package the candidate must match or beat. */
  readonly registry: ModelPackageGroupRef;
  /** Where errors go, with the error in `$.error`; a failed gate arrives there as `QualityGateFailed`. */
  readonly onFailure: sfn.IChainable;
  /** Where a candidate that passes continues (registration), with `$.evidence`. */
  readonly next: sfn.IChainable;
}

/** The JSONPath of the candidate's metric. */
export function metricPath(gate: QualityGateSettings): string {
  return `$.evaluation.report.metrics.${gate.metric}`;
}

/**
 * **Input**: `$.evaluation.report.metrics`, `$.trainingDataUri`, `$.dataSnapshot`, `$.training`.
 * **Output**: `$.approved` (`arn`, `metric` of the approved package, when there is one) and `$.evidence`
 * (the candidate's metric and metrics, the training data and job, the approved value) for the approval.
 * **Errors**: `QualityGateFailed` (metric missing, past the threshold, worse than the approved model) and
 * `ApprovedModelMetricMissing` go to `onFailure` with `$.error` set; a failed call too.
 */
export function gateStage(scope: Construct, props: GateStageProps): StagePermissions & { readonly start: sfn.State } {
  const { metric, threshold } = props.gate;
  const path = metricPath(props.gate);
  const better = props.gate.direction === 'maximize';
  const metricText = sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt(path));
  const belowThreshold = new sfn.Pass(scope, 'BelowThreshold', {
    parameters: {
      Error: 'QualityGateFailed',
      Cause: sfn.JsonPath.format(`${metric} = {} is ${better ? 'below' : 'above'} the threshold ${threshold}`, metricText),
    },
    resultPath: '$.error',
  });
  const worseThanApproved = new sfn.Pass(scope, 'WorseThanApproved', {
    parameters: {
      Error: 'QualityGateFailed',
      Cause: sfn.JsonPath.format(
        `${metric} = {} is worse than the approved model's {} ({})`,
        metricText,
        sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.approved.metric')),
        sfn.JsonPath.stringAt('$.approved.arn'),
      ),
    },
    resultPath: '$.error',
  });
  belowThreshold.next(props.onFailure);
  worseThanApproved.next(props.onFailure);
  const meetsThreshold = new sfn.Choice(scope, 'MeetsThreshold');
  const script = props.gate.evaluationScript ?? 'the generic evaluation';
  const contract = `metrics contract: evaluation.json holds {"metrics": {"${metric}": <number>}}`;
  const metricMissing = new sfn.Pass(scope, 'MetricMissing', {
    parameters: { Error: 'QualityGateFailed', Cause: `the evaluation report of ${script} has no numeric ${metric} (${contract})` },
    resultPath: '$.error',
  });
  metricMissing.next(props.onFailure);
  const { min, max } = props.gate.range ?? {};
  const outOfRange = [
    ...(min !== undefined ? [sfn.Condition.numberLessThan(path, min)] : []),
    ...(max !== undefined ? [sfn.Condition.numberGreaterThan(path, max)] : []),
  ];
  let metricOutOfRange: sfn.Pass | undefined;
  if (outOfRange.length > 0) {
    metricOutOfRange = new sfn.Pass(scope, 'MetricOutOfRange', {
      parameters: {
        Error: 'QualityGateFailed',
        Cause: sfn.JsonPath.format(
          `${metric} = {} reported by ${script} is outside its range [${min ?? '-inf'}, ${max ?? 'inf'}]: a broken evaluation`,
          metricText,
        ),
      },
      resultPath: '$.error',
    });
    metricOutOfRange.next(props.onFailure);
  }
  const findApproved = latestApprovedPackage(scope, 'FindApprovedModel', props.registry, '$.approved');
  // The whole description: a selector over metadata that may be absent would stop the run uncaught (States.Runtime).
  const describeApproved = describePackage(scope, 'DescribeApprovedModel', '$.approved');
  const approvedMetricPath = `$.approved.package.CustomerMetadataProperties.${metric}`;
  const readApprovedMetric = new sfn.Pass(scope, 'ReadApprovedMetric', {
    parameters: { 'arn.$': '$.approved.package.ModelPackageArn', 'metric.$': `States.StringToJson(${approvedMetricPath})` },
    resultPath: '$.approved',
  });
  const approvedMetricMissing = new sfn.Pass(scope, 'ApprovedMetricMissing', {
    parameters: {
      Error: 'ApprovedModelMetricMissing',
      Cause: sfn.JsonPath.format(
        `the approved package {} has no ${metric} in its CustomerMetadataProperties, so the candidate ` +
          `cannot be compared with it: add it (aws sagemaker update-model-package --customer-metadata-properties ${metric}=<value>) ` +
          'or reject that package, then run again',
        sfn.JsonPath.stringAt('$.approved.packages[0].ModelPackageArn'),
      ),
    },
    resultPath: '$.error',
  });
  approvedMetricMissing.next(props.onFailure);
  const approvedMetricPresent = new sfn.Choice(scope, 'ApprovedMetricPresent')
    .when(sfn.Condition.and(sfn.Condition.isPresent(approvedMetricPath), sfn.Condition.isString(approvedMetricPath)), readApprovedMetric)
    .otherwise(approvedMetricMissing);
  const hasApproved = new sfn.Choice(scope, 'HasApprovedModel');
  const beatsApproved = new sfn.Choice(scope, 'BeatsApprovedModel');
  // Evidence for the approval gate, built on each branch (the approved model's metric exists on one only).
  const evidenceBase = {
    metric,
    candidateValue: sfn.JsonPath.numberAt(path),
    metrics: sfn.JsonPath.objectAt('$.evaluation.report.metrics'),
    trainingDataUri: sfn.JsonPath.stringAt('$.trainingDataUri'),
    trainingDataManifestUri: sfn.JsonPath.stringAt('$.dataSnapshot.manifestUri'),
    trainingJobArn: sfn.JsonPath.stringAt('$.training.jobArn'),
  };
  const evidenceFirstModel = new sfn.Pass(scope, 'EvidenceFirstModel', { parameters: evidenceBase, resultPath: '$.evidence' });
  const evidenceAgainstApproved = new sfn.Pass(scope, 'EvidenceAgainstApproved', {
    parameters: {
      ...evidenceBase,
      approvedValue: sfn.JsonPath.numberAt('$.approved.metric'),
      approvedModelPackageArn: sfn.JsonPath.stringAt('$.approved.arn'),
    },
    resultPath: '$.evidence',
  });
  for (const state of [findApproved, describeApproved]) catchInto(state, props.onFailure);

  const thresholdCondition = better ? sfn.Condition.numberGreaterThanEquals(path, threshold) : sfn.Condition.numberLessThanEquals(path, threshold);
  const beatsCondition = better
    ? sfn.Condition.numberGreaterThanEqualsJsonPath(path, '$.approved.metric')
    : sfn.Condition.numberLessThanEqualsJsonPath(path, '$.approved.metric');
  meetsThreshold
    .when(sfn.Condition.or(sfn.Condition.not(sfn.Condition.isPresent(path)), sfn.Condition.not(sfn.Condition.isNumeric(path))), metricMissing);
  // After the presence check: a comparison with a missing value would stop the run (States.Runtime).
  if (metricOutOfRange) meetsThreshold.when(outOfRange.length === 1 ? outOfRange[0] : sfn.Condition.or(...outOfRange), metricOutOfRange);
  meetsThreshold
    .when(thresholdCondition, findApproved)
    .otherwise(belowThreshold);
  findApproved.next(hasApproved);
  hasApproved.when(sfn.Condition.isPresent('$.approved.packages[0]'), describeApproved).otherwise(evidenceFirstModel.next(props.next));
  describeApproved.next(approvedMetricPresent);
  readApprovedMetric.next(beatsApproved);
  beatsApproved
    .when(sfn.Condition.and(sfn.Condition.isNumeric('$.approved.metric'), beatsCondition), evidenceAgainstApproved.next(props.next))
    .otherwise(worseThanApproved);
  return { start: meetsThreshold, ...readPackagesPermissions(props.registry) };
}

/** Lists the group's newest Approved package (at most one) into `<resultPath>.packages`. */
export function latestApprovedPackage(scope: Construct, id: string, registry: ModelPackageGroupRef, resultPath: string): sfn.CustomState {
  return sdkCall(scope, id, {
    service: 'sagemaker',
    action: 'listModelPackages',
    parameters: {
      ModelPackageGroupName: registry.groupName,
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 1,
    },
    resultSelector: { 'packages.$': '$.ModelPackageSummaryList' },
    resultPath,
  });
}

/** Describes the package listed first in `<at>.packages` into `<at>.package`. */
export function describePackage(scope: Construct, id: string, at: string): sfn.CustomState {
  return sdkCall(scope, id, {
    service: 'sagemaker',
    action: 'describeModelPackage',
    parameters: { 'ModelPackageName.$': `${at}.packages[0].ModelPackageArn` },
    resultPath: `${at}.package`,
  });
}

/** What {@link latestApprovedPackage} and {@link describePackage} need. */
export function readPackagesPermissions(registry: ModelPackageGroupRef): StagePermissions {
  return {
    statements: [
      new iam.PolicyStatement({ actions: ['sagemaker:DescribeModelPackage'], resources: [registry.packageArnPattern] }),
      // ListModelPackages has no resource-level permissions.
      new iam.PolicyStatement({ actions: ['sagemaker:ListModelPackages'], resources: ['*'] }),
    ],
    wildcards: [{ resources: [registry.packageArnPattern], reason: PACKAGE_WILDCARD_REASON }],
  };
}
