/**
 * Throughput and memory benchmark of the drift job's core (docs/drift.md): `npx tsx scripts/bench-drift.ts`.
 *
 * 1. Generates, in a temporary folder (never the repository), a SageMaker data capture file of
 *    BENCH_RECORDS (default 1,000,000) JSON lines with 20 features each (16 numeric, 4 categorical,
 *    CSV-encoded input as the built-in XGBoost container receives it, a CSV score as output, ~1% missing
 *    values), and a baseline built by the real BaselineBuilder from 100,000 training rows of the same
 *    distribution.
 * 2. Times, median of 3, alternating: (a) read + split lines only; (b) read + split + plain `JSON.parse`
 *    of every line (the practical limit: the job cannot do less than parse each record); (c) the drift
 *    job's core, `addCaptureStream` into a `WindowAccumulator` (parse, decode, validate, bin). Reported
 *    in records/s and MB/s (10^6 bytes of file per second), and (c) as a share of (b).
 * 3. Peak memory of the core for 1x and 10x the data (10x = the same file streamed 10 times into one
 *    window), each in a fresh child process: maxRSS (process.resourceUsage), the largest heapUsed
 *    seen (sampled every 50 ms) and heapUsed after a full GC at the end, next to a child that only
 *    loads the code.
 * 4. The same core on a gzip copy of the first 100,000 records (one run).
 *
 * Progress goes to stderr, results to stdout as Markdown. BENCH_KEEP=1 keeps the temporary folder.
 */
import { spawnSync } from 'child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { cpus, tmpdir, totalmem } from 'os';
import { join } from 'path';
import { createGzip } from 'zlib';
import { pipeline } from 'stream/promises';
import { addCaptureStream, WindowAccumulator } from '../lambda/drift-job/capture';
import { FeatureDefinition } from '../contracts/features';
import { Baseline, parseBaseline } from '../lambda/shared/drift/baseline';
import { BaselineBuilder } from '../lambda/shared/drift/baseline-builder';
import { forEachLine } from '../lambda/shared/drift/line-reader';

const FEATURE_COUNT = 20;
const CATEGORICAL = new Set([4, 9, 14, 19]);
export const FEATURES: FeatureDefinition[] = Array.from({ length: FEATURE_COUNT }, (_, i) => ({
  name: `f${String(i).padStart(2, '0')}`,
  type: CATEGORICAL.has(i) ? 'string' : i % 3 === 0 ? 'integral' : 'fractional',
}));
const RUNS = 3;
const GZIP_RECORDS = 100_000;

// ---------------------------------------------------------------------------------------------
// Data

/** Seeded uniform [0, 1) (mulberry32), so every run generates the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One row of feature values as CSV fields (empty = missing), from `next` uniform numbers. */
function rowFields(next: () => number): string[] {
  const fields = new Array<string>(FEATURE_COUNT);
  for (let i = 0; i < FEATURE_COUNT; i++) {
    if (next() < 0.01) {
      fields[i] = '';
      continue;
    }
    const u = next();
    if (CATEGORICAL.has(i)) fields[i] = String(Math.floor(u * u * 6));
    else if (FEATURES[i].type === 'integral') fields[i] = String(Math.floor(-Math.log(1 - u) * (10 + i)));
    else fields[i] = (Math.exp((u - 0.5) * 3) * (i + 1) * 7.3).toFixed(4);
  }
  return fields;
}

/** Writes `records` capture lines: the realistic record SageMaker writes for a CSV request. */
export async function writeCaptureFile(path: string, records: number): Promise<void> {
  const next = random(1);
  const out = createWriteStream(path);
  const batch: string[] = [];
  const start = Date.UTC(2026, 10, 22, 9, 0, 0);
  for (let r = 0; r < records; r++) {
    const score = next().toFixed(6);
    const id =
      `${((r * 2654435761) >>> 0).toString(16).padStart(8, '0')}-${(r % 65536).toString(16).padStart(4, '0')}` +
      `-4a1b-9c2d-${r.toString(16).padStart(12, '0')}`;
    const time = new Date(start + Math.floor((r / records) * 3_600_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    batch.push(JSON.stringify({
      captureData: {
        endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: rowFields(next).join(','), encoding: 'CSV' },
        endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: score, encoding: 'CSV' },
      },
      eventMetadata: { eventId: id, inferenceTime: time },
      eventVersion: '0',
    }));
    if (batch.length === 10_000 || r === records - 1) {
      if (!out.write(`${batch.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      batch.length = 0;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** A baseline from 100,000 training rows of the same distribution, built by the real builder. */
export function buildBaseline(): Baseline {
  const builder = new BaselineBuilder(FEATURES);
  for (const pass of [1, 2]) {
    if (pass === 2) builder.startSecondPass();
    const next = random(2);
    for (let r = 0; r < 100_000; r++) {
      builder.addTrainingRow(`0,${rowFields(next).join(',')}`, `row ${r}`);
      builder.addPrediction(next().toFixed(6), `prediction ${r}`);
    }
  }
  return builder.build({
    model: 'bench',
    createdAt: new Date(0).toISOString(),
    source: { manifestUri: 's3://b/m.json', dataUri: 's3://b/d/', objectCount: 1, predictionsUri: 's3://b/p.csv' },
  });
}

// ---------------------------------------------------------------------------------------------
// Measurements

export type Kind = 'split' | 'json-parse' | 'core';

export interface Timing {
  readonly seconds: number;
  readonly records: number;
}

/** Streams `path` once the way `kind` says; returns the wall time and the records seen. */
export async function measure(kind: Kind, path: string, baseline: Baseline): Promise<Timing> {
  const started = process.hrtime.bigint();
  let records = 0;
  if (kind === 'core') {
    const window = WindowAccumulator.forBaseline(baseline, FEATURES);
    await addCaptureStream(createReadStream(path), window);
    records = window.counters.records;
    if (window.counters.samples === 0 || window.counters.malformedRecords > 0)
      throw new Error(`unexpected counters ${JSON.stringify(window.counters)}`);
  } else if (kind === 'json-parse') {
    let sink = 0;
    await forEachLine(createReadStream(path), (line) => {
      const value = JSON.parse(line);
      if (value.eventVersion) sink++;
      records++;
    });
    if (sink !== records) throw new Error('JSON.parse saw records without eventVersion');
  } else {
    await forEachLine(createReadStream(path), () => { records++; });
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, records };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface MemoryReport {
  readonly repeat: number;
  readonly records: number;
  readonly seconds: number;
  readonly maxRssMiB: number;
  readonly peakHeapMiB: number;
  /** heapUsed after a full GC at the end: what the window really keeps. */
  readonly retainedHeapMiB: number;
}

/** Child process entry: the core over the file `repeat` times into one window; prints a MemoryReport. */
async function memoryChild(path: string, baselinePath: string, repeat: number): Promise<void> {
  const baseline = parseBaseline(JSON.parse(readFileSync(baselinePath, 'utf8')), baselinePath);
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 50);
  const started = process.hrtime.bigint();
  const window = WindowAccumulator.forBaseline(baseline, FEATURES);
  for (let i = 0; i < repeat; i++) await addCaptureStream(createReadStream(path), window);
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  (globalThis as { gc?: () => void }).gc?.();
  const retained = process.memoryUsage().heapUsed;
  if (window.counters.records !== 0 && window.counters.samples === 0) throw new Error('no sample binned');
  const report: MemoryReport = {
    repeat,
    records: window.counters.records,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapMiB: peakHeap / 1048576,
    retainedHeapMiB: retained / 1048576,
  };
  process.stdout.write(JSON.stringify(report));
}

function runChild(args: string[]): MemoryReport {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function main(): Promise<void> {
  const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);
  const folder = mkdtempSync(join(tmpdir(), 'bench-drift-'));
  try {
    const file = join(folder, 'capture.jsonl');
    log(`generating ${fmt(records)} capture records x ${FEATURE_COUNT} features in ${folder}`);
    await writeCaptureFile(file, records);
    const bytes = statSync(file).size;
    const baseline = buildBaseline();
    const baselinePath = join(folder, 'baseline.json');
    writeFileSync(baselinePath, JSON.stringify(baseline));
    log(`file: ${fmt(bytes / 1e6, 1)} MB (${fmt(bytes / records)} bytes per record)`);

    const timings: Record<Kind, number[]> = { split: [], 'json-parse': [], core: [] };
    for (let run = 1; run <= RUNS; run++) {
      for (const kind of ['split', 'json-parse', 'core'] as Kind[]) {
        const t = await measure(kind, file, baseline);
        if (t.records !== records) throw new Error(`${kind} saw ${t.records} records; expected ${records}`);
        timings[kind].push(t.seconds);
        log(`run ${run} ${kind}: ${fmt(t.seconds, 2)} s`);
      }
    }

    log('memory: fresh child processes (load only, 1x, 10x)');
    const idle = runChild(['memory', file, baselinePath, '0']);
    const once = runChild(['memory', file, baselinePath, '1']);
    const tenTimes = runChild(['memory', file, baselinePath, '10']);

    const gzFile = join(folder, 'capture-100k.jsonl.gz');
    await writeCaptureFile(join(folder, 'capture-100k.jsonl'), GZIP_RECORDS);
    await pipeline(createReadStream(join(folder, 'capture-100k.jsonl')), createGzip(), createWriteStream(gzFile));
    const gz = await measure('core', gzFile, baseline);
    const gzUncompressed = statSync(join(folder, 'capture-100k.jsonl')).size;

    const rows = (['split', 'json-parse', 'core'] as Kind[]).map((kind) => {
      const seconds = median(timings[kind]);
      return { kind, seconds, recordsPerSecond: records / seconds, mbPerSecond: bytes / 1e6 / seconds };
    });
    const parse = rows.find((r) => r.kind === 'json-parse')!;
    const labels: Record<Kind, string> = {
      split: 'read + split lines (floor)',
      'json-parse': 'read + split + JSON.parse (limit)',
      core: 'drift job core (parse, validate, bin)',
    };
    const out = [
      `## Drift job benchmark (${new Date().toISOString().slice(0, 10)})`,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, Node ${process.version}.`,
      `Data: ${fmt(records)} capture records × ${FEATURE_COUNT} features (CSV-encoded input, CSV score), ${fmt(bytes / 1e6, 1)} MB, ` +
        `${fmt(bytes / records)} bytes per record. Median of ${RUNS} runs.`,
      '',
      '| measurement | seconds | records/s | MB/s | share of JSON.parse |',
      '|---|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${labels[r.kind]} | ${fmt(r.seconds, 2)} | ${fmt(r.recordsPerSecond)} | ${fmt(r.mbPerSecond, 1)} | ` +
            `${fmt((100 * r.recordsPerSecond) / parse.recordsPerSecond)} % |`,
      ),
      '',
      '| memory (fresh process) | records | seconds | maxRSS MiB | peak heapUsed MiB | heap after GC MiB |',
      '|---|---:|---:|---:|---:|---:|',
      ...[
        ['load only', idle],
        ['1x data', once],
        ['10x data (file streamed 10 times)', tenTimes],
      ].map(([label, m]) => {
        const r = m as MemoryReport;
        return `| ${label as string} | ${fmt(r.records)} | ${fmt(r.seconds, 1)} | ${fmt(r.maxRssMiB, 1)} | ${fmt(r.peakHeapMiB, 1)} | ` +
          `${fmt(r.retainedHeapMiB, 1)} |`;
      }),
      '',
      `gzip: the core on ${fmt(GZIP_RECORDS)} gzip records (${fmt(statSync(gzFile).size / 1e6, 1)} MB compressed, ${fmt(gzUncompressed / 1e6, 1)} ` +
        `MB raw): ${fmt(gz.records / gz.seconds)} records/s, ${fmt(gzUncompressed / 1e6 / gz.seconds, 1)} MB/s of uncompressed data (one run).`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    if (process.env.BENCH_KEEP === '1') log(`kept ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [mode, file, baselinePath, repeat] = process.argv.slice(2);
  const run = mode === 'memory' ? memoryChild(file, baselinePath, Number(repeat)) : main();
  run.catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
