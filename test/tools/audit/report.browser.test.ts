import { mkdirSync, readFileSync } from 'fs';
import path from 'path';
import { Browser, Page } from 'playwright-core';
import { main } from '../../../tools/audit/main';
import { launchTestBrowser } from '../../helpers/browser';
import { NOW } from '../../../scripts/audit-samples/lineage-history';
import { FakeAws, prodWorld } from '../../../scripts/audit-samples/fake-aws';

/**
 * The HTML report (`--format html`) of an audit with a finding, opened from a file in Chromium
 * (test/helpers/browser.ts, through playwright-core), as an auditor would open it: self-contained, no script, every value
 * escaped. With MLOPS_TEST_SCREENSHOTS=1 the screenshot goes to test-artifacts/mlops-audit-report.png.
 */
const ARTIFACTS = path.join(__dirname, '..', '..', '..', 'test-artifacts');
/** An approver's comment that tries to inject markup: it must show as text. */
const HOSTILE = 'Looks fine <script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'"> & "quoted"';

const aws = new FakeAws();
let browser: Browser;
let page: Page;
let html: string;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  // GIVEN the production history, with one training data version deleted and a hostile comment in the decision record
  const { v14 } = prodWorld(aws);
  aws.deleteVersion(v14.buckets.curated, v14.dataObjects[2].key, v14.dataObjects[2].versionId);
  aws.put(v14.buckets.audit, `decisions/mlops-prod-churn/${v14.requestId}.json`, { ...v14.decisionRecord, comment: HOSTILE }, 'v1-hostile', { retention: { mode: 'COMPLIANCE', until: '2033-11-22T00:00:00.000Z' } });
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, 'mlops-audit-report.html');
  let stderr = '';
  const code = await main(['lineage', '--model', 'churn', '--env', 'prod', '--region', 'eu-west-1', '--audit-bucket', v14.buckets.audit, '--format', 'html', '--output', file], {
    stdout: { write: () => undefined }, stderr: { write: (t: string) => { stderr += t; } }, now: () => new Date(NOW),
  });
  expect(code).toBe(1);
  expect(stderr).toBe(`Report written to ${file}: 1 error.\n`);
  html = readFileSync(file, 'utf8');

  browser = await launchTestBrowser();
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
  page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(`file://${file}`);
});

afterAll(async () => {
  await browser?.close();
});

test('the report opens with its title, the verdict and every link of the chain', async () => {
  expect(await page.title()).toBe('Lineage audit: churn in prod');
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Lineage audit: churn in prod');
  expect(await page.getByRole('status').textContent()).toBe('Findings: 1 error.');
  const rows = page.locator('table.chain tbody tr');
  expect(await rows.locator('th').allTextContents()).toEqual([
    'Endpoint', 'Endpoint configuration', 'SageMaker model', 'Model package', 'Approval record', 'Training job', 'Data manifest', 'Data object versions', 'Deploying execution',
  ]);
  expect(await page.getByRole('row', { name: /^Model package/ }).textContent()).toContain('arn:aws:sagemaker:eu-west-1:111122223333:model-package/mlops-prod-churn/14');
  expect(await page.getByRole('row', { name: /^Training job/ }).textContent()).toContain('eval_metric=auc, num_round=200, objective=binary:logistic');
  if (process.env.MLOPS_TEST_SCREENSHOTS === '1') await page.screenshot({ path: path.join(ARTIFACTS, 'mlops-audit-report.png'), fullPage: true });
});

test('the flagged link and its finding are visible', async () => {
  const flagged = page.getByRole('row', { name: /^Data object versions/ });
  expect(await flagged.getAttribute('class')).toBe('flagged');
  expect(await flagged.locator('.status').textContent()).toBe('flagged');
  const finding = page.locator('ul.findings li').first();
  expect(await finding.isVisible()).toBe(true);
  expect(await finding.textContent()).toMatch(/^ERROR DATA_VERSION_MISSING \(Data object versions\)1 of 3 training data object versions no longer exist: s3:\/\/.+\/churn\/2026-11-22\/part-0002\.csv version v14\.2-/);
  // Flagged rows are tinted: the finding is visible at a glance.
  expect(await flagged.evaluate((tr) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(tr).backgroundColor)).toBe('rgb(255, 245, 245)');
});

test('no script, nothing loaded from elsewhere, every value escaped', async () => {
  expect(await page.locator('script').count()).toBe(0);
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.title()).not.toBe('pwned');
  expect(html).not.toMatch(/<(script|img|link|iframe|object|embed|form)\b/i);
  expect(html).not.toMatch(/<[^>]+\s(src|href|on[a-z]+)=/i);
  expect(html).toContain('Looks fine &lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt; &amp; &quot;quoted&quot;');
  // The comment reads as the approver wrote it.
  expect(await page.getByRole('row', { name: /^Approval record/ }).textContent()).toContain(HOSTILE);
  expect(requests).toEqual([expect.stringMatching(/^file:\/\/.+mlops-audit-report\.html$/)]);
  expect(consoleErrors).toEqual([]);
});
