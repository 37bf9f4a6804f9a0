/**
 * Calls of `lambda/record-lineage`: per milestone event `{ milestone, executionArn, model, environment, state }`, the
 * SageMaker reads of that milestone (names from the pipeline state) and the record
 * `<LINEAGE_PREFIX><execution name>/<nn>-<milestone>.json` in the audit bucket.
 */
import { lineageKey, Milestone } from '../../../contracts/lineage';
import { HandlerCallInput, HandlerCallTable, RuntimeCall } from '../types';
import { at, distinct, objectEvents, s3Write, sagemakerArn, variable } from './common';

const DEPLOYMENT_MILESTONES = ['deployed', 'rollback', 'deployment-failed'];

/** The milestone events that name `path` in their state. */
function named(input: HandlerCallInput, command: string, milestones: string[], path: string): string[] {
  const events = objectEvents(input, command, `the pipeline state's ${path}`).filter((e) => milestones.includes(String(e.milestone)));
  return [...new Set(events.map((e) => at(e, `state.${path}`)).filter((v): v is string => typeof v === 'string'))];
}

/** A SageMaker Describe call per name the milestones carry. */
function describe(command: string, action: string, type: string, milestones: string[], path: string, what: string) {
  return (input: HandlerCallInput): RuntimeCall[] => named(input, command, milestones, path)
    .map((name) => ({ action, resource: name.startsWith('arn:') ? name : sagemakerArn(input.aws, type, name), why: `${command} (${what})` }));
}

export const RECORD_LINEAGE_CALLS: HandlerCallTable = {
  DescribeTrainingJobCommand: describe('DescribeTrainingJobCommand', 'sagemaker:DescribeTrainingJob', 'training-job', ['registered'],
    'training.jobName', 'the training job'),
  // The request names the package by its ARN: IAM evaluates that ARN.
  DescribeModelPackageCommand: describe('DescribeModelPackageCommand', 'sagemaker:DescribeModelPackage', 'model-package',
    ['registered', 'approved', 'rejected', ...DEPLOYMENT_MILESTONES], 'registration.modelPackageArn', 'the model package'),
  DescribeEndpointCommand: describe('DescribeEndpointCommand', 'sagemaker:DescribeEndpoint', 'endpoint', DEPLOYMENT_MILESTONES,
    'deployment.endpointName', 'the endpoint'),
  DescribeEndpointConfigCommand: describe('DescribeEndpointConfigCommand', 'sagemaker:DescribeEndpointConfig', 'endpoint-config',
    DEPLOYMENT_MILESTONES,
    'deployment.endpointConfigName', 'the endpoint configuration deployed'),
  DescribeModelCommand: describe('DescribeModelCommand', 'sagemaker:DescribeModel', 'model', DEPLOYMENT_MILESTONES, 'deployment.modelName',
    'the model deployed'),
  PutObjectCommand: (input) => {
    const bucket = variable(input, 'AUDIT_BUCKET_NAME');
    const prefix = variable(input, 'LINEAGE_PREFIX');
    return distinct(objectEvents(input, 'PutObjectCommand', 'milestone and executionArn').flatMap((e) => {
      const executionName = String(e.executionArn).split(':').pop() ?? '';
      return s3Write(input, bucket, lineageKey(prefix, executionName, e.milestone as Milestone),
        `PutObjectCommand (the ${String(e.milestone)} lineage record)`);
    }));
  },
};
