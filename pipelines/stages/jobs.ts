import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { retryThrottledSync } from '../resilience';
import { runtimeName, tuningJobName, tuningNamePrefix } from '../runtime-names';
import { resourceTags, StagePermissions } from './stage';

/** Where a processing job writes what the stage uploads (its `output` output). */
export const PROCESSING_OUTPUT_DIR = '/opt/ml/processing/output';

/** A processing job (preprocessing or evaluation). */
export interface ProcessingJobSettings {
  readonly image: string;
  readonly instanceType: string;
  readonly maxRuntimeSeconds: number;
  /** S3 URI of the one Python file the job runs. */
  readonly scriptUri: string;
  /** Environment variables of the job. @default - none */
  readonly environment?: Record<string, string>;
  /** Whether the volume may carry a KMS key (instance types with local NVMe storage reject one). */
  readonly volumeKmsAllowed: boolean;
}

/** Subnets and security groups of jobs and model containers. */
export interface NetworkSettings {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

/** What every SageMaker job of the workflow shares. */
export interface SageMakerJobsProps {
  /** The model's name (tags). */
  readonly modelName: string;
  /** The environment's name (tags). */
  readonly environmentName: string;
  /** `<namespace>-<environment>-<model>`: jobs are named `<prefix>--<letter><12 hex>` (runtime-names.ts). */
  readonly runtimeNamePrefix: string;
  /** The role SageMaker jobs run as. */
  readonly jobRole: iam.IRole;
  /** The key of job volumes and outputs. */
  readonly dataKey: kms.IKey;
  /** Subnets and security groups of the jobs. @default - no VPC */
  readonly vpc?: NetworkSettings;
}

/** The job kinds of the optimized SageMaker `.sync` integration the workflow uses. */
export type JobKind = 'training' | 'processing' | 'tuning';

const KIND = {
  training: { action: 'createTrainingJob', api: 'TrainingJob', resource: 'training-job', rule: 'Training' },
  processing: { action: 'createProcessingJob', api: 'ProcessingJob', resource: 'processing-job', rule: 'Processing' },
  tuning: { action: 'createHyperParameterTuningJob', api: 'HyperParameterTuningJob', resource: 'hyper-parameter-tuning-job', rule: 'Tuning' },
} as const;

/**
 * The SageMaker jobs of one workflow, run through the optimized `.sync` integration: stages create their
 * job states here, and `permissions()` returns what the pipeline role needs for the job kinds created,
 * in one statement (as aws-cdk's `SageMakerCreateTrainingJob` lists them): create, describe and stop this
 * model's jobs, the integration's EventBridge rules, passing the job role, and the data key for volumes
 * and outputs.
 */
export class SageMakerJobs {
  private readonly kinds = new Set<JobKind>();

  constructor(private readonly props: SageMakerJobsProps) {}

  /** A job name expression: `<prefix>--<letter><12 hex>`, new on every entry of the state. */
  public jobName(letter: string): string {
    return runtimeName(this.props.runtimeNamePrefix, letter);
  }

  /** A tuning job name expression: `<tuning prefix>--h<hex>`, at most 32 characters (runtime-names.ts). */
  public tuningJobName(): string {
    return tuningJobName(this.props.runtimeNamePrefix);
  }

  /** The prefix of the job kind's names: the run-time prefix, or its tuning form (at most 21 characters). */
  public namePrefix(kind: JobKind): string {
    return kind === 'tuning' ? tuningNamePrefix(this.props.runtimeNamePrefix) : this.props.runtimeNamePrefix;
  }

  /**
   * A `.sync` job Task state, retried when throttled (`retryThrottledSync`); any other error goes to
   * `onFailure` with the error in `$.error`.
   */
  public task(scope: Construct, id: string, kind: JobKind, parameters: object, options: JobTaskOptions): sfn.CustomState {
    this.kinds.add(kind);
    const state = new sfn.CustomState(scope, id, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::sagemaker:${KIND[kind].action}.sync`,
        Parameters: parameters,
        ...(options.resultSelector ? { ResultSelector: options.resultSelector } : {}),
        ...(options.resultPath !== undefined ? { ResultPath: options.resultPath } : {}),
      },
    });
    retryThrottledSync(scope, { task: state, onError: options.onFailure });
    return state;
  }

  /** The parameters of a processing job running one script with the given inputs, writing to `outputUri`. */
  public processingJob(job: ProcessingJobSettings, name: string, inputs: object[], outputUri: string): object {
    const p = this.props;
    return {
      'ProcessingJobName.$': name,
      RoleArn: p.jobRole.roleArn,
      AppSpecification: {
        ImageUri: job.image,
        // The code folder holds exactly one file, the script (its name is the asset's hash).
        ContainerEntrypoint: ['/bin/sh', '-c', 'exec python3 /opt/ml/processing/code/*.py'],
      },
      Environment: job.environment ?? {},
      ProcessingInputs: [
        { InputName: 'code', S3Input: { LocalPath: '/opt/ml/processing/code', S3DataType: 'S3Prefix', S3InputMode: 'File', S3Uri: job.scriptUri } },
        ...inputs,
      ],
      ProcessingOutputConfig: {
        KmsKeyId: p.dataKey.keyArn,
        Outputs: [
          { OutputName: 'output', S3Output: { LocalPath: PROCESSING_OUTPUT_DIR, S3UploadMode: 'EndOfJob', ...uriParam('S3Uri', outputUri) } },
        ],
      },
      ProcessingResources: {
        ClusterConfig: {
          InstanceType: job.instanceType,
          InstanceCount: 1,
          VolumeSizeInGB: 30,
          ...(job.volumeKmsAllowed ? { VolumeKmsKeyId: p.dataKey.keyArn } : {}),
        },
      },
      StoppingCondition: { MaxRuntimeInSeconds: job.maxRuntimeSeconds },
      ...(p.vpc ? { NetworkConfig: { VpcConfig: { Subnets: p.vpc.subnetIds, SecurityGroupIds: p.vpc.securityGroupIds } } } : {}),
      Tags: resourceTags(p.modelName, p.environmentName),
    };
  }

  /** The job settings every stage shares: the role, the key, the network and the tags. */
  public get settings(): SageMakerJobsProps {
    return this.props;
  }

  /** What the pipeline role needs for the jobs created so far (call after every stage is built). */
  public permissions(scope: Construct): StagePermissions {
    const stack = Stack.of(scope);
    const kinds = (['training', 'processing', 'tuning'] as const).filter((k) => this.kinds.has(k));
    if (kinds.length === 0) return { statements: [], wildcards: [] };
    const p = this.props;
    const jobArns = kinds.map((k) =>
      stack.formatArn({ service: 'sagemaker', resource: KIND[k].resource, resourceName: `${this.namePrefix(k)}--*` }),
    );
    return {
      statements: [
        new iam.PolicyStatement({
          // ListTags: the .sync integration reads the job's tags (Step Functions' IAM policies for SageMaker).
          actions: [
            ...kinds.flatMap((k) => ['Create', 'Describe', 'Stop'].map((verb) => `sagemaker:${verb}${KIND[k].api}`)),
            'sagemaker:AddTags',
            'sagemaker:ListTags',
          ],
          resources: jobArns,
        }),
        // The .sync integration watches jobs through these Step Functions-managed EventBridge rules.
        new iam.PolicyStatement({
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: kinds.map((k) =>
            stack.formatArn({ service: 'events', resource: 'rule', resourceName: `StepFunctionsGetEventsForSageMaker${KIND[k].rule}JobsRule` }),
          ),
        }),
        passJobRole(p.jobRole),
        // Volumes and outputs are encrypted with the data key on the caller's behalf.
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [p.dataKey.keyArn] }),
        createGrantForAwsResources(p.dataKey),
      ],
      wildcards: [{ resources: jobArns, reason: "Job names are generated per run; the patterns are limited to this model's job-name prefix." }],
    };
  }
}

/** Options of a `.sync` job state. */
export interface JobTaskOptions {
  /** Where errors go (after throttling retries), with the error in `$.error`. */
  readonly onFailure: sfn.IChainable;
  readonly resultSelector?: object;
  readonly resultPath?: string;
}

/** iam:PassRole of the role SageMaker jobs and models run as, to SageMaker only. */
export function passJobRole(role: iam.IRole): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  });
}

/** kms:CreateGrant only for grants that AWS services create on the caller's behalf (job volumes). */
export function createGrantForAwsResources(key: kms.IKey): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['kms:CreateGrant'],
    resources: [key.keyArn],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  });
}

/** `{ key: value }`, or `{ 'key.$': value }` when the value is a JSONPath or intrinsic function. */
export function uriParam(key: string, value: string): Record<string, string> {
  // JsonPath.format/stringAt return "$..."/"States.Format(...)" tokens that need the ".$" suffix.
  return sfn.JsonPath.isEncodedJsonPath(value) || value.startsWith('$') ? { [`${key}.$`]: value } : { [key]: value };
}
