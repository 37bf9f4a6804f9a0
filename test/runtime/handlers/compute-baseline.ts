/**
 * Calls of `lambda/compute-baseline`. Events: `{ manifestUri, predictionsUri, baselineUri }`. The handler reads the
 * training objects the manifest lists (written by snapshot-training-data), each at its recorded version: the table
 * takes them from the event's `manifest` (`{ dataUri, objects?: [{ key, versionId }] }`, what that object holds at run
 * time), with one object `part-00000.csv` under `dataUri` when `objects` is absent.
 */
import { HandlerCallInput, HandlerCallTable, RuntimeCall } from '../types';
import { at, distinct, objectEvents, parseS3, s3Read, s3Write } from './common';

function reads(input: HandlerCallInput): RuntimeCall[] {
  return objectEvents(input, 'GetObjectCommand', 'manifestUri, predictionsUri and manifest.dataUri').flatMap((e) => {
    const manifest = parseS3('manifestUri', e.manifestUri);
    const predictions = parseS3('predictionsUri', e.predictionsUri);
    const dataUri = at(e, 'manifest.dataUri');
    if (typeof dataUri !== 'string') {
      throw new Error(`call table of ${input.functionName}: GetObjectCommand reads the training objects the manifest lists; the event `
        + `${JSON.stringify(e)} has no manifest.dataUri (the snapshot's dataUri of the same run)`);
    }
    const data = parseS3('manifest.dataUri', dataUri);
    const listed = at(e, 'manifest.objects');
    const keys = Array.isArray(listed) ? listed.map((o) => String(at(o,
      'key'))) : [`${data.key}${data.key === '' || data.key.endsWith('/') ? '' : '/'}part-00000.csv`];
    return [
      ...s3Read(input, manifest.bucket, manifest.key, 'GetObjectCommand (the data manifest)'),
      ...keys.flatMap((key) => s3Read(input, data.bucket, key, 'GetObjectCommand with VersionId (a training object at its snapshotted version)',
        true)),
      // Pass 1 reads the current predictions, pass 2 the version pass 1 read.
      ...s3Read(input, predictions.bucket, predictions.key, 'GetObjectCommand (the held-out predictions, pass 1)'),
      ...s3Read(input, predictions.bucket, predictions.key, 'GetObjectCommand with VersionId (the held-out predictions, pass 2)', true),
    ];
  });
}

export const COMPUTE_BASELINE_CALLS: HandlerCallTable = {
  GetObjectCommand: (input) => distinct(reads(input)),
  PutObjectCommand: (input) => distinct(objectEvents(input, 'PutObjectCommand', 'baselineUri').flatMap((e) => {
    const target = parseS3('baselineUri', e.baselineUri);
    return s3Write(input, target.bucket, target.key, 'PutObjectCommand (the drift baseline)');
  })),
};
