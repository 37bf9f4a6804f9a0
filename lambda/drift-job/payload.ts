import { isObject } from '../shared/input/json';

/*
 * Decoding of captured payloads (pure functions; the payload formats: capture.ts).
 */

/** The format of a payload's text. */
export type Format = 'csv' | 'json';

/** A captured payload (`captureData.endpointInput` or `endpointOutput`). */
export interface Payload {
  readonly observedContentType?: string;
  readonly mode?: string;
  readonly data: string;
  readonly encoding?: string;
}

/** The payload's text and format; undefined when its encoding or format cannot be told. */
export function decode(payload: Payload): { format: Format; text: string } | undefined {
  const encoding =
    payload.encoding === 'CSV' || payload.encoding === 'JSON' || payload.encoding === 'BASE64'
      ? payload.encoding
      : (payload.encoding ?? '').toUpperCase();
  const text = encoding === 'BASE64' ? Buffer.from(payload.data, 'base64').toString('utf8') : payload.data;
  const byContentType = formatOfContentType(payload.observedContentType);
  if (byContentType !== undefined) return { format: byContentType, text };
  if (encoding === 'CSV') return { format: 'csv', text };
  if (encoding === 'JSON') return { format: 'json', text };
  if (encoding === 'BASE64') {
    const first = text.trimStart()[0];
    return { format: first === '{' || first === '[' ? 'json' : 'csv', text };
  }
  return undefined;
}

/** Format named by a content type ("text/csv; charset=utf-8" → csv), remembered for the few distinct values seen. */
const contentTypeFormats = new Map<string, Format | undefined>();
function formatOfContentType(contentType: string | undefined): Format | undefined {
  if (contentType === undefined) return undefined;
  if (contentTypeFormats.has(contentType)) return contentTypeFormats.get(contentType);
  const lower = contentType.toLowerCase();
  const format: Format | undefined = lower.includes('csv') ? 'csv' : lower.includes('json') ? 'json' : undefined;
  if (contentTypeFormats.size < 64) contentTypeFormats.set(contentType, format);
  return format;
}

/** The rows of a JSON input payload, or undefined when it has none of the accepted shapes. */
export function jsonRows(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    const nested = value.every((r) => Array.isArray(r) || isObject(r));
    if (nested) return value;
    return value.some((r) => Array.isArray(r) || isObject(r)) ? undefined : [value];
  }
  if (isObject(value)) {
    if ('instances' in value)
      return Array.isArray(value.instances) && value.instances.length > 0 && value.instances.every((r) => Array.isArray(r) || isObject(r))
        ? value.instances
        : undefined;
    return [value];
  }
  return undefined;
}

/** Calls `onScore` for every score of a JSON output payload; false when it has none of the accepted shapes. */
export function jsonScores(value: unknown, onScore: (score: unknown) => void): boolean {
  if (typeof value === 'number') {
    onScore(value);
    return true;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      if (Array.isArray(item)) onScore(item[0]);
      else if (isObject(item)) onScore(item.score);
      else onScore(item);
    }
    return value.length > 0;
  }
  if (isObject(value)) {
    if (Array.isArray(value.predictions)) return jsonScores(value.predictions, onScore);
    if ('score' in value) {
      onScore(value.score);
      return true;
    }
  }
  return false;
}

/**
 * Calls `onScore` for every score of an output payload: every field of a CSV output (split on commas and lines), or every
 * score of a JSON output ({@link jsonScores}); calls `onViolation` once when the payload cannot be decoded or parsed, or
 * has none of the accepted shapes.
 */
export function forEachScore(output: Payload, onScore: (score: unknown) => void, onViolation: () => void): void {
  const decoded = decode(output);
  if (decoded === undefined) {
    onViolation();
    return;
  }
  if (decoded.format === 'csv') {
    const text = decoded.text;
    if (text.indexOf(',') === -1 && text.indexOf('\n') === -1) onScore(text);
    else for (const field of text.split(/[,\n]/)) if (field.trim() !== '') onScore(field);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(decoded.text);
  } catch {
    onViolation();
    return;
  }
  if (!jsonScores(value, onScore)) onViolation();
}
