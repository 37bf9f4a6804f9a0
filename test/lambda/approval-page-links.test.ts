import { createHmac } from 'crypto';
import 'aws-sdk-client-mock-jest';
import { escapeHtml, formatDelta, formatTime } from '../../lambda/approval-page/format';
import { parseForm, validateComment } from '../../lambda/approval-page/parse';
import { MAX_COMMENT_LENGTH } from '../../lambda/approval-page/render';
import { buildLink } from '../../contracts/approval-link';
import { parseSecret, signLink, verifyLink } from '../../lambda/shared/approval/links';
import { ALICE, BOB, NOW_S } from './approval-page-fixture';
import { ID, KEY, OTHER_ID, OTHER_KEY, REQUEST, sign } from './approval-page-builders';

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
