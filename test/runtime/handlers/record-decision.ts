/**
 * Calls of `lambda/record-decision`: one decision record per execution and kind in the audit bucket.
 * Events: `{ executionArn, kind? }`; key `<DECISION_PREFIX><auto|timeout>-<execution name>.json`.
 */
import { HandlerCallTable } from '../types';
import { distinct, objectEvents, s3Write, variable } from './common';

export const RECORD_DECISION_CALLS: HandlerCallTable = {
  PutObjectCommand: (input) => {
    const bucket = variable(input, 'AUDIT_BUCKET_NAME');
    const prefix = variable(input, 'DECISION_PREFIX');
    return distinct(objectEvents(input, 'PutObjectCommand', 'executionArn').flatMap((e) => {
      const execution = String(e.executionArn).split(':').pop();
      const key = `${prefix}${e.kind === 'timeout' ? 'timeout' : 'auto'}-${execution}.json`;
      return s3Write(input, bucket, key, `PutObjectCommand (the ${e.kind === 'timeout' ? 'timeout' : 'automatic'} decision record)`);
    }));
  },
};
