/** Calls of `lambda/snapshot-training-data`: lists the training data's versions, writes the manifest. Events: `{ dataUri, manifestUri }`. */
import { HandlerCallTable } from '../types';
import { distinct, objectEvents, parseS3, s3List, s3Write } from './common';

export const SNAPSHOT_TRAINING_DATA_CALLS: HandlerCallTable = {
  // ListObjectVersions is authorized as s3:ListBucketVersions on the bucket, with the request's prefix as s3:prefix.
  ListObjectVersionsCommand: (input) => distinct(objectEvents(input, 'ListObjectVersionsCommand', 'dataUri').map((e) => {
    const data = parseS3('dataUri', e.dataUri);
    return s3List(input, data.bucket, data.key, 'ListObjectVersionsCommand (the training data versions to snapshot)', true);
  })),
  PutObjectCommand: (input) => distinct(objectEvents(input, 'PutObjectCommand', 'manifestUri').flatMap((e) => {
    const manifest = parseS3('manifestUri', e.manifestUri);
    return s3Write(input, manifest.bucket, manifest.key, 'PutObjectCommand (the data manifest)');
  })),
};
