/**
 * The `MlopsCost` template metadata of a model stack: what the model's serving, training,
 * evaluation, preprocessing and drift checks run on. SageMaker endpoints and jobs are not
 * CloudFormation resources in this project (the pipeline owns them), so this is how the estimate
 * learns about them.
 *
 * Each section is read on its own: a malformed section is reported and left out, the others are
 * still priced.
 */
import { COST_METADATA_KEY } from '../../contracts/cost';

// The key and the written shape are the contract of contracts/cost.ts; what follows is how the estimate reads them.
export { COST_METADATA_KEY };

/** A real-time endpoint: instances behind it, scaled between `minInstances` and `maxInstances`. */
export interface RealtimeServingMetadata {
  readonly mode: 'realtime';
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** Percent of requests captured to the lake, when the metadata says. */
  readonly capturePercent?: number;
  /** The endpoint is deleted after this many idle hours (non-production): no instance at idle. */
  readonly stopWhenIdleHours?: number;
}

/** A serverless endpoint. */
export interface ServerlessServingMetadata {
  readonly mode: 'serverless';
  readonly memoryMb: number;
  readonly maxConcurrency: number;
  readonly provisionedConcurrency: number;
}

/** A SageMaker job that runs on instances for at most `maxRuntimeMinutes`. */
export interface JobMetadata {
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly maxRuntimeMinutes: number;
  readonly spot: boolean;
  /** A tuning job's training jobs at most (absent: one training job). */
  readonly jobs?: number;
}

/** The parts of the metadata that were readable. */
export interface CostMetadata {
  readonly model?: string;
  readonly environment?: string;
  readonly serving?: RealtimeServingMetadata | ServerlessServingMetadata;
  readonly training?: JobMetadata;
  readonly evaluation?: JobMetadata;
  /** `null`: the model has no preprocessing step. */
  readonly preprocessing?: JobMetadata | null;
  readonly drift?: { readonly scheduleMinutes: number; readonly memoryMb: number };
  readonly retraining?: { readonly maxStartsPerDay: number };
}

/** The result of reading a template's metadata. */
export interface MetadataReading {
  /** `undefined` when the template carries no `MlopsCost` entry. */
  readonly metadata?: CostMetadata;
  /** One message per malformed field, each naming the field, the value and the rule. */
  readonly problems: readonly string[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly where: string) {}

  private problem(path: string, got: unknown, expected: string): undefined {
    this.problems.push(`${this.where}.${path}: got ${got === undefined ? 'nothing' : JSON.stringify(got)}; expected ${expected}`);
    return undefined;
  }

  str(o: Obj, path: string, key: string, optional = false): string | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    return typeof v === 'string' && v.length > 0 ? v : this.problem(join(path, key), v, 'a string');
  }

  num(o: Obj, path: string, key: string, min: number, max: number, fallback?: number): number | undefined {
    const v = o[key];
    if (v === undefined && fallback !== undefined) return fallback;
    return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? v
      : this.problem(join(path, key), v, `a number from ${min} to ${max}`);
  }

  bool(o: Obj, path: string, key: string, fallback: boolean): boolean | undefined {
    const v = o[key];
    if (v === undefined) return fallback;
    return typeof v === 'boolean' ? v : this.problem(join(path, key), v, 'true or false');
  }

  obj(o: Obj, path: string, key: string): Obj | undefined {
    const v = o[key];
    return isObj(v) ? v : this.problem(join(path, key), v, 'an object');
  }

  /** A problem that is not about one field's type. */
  rule(path: string, message: string): void {
    this.problems.push(`${this.where}.${path}: ${message}`);
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function job(r: Reader, o: Obj, key: string, withCount: boolean): JobMetadata | undefined {
  const j = r.obj(o, '', key);
  if (!j) return undefined;
  const before = r.problems.length;
  const instanceType = r.str(j, key, 'instanceType');
  const instanceCount = withCount ? r.num(j, key, 'instanceCount', 1, 1000, 1) : 1;
  const maxRuntimeMinutes = r.num(j, key, 'maxRuntimeMinutes', 1, 60 * 24 * 28);
  const spot = withCount ? r.bool(j, key, 'spot', false) : false;
  const jobs = withCount ? r.num(j, key, 'jobs', 1, 500, 1) : 1;
  if (r.problems.length > before || !instanceType || instanceCount === undefined || maxRuntimeMinutes === undefined || spot === undefined)
    return undefined;
  return { instanceType, instanceCount, maxRuntimeMinutes, spot, ...(jobs !== undefined && jobs > 1 ? { jobs } : {}) };
}

function serving(r: Reader, o: Obj): CostMetadata['serving'] {
  const s = r.obj(o, '', 'serving');
  if (!s) return undefined;
  const before = r.problems.length;
  if (s.mode === 'realtime') {
    const instanceType = r.str(s, 'serving', 'instanceType');
    const initialInstanceCount = r.num(s, 'serving', 'initialInstanceCount', 0, 1000, 1);
    const minInstances = r.num(s, 'serving', 'minInstances', 0, 1000, initialInstanceCount ?? 1);
    const maxInstances = r.num(s, 'serving', 'maxInstances', 0, 1000, Math.max(minInstances ?? 1, initialInstanceCount ?? 1));
    const capture =
      s.capture === undefined || s.capture === null || s.capture === false
        ? undefined
        : isObj(s.capture)
          ? s.capture
          : r.obj(s, 'serving', 'capture');
    const capturePercent = capture ? r.num(capture, 'serving.capture', 'samplingPercent', 0, 100) : s.capture === false ? 0 : undefined;
    if (minInstances !== undefined && maxInstances !== undefined && maxInstances < minInstances) {
      r.rule('serving.maxInstances', `got ${maxInstances}; expected at least minInstances (${minInstances})`);
    }
    const stopWhenIdleHours = s.stopWhenIdleHours === undefined ? undefined : r.num(s, 'serving', 'stopWhenIdleHours', 1, 168);
    if (r.problems.length > before || !instanceType || initialInstanceCount === undefined || minInstances === undefined || maxInstances === undefined)
      return undefined;
    return {
      mode: 'realtime',
      instanceType,
      initialInstanceCount,
      minInstances,
      maxInstances,
      ...(capturePercent === undefined ? {} : { capturePercent }),
      ...(stopWhenIdleHours === undefined ? {} : { stopWhenIdleHours }),
    };
  }
  if (s.mode === 'serverless') {
    const memoryMb = r.num(s, 'serving', 'memoryMb', 1024, 6144);
    const maxConcurrency = r.num(s, 'serving', 'maxConcurrency', 1, 200, 5);
    const provisionedConcurrency = r.num(s, 'serving', 'provisionedConcurrency', 0, 200, 0);
    if (r.problems.length > before || memoryMb === undefined || maxConcurrency === undefined || provisionedConcurrency === undefined)
      return undefined;
    return { mode: 'serverless', memoryMb, maxConcurrency, provisionedConcurrency };
  }
  r.rule('serving.mode', `got ${s.mode === undefined ? 'nothing' : JSON.stringify(s.mode)}; expected "realtime" or "serverless"`);
  return undefined;
}

/** Reads the `MlopsCost` entry of a template's top-level `Metadata`. */
export function readCostMetadata(template: { Metadata?: unknown }): MetadataReading {
  const raw = isObj(template.Metadata) ? template.Metadata[COST_METADATA_KEY] : undefined;
  if (raw === undefined) return { problems: [] };
  if (!isObj(raw)) return { metadata: {}, problems: [`${COST_METADATA_KEY}: got ${JSON.stringify(raw)}; expected an object`] };
  const r = new Reader(COST_METADATA_KEY);
  const metadata: { -readonly [K in keyof CostMetadata]: CostMetadata[K] } = {};
  metadata.model = r.str(raw, '', 'model', true);
  metadata.environment = r.str(raw, '', 'environment', true);
  if (raw.serving !== undefined) metadata.serving = serving(r, raw);
  if (raw.training !== undefined) metadata.training = job(r, raw, 'training', true);
  if (raw.evaluation !== undefined) metadata.evaluation = job(r, raw, 'evaluation', false);
  if (raw.preprocessing === null) metadata.preprocessing = null;
  else if (raw.preprocessing !== undefined) metadata.preprocessing = job(r, raw, 'preprocessing', false);
  if (raw.drift !== undefined) {
    const d = r.obj(raw, '', 'drift');
    const scheduleMinutes = d ? r.num(d, 'drift', 'scheduleMinutes', 1, 60 * 24 * 31) : undefined;
    const memoryMb = d ? r.num(d, 'drift', 'memoryMb', 128, 10_240) : undefined;
    if (scheduleMinutes !== undefined && memoryMb !== undefined) metadata.drift = { scheduleMinutes, memoryMb };
  }
  if (raw.retraining !== undefined) {
    const t = r.obj(raw, '', 'retraining');
    const maxStartsPerDay = t ? r.num(t, 'retraining', 'maxStartsPerDay', 0, 1000) : undefined;
    if (maxStartsPerDay !== undefined) metadata.retraining = { maxStartsPerDay };
  }
  return { metadata, problems: r.problems };
}
