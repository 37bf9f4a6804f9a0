/**
 * Writes the sample reports of `mlops-audit lineage` in docs/samples/, so an auditor sees the report
 * before having credentials. They are produced by the real command (argument parsing, AWS reads, chain,
 * checks, rendering) against the recorded production history of the tests
 * (scripts/audit-samples/lineage-history.ts through scripts/audit-samples/fake-aws.ts): nothing calls AWS, and
 * the clock is fixed, so the same code gives the same bytes.
 *
 *   npx tsx scripts/sample-audit-reports.ts           # writes docs/samples/audit-*.{txt,json,html}
 *   npx tsx scripts/sample-audit-reports.ts --check   # exits 1 if a committed sample differs
 *
 * test/scripts/sample-audit-reports.test.ts fails when the committed samples differ from what this produces.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import path from 'path';
import { main } from '../tools/audit/main';
import { NOW } from './audit-samples/lineage-history';
import { FakeAws, prodWorld } from './audit-samples/fake-aws';

export const SAMPLES_DIR = path.join(__dirname, '..', 'docs', 'samples');
const FORMATS = { txt: 'text', json: 'json', html: 'html' } as const;

/** One sample history: a name (the files' stem) and how the recorded world differs from the clean production history. */
interface Scenario {
  readonly name: string;
  readonly alter: (aws: FakeAws, world: ReturnType<typeof prodWorld>) => void;
}

const SCENARIOS: readonly Scenario[] = [
  // Production as recorded: v14 serves, every record is locked, every training data version exists.
  { name: 'audit-clean', alter: () => undefined },
  // The same, after someone deleted one version of v14's training data: the chain breaks at the data.
  {
    name: 'audit-finding',
    alter: (aws, { v14 }) => aws.deleteVersion(v14.buckets.curated, v14.dataObjects[2].key, v14.dataObjects[2].versionId),
  },
];

/** The exit code and report of one audit, in one format. */
async function audit(aws: FakeAws, scenario: Scenario, format: string): Promise<{ code: number; report: string }> {
  aws.reset();
  const world = prodWorld(aws);
  scenario.alter(aws, world);
  let report = '';
  let stderr = '';
  const argv = ['lineage', '--model', 'churn', '--env', 'prod', '--region', 'eu-west-1', '--audit-bucket', world.v14.buckets.audit];
  const code = await main([...argv, '--format', format], {
    stdout: { write: (t: string) => { report += t; } },
    stderr: { write: (t: string) => { stderr += t; }, isTTY: false },
    now: () => new Date(NOW),
  });
  if (code === 2) throw new Error(`the ${scenario.name} audit could not run: ${stderr}`);
  return { code, report };
}

/** File name (in docs/samples/) to content, for every scenario and format. */
export async function sampleReports(): Promise<Record<string, string>> {
  const aws = new FakeAws();
  const files: Record<string, string> = {};
  for (const scenario of SCENARIOS) {
    for (const [extension, format] of Object.entries(FORMATS)) {
      files[`${scenario.name}.${extension}`] = (await audit(aws, scenario, format)).report;
    }
  }
  return files;
}

/** Names of the committed samples that differ from `expected` (or are missing). */
export function staleSamples(expected: Record<string, string>, dir = SAMPLES_DIR): string[] {
  return Object.entries(expected)
    .filter(([name, content]) => !existsSync(path.join(dir, name)) || readFileSync(path.join(dir, name), 'utf8') !== content)
    .map(([name]) => name);
}

async function run(argv: readonly string[]): Promise<number> {
  const files = await sampleReports();
  if (argv.includes('--check')) {
    const stale = staleSamples(files);
    if (stale.length === 0) return 0;
    process.stderr.write(`Out of date in docs/samples/: ${stale.join(', ')}. Run: npx tsx scripts/sample-audit-reports.ts\n`);
    return 1;
  }
  mkdirSync(SAMPLES_DIR, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(SAMPLES_DIR, name), content);
  process.stdout.write(`Wrote ${Object.keys(files).map((n) => `docs/samples/${n}`).join(', ')}\n`);
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  });
}
