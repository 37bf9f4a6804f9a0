/** Registration stage: the candidate becomes a model package (pending approval), recorded in lineage. */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { LineageRecorder, lineagePermissions, recordRequiredMilestone } from './lineage';
import { sdkCall } from './sdk-call';
import {
  catchInto,
  mergePermissions,
  ModelPackageGroupRef,
  PACKAGE_WILDCARD_REASON,
  resourceTags,
  RunLocation,
  runUri,
  StagePermissions,
} from './stage';

/** Properties of {@link registrationStage}. */
export interface RegistrationStageProps {
  readonly registry: ModelPackageGroupRef;
  /** Image of the registered model (inference image of the framework). */
  readonly inferenceImage: string;
  /**
   * Environment variables of the served container: for script mode, the inference toolkit's `SAGEMAKER_PROGRAM` and
   * `SAGEMAKER_SUBMIT_DIRECTORY` (the code travels inside the model artifact).
   *
   * @default - none
   */
  readonly inferenceEnvironment?: Record<string, string>;
  /** The quality gate's metric, kept in the package's metadata. */
  readonly metric: string;
  /** Where the run wrote its evaluation report. */
  readonly run: RunLocation;
  readonly lineage: LineageRecorder;
  /** Where errors go, with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
  /** Where the stage continues (the approval). */
  readonly next: sfn.IChainable;
}

/**
 * **Input**: `$.training`, `$.trainingDataUri`, `$.dataSnapshot`, `$.baseline`, `$.evaluation.report.metrics`.
 * **Output**: `$.registration.modelPackageArn` (status `PendingManualApproval`, the metric, baseline, training
 * job and data manifest in its `CustomerMetadataProperties`) and `$.lineage.registered`.
 * **Errors**: to `onFailure`; no approval without the lineage record.
 */
export function registrationStage(scope: Construct, props: RegistrationStageProps): StagePermissions & { readonly start: sfn.State } {
  const register = sdkCall(scope, 'RegisterModel', {
    service: 'sagemaker',
    action: 'createModelPackage',
    parameters: {
      ModelPackageGroupName: props.registry.groupName,
      'ModelPackageDescription.$': sfn.JsonPath.format(
        'Trained by {} on {}',
        sfn.JsonPath.stringAt('$.training.jobName'),
        sfn.JsonPath.stringAt('$.trainingDataUri'),
      ),
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [
          {
            Image: props.inferenceImage,
            'ModelDataUrl.$': '$.training.modelArtifactUri',
            ...(props.inferenceEnvironment && Object.keys(props.inferenceEnvironment).length ? { Environment: props.inferenceEnvironment } : {}),
          },
        ],
        SupportedContentTypes: ['text/csv', 'application/json'],
        SupportedResponseMIMETypes: ['text/csv', 'application/json'],
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: { ContentType: 'application/json', 'S3Uri.$': sfn.JsonPath.format('{}evaluation.json', runUri(props.run, 'evaluation/')) },
        },
      },
      DriftCheckBaselines: {
        ModelDataQuality: { Statistics: { ContentType: 'application/json', 'S3Uri.$': '$.baseline.baselineUri' } },
      },
      CustomerMetadataProperties: {
        [`${props.metric}.$`]: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt(`$.evaluation.report.metrics.${props.metric}`)),
        'trainingJobArn.$': '$.training.jobArn',
        'trainingDataUri.$': '$.trainingDataUri',
        'trainingDataManifestUri.$': '$.dataSnapshot.manifestUri',
        'trainingDataObjectCount.$': 'States.JsonToString($.dataSnapshot.objectCount)',
        'executionArn.$': '$$.Execution.Id',
        'baselineUri.$': '$.baseline.baselineUri',
      },
      Tags: resourceTags(props.lineage.modelName, props.lineage.environmentName),
    },
    resultSelector: { 'modelPackageArn.$': '$.ModelPackageArn' },
    resultPath: '$.registration',
  });
  catchInto(register, props.onFailure);
  register.next(recordRequiredMilestone(scope, 'RecordRegistered', props.lineage, 'registered', props.onFailure)).next(props.next);
  const registry = props.registry;
  return {
    start: register,
    ...mergePermissions(
      {
        statements: [
          new iam.PolicyStatement({
            actions: ['sagemaker:CreateModelPackage', 'sagemaker:AddTags'],
            resources: [registry.groupArn, registry.packageArnPattern],
          }),
        ],
        wildcards: [{ resources: [registry.packageArnPattern], reason: PACKAGE_WILDCARD_REASON }],
      },
      lineagePermissions(props.lineage),
    ),
  };
}
