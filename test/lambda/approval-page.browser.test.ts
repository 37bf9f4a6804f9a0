import { mkdirSync } from 'fs';
import path from 'path';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Browser, BrowserContext, Page } from 'playwright-core';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/approval-page';
import { launchTestBrowser } from '../helpers/browser';
import { DEMO_ENV, demoRequest, mockApprovalAws, RunningServer, signedPath, startApprovalPageServer } from '../../scripts/approval-page-server';

/**
 * The real approval-page handler served over HTTP on 127.0.0.1 (scripts/approval-page-server.ts),
 * AWS mocked in this process (aws-sdk-client-mock), driven by Chromium (test/helpers/browser.ts) through playwright-core
 * with JavaScript disabled (the page must work without it). With MLOPS_TEST_SCREENSHOTS=1 each step's screenshot goes to
 * test-artifacts/; with MLOPS_UPDATE_DOCS_IMAGES=1 the evidence page is saved to docs/images/approval-page.png for the
 * approver's guide.
 */
const ROOT = path.join(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const DOCS_IMAGE = path.join(ROOT, 'docs', 'images', 'approval-page.png');

/**
 * The page's clock starts at 2026-11-22T10:00:00Z (and advances), so that the evidence page, hence
 * the committed screenshot, is the same on every run.
 */
const FIXED_NOW_MS = Date.UTC(2026, 10, 22, 10, 0, 0);
const FIXED_NOW_S = FIXED_NOW_MS / 1000;
const APPROVE = demoRequest(FIXED_NOW_S, { taskToken: 'BROWSER-TEST-TASK-TOKEN-A-never-shown-0001' });
const REJECT = demoRequest(FIXED_NOW_S, {
  requestId: 'c2Vjb25kLXJlcXVlc3QtdG8tcmVqZWN0',
  taskToken: 'BROWSER-TEST-TASK-TOKEN-B-never-shown-0002',
  modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlops-churn/15',
  evidence: { ...demoRequest(FIXED_NOW_S).evidence, candidateValue: 0.8804, metrics: { ...demoRequest(FIXED_NOW_S).evidence.metrics, auc: 0.8804 } },
});
const TOKENS = [APPROVE.taskToken, REJECT.taskToken];

const aws = mockApprovalAws();
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];
/** What the handler logged (stdout/stderr are captured): never a task token. */
const logged: string[] = [];

/** A full-page screenshot of each step, when asked (`MLOPS_TEST_SCREENSHOTS=1`): encoding them was a fifth of the file's time. */
async function shot(name: string): Promise<void> {
  if (process.env.MLOPS_TEST_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: path.join(ARTIFACTS, `approval-page-${name}.png`), fullPage: true });
}

async function expectNoTokenOnPage(): Promise<void> {
  const html = await page.content();
  for (const token of TOKENS) expect(html).not.toContain(token);
}

beforeAll(async () => {
  Object.assign(process.env, DEMO_ENV);
  const realNow = Date.now.bind(Date);
  const offset = FIXED_NOW_MS - realNow();
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  const capture = (chunk: unknown): boolean => {
    logged.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  mkdirSync(ARTIFACTS, { recursive: true });
  mkdirSync(path.dirname(DOCS_IMAGE), { recursive: true });
  server = await startApprovalPageServer(handler);
  browser = await launchTestBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  jest.restoreAllMocks();
  const log = logged.join('');
  expect(log).toContain('approval decision recorded');
  for (const token of TOKENS) expect(log).not.toContain(token);
});

beforeEach(async () => {
  if (!browser) return; // beforeAll failed: its error is each test's failure.
  aws.reset();
  aws.put(APPROVE);
  aws.put(REJECT);
  // No JavaScript: the page must be usable without it (and has none).
  context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
  page = await context.newPage();
  consoleErrors = [];
  page.on('console', (message) => {
    // 4xx pages are expected; anything else (a Content-Security-Policy violation, a blocked resource) is not.
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) consoleErrors.push(message.text());
  });
});

afterEach(async () => {
  await context?.close();
  // A Content-Security-Policy violation (inline script, external resource) would be a console error.
  expect(consoleErrors).toEqual([]);
});

test('an approver opens a signed link, reads the evidence, comments and approves', async () => {
  const response = await page.goto(`${server.url}${signedPath(APPROVE, 'alice@example.com')}`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");

  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Approve model churn for prod?');
  const gate = page.getByRole('row', { name: /auc/ }).first();
  await expect(gate.textContent()).resolves.toBe('auc0.91340.8971+0.0163 (+1.82 %)');
  for (const text of [
    APPROVE.modelPackageArn, APPROVE.evidence.trainingDataUri, APPROVE.evidence.trainingDataManifestUri, APPROVE.evidence.trainingJobArn,
    APPROVE.executionArn, 'Waiting for your decision as alice@example.com', '2026-11-22 09:45:00 UTC', '2026-11-25 10:00:00 UTC',
  ]) {
    expect(await page.getByText(text, { exact: false }).first().isVisible()).toBe(true);
  }
  // The metrics pipelines/scripts/evaluate.py writes.
  for (const metric of ['accuracy', 'rmse', 'samples']) {
    expect(await page.getByRole('rowheader', { name: metric, exact: true }).isVisible()).toBe(true);
  }
  // What approving does, and what started the run on which evaluation data.
  const target = page.getByRole('region', { name: 'What approving does' });
  for (const text of ['mlops-prod-churn', 'real-time, 2 × ml.m5.large', 'canary: 25 % of capacity first, watched 10 min', 'mlops-prod-churn-5xx']) {
    expect(await target.getByText(text, { exact: false }).first().isVisible()).toBe(true);
  }
  for (const text of [APPROVE.evaluationDataUri!, 'drift (alarm mlops-prod-churn-prediction-drift)']) {
    expect(await page.getByText(text, { exact: false }).first().isVisible()).toBe(true);
  }
  await expectNoTokenOnPage();
  await shot('evidence');
  // The guide's screenshot changes only when asked: fonts differ between browsers, and a test run must leave the tree clean.
  if (process.env.MLOPS_UPDATE_DOCS_IMAGES === '1') await page.screenshot({ path: DOCS_IMAGE, fullPage: true });

  const comment = page.getByLabel('Comment (required)');
  await comment.fill('AUC +1.6 points over v12, calibration unchanged, drift checks clean.');
  await shot('approve-filled');
  await Promise.all([page.waitForURL(`${server.url}/approvals/${APPROVE.requestId}`), page.getByRole('button', { name: 'Approve' }).click()]);

  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('You approved churn for prod');
  expect(await page.getByRole('status').textContent()).toContain('The pipeline received your approval');
  expect(await page.getByText('AUC +1.6 points over v12, calibration unchanged, drift checks clean.').isVisible()).toBe(true);
  await expectNoTokenOnPage();
  await shot('approved');

  expect(JSON.parse(aws.delivered.get(APPROVE.taskToken)!)).toEqual(expect.objectContaining({
    decision: 'approved', approver: 'alice@example.com', comment: 'AUC +1.6 points over v12, calibration unchanged, drift checks clean.', requestId: APPROVE.requestId,
  }));
  expect(JSON.parse(aws.objects.get(`${DEMO_ENV.DECISION_PREFIX}${APPROVE.requestId}.json`)!)).toEqual(expect.objectContaining({ decision: 'approved', schemaVersion: 1 }));
  expect(aws.items.get(APPROVE.requestId)).toEqual(expect.objectContaining({ status: 'APPROVED', decidedBy: 'alice@example.com', gateOutcome: 'delivered' }));
});

test('a second request: the other approver comments and rejects', async () => {
  const response = await page.goto(`${server.url}${signedPath(REJECT, 'bob@example.com')}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('row', { name: /auc/ }).first().textContent()).resolves.toBe('auc0.88040.8971-0.0167 (-1.86 %)');
  expect(await page.getByText('Waiting for your decision as bob@example.com').isVisible()).toBe(true);

  await page.getByLabel('Comment (required)').fill('AUC dropped 1.7 points below the approved model: not promoting.');
  await shot('reject-filled');
  await Promise.all([page.waitForURL(`${server.url}/approvals/${REJECT.requestId}`), page.getByRole('button', { name: 'Reject' }).click()]);

  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('You rejected churn for prod');
  expect(await page.getByRole('status').textContent()).toContain('this candidate will not be promoted');
  await expectNoTokenOnPage();
  await shot('rejected');

  expect(JSON.parse(aws.delivered.get(REJECT.taskToken)!)).toEqual(expect.objectContaining({ decision: 'rejected', approver: 'bob@example.com' }));
  expect(aws.items.get(REJECT.requestId)).toEqual(expect.objectContaining({ status: 'REJECTED', decidedBy: 'bob@example.com' }));
  expect(aws.delivered.has(APPROVE.taskToken)).toBe(false);
});

test('the browser will not submit without a comment; a decided request and an altered link are refused', async () => {
  const link = `${server.url}${signedPath(APPROVE, 'alice@example.com')}`;
  await page.goto(link);
  await page.getByRole('button', { name: 'Approve' }).click();
  // The textarea is required: the form is not sent.
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Approve model churn for prod?');
  expect(aws.ddb).not.toHaveReceivedCommand(UpdateCommand);

  await page.getByLabel('Comment (required)').fill('Approved.');
  await Promise.all([page.waitForURL(`${server.url}/approvals/${APPROVE.requestId}`), page.getByRole('button', { name: 'Approve' }).click()]);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You approved churn for prod');

  const decided = await page.goto(`${server.url}${signedPath(APPROVE, 'bob@example.com')}`);
  expect(decided?.status()).toBe(409);
  expect(await page.getByRole('alert').textContent()).toMatch(/already decided: approved by alice@example\.com at 2026-11-22 10:00:\d\d UTC/);
  await shot('already-decided');

  const altered = await page.goto(`${server.url}${signedPath(REJECT, 'bob@example.com').replace('bob%40', 'alice%40')}`);
  expect(altered?.status()).toBe(403);
  expect(await page.getByRole('alert').textContent()).toContain('This link is not valid: it was altered or was not issued by the approval gate.');
  await shot('altered-link');
  expect(aws.sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
});
