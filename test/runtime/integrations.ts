/**
 * What each Step Functions Task integration authorizes, for the state machine's role: the IAM actions AWS documents for
 * the optimized integrations (Step Functions developer guide, "IAM policies for integrated services", `.sync`
 * included), the action each `aws-sdk:<service>:<api>` call maps to (Service Authorization Reference), with every
 * resource type the action requires, and the KMS calls the service makes on the caller's behalf.
 *
 * A Task whose resource has no entry here fails the check: an integration added to a workflow cannot pass unseen.
 */
import { arnOf, bucketArn, sagemakerArn as sagemakerArnOf } from './handlers/common';
import { keyCalls } from './invoker-calls';
import { PrincipalCall } from './evaluate';
import { PolicyIndex } from './policies';

type Input = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The role and index a Task's calls are computed for. */
export interface TaskContext {
  readonly index: PolicyIndex;
  readonly role: string;
  /** `<state machine>/<state name>`, for messages. */
  readonly where: string;
}

export type IntegrationCalls = (input: Input, ctx: TaskContext) => PrincipalCall[];

const KIND = 'Step Functions role';

const arn = (ctx: TaskContext, service: string, resource: string): string => arnOf(ctx.index.world.aws, service, resource);

function call(ctx: TaskContext, action: string, resource: string, why: string, context?: Record<string, string>): PrincipalCall {
  return { principal: ctx.role, kind: KIND, action, resource, why: `${ctx.where}: ${why}`, ...(context ? { context } : {}) };
}

function passRole(ctx: TaskContext, roleArn: string, why: string): PrincipalCall {
  return call(ctx, 'iam:PassRole', roleArn, why, { 'iam:PassedToService': 'sagemaker.amazonaws.com' });
}

/**
 * A SageMaker job run with `.sync`: create, describe, stop, tags, the managed rule, PassRole of the role it runs as
 * (`RoleArn`, or the training job definition's for a tuning job).
 */
function syncJob(
  kind: 'Training' | 'Processing' | 'HyperParameterTuning',
  nameField: string,
  resourceType: string,
  rule: string = kind,
): IntegrationCalls {
  const what = kind === 'HyperParameterTuning' ? 'tuning job' : `${kind.toLowerCase()} job`;
  return (input, ctx) => {
    const jobArn = arn(ctx, 'sagemaker', `${resourceType}/${String(input[nameField]).toLowerCase()}`);
    const ruleArn = arn(ctx, 'events', `rule/StepFunctionsGetEventsForSageMaker${rule}JobsRule`);
    return [
      ...[`Create${kind}Job`, `Describe${kind}Job`, `Stop${kind}Job`, 'AddTags', 'ListTags'].map((a) => call(ctx, `sagemaker:${a}`, jobArn, what)),
      ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((a) => call(ctx, a, ruleArn, `.sync watches the ${what}`)),
      passRole(ctx, input.RoleArn ?? input.TrainingJobDefinition?.RoleArn, `${what} role`),
    ];
  };
}

function s3Object(service: 'getObject' | 'putObject'): IntegrationCalls {
  return (input, ctx) => {
    const bucketResource = bucketArn(ctx.index.world.aws, String(input.Bucket));
    const objectArn = `${bucketResource}/${input.Key}`;
    const read = service === 'getObject';
    return [
      call(ctx, read ? 's3:GetObject' : 's3:PutObject', objectArn, `${service} ${input.Key}`),
      ...keyCalls(
        ctx.index,
        { principal: ctx.role, kind: KIND },
        objectArn,
        [read ? 'kms:Decrypt' : 'kms:GenerateDataKey'],
        's3',
        `${ctx.where}: ${service}`,
        { 'kms:EncryptionContext:aws:s3:arn': bucketResource },
      ),
    ];
  };
}

const sagemakerArn = (ctx: TaskContext, type: string, name: unknown) => sagemakerArnOf(ctx.index.world.aws, type, String(name));

/** Integrations by Task `Resource` (without the `arn:<partition>:states:::` prefix). */
export const INTEGRATIONS: Record<string, IntegrationCalls> = {
  'sagemaker:createTrainingJob.sync': syncJob('Training', 'TrainingJobName', 'training-job'),
  'sagemaker:createProcessingJob.sync': syncJob('Processing', 'ProcessingJobName', 'processing-job'),
  'sagemaker:createHyperParameterTuningJob.sync': syncJob(
    'HyperParameterTuning',
    'HyperParameterTuningJobName',
    'hyper-parameter-tuning-job',
    'Tuning',
  ),
  'aws-sdk:sagemaker:describeTrainingJob': (input, ctx) => [
    call(ctx, 'sagemaker:DescribeTrainingJob', sagemakerArn(ctx, 'training-job', input.TrainingJobName), 'reads a training job'),
  ],
  'aws-sdk:s3:getObject': s3Object('getObject'),
  'aws-sdk:s3:putObject': s3Object('putObject'),
  'aws-sdk:sagemaker:listModelPackages': (_input, ctx) => [call(ctx, 'sagemaker:ListModelPackages', '*', 'lists approved packages')],
  'aws-sdk:sagemaker:describeModelPackage': (input, ctx) => [
    call(ctx, 'sagemaker:DescribeModelPackage', String(input.ModelPackageName), 'reads a package'),
  ],
  'aws-sdk:sagemaker:createModelPackage': (input, ctx) => {
    const pkg = sagemakerArn(ctx, 'model-package', `${input.ModelPackageGroupName}/1`);
    return [call(ctx, 'sagemaker:CreateModelPackage', pkg, 'registers the candidate'), call(ctx, 'sagemaker:AddTags', pkg, 'tags the package')];
  },
  'aws-sdk:sagemaker:updateModelPackage': (input, ctx) => [
    call(ctx, 'sagemaker:UpdateModelPackage', String(input.ModelPackageArn), 'records the decision'),
  ],
  'aws-sdk:sagemaker:createModel': (input, ctx) => [
    call(ctx, 'sagemaker:CreateModel', sagemakerArn(ctx, 'model', input.ModelName), 'creates the SageMaker model'),
    call(ctx, 'sagemaker:AddTags', sagemakerArn(ctx, 'model', input.ModelName), 'tags the model'),
    passRole(ctx, input.ExecutionRoleArn, 'model execution role'),
  ],
  'aws-sdk:sagemaker:createEndpointConfig': (input, ctx) => [
    call(ctx, 'sagemaker:CreateEndpointConfig', sagemakerArn(ctx, 'endpoint-config', input.EndpointConfigName), 'creates the endpoint configuration'),
    call(ctx, 'sagemaker:AddTags', sagemakerArn(ctx, 'endpoint-config', input.EndpointConfigName), 'tags the endpoint configuration'),
  ],
  'aws-sdk:sagemaker:describeEndpointConfig': (input, ctx) => [
    call(ctx, 'sagemaker:DescribeEndpointConfig', sagemakerArn(ctx, 'endpoint-config', input.EndpointConfigName), 'reads the endpoint configuration'),
  ],
  // CreateEndpoint and UpdateEndpoint are authorized on the endpoint and on the endpoint configuration (both required
  // resource types in the Service Authorization Reference; aws/aws-cdk#11594).
  'aws-sdk:sagemaker:createEndpoint': (input, ctx) => [
    call(ctx, 'sagemaker:CreateEndpoint', sagemakerArn(ctx, 'endpoint', input.EndpointName), 'creates the endpoint'),
    call(
      ctx,
      'sagemaker:CreateEndpoint',
      sagemakerArn(ctx, 'endpoint-config', input.EndpointConfigName),
      'creates the endpoint from its configuration',
    ),
    call(ctx, 'sagemaker:AddTags', sagemakerArn(ctx, 'endpoint', input.EndpointName), 'tags the endpoint'),
  ],
  'aws-sdk:sagemaker:updateEndpoint': (input, ctx) => [
    call(ctx, 'sagemaker:UpdateEndpoint', sagemakerArn(ctx, 'endpoint', input.EndpointName), 'updates the endpoint'),
    call(
      ctx,
      'sagemaker:UpdateEndpoint',
      sagemakerArn(ctx, 'endpoint-config', input.EndpointConfigName),
      'updates the endpoint to its new configuration',
    ),
  ],
  'aws-sdk:sagemaker:describeEndpoint': (input, ctx) => [
    call(ctx, 'sagemaker:DescribeEndpoint', sagemakerArn(ctx, 'endpoint', input.EndpointName), 'reads the endpoint'),
  ],
  'aws-sdk:sagemaker:deleteEndpoint': (input, ctx) => [
    call(ctx, 'sagemaker:DeleteEndpoint', sagemakerArn(ctx, 'endpoint', input.EndpointName), 'deletes the endpoint'),
  ],
  'aws-sdk:sagemaker:listEndpoints': (_input, ctx) => [call(ctx, 'sagemaker:ListEndpoints', '*', 'looks for the endpoint')],
  'aws-sdk:applicationautoscaling:registerScalableTarget': autoscaling('RegisterScalableTarget', true),
  'aws-sdk:applicationautoscaling:putScalingPolicy': autoscaling('PutScalingPolicy', true),
  'aws-sdk:applicationautoscaling:describeScalableTargets': (_input, ctx) => [
    call(ctx, 'application-autoscaling:DescribeScalableTargets', '*', 'reads autoscaling'),
  ],
  'aws-sdk:applicationautoscaling:describeScalingPolicies': (_input, ctx) => [
    call(ctx, 'application-autoscaling:DescribeScalingPolicies', '*', 'reads autoscaling'),
  ],
  'aws-sdk:applicationautoscaling:deregisterScalableTarget': autoscaling('DeregisterScalableTarget', false),
  'lambda:invoke': (input, ctx) => [call(ctx, 'lambda:InvokeFunction', String(input.FunctionName), 'invokes a function')],
  'lambda:invoke.waitForTaskToken': (input, ctx) => [
    call(ctx, 'lambda:InvokeFunction', String(input.FunctionName), 'invokes a function with a task token'),
  ],
  'sns:publish': (input, ctx) => [
    call(ctx, 'sns:Publish', String(input.TopicArn), 'notifies'),
    ...keyCalls(
      ctx.index,
      { principal: ctx.role, kind: KIND },
      String(input.TopicArn),
      ['kms:GenerateDataKey', 'kms:Decrypt'],
      'sns',
      `${ctx.where}: notifies`,
    ),
  ],
};

/**
 * Application Auto Scaling on a SageMaker variant: the action on the scalable target, plus what AWS documents the
 * caller needs on SageMaker and CloudWatch (Application Auto Scaling identity-based policy examples): describing
 * and resizing the endpoint, the service-linked role on first registration, target tracking's alarms.
 */
function autoscaling(action: string, registers: boolean): IntegrationCalls {
  return (input, ctx) => {
    const { partition, region, account } = ctx.index.world.aws;
    const target = `arn:${partition}:application-autoscaling:${region}:${account}:scalable-target/0123456789abcdef0123456789abcdef`;
    const endpoint = String(input.ResourceId ?? '').split('/')[1];
    const calls = [
      call(ctx, `application-autoscaling:${action}`, target, `${action} ${input.ResourceId}`, {
        'application-autoscaling:service-namespace': String(input.ServiceNamespace),
        'application-autoscaling:scalable-dimension': String(input.ScalableDimension),
      }),
    ];
    if (!registers) return calls;
    calls.push(call(ctx, 'sagemaker:DescribeEndpoint', sagemakerArn(ctx, 'endpoint', endpoint), 'Application Auto Scaling checks the endpoint'));
    calls.push(
      call(
        ctx,
        'sagemaker:UpdateEndpointWeightsAndCapacities',
        sagemakerArn(ctx, 'endpoint', endpoint),
        'Application Auto Scaling resizes the endpoint',
      ),
    );
    if (action === 'RegisterScalableTarget') {
      const slr = `arn:${partition}:iam::${account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/`
        + 'AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint';
      calls.push(
        call(ctx, 'iam:CreateServiceLinkedRole', slr, 'first registration creates the service-linked role', {
          'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com',
        }),
      );
    }
    if (action === 'PutScalingPolicy' && input.PolicyType === 'TargetTrackingScaling') {
      const alarm = arn(ctx, 'cloudwatch', `alarm:TargetTracking-${input.ResourceId}-AlarmHigh-01234567-89ab-cdef-0123-456789abcdef`);
      for (const a of ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'])
        calls.push(call(ctx, a, alarm, 'target tracking manages its alarms'));
    }
    return calls;
  };
}
