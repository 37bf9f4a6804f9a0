/**
 * Shared fixtures of the local workflow runs: the synthesized definition of a model stack's pipeline, and the
 * answers of every Task state for a run that trains, registers, approves automatically and deploys a first endpoint.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { defaultModelTemplate } from '../helpers/default-app';
import { AslDefinition, JsonValue, resolveDefinition, runLocally, RunLocallyOptions, TaskOverride } from '../helpers/sfn';

/** The platform's SSM parameters as the deployed values would look: bucket, key and topic ARNs. */
export function platformRefs(template: Template): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const [id, p] of Object.entries(template.toJSON().Parameters as Record<string, { Default?: string }>)) {
    const name = /\/platform\/(.+)-arn$/.exec(p.Default ?? '')?.[1];
    if (!name) continue;
    refs[id] = name.endsWith('-bucket')
      ? `arn:aws:s3:::${name}`
      : name.endsWith('-key')
        ? `arn:aws:kms:eu-west-1:111122223333:key/${name}`
        : `arn:aws:sns:eu-west-1:111122223333:${name}`;
  }
  return refs;
}

/** The resolved ASL definition of a model stack's pipeline (the stack, or its template). */
export function definitionOf(source: Parameters<typeof Template.fromStack>[0] | Template): AslDefinition {
  const template = source instanceof Template ? source : Template.fromStack(source);
  return resolveDefinition(template, undefined, { refs: platformRefs(template) });
}

/** The resolved ASL definition of a model's pipeline in the default app (test/helpers/default-app.ts). */
export function defaultDefinitionOf(env: 'dev' | 'prod', model: string): AslDefinition {
  return definitionOf(defaultModelTemplate(env, model));
}

export const PACKAGE_ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/7';
export const APPROVED_ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-dev-churn/6';
/** An approver's decision as the human gate's callback delivers it. */
export const APPROVE = {
  decision: 'approved',
  approver: 'lead@example.com',
  comment: 'ok',
  decidedAt: '2026-11-22T12:00:00.000Z',
  recordUri: 's3://audit/d.json',
};
export const INPUT = { trainingDataUri: 's3://curated/churn/2026-11-22/', trigger: { type: 'manual' } };

/** SageMaker and SDK results of a run whose candidate scores `auc`, with an optional approved model. */
export function overrides(auc: number, approvedAuc?: number): Record<string, TaskOverride> {
  return {
    Train: (input) => ({
      TrainingJobName: (input as { TrainingJobName: string }).TrainingJobName,
      TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/churn-t1',
      ModelArtifacts: { S3ModelArtifacts: 's3://artifacts/models/churn/runs/exec-1/model/churn-t1/output/model.tar.gz' },
    }),
    SnapshotTrainingData: (input) => ({
      manifestUri: (input as { manifestUri: string }).manifestUri,
      manifestVersionId: 'mv-1',
      objectCount: 12,
      totalBytes: 4096,
    }),
    Preprocess: { ProcessingJobStatus: 'Completed' },
    Evaluate: { ProcessingJobStatus: 'Completed' },
    ReadMetrics: { Body: JSON.stringify({ metrics: { auc, accuracy: 0.8, rmse: 0.3, samples: 1000 } }) },
    ComputeBaseline: (input) => ({
      baselineUri: (input as { baselineUri: string }).baselineUri,
      baselineVersionId: 'b-1',
      rowCount: 5000,
      featureCount: 4,
    }),
    FindApprovedModel: { ModelPackageSummaryList: approvedAuc === undefined ? [] : [{ ModelPackageArn: APPROVED_ARN }] },
    DescribeApprovedModel: { ModelPackageArn: APPROVED_ARN, CustomerMetadataProperties: { auc: JSON.stringify(approvedAuc ?? 0) } },
    RegisterModel: { ModelPackageArn: PACKAGE_ARN },
    RecordAutomaticApproval: {
      decision: 'approved',
      approver: 'automatic approval (environment dev)',
      comment: 'Environment dev approves automatically: the candidate passed the quality gate.',
      decidedAt: '2026-11-22T10:00:00.000Z',
      recordUri: 's3://audit/decisions/mlops-dev-churn/auto-exec-1.json',
    },
    MarkApproved: {},
    MarkRejected: {},
    NotifyRejected: { MessageId: 'm-3' },
    NotifySuccess: { MessageId: 'm-1' },
    NotifyFailure: { MessageId: 'm-2' },
    ...firstDeployment(),
  };
}

/** SageMaker answers for a first deployment that succeeds: no endpoint yet, created, InService on the second look. */
export function firstDeployment(): Record<string, TaskOverride> {
  let looks = 0;
  return {
    CreateModel: { ModelArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model/mlops-dev-churn--m1' },
    CreateEndpointConfig: { EndpointConfigArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint-config/mlops-dev-churn--c1' },
    FindEndpoint: { Endpoints: [{ EndpointName: 'mlops-dev-churn2', EndpointStatus: 'InService' }] },
    CreateEndpoint: { EndpointArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/mlops-dev-churn' },
    DescribeNewEndpoint: (input) => {
      looks += 1;
      return {
        EndpointName: (input as { EndpointName: string }).EndpointName,
        EndpointStatus: looks < 2 ? 'Creating' : 'InService',
        EndpointConfigName: 'mlops-dev-churn--c1',
      };
    },
    RegisterScalableTarget: {},
    ScaleOnInvocations: { PolicyARN: 'arn:aws:autoscaling:policy/1' },
    ScaleOnGpuUtilization: { PolicyARN: 'arn:aws:autoscaling:policy/2' },
    RecordServing: { VersionId: 'serving-v1' },
    NotifyDeploymentProblem: { MessageId: 'm-4' },
    ...lineage(),
  };
}

/** The record-lineage function's answers, one per milestone. */
export function lineage(): Record<string, TaskOverride> {
  const record = (milestone: string) => (input: JsonValue) => {
    expect(input).toEqual(
      expect.objectContaining({
        milestone,
        model: expect.any(String),
        environment: expect.any(String),
        executionArn: expect.stringContaining(':execution:'),
        state: expect.any(Object),
      }),
    );
    return { recordUri: `s3://audit/lineage/x/exec-1/${milestone}.json`, versionId: 'v1' };
  };
  return {
    RecordRegistered: record('registered'),
    RecordApproved: record('approved'),
    RecordRejected: record('rejected'),
    RecordDeployed: record('deployed'),
    RecordRollback: record('rollback'),
    RecordDeploymentFailure: record('deployment-failed'),
  };
}

/** The run's fixed context: aws-local-stepfunctions does not fill $$.State.EnteredTime (AWS does). */
export const CONTEXT = {
  Execution: { Name: 'exec-1', Id: 'arn:aws:states:eu-west-1:111122223333:execution:churn:exec-1' },
  State: { EnteredTime: '2026-11-25T12:00:00.000Z' },
};

/** Runs with the overrides and errors of the states this definition has (auto and human gates differ). */
export function run(definition: AslDefinition, input: JsonValue, options: RunLocallyOptions) {
  const here = <T>(record: Record<string, T> | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([state]) => state in definition.States));
  return runLocally(definition, input, { context: CONTEXT, ...options, overrides: here(options.overrides), errors: here(options.errors) });
}

/** The states of a first deployment that succeeds (Creating, then InService). */
export const FIRST_DEPLOYMENT_STATES = ['PrepareDeployment', 'CreateModel', 'CreateEndpointConfig', 'FindEndpoint', 'MatchEndpointNames', 'NameMatches', 'SummarizeEndpointSearch', 'EndpointExists', 'CreateEndpoint',
  'WaitForEndpointCreation', 'DescribeNewEndpoint', 'EndpointCreationStatus', 'CountCreationLook', 'WaitForEndpointCreation', 'DescribeNewEndpoint', 'EndpointCreationStatus',
  'RegisterScalableTarget', 'ScaleOnInvocations', 'DescribeServing', 'RecordServing', 'RecordDeployed', 'Deployed'];
