import { MetricDatum } from '@aws-sdk/client-cloudwatch';
import 'aws-sdk-client-mock-jest';
import { WindowAccumulator } from '../../lambda/drift-job/capture';
import { decode, jsonRows, jsonScores } from '../../lambda/drift-job/payload';
import { batches, computeDrift, metricData } from '../../lambda/drift-job/metrics';
import { stateUri, windowOf } from '../../lambda/drift-job/settings';
import { parseDecimal } from '../../lambda/shared/drift/parse-decimal';
import { jensenShannonDistance } from '../../lambda/shared/drift/drift-stats';
import { b64, BASELINE, csvIn, FEATURES, jsonIn, record, useDriftJobFixture } from './drift-job-fixture';

useDriftJobFixture();

describe('capture parsing', () => {
  const accumulator = () => WindowAccumulator.forBaseline(BASELINE, FEATURES);
  const counts = (w: WindowAccumulator) => ({ ...w.counters, tenure: w.histogram(0).count, missing: [0, 1, 2].map((i) => w.histogram(i).missing) });

  test('a row with any violation is left out of every histogram', () => {
    const w = accumulator();
    w.addLine(record(csvIn('5,25,0\n7,x,1\n40,,\n')));
    expect(counts(w)).toEqual(expect.objectContaining({ rows: 3, samples: 2, schemaViolations: 1, tenure: 2, missing: [0, 1, 1] }));
  });

  test.each([
    ['blank CSV fields and whitespace are missing, not 0', csvIn(' ,  ,'), { samples: 1, missing: [1, 1, 1] }],
    ['JSON null is missing; a JSON number category is its text', jsonIn([[null, 3, 1]]), { samples: 1, missing: [1, 0, 0] }],
    ['JSON true for a numeric feature is a violation', jsonIn([true, 3, 1]), { schemaViolations: 1 }],
    ['Infinity is a violation', csvIn('Infinity,1,1'), { schemaViolations: 1 }],
    ['an empty JSON array is a violation', jsonIn([]), { schemaViolations: 1 }],
    ['a JSON string is a violation', jsonIn('1,2,3'), { schemaViolations: 1 }],
    ['unknown encoding and content type is a violation', { data: '1,2,3', encoding: 'XML' }, { schemaViolations: 1 }],
  ])('%s', (_name, input, expected) => {
    const w = accumulator();
    w.addLine(record(input));
    expect(counts(w)).toEqual(expect.objectContaining(expected));
  });

  test('accepted JSON input shapes', () => {
    expect(jsonRows({ instances: [[1, 2, 3], [4, 5, 6]] })).toHaveLength(2);
    expect(jsonRows([[1, 2, 3]])).toHaveLength(1);
    expect(jsonRows([1, 2, 3])).toEqual([[1, 2, 3]]);
    expect(jsonRows({ a: 1 })).toEqual([{ a: 1 }]);
    expect(jsonRows([[1], 2])).toBeUndefined();
    expect(jsonRows({ instances: 'x' })).toBeUndefined();
  });

  test('accepted output shapes', () => {
    const scores = (v: unknown) => {
      const out: unknown[] = [];
      return jsonScores(v, (s) => out.push(s)) ? out : undefined;
    };
    expect(scores(0.3)).toEqual([0.3]);
    expect(scores([0.1, [0.2, 0.8], { score: 0.3 }])).toEqual([0.1, 0.2, 0.3]);
    expect(scores({ predictions: [{ score: 0.5 }] })).toEqual([0.5]);
    expect(scores({ label: 1 })).toBeUndefined();
    expect(decode({ data: b64('{"a":1}'), encoding: 'BASE64' })).toEqual({ format: 'json', text: '{"a":1}' });
    expect(decode({ observedContentType: 'text/csv; charset=utf-8', data: 'x', encoding: 'JSON' })).toEqual({ format: 'csv', text: 'x' });
  });

  test('the fast decimal parser reads exactly what Number() reads, or defers to it', () => {
    const samples = ['0', '-0', '+7', '12.5', '-0.001', '.5', '5.', '00012', '123456789012345', '1234567890123456', '0.1234567890123456789012',
      '3.14159', '-', '.', '', '1e5', '0x10', ' 4', '4 ', '1.2.3', 'abc', '9007199254740993', '0.30000000000000004'];
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 20_000; k++) {
      const digits = Math.floor(next() * 18);
      samples.push(`${next() < 0.3 ? '-' : ''}${(next() * 10 ** digits).toFixed(Math.floor(next() * 12))}`);
    }
    for (const text of samples) {
      const fast = parseDecimal(`,${text},`, 1, text.length + 1);
      if (fast !== undefined) expect(Object.is(fast, Number(text))).toBe(true);
    }
    expect(parseDecimal('12.5', 0, 4)).toBe(12.5);
    expect(parseDecimal('1e5', 0, 3)).toBeUndefined();
    expect(parseDecimal('', 0, 0)).toBeUndefined();
    expect(parseDecimal('1234567890123456', 0, 16)).toBeUndefined();
  });

  test('categories the baseline does not know are counted as other', () => {
    const w = accumulator();
    w.addLine(record(csvIn('5,25,7\n5,25,0\n5,25,8')));
    const drift = computeDrift(BASELINE, w);
    expect(drift.features[2].jsDistance).toBeCloseTo(jensenShannonDistance([475, 285, 190, 0], [1, 0, 0, 2]), 12);
  });
});

describe('window, state keys and metric batches', () => {
  test('the window ends at the scheduled hour and lists its hours in UTC, across midnight', () => {
    expect(windowOf('2026-11-22T00:59:59Z', 180)).toEqual({ start: '2026-11-21T21:00:00.000Z', end: '2026-11-22T00:00:00.000Z', minutes: 180, hours: ['2026/11/21/21', '2026/11/21/22', '2026/11/21/23'] });
    expect(windowOf('2026-11-22T12:30:00+02:00', 60).hours).toEqual(['2026/11/22/09']);
  });

  test('state keys are deterministic per model, window and part', () => {
    expect(stateUri('s3://b/state', 'churn', { start: 'x', end: '2026-11-22T10:00:00.000Z', minutes: 60 }, 12)).toBe('s3://b/state/churn/20261122T1000Z-60m/part-0012.json');
  });

  test('more than 1000 metrics are sent in batches of at most 1000; NaN is left out and tiny values become 0', () => {
    const features = Array.from({ length: 600 }, (_, i) => ({ name: `f${i}`, kind: 'numeric' as const, psi: 1e-200, ksDistance: NaN, baselineMissingRate: 0, windowMissingRate: 0, missingRateChange: 0 }));
    const data: MetricDatum[] = metricData({
      model: 'm', timestamp: new Date(0), counters: { records: 1, malformedRecords: 0, rows: 1, samples: 1, schemaViolations: 0, predictions: 0, predictionViolations: 0 },
      drift: { features, predictionPsi: NaN, maxPsi: 1e-200, maxKsDistance: NaN, maxJsDistance: NaN },
    });
    expect(data).toHaveLength(3 + 1 + 600 * 2);
    expect(data.find((d) => d.MetricName === 'PSI')!.Value).toBe(0);
    expect(data.some((d) => d.MetricName === 'KSDistance' || d.MetricName === 'PredictionPSI')).toBe(false);
    expect(batches(data).map((b) => b.length)).toEqual([1000, 204]);
  });
});
