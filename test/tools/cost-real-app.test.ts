import { spawnSync } from 'child_process';
import { join } from 'path';

// The blueprint's own app, run once the way an installed mlops-cost runs a user's app: from the folder of its cdk.json
// ("node --import tsx bin/app.ts"), through the npm bin. --no-checks: the same resources without the compliance packs and bundling.

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mlops-cost.cjs');

interface Report {
  readonly environment: string;
  readonly region: string;
  readonly stacks: { readonly stack: string }[];
  readonly models: { readonly model: string; readonly total: { readonly load: number } }[];
  readonly lines: { readonly type?: string }[];
  readonly totals: { readonly idle: number; readonly load: number };
  readonly notPriced: unknown[];
}

describe("the repository's cdk.json app", () => {
  test('env dev: every stack and model is estimated', () => {
    // WHEN
    const result = spawnSync(process.execPath, [BIN, '-c', 'env=dev', '--no-checks', '--format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 170_000,
    });
    // THEN
    expect(result.stderr).toMatch(/^Synthesizing dev \(--no-checks\) \.\.\.\n/);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.environment).toBe('dev');
    expect(report.region).toBe('us-east-1');
    expect(report.stacks.map((s) => s.stack)).toEqual(
      expect.arrayContaining(['mlops-dev-platform', 'mlops-dev-model-churn', 'mlops-dev-model-fraud-dl']),
    );
    expect(report.totals.idle).toBeGreaterThan(0);
    expect(report.totals.load).toBeGreaterThan(report.totals.idle);
    expect(report.models.map((m) => m.model).sort()).toEqual(['churn', 'delivery-time', 'fraud-dl']);
    for (const m of report.models) expect(m.total.load).toBeGreaterThan(0);
    expect(report.lines.filter((l) => l.type === 'AWS::KMS::Key')).toHaveLength(3);
    expect(report.notPriced).toEqual([]);
  }, 180_000);
});
