import { mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { SAMPLES_DIR, sampleReports, staleSamples } from '../../scripts/sample-audit-reports';

/**
 * The sample audit reports in docs/samples/ are exactly what `mlops-audit lineage` produces from the recorded
 * production history today: a change of the command or the fixtures that changes a report fails here until the
 * samples are regenerated (npx tsx scripts/sample-audit-reports.ts).
 */
let files: Record<string, string>;

beforeAll(async () => {
  files = await sampleReports();
}, 60_000);

test('every committed sample equals the generator\'s output, byte for byte, and none is left over', () => {
  expect(Object.keys(files).sort()).toEqual([
    'audit-clean.html', 'audit-clean.json', 'audit-clean.txt', 'audit-finding.html', 'audit-finding.json', 'audit-finding.txt',
  ]);
  expect(staleSamples(files)).toEqual([]);
  expect(readdirSync(SAMPLES_DIR).filter((name) => name.startsWith('audit-')).sort()).toEqual(Object.keys(files).sort());
});

test('the generator is deterministic: a second run gives the same bytes', async () => {
  expect(await sampleReports()).toEqual(files);
});

test('the samples show a clean chain and a broken one, in each format', () => {
  expect(files['audit-clean.txt']).toContain('Findings: no findings');
  expect(files['audit-finding.txt']).toMatch(/Findings: 1 error\n\s+ERROR DATA_VERSION_MISSING/);
  expect(JSON.parse(files['audit-clean.json']).findings).toEqual([]);
  expect(JSON.parse(files['audit-finding.json']).findings).toEqual([expect.objectContaining({ code: 'DATA_VERSION_MISSING', severity: 'error' })]);
  expect(files['audit-finding.html']).toMatch(/^<!doctype html>/i);
});

test('a sample that differs from the output is reported by name', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'samples-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  writeFileSync(path.join(dir, 'audit-clean.txt'), `${files['audit-clean.txt']} `);
  expect(staleSamples(files, dir)).toEqual(['audit-clean.txt']);
});
