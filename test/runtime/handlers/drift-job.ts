/**
 * Calls of `lambda/drift-job`. Everything comes from the function's environment, except what the deployment pointer
 * (`POINTER_URI`, written by the deployment at run time) holds: the endpoint, its variant and the baseline's URI. The
 * table takes the pointer from an event's `pointer` when one has it, else the shape the deployment writes (the
 * endpoint named after MODEL_NAME, variant `AllTraffic`, a run's `baseline.json` next to the pointer's bucket).
 */
import { HandlerCallInput, HandlerCallTable, RuntimeCall } from '../types';
import { arnOf, at, distinct, parseS3, s3List, s3Read, s3Write, variable } from './common';

const HOUR = '2026/12/06/00';

interface Pointer { readonly endpointName: string; readonly variantName: string; readonly baselineUri: string }

function pointers(input: HandlerCallInput): Pointer[] {
  const given = input.events.map((e) => at(e, 'pointer')).filter((p): p is Pointer => typeof at(p, 'baselineUri') === 'string');
  if (given.length > 0) return given;
  const model = variable(input, 'MODEL_NAME');
  const artifacts = parseS3('POINTER_URI', variable(input, 'POINTER_URI')).bucket;
  return [{ endpointName: model, variantName: 'AllTraffic',
    baselineUri: `s3://${artifacts}/models/${model}/runs/drift_2026-12-06T00_15_00Z/baseline.json` }];
}

/** The capture prefix of one hour, as the handler lists it. */
function hourPrefix(input: HandlerCallInput, pointer: Pointer): string {
  const raw = input.variables.CAPTURE_PREFIX ?? '';
  const prefix = raw === '' || raw.endsWith('/') ? raw : `${raw}/`;
  return `${prefix}${pointer.endpointName}/${pointer.variantName}/${HOUR}/`;
}

function stateKey(input: HandlerCallInput): { bucket: string; key: string } {
  const state = parseS3('STATE_PREFIX_URI', variable(input, 'STATE_PREFIX_URI'));
  const prefix = state.key === '' || state.key.endsWith('/') ? state.key : `${state.key}/`;
  return { bucket: state.bucket, key: `${prefix}${variable(input, 'MODEL_NAME')}/20261206T0000Z-60m/part-0001.json` };
}

function reads(input: HandlerCallInput): RuntimeCall[] {
  const pointer = parseS3('POINTER_URI', variable(input, 'POINTER_URI'));
  const capture = variable(input, 'CAPTURE_BUCKET');
  const state = stateKey(input);
  return [
    ...s3Read(input, pointer.bucket, pointer.key, 'GetObjectCommand (the deployment pointer)'),
    // Without ListBucket, S3 answers a missing pointer with 403 instead of NoSuchKey, which the handler reads as "nothing deployed".
    s3List(input, pointer.bucket, pointer.key, 'GetObjectCommand (the deployment pointer): a missing pointer must read as NoSuchKey'),
    ...s3Read(input, state.bucket, state.key, 'GetObjectCommand (the partial state of a continued window)'),
    ...pointers(input).flatMap((p) => {
      const baseline = parseS3('pointer.baselineUri', p.baselineUri);
      return [
        ...s3Read(input, baseline.bucket, baseline.key, 'GetObjectCommand (the served model\'s baseline)'),
        ...s3Read(input, capture, `${hourPrefix(input, p)}capture-0001.jsonl`, 'GetObjectCommand (a captured hour\'s object)'),
      ];
    }),
  ];
}

export const DRIFT_JOB_CALLS: HandlerCallTable = {
  GetObjectCommand: (input) => distinct(reads(input)),
  // ListObjectsV2 is authorized as s3:ListBucket on the bucket, with the request's prefix as s3:prefix.
  ListObjectsV2Command: (input) => distinct(pointers(input).map((p) =>
    s3List(input, variable(input, 'CAPTURE_BUCKET'), hourPrefix(input, p), 'ListObjectsV2Command (a captured hour of the endpoint\'s variant)'))),
  PutObjectCommand: (input) => {
    const state = stateKey(input);
    return s3Write(input, state.bucket, state.key, 'PutObjectCommand (the partial state before the window continues)');
  },
  // Continuing a long window: an asynchronous invocation of the function itself.
  InvokeCommand: (input) => [{
    action: 'lambda:InvokeFunction', resource: arnOf(input.aws, 'lambda', `function:${input.functionName}`),
      why: 'InvokeCommand (continues the window in a new invocation)',
  }],
  // PutMetricData has no resource type; the namespace is a condition key.
  PutMetricDataCommand: (input) => [{
    action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': variable(input, 'METRIC_NAMESPACE') },
    why: 'PutMetricDataCommand (the window\'s drift statistics)',
  }],
};
