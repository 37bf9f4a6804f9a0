import type { APIGatewayProxyResult } from 'aws-lambda';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/approval-page';
import { toApiGatewayEvent } from '../../scripts/approval-page-server';
import { ALICE, BOB, NOW_S } from './approval-page-fixture';
import { aws, expectNoWrites, expectPage, fx, get, ID, OTHER_ID, OTHER_KEY, post, REQUEST, sign, signatures } from './approval-page-builders';

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
