import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { clearSecretCache, SECRET_CACHE_MS } from '../../lambda/approval-page/secret';
import { DEMO_ENV, demoRequest } from '../../scripts/approval-page-server';
import { ALICE, BOB, NOW_MS, NOW_S } from './approval-page-fixture';
import { aws, decide, expectNoWrites, expectPage, fx, get, ID, KEY, OTHER_KEY, post, REQUEST, sign, TOKEN } from './approval-page-builders';

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
    aws.put(demoRequest(NOW_S, {
      taskToken: TOKEN,
      evidence: { ...REQUEST.evidence, approvedValue: undefined, approvedModelPackageArn: undefined },
    }));
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
