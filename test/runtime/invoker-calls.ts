/**
 * Calls the deployed system makes through AWS services, read from the templates: services assuming the roles given to
 * them, Scheduler and EventBridge invoking their targets and dead-letter queues, CloudWatch alarms publishing to
 * topics, API Gateway invoking functions, Lambda writing its logs, CloudTrail and CloudWatch Logs using their bucket
 * and keys, S3 delivering access logs.
 */
import { PrincipalCall } from './evaluate';
import { kmsCalls } from './handlers/common';
import { PolicyIndex } from './policies';
import { World, WorldResource } from './world';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The calls a service makes to use a customer managed key for a resource on a caller's behalf. */
export function keyCalls(
  index: PolicyIndex,
  caller: { principal: string; kind: string },
  resourceArn: string,
  actions: string[],
  via: string,
  why: string,
  context: Record<string, string> = {},
): PrincipalCall[] {
  const keys = { aws: index.world.aws, keyOf: (arn: string) => index.keyOf(arn) };
  return kmsCalls(keys, resourceArn, actions, via, why, context).map((call) => ({ ...caller, ...call }));
}

/** A service assuming a role it was given. */
function assume(world: World, service: string, roleArn: string, why: string, sourceArn?: string): PrincipalCall {
  return {
    principal: service,
    kind: service,
    action: 'sts:AssumeRole',
    resource: roleArn,
    why,
    context: { 'aws:SourceAccount': world.aws.account, ...(sourceArn ? { 'aws:SourceArn': sourceArn } : {}) },
  };
}

/** What delivering to a target ARN costs the sender (`principal`): the target's action and the KMS calls of its key. */
function deliver(
  index: PolicyIndex,
  caller: { principal: string; kind: string },
  target: string,
  why: string,
  context: Record<string, string>,
): PrincipalCall[] {
  const service = target.split(':')[2];
  const action = (
    { lambda: 'lambda:InvokeFunction', sns: 'sns:Publish', sqs: 'sqs:SendMessage', states: 'states:StartExecution' } as Record<string, string>
  )[service];
  if (!action) throw new Error(`invoker-calls: ${why} targets ${target}, a service the check does not know`);
  const calls: PrincipalCall[] = [{ ...caller, action, resource: target, why, context }];
  if (service === 'sns' || service === 'sqs')
    calls.push(...keyCalls(index, caller, target, ['kms:GenerateDataKey', 'kms:Decrypt'], service, why, context));
  return calls;
}

function lambdaCalls(index: PolicyIndex, fn: WorldResource): PrincipalCall[] {
  const w = index.world;
  const props = fn.properties as Props;
  const name = w.physicalName(fn.stack, fn.logicalId);
  const arn = w.getAtt(fn.stack, fn.logicalId, 'Arn');
  const role = String(props.Role);
  const caller = { principal: role, kind: 'Lambda function role' };
  const logGroup = props.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`;
  const logGroupArn = `arn:${w.aws.partition}:logs:${w.aws.region}:${w.aws.account}:log-group:${logGroup}`;
  const logStream = `${logGroupArn}:log-stream:2026/12/06/[$LATEST]0123456789abcdef`;
  const calls: PrincipalCall[] = [
    assume(w, 'lambda.amazonaws.com', role, `Lambda runs ${name}`, arn),
    { ...caller, action: 'logs:CreateLogStream', resource: logStream, why: `${name} writes its logs` },
    { ...caller, action: 'logs:PutLogEvents', resource: logStream, why: `${name} writes its logs` },
  ];
  if (props.TracingConfig?.Mode === 'Active') {
    calls.push(
      ...['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].map((action) => ({ ...caller, action, resource: '*', why: `${name} sends traces` })),
    );
  }
  if (props.DeadLetterConfig?.TargetArn)
    calls.push(...deliver(index, caller, props.DeadLetterConfig.TargetArn, `${name} sends failed events to its dead-letter queue`, {}));
  if (props.KmsKeyArn) calls.push({ ...caller, action: 'kms:Decrypt', resource: props.KmsKeyArn, why: `${name} decrypts its environment` });
  return calls;
}

function scheduleCalls(index: PolicyIndex, schedule: WorldResource): PrincipalCall[] {
  const w = index.world;
  const target = (schedule.properties as Props).Target;
  const arn = w.getAtt(schedule.stack, schedule.logicalId, 'Arn');
  const caller = { principal: String(target.RoleArn), kind: 'Scheduler role' };
  const why = `schedule ${schedule.stack}/${schedule.logicalId}`;
  return [
    assume(w, 'scheduler.amazonaws.com', target.RoleArn, why, arn),
    ...deliver(index, caller, target.Arn, `${why} invokes its target`, {}),
    ...(target.DeadLetterConfig?.Arn
      ? deliver(index, caller, target.DeadLetterConfig.Arn, `${why} sends undeliverable invocations to its dead-letter queue`, {})
      : []),
  ];
}

function ruleCalls(index: PolicyIndex, rule: WorldResource): PrincipalCall[] {
  const w = index.world;
  const arn = w.getAtt(rule.stack, rule.logicalId, 'Arn');
  const events = { principal: 'events.amazonaws.com', kind: 'EventBridge' };
  const context = { 'aws:SourceArn': arn, 'aws:SourceAccount': w.aws.account };
  const why = `rule ${rule.stack}/${rule.logicalId}`;
  const calls: PrincipalCall[] = [];
  for (const target of ((rule.properties as Props).Targets ?? []) as Props[]) {
    if (target.RoleArn) {
      calls.push(assume(w, 'events.amazonaws.com', target.RoleArn, why, arn));
      calls.push(...deliver(index, { principal: target.RoleArn, kind: 'EventBridge target role' }, target.Arn, `${why} invokes its target`, {}));
    } else {
      calls.push(...deliver(index, events, target.Arn, `${why} invokes its target`, context));
    }
    if (target.DeadLetterConfig?.Arn)
      calls.push(...deliver(index, events, target.DeadLetterConfig.Arn, `${why} sends undeliverable events to its dead-letter queue`, context));
  }
  return calls;
}

function alarmCalls(index: PolicyIndex, alarm: WorldResource): PrincipalCall[] {
  const w = index.world;
  const props = alarm.properties as Props;
  const arn = w.getAtt(alarm.stack, alarm.logicalId, 'Arn');
  const topics = new Set<string>([...(props.AlarmActions ?? []), ...(props.OKActions ?? []), ...(props.InsufficientDataActions ?? [])]);
  const caller = { principal: 'cloudwatch.amazonaws.com', kind: 'CloudWatch alarms' };
  return [...topics]
    .filter((t) => t.includes(':sns:'))
    .flatMap((topic) =>
      deliver(index, caller, topic, `alarm ${w.physicalName(alarm.stack, alarm.logicalId)} notifies`, {
        'aws:SourceArn': arn,
        'aws:SourceAccount': w.aws.account,
      }),
    );
}

function apiCalls(index: PolicyIndex, method: WorldResource): PrincipalCall[] {
  const w = index.world;
  const props = method.properties as Props;
  const uri = String(props.Integration?.Uri ?? '');
  const fn = /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1];
  if (!fn) return [];
  const apiId = String(props.RestApiId);
  const stage = w.resources('AWS::ApiGateway::Stage').find((s) => (s.properties as Props).RestApiId === apiId);
  const path = resourcePath(w, method.stack, props.ResourceId);
  const stageName = (stage?.properties as Props)?.StageName;
  const source = `arn:${w.aws.partition}:execute-api:${w.aws.region}:${w.aws.account}:${apiId}/${stageName}/${props.HttpMethod}${path}`;
  return [
    {
      principal: 'apigateway.amazonaws.com',
      kind: 'API Gateway',
      action: 'lambda:InvokeFunction',
      resource: fn,
      why: `${props.HttpMethod} ${path} invokes its function`,
      context: { 'aws:SourceArn': source, 'aws:SourceAccount': w.aws.account },
    },
  ];
}

/** The request path of an API Gateway resource id, with `{param}` parts filled in as a request would. */
function resourcePath(w: World, stack: string, resourceId: string): string {
  const byId = new Map(
    w
      .resources('AWS::ApiGateway::Resource')
      .filter((r) => r.stack === stack)
      .map((r) => [w.ref(r.stack, r.logicalId), r.properties as Props]),
  );
  const parts: string[] = [];
  for (let id = resourceId, guard = 0; byId.has(id) && guard < 20; guard++) {
    const resource = byId.get(id)!;
    parts.unshift(String(resource.PathPart).replace(/^\{.*\}$/, 'a1b2c3'));
    id = resource.ParentId;
  }
  return `/${parts.join('/')}`;
}

function trailCalls(index: PolicyIndex, trail: WorldResource): PrincipalCall[] {
  const w = index.world;
  const props = trail.properties as Props;
  const { partition: p, region: r, account: a } = w.aws;
  const trailArn = `arn:${p}:cloudtrail:${r}:${a}:trail/${w.physicalName(trail.stack, trail.logicalId)}`;
  const cloudtrail = { principal: 'cloudtrail.amazonaws.com', kind: 'CloudTrail' };
  const source = { 'aws:SourceArn': trailArn, 'aws:SourceAccount': a };
  const bucket = `arn:${p}:s3:::${props.S3BucketName}`;
  const object = `${bucket}/${props.S3KeyPrefix ? `${props.S3KeyPrefix}/` : ''}AWSLogs/${a}/CloudTrail/${r}/2026/12/06/file.json.gz`;
  const calls: PrincipalCall[] = [
    { ...cloudtrail, action: 's3:GetBucketAcl', resource: bucket, why: 'CloudTrail checks its bucket', context: source },
    {
      ...cloudtrail,
      action: 's3:PutObject',
      resource: object,
      why: 'CloudTrail delivers log files',
      context: { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' },
    },
  ];
  if (props.KMSKeyId) {
    const ec = { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn };
    calls.push({
      ...cloudtrail,
      action: 'kms:GenerateDataKey',
      resource: props.KMSKeyId,
      why: 'CloudTrail encrypts log files',
      context: { ...source, ...ec },
    });
    calls.push({ ...cloudtrail, action: 'kms:DescribeKey', resource: props.KMSKeyId, why: 'CloudTrail checks its key', context: source });
  }
  if (props.CloudWatchLogsRoleArn) {
    const group = String(props.CloudWatchLogsLogGroupArn).replace(/:\*$/, '');
    const stream = `${group}:log-stream:${a}_CloudTrail_${r}`;
    const role = { principal: props.CloudWatchLogsRoleArn, kind: 'CloudTrail logs role' };
    calls.push(assume(w, 'cloudtrail.amazonaws.com', props.CloudWatchLogsRoleArn, 'CloudTrail delivers to CloudWatch Logs', trailArn));
    calls.push({ ...role, action: 'logs:CreateLogStream', resource: stream, why: 'CloudTrail delivers to CloudWatch Logs' });
    calls.push({ ...role, action: 'logs:PutLogEvents', resource: stream, why: 'CloudTrail delivers to CloudWatch Logs' });
  }
  return calls;
}

function logGroupCalls(index: PolicyIndex, group: WorldResource): PrincipalCall[] {
  const w = index.world;
  const arn = w.getAtt(group.stack, group.logicalId, 'Arn').replace(/:\*$/, '');
  const key = index.keyOf(arn);
  if (!key) return [];
  const logs = { principal: `logs.${w.aws.region}.amazonaws.com`, kind: 'CloudWatch Logs' };
  return ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'].map((action) => ({
    ...logs,
    action,
    resource: key,
    why: `CloudWatch Logs encrypts ${w.physicalName(group.stack, group.logicalId)}`,
    context: { 'kms:EncryptionContext:aws:logs:arn': arn },
  }));
}

function accessLogCalls(index: PolicyIndex, bucket: WorldResource): PrincipalCall[] {
  const w = index.world;
  const config = (bucket.properties as Props).LoggingConfiguration;
  if (!config?.DestinationBucketName) return [];
  const source = w.getAtt(bucket.stack, bucket.logicalId, 'Arn');
  return [
    {
      principal: 'logging.s3.amazonaws.com',
      kind: 'S3 server access logging',
      action: 's3:PutObject',
      resource: `arn:${w.aws.partition}:s3:::${config.DestinationBucketName}/${config.LogFilePrefix ?? ''}2026-12-06-00-00-00-0123456789ABCDEF`,
      why: `access logs of ${w.physicalName(bucket.stack, bucket.logicalId)}`,
      context: { 'aws:SourceArn': source, 'aws:SourceAccount': w.aws.account },
    },
  ];
}

function roleUsers(index: PolicyIndex): PrincipalCall[] {
  const w = index.world;
  const calls: PrincipalCall[] = [];
  for (const sm of w.resources('AWS::StepFunctions::StateMachine')) {
    calls.push(
      assume(w, 'states.amazonaws.com', String((sm.properties as Props).RoleArn), `state machine ${sm.logicalId}`, w.ref(sm.stack, sm.logicalId)),
    );
  }
  for (const fg of w.resources('AWS::SageMaker::FeatureGroup')) {
    const role = (fg.properties as Props).RoleArn;
    if (role) calls.push(assume(w, 'sagemaker.amazonaws.com', role, `feature group ${w.physicalName(fg.stack, fg.logicalId)}`));
  }
  for (const account of w.resources('AWS::ApiGateway::Account')) {
    calls.push(
      assume(w, 'apigateway.amazonaws.com', String((account.properties as Props).CloudWatchRoleArn), 'API Gateway writes access and execution logs'),
    );
  }
  return calls;
}

/** Every service-made call of the world, from its templates. */
export function invokerCalls(index: PolicyIndex): PrincipalCall[] {
  const w = index.world;
  return [
    ...roleUsers(index),
    ...w.resources('AWS::Lambda::Function').flatMap((r) => lambdaCalls(index, r)),
    ...w.resources('AWS::Scheduler::Schedule').flatMap((r) => scheduleCalls(index, r)),
    ...w.resources('AWS::Events::Rule').flatMap((r) => ruleCalls(index, r)),
    ...w.resources('AWS::CloudWatch::Alarm').flatMap((r) => alarmCalls(index, r)),
    ...w.resources('AWS::ApiGateway::Method').flatMap((r) => apiCalls(index, r)),
    ...w.resources('AWS::CloudTrail::Trail').flatMap((r) => trailCalls(index, r)),
    ...w.resources('AWS::Logs::LogGroup').flatMap((r) => logGroupCalls(index, r)),
    ...w.resources('AWS::S3::Bucket').flatMap((r) => accessLogCalls(index, r)),
  ];
}
