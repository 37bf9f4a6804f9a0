import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { parseFeatures } from '../../contracts/features';
import { checkBaselineMatches, parseBaseline } from '../../lambda/shared/drift/baseline';
import { BaselineBuilder, quantileEdges, ReservoirSample } from '../../lambda/shared/drift/baseline-builder';
import { categoryKey } from '../../lambda/shared/drift/features';
import { forEachLine } from '../../lambda/shared/drift/line-reader';

const FEATURES = parseFeatures(JSON.stringify([
  { name: 'tenure', type: 'integral' },
  { name: 'charges', type: 'fractional' },
  { name: 'contract', type: 'string' },
]));
const META = { model: 'churn', createdAt: '2026-11-22T10:00:00.000Z', source: { manifestUri: 's3://a/m.json', dataUri: 's3://c/churn/', objectCount: 1, predictionsUri: 's3://a/p.csv' } };

/** Chunks of `size` bytes, so lines are split across chunks. */
function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

async function lines(source: Readable, maxLineChars?: number): Promise<{ lines: string[]; stats: Awaited<ReturnType<typeof forEachLine>> }> {
  const out: string[] = [];
  const stats = await forEachLine(source, (l) => out.push(l), { maxLineChars });
  return { lines: out, stats };
}

describe('forEachLine', () => {
  const text = 'a,1\r\nbé,2\n\nlast without newline';

  test('splits on \\n and \\r\\n across chunk boundaries, multi-byte characters included', async () => {
    const { lines: out, stats } = await lines(chunked(Buffer.from(text, 'utf8'), 3));
    expect(out).toEqual(['a,1', 'bé,2', '', 'last without newline']);
    expect(stats).toEqual({ sourceBytes: Buffer.byteLength(text), bytes: Buffer.byteLength(text), lines: 4, gzip: false, oversizedLines: 0 });
  });

  test('gunzips a gzip stream detected by its magic bytes (whatever the name), multi-member included', async () => {
    const compressed = Buffer.concat([gzipSync('x\ny\n'), gzipSync('z\n')]);
    const { lines: out, stats } = await lines(chunked(compressed, 1));
    expect(out).toEqual(['x', 'y', 'z']);
    expect(stats.gzip).toBe(true);
    expect(stats.sourceBytes).toBe(compressed.length);
    expect(stats.bytes).toBe(6);
  });

  test('a corrupt gzip stream rejects', async () => {
    const broken = gzipSync('a\n'.repeat(1000)).subarray(0, 20);
    await expect(lines(Readable.from([broken]))).rejects.toThrow(/unexpected end of file/);
  });

  test('drops lines longer than maxLineChars, in bounded memory, and counts them', async () => {
    const { lines: out, stats } = await lines(chunked(Buffer.from(`ok\n${'x'.repeat(50)}\nfine\n${'y'.repeat(11)}`), 4), 10);
    expect(out).toEqual(['ok', 'fine']);
    expect(stats.oversizedLines).toBe(2);
  });

  test('an empty source has no line', async () => {
    expect((await lines(Readable.from([]))).lines).toEqual([]);
  });

  test('when the callback throws, the source stream is released', async () => {
    const source = chunked(Buffer.from('a\nb\nc\n'.repeat(1000)), 16);
    await expect(forEachLine(source, () => { throw new Error('stop'); })).rejects.toThrow('stop');
    expect(source.destroyed).toBe(true);
  });
});

describe('features and categories', () => {
  test('FEATURES_JSON problems are all reported, naming the index, the value and the rule', () => {
    expect(() => parseFeatures('[{"name":"a","type":"float"},{"name":"a","type":"integral"},{"type":"string"}]')).toThrow(
      'FEATURES_JSON[0].type is "float"; expected one of integral, fractional, string\nFEATURES_JSON[1].name is "a"; expected a name not used by another feature\nFEATURES_JSON[2].name is missing; expected a non-empty string',
    );
    expect(() => parseFeatures(undefined)).toThrow(/FEATURES_JSON is missing; expected a JSON array/);
    expect(() => parseFeatures('[]')).toThrow(/FEATURES_JSON is \[\]; expected a non-empty JSON array/);
  });

  test('category keys: trimmed, numeric text written canonically', () => {
    expect(['1', '1.0', ' 01 ', 'A', ' b'].map(categoryKey)).toEqual(['1', '1', '1', 'A', 'b']);
  });
});

describe('quantile edges and the reservoir', () => {
  test('inverse empirical CDF: observed values, equal edges merged, fewer bins when values repeat', () => {
    expect(quantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(quantileEdges([1, 2, 3, 4], 2)).toEqual([2]);
    expect(quantileEdges([0, 0, 0, 0, 0, 0, 0, 1, 1, 2], 10)).toEqual([0, 1]);
    expect(quantileEdges([5], 10)).toEqual([5]);
    expect(quantileEdges([], 10)).toEqual([]);
  });

  test('the reservoir keeps a bounded, reproducible, roughly uniform sample', () => {
    const a = new ReservoirSample(1000, 42);
    const b = new ReservoirSample(1000, 42);
    for (let i = 0; i < 100_000; i++) {
      a.add(i);
      b.add(i);
    }
    expect(a.count).toBe(100_000);
    const sample = a.sorted();
    expect(sample).toHaveLength(1000);
    expect(sample).toEqual(b.sorted());
    // The sample's median is near the population's (50,000) within a few standard errors (±1,581 each).
    expect(Math.abs(sample[500] - 50_000)).toBeLessThan(6_000);
  });
});

describe('BaselineBuilder', () => {
  function run(builder: BaselineBuilder, rows: string[], predictions: string[]): void {
    for (const pass of [1, 2]) {
      if (pass === 2) builder.startSecondPass();
      rows.forEach((r, i) => builder.addTrainingRow(r, `line ${i + 1}`));
      predictions.forEach((p, i) => builder.addPrediction(p, `prediction line ${i + 1}`));
    }
  }

  test('summarises numeric features in decile bins with exact counts, categorical ones by frequency, and missing rates', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i % 2},${i + 1},${i === 3 ? '' : (i * 2.5).toFixed(1)},${i < 6 ? '1' : i < 9 ? '2.0' : ''}`);
    const builder = new BaselineBuilder(FEATURES);
    run(builder, [...rows, ''], ['0.1', '0.9', '0.5', '0.7']);
    const baseline = builder.build(META);
    expect(baseline.rowCount).toBe(10);
    expect(baseline.features[0]).toEqual({ name: 'tenure', kind: 'numeric', missingRate: 0, numeric: { edges: [1, 2, 3, 4, 5, 6, 7, 8, 9], counts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], min: 1, max: 10, mean: 5.5 } });
    expect(baseline.features[1].missingRate).toBe(0.1);
    expect(baseline.features[1].numeric!.counts.reduce((a, b) => a + b, 0)).toBe(9);
    expect(baseline.features[2]).toEqual({ name: 'contract', kind: 'categorical', missingRate: 0.1, categorical: { frequencies: { 1: 6, 2: 3 }, otherCount: 0 } });
    expect(baseline.prediction).toEqual({ edges: [0.1, 0.5, 0.7, 0.9], counts: [1, 1, 1, 1, 0], min: 0.1, max: 0.9, mean: 0.55, count: 4 });
    expect(parseBaseline(JSON.parse(JSON.stringify(baseline)), 's3://a/b.json')).toEqual(baseline);
  });

  test('with more rows than the reservoir, edges come from the sample and counts are still exact', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `0,${i},${i % 100},a`);
    const builder = new BaselineBuilder(FEATURES, { reservoirSize: 500 });
    run(builder, rows, ['1']);
    const tenure = builder.build(META).features[0].numeric!;
    expect(tenure.counts.reduce((a, b) => a + b, 0)).toBe(20_000);
    tenure.edges.forEach((edge, j) => expect(Math.abs(edge - (j + 1) * 2_000)).toBeLessThan(1_500));
    expect(Math.min(...tenure.counts)).toBeGreaterThan(800);
  });

  test('more categories than maxCategories go to otherCount', () => {
    const builder = new BaselineBuilder(FEATURES, { maxCategories: 2 });
    run(builder, ['0,1,1,a', '0,1,1,b', '0,1,1,c', '0,1,1,a', '0,1,1,d'], ['1']);
    expect(builder.build(META).features[2].categorical).toEqual({ frequencies: { a: 2, b: 1 }, otherCount: 2 });
  });

  test.each([
    ['0,1,2', /line 1: the row has 3 columns; expected 4 \(the label, then tenure, charges, contract\)/],
    ['0,1,abc,x', /line 1: charges is "abc"; expected a finite number or an empty field \(missing\)/],
    ['0,Infinity,1,x', /tenure is "Infinity"/],
  ])('a bad training row %j is an InvalidTrainingData error naming the line, the value and the rule', (row, message) => {
    const builder = new BaselineBuilder(FEATURES);
    expect(() => builder.addTrainingRow(row, 's3://c/churn/a.csv?versionId=v1 line 1')).toThrow(message);
    expect(() => builder.addTrainingRow(row, 'x')).toThrow(expect.objectContaining({ name: 'InvalidTrainingData' }));
  });

  test('data that changed between the passes is refused', () => {
    const builder = new BaselineBuilder(FEATURES);
    builder.addTrainingRow('0,1,1,a', 'l1');
    builder.startSecondPass();
    expect(() => builder.build(META)).toThrow(/the data changed between the two passes: 1 then 0 rows/);
  });
});

describe('parseBaseline and checkBaselineMatches', () => {
  const valid = {
    schemaVersion: 1, model: 'churn', createdAt: 'x', rowCount: 2,
    features: [{ name: 'a', kind: 'numeric', missingRate: 0, numeric: { edges: [1], counts: [1, 1], min: 0, max: 2, mean: 1 } }],
    prediction: { edges: [], counts: [2], min: 0, max: 1, mean: 0.5, count: 2 },
  };

  test.each([
    [{ ...valid, schemaVersion: 2 }, /Invalid baseline s3:\/\/b\/x.json: schemaVersion is 2; expected 1/],
    [{ ...valid, features: [{ ...valid.features[0], numeric: { edges: [2, 1], counts: [1, 1, 1] } }] }, /features\[0\].numeric.edges is \[2,1\]; expected strictly increasing finite numbers/],
    [{ ...valid, features: [{ ...valid.features[0], numeric: { edges: [1], counts: [1] } }] }, /features\[0\].numeric.counts is \[1\]; expected 2 non-negative integers/],
    [{ ...valid, features: [{ name: 'c', kind: 'categorical', missingRate: 0, categorical: { frequencies: { x: -1 }, otherCount: 0 } }] }, /features\[0\].categorical.frequencies\["x"\] is -1/],
    [{ ...valid, features: [{ ...valid.features[0], kind: 'text' }] }, /features\[0\].kind is "text"; expected "numeric" or "categorical"/],
    [{ ...valid, prediction: undefined }, /prediction is missing; expected an object with edges and counts/],
  ])('an invalid baseline is refused naming the field: %#', (value, message) => {
    expect(() => parseBaseline(value, 's3://b/x.json')).toThrow(message);
  });

  test('a baseline of other features than FEATURES_JSON is refused with every difference', () => {
    const baseline = parseBaseline(valid, 's3://b/x.json');
    expect(() => checkBaselineMatches(baseline, [{ name: 'a', type: 'string' }, { name: 'b', type: 'integral' }], 's3://b/x.json')).toThrow(
      'Baseline s3://b/x.json does not match FEATURES_JSON: it has 1 features (a); FEATURES_JSON has 2 (a, b); feature 0 is a (numeric); FEATURES_JSON says a (categorical)',
    );
    expect(() => checkBaselineMatches(baseline, [{ name: 'a', type: 'fractional' }], 's3://b/x.json')).not.toThrow();
  });
});
