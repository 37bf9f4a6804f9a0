/**
 * Calls SageMaker makes as the execution role a job or model runs as (SageMaker developer guide, "How to use SageMaker
 * AI execution roles": CreateTrainingJob, CreateProcessingJob and CreateModel execution role permissions), computed
 * from the parameters the workflow really sends:
 * - every `S3Prefix` input is listed (`s3:ListBucket` with `s3:prefix`) before its objects are read, a single-file
 *   input (a script asset) included;
 * - outputs and checkpoints are written with the job's key; volumes encrypted with a key need a grant for AWS resources;
 * - images are pulled from ECR; logs go to `/aws/sagemaker/<kind>/...` streams named after the job (or endpoint);
 *   metrics to `/aws/sagemaker/...` namespaces;
 * - the endpoint reads the model artifact, writes captured data, and (deployment guardrails) describes the rollback alarms.
 */
import { PrincipalCall } from './evaluate';
import { bucketArn, parseS3 } from './handlers/common';
import { keyCalls } from './invoker-calls';
import { PolicyIndex } from './policies';

type Input = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KIND = 'SageMaker execution role';

function role(
  roleArn: string,
  why: string,
): { caller: { principal: string; kind: string }; call: (a: string, r: string, c?: Record<string, string>) => PrincipalCall } {
  const caller = { principal: roleArn, kind: KIND };
  return { caller, call: (action, resource, context) => ({ ...caller, action, resource, why, ...(context ? { context } : {}) }) };
}

/** Reading an S3 input: list the prefix, read an object under it (or the object itself), decrypt with the bucket's key. */
function readInput(index: PolicyIndex, roleArn: string, uri: string, why: string): PrincipalCall[] {
  const { bucket, key } = parseS3('S3 URI', uri);
  const { call, caller } = role(roleArn, why);
  const bucketResource = bucketArn(index.world.aws, bucket);
  const object = key === '' || key.endsWith('/') ? `${key}part-00000.csv` : key;
  return [
    call('s3:ListBucket', bucketResource, { 's3:prefix': key }),
    call('s3:GetObject', `${bucketResource}/${object}`),
    ...keyCalls(index, caller, `${bucketResource}/${object}`, ['kms:Decrypt'], 's3', why, { 'kms:EncryptionContext:aws:s3:arn': bucketResource }),
  ];
}

/** Writing an S3 output under `uri` with `kmsKeyId` (or the bucket's key). */
function writeOutput(index: PolicyIndex, roleArn: string, uri: string, file: string, kmsKeyId: string | undefined, why: string): PrincipalCall[] {
  const { bucket, key } = parseS3('S3 URI', uri);
  const { call } = role(roleArn, why);
  const bucketResource = bucketArn(index.world.aws, bucket);
  const object = `${bucketResource}/${key}${key === '' || key.endsWith('/') ? '' : '/'}${file}`;
  const encryptWith = kmsKeyId ?? index.keyOf(object);
  const { region, account } = index.world.aws;
  return [
    call('s3:PutObject', object),
    ...(encryptWith
      ? [
          call('kms:GenerateDataKey', encryptWith, {
            'kms:ViaService': `s3.${region}.amazonaws.com`,
            'kms:CallerAccount': account,
            'kms:EncryptionContext:aws:s3:arn': bucketResource,
          }),
        ]
      : []),
  ];
}

/** Pulling an image from ECR (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`). */
function pullImage(index: PolicyIndex, roleArn: string, image: string, why: string): PrincipalCall[] {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
  if (!match) throw new Error(`sagemaker-calls: ${why}: not an ECR image URI: ${image}`);
  const repository = `arn:${index.world.aws.partition}:ecr:${match[2]}:${match[1]}:repository/${match[3]}`;
  const { call } = role(roleArn, why);
  return [
    call('ecr:GetAuthorizationToken', '*'),
    ...['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'].map((a) => call(a, repository)),
  ];
}

/** Logs and metrics of a job or endpoint: `/aws/sagemaker/<group>`, one stream per instance named after `name`. */
function logsAndMetrics(index: PolicyIndex, roleArn: string, group: string, name: string, why: string): PrincipalCall[] {
  const { partition, region, account } = index.world.aws;
  const groupArn = `arn:${partition}:logs:${region}:${account}:log-group:/aws/sagemaker/${group}`;
  const { call } = role(roleArn, why);
  return [
    call('logs:CreateLogGroup', groupArn),
    call('logs:DescribeLogStreams', groupArn),
    call('logs:CreateLogStream', `${groupArn}:log-stream:${name}/algo-1-1733500000`),
    call('logs:PutLogEvents', `${groupArn}:log-stream:${name}/algo-1-1733500000`),
    call('cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': `/aws/sagemaker/${group}` }),
  ];
}

function volumeKey(roleArn: string, keyId: string | undefined, why: string): PrincipalCall[] {
  if (!keyId) return [];
  const { call } = role(roleArn, why);
  return [call('kms:CreateGrant', keyId, { 'kms:GrantIsForAWSResource': 'true' }), call('kms:DescribeKey', keyId)];
}

/** The job role's calls for one `createTrainingJob` request. */
export function trainingJobCalls(index: PolicyIndex, input: Input): PrincipalCall[] {
  const roleArn = String(input.RoleArn);
  const why = `training job ${input.TrainingJobName}`;
  const calls: PrincipalCall[] = [];
  for (const channel of input.InputDataConfig ?? []) {
    calls.push(...readInput(index, roleArn, channel.DataSource.S3DataSource.S3Uri, `${why}, channel ${channel.ChannelName}`));
  }
  const output = input.OutputDataConfig;
  calls.push(
    ...writeOutput(index, roleArn, output.S3OutputPath, `${input.TrainingJobName}/output/model.tar.gz`, output.KmsKeyId, `${why}, model artifact`),
  );
  if (input.CheckpointConfig?.S3Uri) {
    calls.push(...readInput(index, roleArn, input.CheckpointConfig.S3Uri, `${why}, checkpoints`));
    calls.push(...writeOutput(index, roleArn, input.CheckpointConfig.S3Uri, 'checkpoint-1.pt', undefined, `${why}, checkpoints`));
  }
  calls.push(...volumeKey(roleArn, input.ResourceConfig?.VolumeKmsKeyId, `${why}, volume`));
  calls.push(...pullImage(index, roleArn, input.AlgorithmSpecification.TrainingImage, `${why}, image`));
  calls.push(...logsAndMetrics(index, roleArn, 'TrainingJobs', input.TrainingJobName, why));
  return calls;
}

/**
 * The job role's calls for one `createHyperParameterTuningJob` request: those of a training job it launches, named as
 * SageMaker names them (`<tuning job>-<3 digits>-<8 hex>`), from its `TrainingJobDefinition`.
 */
export function tuningJobCalls(index: PolicyIndex, input: Input): PrincipalCall[] {
  return trainingJobCalls(index, { ...input.TrainingJobDefinition, TrainingJobName: `${input.HyperParameterTuningJobName}-001-0123abcd` });
}

/** The job role's calls for one `createProcessingJob` request. */
export function processingJobCalls(index: PolicyIndex, input: Input): PrincipalCall[] {
  const roleArn = String(input.RoleArn);
  const why = `processing job ${input.ProcessingJobName}`;
  const calls: PrincipalCall[] = [];
  for (const each of input.ProcessingInputs ?? []) calls.push(...readInput(index, roleArn, each.S3Input.S3Uri, `${why}, input ${each.InputName}`));
  const config = input.ProcessingOutputConfig;
  for (const each of config.Outputs ?? [])
    calls.push(...writeOutput(index, roleArn, each.S3Output.S3Uri, 'evaluation.json', config.KmsKeyId, `${why}, output ${each.OutputName}`));
  calls.push(...volumeKey(roleArn, input.ProcessingResources?.ClusterConfig?.VolumeKmsKeyId, `${why}, volume`));
  calls.push(...pullImage(index, roleArn, input.AppSpecification.ImageUri, `${why}, image`));
  calls.push(...logsAndMetrics(index, roleArn, 'ProcessingJobs', input.ProcessingJobName, why));
  return calls;
}

/** What the endpoint runs with, gathered from one run's Task inputs. */
export interface EndpointDeployment {
  readonly executionRoleArn: string;
  readonly endpointName: string;
  /** The registered container: image and model artifact. */
  readonly containers: ReadonlyArray<{ readonly Image: string; readonly ModelDataUrl: string }>;
  /** `CreateEndpointConfig` request (variant volume key, data capture). */
  readonly endpointConfig: Input;
  /** Rollback alarm names of an `UpdateEndpoint` with deployment guardrails. @default - none */
  readonly rollbackAlarms?: readonly string[];
}

/** The execution role's calls while the endpoint runs the model. */
export function endpointCalls(index: PolicyIndex, d: EndpointDeployment): PrincipalCall[] {
  const why = `endpoint ${d.endpointName}`;
  const calls: PrincipalCall[] = [];
  const { partition, region, account } = index.world.aws;
  for (const container of d.containers) {
    const { bucket, key } = parseS3('ModelDataUrl', container.ModelDataUrl);
    const object = `${bucketArn(index.world.aws, bucket)}/${key}`;
    const { call, caller } = role(d.executionRoleArn, `${why}, model artifact`);
    calls.push(call('s3:GetObject', object));
    calls.push(
      ...keyCalls(index, caller, object, ['kms:Decrypt'], 's3', `${why}, model artifact`, {
        'kms:EncryptionContext:aws:s3:arn': bucketArn(index.world.aws, bucket),
      }),
    );
    calls.push(...pullImage(index, d.executionRoleArn, container.Image, `${why}, image`));
  }
  calls.push(...volumeKey(d.executionRoleArn, d.endpointConfig.KmsKeyId, `${why}, volume`));
  const capture = d.endpointConfig.DataCaptureConfig;
  if (capture?.EnableCapture) {
    const file = `${d.endpointName}/AllTraffic/2026/12/06/00/00-00-000-0123abcd.jsonl`;
    calls.push(...writeOutput(index, d.executionRoleArn, capture.DestinationS3Uri, file, capture.KmsKeyId, `${why}, data capture`));
  }
  const logs = role(d.executionRoleArn, `${why}, container logs`);
  const group = `arn:${partition}:logs:${region}:${account}:log-group:/aws/sagemaker/Endpoints/${d.endpointName}`;
  calls.push(
    logs.call('logs:CreateLogGroup', group),
    logs.call('logs:CreateLogStream', `${group}:log-stream:AllTraffic/i-0123456789abcdef0`),
    logs.call('logs:PutLogEvents', `${group}:log-stream:AllTraffic/i-0123456789abcdef0`),
    logs.call('logs:DescribeLogStreams', group),
  );
  calls.push(logs.call('cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' }));
  for (const alarm of d.rollbackAlarms ?? []) {
    calls.push(
      role(d.executionRoleArn, `${why}, deployment guardrails`).call(
        'cloudwatch:DescribeAlarms',
        `arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarm}`,
      ),
    );
  }
  return calls;
}

/** The offline store role of each feature group: writes under its S3 prefix with its key, checks the bucket ACL. */
export function featureStoreCalls(index: PolicyIndex): PrincipalCall[] {
  const calls: PrincipalCall[] = [];
  for (const fg of index.world.resources('AWS::SageMaker::FeatureGroup')) {
    const props = fg.properties as Input;
    const store = props.OfflineStoreConfig?.S3StorageConfig;
    if (!store || !props.RoleArn) continue;
    const name = index.world.physicalName(fg.stack, fg.logicalId);
    const why = `feature group ${name}, offline store`;
    const { bucket } = parseS3('S3Uri', store.S3Uri);
    const { call } = role(props.RoleArn, why);
    calls.push(call('s3:GetBucketAcl', bucketArn(index.world.aws, bucket)));
    calls.push(
      ...writeOutput(
        index,
        props.RoleArn,
        store.S3Uri,
        `${index.world.aws.account}/sagemaker/${index.world.aws.region}/offline-store/${name}/data/part.parquet`,
        store.KmsKeyId,
        why,
      ),
    );
    if (store.KmsKeyId) calls.push(...volumeKey(props.RoleArn, store.KmsKeyId, why));
  }
  return calls;
}
