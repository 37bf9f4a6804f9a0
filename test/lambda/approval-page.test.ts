import { createHmac } from 'crypto';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { InvalidToken, SendTaskSuccessCommand, SFNServiceException, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import 'aws-sdk-client-mock-jest';
import { clearSecretCache, SECRET_CACHE_MS } from '../../lambda/approval-page/secret';
import { escapeHtml, formatDelta, formatTime } from '../../lambda/approval-page/format';
import { handler } from '../../lambda/approval-page';
import { parseForm, validateComment } from '../../lambda/approval-page/parse';
import { MAX_COMMENT_LENGTH } from '../../lambda/approval-page/render';
import { RESPONSE_HEADERS } from '../../lambda/approval-page/response';
import type { ApprovalDecision, ApprovalRequest, DecisionRecord } from '../../contracts/approval';
import { buildLink } from '../../contracts/approval-link';
import { parseSecret, signLink, verifyLink } from '../../lambda/shared/approval/links';
import { DEMO_ENV, DEMO_SIGNING_KEY, demoRequest, toApiGatewayEvent } from '../../scripts/approval-page-server';
import { ALICE, approvalPageFixture, BOB, NOW_MS, NOW_S } from './approval-page-fixture';

const TOKEN = 'AQB8AAAAKgAAAAMAAAAAAAAAAf-UNIT-TEST-TASK-TOKEN-must-never-leak-9f3c';
const KEY = DEMO_SIGNING_KEY;
const OTHER_KEY = Buffer.alloc(32, 0x5a);
const fx = approvalPageFixture(TOKEN);
const { aws, updateTable } = fx;
const REQUEST: ApprovalRequest = fx.request;
const ID = fx.id;
const OTHER_ID = 'b3RoZXItcmVxdWVzdC0wMDAwMDAwMDAw';
const BUCKET = DEMO_ENV.AUDIT_BUCKET_NAME;
const RECORD_KEY = `${DEMO_ENV.DECISION_PREFIX}${ID}.json`;
const RECORD_URI = `s3://${BUCKET}/${RECORD_KEY}`;
/** Every signature a test used: none may be logged. */
const signatures = fx.mustNotLog;

function sign(approver: string, options: { requestId?: string; expires?: number; key?: Buffer } = {}): Record<string, string> {
  const expires = options.expires ?? REQUEST.expiresAt;
  const sig = signLink(options.key ?? KEY, options.requestId ?? ID, approver, expires);
  signatures.add(sig);
  return { approver, expires: String(expires), sig };
}

function get(requestId: string, query: Record<string, string>, method = 'GET'): Promise<APIGatewayProxyResult> {
  return handler(toApiGatewayEvent({ method, url: `/approvals/${requestId}?${new URLSearchParams(query)}`, headers: { host: 'approvals.example.com' } }, Buffer.alloc(0)));
}

function post(requestId: string, fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<APIGatewayProxyResult> {
  const body = Buffer.from(new URLSearchParams(fields).toString(), 'utf8');
  return handler(toApiGatewayEvent({ method: 'POST', url: `/approvals/${requestId}`, headers: { host: 'approvals.example.com', 'content-type': contentType } }, body));
}

function decide(approver: string, decision: string, comment: string, requestId = ID): Promise<APIGatewayProxyResult> {
  return post(requestId, { ...sign(approver, { requestId }), decision, comment });
}

const claims = () => aws.ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.UpdateExpression).includes('#status'));

function expectNoWrites(): void {
  expect(aws.sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  expect(aws.s3).not.toHaveReceivedCommand(PutObjectCommand);
  expect(aws.ddb).not.toHaveReceivedCommand(UpdateCommand);
}

function expectPage(result: APIGatewayProxyResult, statusCode: number, message: RegExp | string): void {
  expect({ statusCode: result.statusCode, message: result.body }).toEqual({ statusCode, message: expect.stringMatching(message) });
  expect(result.headers).toEqual(expect.objectContaining(RESPONSE_HEADERS));
  expect(result.body).not.toContain(TOKEN);
  expect(result.body).toMatch(/^<!doctype html>/);
}

describe('approval-links', () => {
  test('signLink is the base64url HMAC-SHA256 of requestId, approver and expires, one per line', () => {
    const expected = createHmac('sha256', KEY).update(`${ID}\n${ALICE}\n${REQUEST.expiresAt}`).digest('base64url');
    expect(signLink(KEY, ID, ALICE, REQUEST.expiresAt)).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('verifyLink accepts the current and the previous key, and nothing altered', () => {
    const secret = { current: OTHER_KEY.toString('base64'), previous: KEY.toString('base64') };
    const link = { requestId: ID, approver: ALICE, expires: REQUEST.expiresAt, sig: signLink(KEY, ID, ALICE, REQUEST.expiresAt) };
    expect(verifyLink(secret, link)).toBe(true);
    expect(verifyLink(secret, { ...link, sig: signLink(OTHER_KEY, ID, ALICE, REQUEST.expiresAt) })).toBe(true);
    expect(verifyLink({ current: OTHER_KEY.toString('base64') }, link)).toBe(false);
    expect(verifyLink(secret, { ...link, approver: BOB })).toBe(false);
    expect(verifyLink(secret, { ...link, requestId: OTHER_ID })).toBe(false);
    expect(verifyLink(secret, { ...link, expires: link.expires + 1 })).toBe(false);
    expect(verifyLink(secret, { ...link, sig: link.sig.slice(0, -1) })).toBe(false);
    expect(verifyLink(secret, { ...link, sig: `${link.sig}=` })).toBe(false);
  });

  test('buildLink URL-encodes every value', () => {
    expect(buildLink('https://abc.execute-api.eu-west-1.amazonaws.com/prod', { requestId: ID, approver: 'a+b@example.com', expires: 1795600000, sig: 'x_y-z' }))
      .toBe(`https://abc.execute-api.eu-west-1.amazonaws.com/prod/approvals/${ID}?approver=a%2Bb%40example.com&expires=1795600000&sig=x_y-z`);
  });

  test('parseSecret accepts current and previous keys of 32+ bytes', () => {
    expect(parseSecret(JSON.stringify({ current: KEY.toString('base64') }))).toEqual({ current: KEY.toString('base64') });
    expect(parseSecret(JSON.stringify({ current: KEY.toString('base64url'), previous: OTHER_KEY.toString('base64') })))
      .toEqual({ current: KEY.toString('base64url'), previous: OTHER_KEY.toString('base64') });
  });

  test.each([
    ['not json', /not JSON/],
    ['[]', /not a JSON object/],
    ['{}', /"current" is missing; expected base64 of at least 32 random bytes/],
    [JSON.stringify({ current: 'not base64!' }), /"current" is not base64/],
    [JSON.stringify({ current: Buffer.alloc(16, 1).toString('base64') }), /"current" decodes to 16 bytes; expected base64 of at least 32/],
    [JSON.stringify({ current: KEY.toString('base64'), previous: 42 }), /"previous" is a number/],
  ])('parseSecret(%s) is refused with a clear error', (json, message) => {
    expect(() => parseSecret(json)).toThrow(message);
  });

  test('parseSecret errors never contain the key material', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => parseSecret(JSON.stringify({ current: short }))).toThrow(expect.objectContaining({ message: expect.not.stringContaining(short) }));
  });
});

describe('pure helpers', () => {
  test('escapeHtml escapes & < > " and \'', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(0.5)).toBe('0.5');
  });

  test('formatDelta shows the absolute and relative change without floating-point noise', () => {
    expect(formatDelta(0.9134, 0.8971)).toBe('+0.0163 (+1.82 %)');
    expect(formatDelta(0.3, 0.1 + 0.2)).toBe('0 (0 %)');
    expect(formatDelta(0.8, 0.9)).toBe('-0.1 (-11.11 %)');
    expect(formatDelta(0.5, undefined)).toBe('n/a');
    expect(formatDelta(0.5, 0)).toBe('+0.5');
  });

  test('formatTime renders ISO times and epoch seconds in UTC', () => {
    expect(formatTime('2026-11-22T09:45:00.000Z')).toBe('2026-11-22 09:45:00 UTC');
    expect(formatTime(NOW_S)).toBe('2026-11-22 10:00:00 UTC');
  });

  test('validateComment trims and accepts 1 to 500 characters', () => {
    expect(validateComment('  ok \n')).toBe('ok');
    expect(validateComment('x'.repeat(MAX_COMMENT_LENGTH))).toHaveLength(MAX_COMMENT_LENGTH);
    expect(() => validateComment('x'.repeat(MAX_COMMENT_LENGTH + 1))).toThrow(/501 characters long; the limit is 500/);
    expect(() => validateComment(' \n\t ')).toThrow(/A comment is required/);
    expect(() => validateComment('a\u0000b')).toThrow(/control characters/);
  });

  test.each([
    ['U+0000 (first C0)', '\u0000'], ['U+001B (escape)', '\u001b'], ['U+007F (delete)', '\u007f'],
    ['U+0080 (first C1)', '\u0080'], ['U+0085 (next line)', '\u0085'], ['U+009F (last C1)', '\u009f'],
  ])('validateComment refuses the control character %s', (_name, character) => {
    expect(() => validateComment(`fine${character}fine`)).toThrow('Your comment contains control characters. Go back and remove them.');
  });

  test.each([
    ['U+007E (tilde, before DEL)', '~'], ['U+00A0 (no-break space, after C1)', '\u00a0'], ['U+00E9', '\u00e9'], ['tab and line breaks', 'a\tb\r\nc'],
  ])('validateComment accepts %s', (_name, text) => {
    expect(validateComment(`ok ${text} ok`)).toBe(`ok ${text} ok`);
  });

  test('parseForm reads a base64-encoded body', () => {
    const body = Buffer.from(new URLSearchParams({ ...sign(ALICE), decision: 'reject', comment: 'no' }).toString()).toString('base64');
    const form = parseForm({ headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body, isBase64Encoded: true }, ID);
    expect(form).toEqual({ link: { requestId: ID, approver: ALICE, expires: REQUEST.expiresAt, sig: expect.any(String) }, decision: 'reject', comment: 'no' });
  });
});

describe('GET /approvals/{requestId}', () => {
  test('a valid link shows the evidence and the decision form, with the security headers', async () => {
    const link = sign(ALICE);
    const result = await get(ID, link);

    expectPage(result, 200, /Approve model <code>churn<\/code> for <code>prod<\/code>\?/);
    const { body } = result;
    const { evidence } = REQUEST;
    for (const text of [
      REQUEST.modelPackageArn, evidence.approvedModelPackageArn!, evidence.trainingDataUri, evidence.trainingDataManifestUri, evidence.trainingJobArn,
      REQUEST.executionArn, ID, 'Requested at', '2026-11-22 09:45:00 UTC', 'Expires at', '2026-11-25 10:00:00 UTC',
      `<tr class="gate"><th scope="row">auc</th><td class="num">0.9134</td><td class="num">0.8971</td><td class="num">+0.0163 (+1.82 %)</td></tr>`,
      '<th scope="row">accuracy</th><td class="num">0.8712</td>', '<th scope="row">rmse</th><td class="num">0.3127</td>',
      '<th scope="row">auc (gate)</th>', `Waiting for your decision as <strong>${ALICE}</strong>`, `<dt>You are</dt><dd>${ALICE}</dd>`,
      `<form method="post" action="./${ID}">`, `<input type="hidden" name="approver" value="${ALICE}">`,
      `<input type="hidden" name="expires" value="${REQUEST.expiresAt}">`, `<input type="hidden" name="sig" value="${link.sig}">`,
      '<label for="comment">Comment (required)</label>', '<textarea id="comment" name="comment" required minlength="1" maxlength="500"',
      '<button type="submit" name="decision" value="approve" class="approve">Approve</button>',
      '<button type="submit" name="decision" value="reject" class="reject">Reject</button>',
    ]) expect(body).toContain(text);
    // Self-contained: no script, no external resource.
    expect(body).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
    expect(aws.ddb).toHaveReceivedCommandWith(GetCommand, { TableName: DEMO_ENV.APPROVAL_TABLE_NAME, Key: { requestId: ID }, ConsistentRead: true });
    expect(aws.secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: DEMO_ENV.APPROVAL_SECRET_ARN });
    expectNoWrites();
  });

  test('every interpolated value is escaped', async () => {
    const hostile = '<script>alert(1)</script>';
    aws.put(demoRequest(NOW_S, {
      taskToken: TOKEN,
      model: `ch&rn${hostile}`,
      approvers: [ALICE, `o'brien"><b>@example.com`],
      evidence: {
        ...REQUEST.evidence,
        metric: '<img src=x onerror=alert(1)>',
        metrics: { '<img src=x onerror=alert(1)>': 0.5, [hostile]: 1 },
        trainingDataUri: `s3://bucket/"><script>alert(2)</script>`,
      },
      evaluationDataUri: `s3://bucket/${hostile}`,
      trigger: { type: 'drift', alarmName: hostile, reason: hostile, time: hostile },
      deployment: { ...REQUEST.deployment!, endpointName: hostile, instanceType: hostile, rollbackAlarmNames: [hostile] },
    }));
    const result = await get(ID, sign(`o'brien"><b>@example.com`));

    expectPage(result, 200, /Approve model/);
    expect(result.body).not.toMatch(/<script>|<img|<b>/);
    expect(result.body).toContain('ch&amp;rn&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(result.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(result.body).toContain('s3://bucket/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(result.body).toContain('<input type="hidden" name="approver" value="o&#39;brien&quot;&gt;&lt;b&gt;@example.com">');
  });

  test('the page says what approving does: endpoint, environment, serving, rollout with its steps and the rollback alarms', async () => {
    const result = await get(ID, sign(ALICE));
    const section = /<section class="card" aria-labelledby="deployment-heading">([\s\S]*?)<\/section>/.exec(result.body)?.[1] ?? '';
    for (const text of [
      '<h2 id="deployment-heading">What approving does</h2>',
      'Approving marks the candidate package Approved and deploys it to the endpoint below in <code>prod</code>',
      'an existing one is updated as the rollout says, and rolls back by itself if an alarm fires. Rejecting marks it Rejected and deploys nothing.',
      '<dt>Endpoint</dt><dd><code>mlops-prod-churn</code></dd>', '<dt>Environment</dt><dd><code>prod</code></dd>',
      '<dt>Serving</dt><dd>real-time, 2 × ml.m5.large, autoscaling 2 to 4 instances</dd>',
      '<dt>Rollout of an update</dt><dd>canary: 25 % of capacity first, watched 10 min, then the rest; '
        + 'the old fleet is kept 5 min more for a fast rollback; at most 55 min in all</dd>',
      '<dt>Rollback alarms</dt><dd><code>mlops-prod-churn-5xx</code>, <code>mlops-prod-churn-latency</code></dd>',
    ]) expect(section).toContain(text);
    expect(result.body).toContain('<dt>Evaluation data</dt><dd><code>s3://mlops-prod-curated/churn/test/</code></dd>');
    expect(result.body).toContain('<dt>Triggered by</dt><dd>drift (alarm <code>mlops-prod-churn-prediction-drift</code>) at 2026-11-22 06:45:00 UTC: '
      + '<span class="comment">Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (0.2).</span></dd>');
  });

  test.each([
    ['linear', { strategy: 'linear', trafficPercent: 20, waitSeconds: 300, terminationWaitSeconds: 0, maximumExecutionTimeoutSeconds: 5400 },
      'linear: steps of 20 % of capacity, each watched 5 min; the old fleet is kept 0 s more for a fast rollback; at most 1 h 30 min in all'],
    ['all-at-once', { strategy: 'all-at-once', trafficPercent: 100, waitSeconds: 45, terminationWaitSeconds: 300,
      maximumExecutionTimeoutSeconds: 2145 },
      'all at once, then watched 45 s; the old fleet is kept 5 min more for a fast rollback; at most 35 min 45 s in all'],
  ] as const)('a %s rollout is described with its steps', async (_name, rollout, text) => {
    const deployment = { ...REQUEST.deployment!, rollout, autoscaling: undefined, rollbackAlarmNames: [] };
    aws.put(demoRequest(NOW_S, { taskToken: TOKEN, deployment }));
    const { body } = await get(ID, sign(ALICE));
    expect(body).toContain(`<dt>Rollout of an update</dt><dd>${text}</dd>`);
    expect(body).toContain('<dt>Serving</dt><dd>real-time, 2 × ml.m5.large, fixed fleet</dd>');
    expect(body).toContain('<dt>Rollback alarms</dt><dd>none</dd>');
  });

  test('a serverless target has no staged rollout and no rollback alarms; a manual or schedule trigger is named', async () => {
    aws.put(demoRequest(NOW_S, {
      taskToken: TOKEN, trigger: { type: 'manual' },
      deployment: { endpointName: 'mlops-prod-churn', mode: 'serverless', memoryMb: 2048, maxConcurrency: 5 },
    }));
    const { body } = await get(ID, sign(ALICE));
    expect(body).toContain('<dt>Serving</dt><dd>serverless, 2048 MB memory, at most 5 concurrent invocations</dd>');
    expect(body).toContain('a new endpoint is created with it; an existing one is switched to it.');
    expect(body).toContain('<dt>Rollout of an update</dt><dd>none: serverless endpoints have no deployment guardrails');
    expect(body).not.toContain('Rollback alarms');
    expect(body).toContain('<dt>Triggered by</dt><dd>manual start</dd>');
    aws.put(demoRequest(NOW_S, { taskToken: TOKEN, trigger: { type: 'schedule', time: '2026-11-22T06:00:00Z' } }));
    expect((await get(ID, sign(ALICE))).body).toContain('<dt>Triggered by</dt><dd>schedule at 2026-11-22 06:00:00 UTC</dd>');
  });

  test('a request stored before the run context was recorded still opens, saying what is not known', async () => {
    aws.put(demoRequest(NOW_S, { taskToken: TOKEN, trigger: undefined, deployment: undefined, evaluationDataUri: undefined }));
    const result = await get(ID, sign(ALICE));
    expectPage(result, 200, /Approve model/);
    expect(result.body).toContain('<p>The deployment target was not recorded with this request.</p>');
    expect(result.body).toContain('<dt>Evaluation data</dt><dd>not recorded with this request</dd>');
    expect(result.body).toContain('<dt>Triggered by</dt><dd>not recorded with this request</dd>');
  });

  test('without an approved model the page says so', async () => {
    aws.put(demoRequest(NOW_S, { taskToken: TOKEN, evidence: { ...REQUEST.evidence, approvedValue: undefined, approvedModelPackageArn: undefined } }));
    const result = await get(ID, sign(ALICE));
    expect(result.body).toContain('<td class="num">none (no approved model yet)</td><td class="num">n/a</td>');
    expect(result.body).toContain('<dt>Approved model package</dt><dd>none (no approved model yet)</dd>');
  });

  test('the signing secret is cached for 5 minutes', async () => {
    await get(ID, sign(ALICE));
    await get(ID, sign(BOB));
    expect(aws.secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    jest.spyOn(Date, 'now').mockReturnValue(NOW_MS + SECRET_CACHE_MS);
    await get(ID, sign(ALICE));
    expect(aws.secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  test('after a rotation, links signed with the previous key still work; a stale cache is re-read once for a new key', async () => {
    aws.secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: OTHER_KEY.toString('base64'), previous: KEY.toString('base64') }) });
    expect((await get(ID, sign(ALICE))).statusCode).toBe(200);
    expect((await get(ID, sign(ALICE, { key: OTHER_KEY }))).statusCode).toBe(200);

    // Cached 1 minute ago, rotated since: the new key's link re-reads the secret.
    clearSecretCache();
    let rotated = false;
    aws.secrets.on(GetSecretValueCommand).callsFake(() => ({
      SecretString: JSON.stringify(rotated ? { current: OTHER_KEY.toString('base64'), previous: KEY.toString('base64') } : { current: KEY.toString('base64') }),
    }));
    jest.spyOn(Date, 'now').mockReturnValue(NOW_MS - 60_000);
    expect((await get(ID, sign(ALICE))).statusCode).toBe(200);
    rotated = true;
    jest.spyOn(Date, 'now').mockReturnValue(NOW_MS);
    expect((await get(ID, sign(BOB, { key: OTHER_KEY }))).statusCode).toBe(200);
    expect(aws.secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 3);
  });

  test('a decision always verifies against the secret as it is now, never against the cached copy', async () => {
    expect((await get(ID, sign(ALICE))).statusCode).toBe(200);
    expect((await decide(ALICE, 'approve', 'ok')).statusCode).toBe(200);
    expect(aws.secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  test('revocation (only a new "current") refuses decisions with the old links at once; a cached page may still open', async () => {
    expect((await get(ID, sign(ALICE))).statusCode).toBe(200);
    aws.secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: OTHER_KEY.toString('base64') }) });
    // One second later: the evidence page still opens from the 5-minute cache...
    jest.spyOn(Date, 'now').mockReturnValue(NOW_MS + 1000);
    expect((await get(ID, sign(ALICE))).statusCode).toBe(200);
    // ...but the decision is refused and changes nothing.
    expectPage(await decide(ALICE, 'approve', 'ok'), 403, /This link is not valid/);
    expectNoWrites();
    // The decision's fresh read replaced the cached copy: the old link no longer opens either.
    expectPage(await get(ID, sign(ALICE)), 403, /This link is not valid/);
    // A link signed with the new key decides at once.
    expectPage(await post(ID, { ...sign(BOB, { key: OTHER_KEY }), decision: 'reject', comment: 'no' }), 200, /You rejected/);
  });

  test('an invalid signing secret is a 500 page, and the error does not leak it', async () => {
    const short = Buffer.alloc(8, 3).toString('base64');
    aws.secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: short }) });
    const result = await get(ID, sign(ALICE));
    expectPage(result, 500, /Something went wrong/);
    expect(fx.logged()).toContain('decodes to 8 bytes');
    expect(fx.logged()).not.toContain(short);
    expectNoWrites();
  });
});

describe('POST /approvals/{requestId}', () => {
  test('approve: claims the request, writes the decision record, then sends the decision to the pipeline', async () => {
    const result = await decide(ALICE, 'approve', '  AUC +1.6 points over v12; drift checks clean.  ');

    expectPage(result, 200, /You approved <code>churn<\/code> for <code>prod<\/code>/);
    expect(result.body).toContain('Decision recorded. The pipeline received your approval and continues with this candidate.');
    expect(result.body).toContain('AUC +1.6 points over v12; drift checks clean.');
    expect(result.body).toContain(RECORD_URI);

    const decidedAt = new Date(NOW_MS).toISOString();
    expect(claims()).toHaveLength(1);
    expect(claims()[0].args[0].input).toEqual({
      TableName: DEMO_ENV.APPROVAL_TABLE_NAME,
      Key: { requestId: ID },
      UpdateExpression: 'SET #status = :decided, decidedBy = :approver, decidedAt = :decidedAt, #comment = :comment',
      ConditionExpression: '#status = :pending AND expiresAt > :now',
      ExpressionAttributeNames: { '#status': 'status', '#comment': 'comment' },
      ExpressionAttributeValues: {
        ':decided': 'APPROVED', ':pending': 'PENDING', ':approver': ALICE, ':decidedAt': decidedAt,
        ':comment': 'AUC +1.6 points over v12; drift checks clean.', ':now': NOW_S,
      },
    });

    const decision: ApprovalDecision = { decision: 'approved', approver: ALICE, comment: 'AUC +1.6 points over v12; drift checks clean.', decidedAt, requestId: ID, recordUri: RECORD_URI };
    const put = aws.s3.commandCalls(PutObjectCommand);
    expect(put).toHaveLength(1);
    expect(put[0].args[0].input).toEqual(expect.objectContaining({ Bucket: BUCKET, Key: RECORD_KEY, IfNoneMatch: '*', ContentType: 'application/json' }));
    const record: DecisionRecord = {
      schemaVersion: 1, ...decision, executionArn: REQUEST.executionArn, model: 'churn', environment: 'prod',
      modelPackageArn: REQUEST.modelPackageArn, requestedAt: REQUEST.requestedAt, evidence: REQUEST.evidence,
    };
    expect(JSON.parse(String(put[0].args[0].input.Body))).toEqual(record);
    expect(String(put[0].args[0].input.Body)).not.toContain(TOKEN);

    const sent = aws.sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0].args[0].input.taskToken).toBe(TOKEN);
    expect(JSON.parse(String(sent[0].args[0].input.output))).toEqual(decision);

    // Order: claim, record, pipeline.
    expect(claims()[0].calledBefore(put[0])).toBe(true);
    expect(put[0].calledBefore(sent[0])).toBe(true);
    expect(aws.items.get(ID)).toEqual(expect.objectContaining({ status: 'APPROVED', decidedBy: ALICE, decidedAt, gateOutcome: 'delivered' }));

    const logged = fx.logged();
    expect(logged).toContain('approval decision recorded');
    expect(logged).toContain(`"approver":"${ALICE}"`);
    expect(logged).toContain('"decision":"approved"');
  });

  test('reject: the record and the pipeline get "rejected"', async () => {
    const result = await decide(BOB, 'reject', 'Recall dropped on the enterprise segment.');

    expectPage(result, 200, /You rejected <code>churn<\/code>/);
    expect(result.body).toContain('this candidate will not be promoted');
    expect(aws.items.get(ID)).toEqual(expect.objectContaining({ status: 'REJECTED', decidedBy: BOB, comment: 'Recall dropped on the enterprise segment.' }));
    expect(JSON.parse(aws.objects.get(RECORD_KEY)!)).toEqual(expect.objectContaining({ decision: 'rejected', approver: BOB, schemaVersion: 1 }));
    expect(JSON.parse(aws.delivered.get(TOKEN)!)).toEqual(expect.objectContaining({ decision: 'rejected', approver: BOB, recordUri: RECORD_URI }));
  });

  test('double click: the same decision again redoes the record write and reads the stored outcome, same page', async () => {
    const first = await decide(ALICE, 'approve', 'Looks good.');
    const second = await decide(ALICE, 'approve', 'Looks good.');

    expect(first.statusCode).toBe(200);
    expect(second).toEqual(first);
    expect(claims()).toHaveLength(1);
    expect(aws.s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
    expect(aws.objects.size).toBe(1);
    expect(aws.sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(aws.delivered.size).toBe(1);
  });

  test('two simultaneous identical submissions: one claim wins, both get the confirmation', async () => {
    const [a, b] = await Promise.all([decide(ALICE, 'approve', 'Looks good.'), decide(ALICE, 'approve', 'Looks good.')]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(a.body).toBe(b.body);
    expect(aws.items.get(ID)).toEqual(expect.objectContaining({ status: 'APPROVED', decidedBy: ALICE }));
    expect(aws.delivered.size).toBe(1);
    expect(aws.objects.size).toBe(1);
  });

  test('a retry after the claim finishes the work: record or pipeline call that failed is redone', async () => {
    aws.s3.on(PutObjectCommand).rejectsOnce(new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Slow down' }))
      .callsFake(aws.behaviours.putObject);
    aws.sfn.on(SendTaskSuccessCommand).rejectsOnce(new SFNServiceException({ name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'failure' }))
      .callsFake(aws.behaviours.sendTaskSuccess);

    const first = await decide(ALICE, 'approve', 'Ship it.');
    expectPage(first, 503, /its audit record could not be written yet\. Submit the form again \(it is safe/);
    expect(aws.sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);

    const second = await decide(ALICE, 'approve', 'Ship it.');
    expectPage(second, 503, /it could not be sent to the pipeline\. Submit the form again/);

    const third = await decide(ALICE, 'approve', 'Ship it.');
    expectPage(third, 200, /You approved/);
    expect(claims()).toHaveLength(1);
    expect(aws.delivered.size).toBe(1);
    expect(aws.items.get(ID)).toEqual(expect.objectContaining({ gateOutcome: 'delivered' }));
  });

  test('the gate already timed out: 410, the record still says what was decided, and a retry says the same', async () => {
    aws.sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: { httpStatusCode: 400 } }));

    const result = await decide(ALICE, 'approve', 'Approved, sorry for the delay.');
    expectPage(result, 410, /The approval gate timed out before your decision/);
    expect(result.body).toContain('Your decision (approved) and comment are recorded in the audit trail');
    expect(JSON.parse(aws.objects.get(RECORD_KEY)!)).toEqual(expect.objectContaining({ decision: 'approved', approver: ALICE, comment: 'Approved, sorry for the delay.' }));
    expect(aws.items.get(ID)).toEqual(expect.objectContaining({ status: 'APPROVED', gateOutcome: 'timed-out' }));

    const retry = await decide(ALICE, 'approve', 'Approved, sorry for the delay.');
    expectPage(retry, 410, /The approval gate timed out before your decision/);
    expect(aws.sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  test('an invalid task token is not reported as success, neither first nor on a retry', async () => {
    aws.sfn.on(SendTaskSuccessCommand).rejects(new InvalidToken({ message: 'Invalid Token', $metadata: { httpStatusCode: 400 } }));
    expectPage(await decide(ALICE, 'approve', 'ok'), 500, /Decision recorded but not delivered/);
    expectPage(await decide(ALICE, 'approve', 'ok'), 500, /Submitting again will not help/);
    expect(aws.items.get(ID)).toEqual(expect.objectContaining({ gateOutcome: 'undeliverable' }));
    expect(fx.logged()).toContain('"errorName":"InvalidToken"');
  });

  test('the claim loses to another approver between the read and the write: 409, nothing written', async () => {
    aws.ddb.on(UpdateCommand).callsFakeOnce((input) => {
      aws.put({ ...REQUEST, status: 'REJECTED', decidedBy: BOB, decidedAt: '2026-11-22T09:59:59.000Z', comment: 'no' });
      return updateTable(input);
    }).callsFake(updateTable);
    const result = await decide(ALICE, 'approve', 'yes');
    expectPage(result, 409, /already decided: rejected by bob@example.com at 2026-11-22 09:59:59 UTC/);
    expect(aws.sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(aws.s3).not.toHaveReceivedCommand(PutObjectCommand);
  });
});

describe('refusals: an HTML page with a 4xx status, no DynamoDB update, no S3 write, no Step Functions call', () => {
  const decidedByBob = { ...REQUEST, status: 'APPROVED' as const, decidedBy: BOB, decidedAt: '2026-11-22T09:50:00.000Z', comment: 'fine' };
  const decidedByAlice = { ...REQUEST, status: 'APPROVED' as const, decidedBy: ALICE, decidedAt: '2026-11-22T09:50:00.000Z', comment: 'fine' };
  const valid = (approver = ALICE) => ({ ...sign(approver), decision: 'approve', comment: 'Looks good.' });
  const forged = 'A'.repeat(43);
  signatures.add(forged);

  const cases: Array<{ name: string; status: number; message: RegExp; setup?: () => void; send: () => Promise<APIGatewayProxyResult> }> = [
    { name: 'forged signature (GET)', status: 403, message: /This link is not valid: it was altered or was not issued by the approval gate/, send: () => get(ID, { ...sign(ALICE), sig: forged }) },
    { name: 'forged signature (POST)', status: 403, message: /This link is not valid/, send: () => post(ID, { ...valid(), sig: forged }) },
    { name: 'link signed with an unknown key', status: 403, message: /This link is not valid/, send: () => post(ID, { ...sign(ALICE, { key: OTHER_KEY }), decision: 'approve', comment: 'x' }) },
    {
      name: 'altered requestId (a valid link pointed at another request)', status: 403, message: /This link is not valid/,
      setup: () => aws.put({ ...REQUEST, requestId: OTHER_ID }), send: () => post(OTHER_ID, valid()),
    },
    { name: 'altered approver (another approver\'s link with the name changed)', status: 403, message: /This link is not valid/, send: () => post(ID, { ...valid(BOB), approver: ALICE }) },
    { name: 'altered expiry', status: 403, message: /This link is not valid/, send: () => get(ID, { ...sign(ALICE), expires: String(REQUEST.expiresAt + 86_400) }) },
    { name: 'signature of another request', status: 403, message: /This link is not valid/, send: () => post(ID, { ...valid(), sig: sign(ALICE, { requestId: OTHER_ID }).sig }) },
    {
      name: 'expired link', status: 410, message: /This link expired at 2026-11-22 09:59:59 UTC: the approval gate has stopped waiting/,
      send: () => post(ID, { ...sign(ALICE, { expires: NOW_S - 1 }), decision: 'approve', comment: 'late' }),
    },
    {
      name: 'request expired (link valid longer than the request)', status: 410, message: /This request expired at/,
      setup: () => aws.put({ ...REQUEST, expiresAt: NOW_S - 10 }), send: () => post(ID, valid()),
    },
    { name: 'replay after decision (another approver)', status: 409, message: /already decided: approved by bob@example.com at 2026-11-22 09:50:00 UTC/, setup: () => aws.put(decidedByBob), send: () => post(ID, valid()) },
    {
      name: 'replay after decision (same approver, other decision)', status: 409, message: /already decided: approved by you at 2026-11-22 09:50:00 UTC/,
      setup: () => aws.put(decidedByAlice), send: () => post(ID, { ...valid(), decision: 'reject' }),
    },
    { name: 'opening a decided request', status: 409, message: /already decided: approved by bob@example.com/, setup: () => aws.put(decidedByBob), send: () => get(ID, sign(ALICE)) },
    { name: 'approver not in the list (validly signed)', status: 403, message: /This link was not issued to an approver of this request/, send: () => post(ID, valid('carol@example.com')) },
    { name: 'unknown request', status: 404, message: /There is no approval request with this ID/, send: () => post(OTHER_ID, { ...sign(ALICE, { requestId: OTHER_ID }), decision: 'approve', comment: 'x' }) },
    { name: 'empty comment', status: 400, message: /A comment is required/, send: () => post(ID, { ...valid(), comment: '' }) },
    { name: 'whitespace-only comment', status: 400, message: /A comment is required/, send: () => post(ID, { ...valid(), comment: ' \r\n\t ' }) },
    { name: 'missing comment', status: 400, message: /A comment is required/, send: () => post(ID, { ...sign(ALICE), decision: 'approve' }) },
    { name: 'comment with U+0080 (first C1 control)', status: 400, message: /Your comment contains control characters/, send: () => post(ID, { ...valid(), comment: 'ok\u0080' }) },
    { name: 'comment with U+009F (last C1 control)', status: 400, message: /Your comment contains control characters/, send: () => post(ID, { ...valid(), comment: '\u009fok' }) },
    {
      name: 'approver with a C1 control (U+0085)', status: 400, message: /the &quot;approver&quot; parameter is not an e-mail address/,
      send: () => get(ID, { ...sign(ALICE), approver: 'ali\u0085ce@example.com' }),
    },
    {
      name: 'raw C1 control in the body (not URL-encoded)', status: 400, message: /The form could not be read: it is not URL-encoded text/,
      send: () => handler(toApiGatewayEvent({ method: 'POST', url: `/approvals/${ID}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        Buffer.from(`${new URLSearchParams(valid())}&x=\u0085`, 'utf8'))),
    },
    { name: 'over-long comment', status: 400, message: /Your comment is 501 characters long; the limit is 500/, send: () => post(ID, { ...valid(), comment: 'x'.repeat(501) }) },
    { name: 'unknown decision', status: 400, message: /The decision must be either Approve or Reject/, send: () => post(ID, { ...valid(), decision: 'maybe' }) },
    { name: 'decision in upper case', status: 400, message: /The decision must be either Approve or Reject/, send: () => post(ID, { ...valid(), decision: 'APPROVE' }) },
    { name: 'missing decision', status: 400, message: /The decision must be either Approve or Reject/, send: () => post(ID, { ...sign(ALICE), comment: 'x' }) },
    { name: 'missing sig', status: 400, message: /the &quot;sig&quot; parameter is missing/, send: () => get(ID, { approver: ALICE, expires: String(REQUEST.expiresAt) }) },
    { name: 'missing approver', status: 400, message: /the &quot;approver&quot; parameter is missing/, send: () => post(ID, { expires: String(REQUEST.expiresAt), sig: forged, decision: 'approve', comment: 'x' }) },
    { name: 'missing expires', status: 400, message: /the &quot;expires&quot; parameter is missing/, send: () => get(ID, { approver: ALICE, sig: forged }) },
    { name: 'non-numeric expires', status: 400, message: /the &quot;expires&quot; parameter is not a time in epoch seconds/, send: () => get(ID, { ...sign(ALICE), expires: '1e12' }) },
    { name: 'malformed requestId', status: 400, message: /the request ID in its path is not valid/, send: () => get('%3Cscript%3E', sign(ALICE)) },
    {
      name: 'duplicated approver parameter', status: 400, message: /the &quot;approver&quot; parameter appears more than once/,
      send: () => handler(toApiGatewayEvent({ method: 'GET', url: `/approvals/${ID}?${new URLSearchParams(sign(BOB))}&approver=${encodeURIComponent(ALICE)}`, headers: {} }, Buffer.alloc(0))),
    },
    { name: 'wrong method (PUT)', status: 405, message: /only accepts GET \(to open a request\) and POST/, send: () => get(ID, sign(ALICE), 'PUT') },
    { name: 'wrong method (DELETE)', status: 405, message: /only accepts GET/, send: () => get(ID, sign(ALICE), 'DELETE') },
    { name: 'malformed body: JSON', status: 400, message: /must be sent as application\/x-www-form-urlencoded/, send: () => post(ID, valid(), 'application/json') },
    {
      name: 'malformed body: empty', status: 400, message: /The form could not be read: it is empty/,
      send: () => handler(toApiGatewayEvent({ method: 'POST', url: `/approvals/${ID}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, Buffer.alloc(0))),
    },
    {
      name: 'malformed body: not text', status: 400, message: /The form could not be read: it is not URL-encoded text/,
      send: () => handler({ ...toApiGatewayEvent({ method: 'POST', url: `/approvals/${ID}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, Buffer.alloc(0)), body: Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('base64'), isBase64Encoded: true }),
    },
    { name: 'malformed body: too large', status: 400, message: /it is too large/, send: () => post(ID, { ...valid(), padding: 'x'.repeat(70_000) }) },
    { name: 'no request id in the path', status: 404, message: /There is no page here/, send: () => handler({ ...toApiGatewayEvent({ method: 'GET', url: '/approvals/x', headers: {} }, Buffer.alloc(0)), pathParameters: null }) },
  ];

  test.each(cases)('$name -> $status', async ({ status, message, setup, send }) => {
    setup?.();
    const result = await send();
    expectPage(result, status, message);
    expectNoWrites();
    if (status === 405) expect(result.headers).toEqual(expect.objectContaining({ Allow: 'GET, POST' }));
    expect(fx.logged()).toContain('approval page request refused');
  });

  test('a refusal page never echoes the unverified input', async () => {
    const result = await get(ID, { approver: 'mallory<b>@example.com', expires: String(REQUEST.expiresAt), sig: forged });
    expect(result.statusCode).toBe(403);
    expect(result.body).not.toContain('mallory');
  });
});
