/** Requests to the approval page and the checks its tests share: signed links, GET and POST events, the page's invariants. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/approval-page';
import { RESPONSE_HEADERS } from '../../lambda/approval-page/response';
import type { ApprovalRequest } from '../../contracts/approval';
import { signLink } from '../../lambda/shared/approval/links';
import { DEMO_ENV, DEMO_SIGNING_KEY, toApiGatewayEvent } from '../../scripts/approval-page-server';
import { approvalPageFixture } from './approval-page-fixture';

export const TOKEN = 'AQB8AAAAKgAAAAMAAAAAAAAAAf-UNIT-TEST-TASK-TOKEN-must-never-leak-9f3c';
export const KEY = DEMO_SIGNING_KEY;
export const OTHER_KEY = Buffer.alloc(32, 0x5a);
export const fx = approvalPageFixture(TOKEN);
export const { aws, updateTable } = fx;
export const REQUEST: ApprovalRequest = fx.request;
export const ID = fx.id;
export const OTHER_ID = 'b3RoZXItcmVxdWVzdC0wMDAwMDAwMDAw';
export const BUCKET = DEMO_ENV.AUDIT_BUCKET_NAME;
export const RECORD_KEY = `${DEMO_ENV.DECISION_PREFIX}${ID}.json`;
export const RECORD_URI = `s3://${BUCKET}/${RECORD_KEY}`;
/** Every signature a test used: none may be logged. */
export const signatures = fx.mustNotLog;

export function sign(approver: string, options: { requestId?: string; expires?: number; key?: Buffer } = {}): Record<string, string> {
  const expires = options.expires ?? REQUEST.expiresAt;
  const sig = signLink(options.key ?? KEY, options.requestId ?? ID, approver, expires);
  signatures.add(sig);
  return { approver, expires: String(expires), sig };
}

export function get(requestId: string, query: Record<string, string>, method = 'GET'): Promise<APIGatewayProxyResult> {
  return handler(toApiGatewayEvent({ method, url: `/approvals/${requestId}?${new URLSearchParams(query)}`, headers: { host: 'approvals.example.com' } }, Buffer.alloc(0)));
}

export function post(
  requestId: string, fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded',
): Promise<APIGatewayProxyResult> {
  const body = Buffer.from(new URLSearchParams(fields).toString(), 'utf8');
  return handler(toApiGatewayEvent({ method: 'POST', url: `/approvals/${requestId}`, headers: { host: 'approvals.example.com', 'content-type': contentType } }, body));
}

export function decide(approver: string, decision: string, comment: string, requestId = ID): Promise<APIGatewayProxyResult> {
  return post(requestId, { ...sign(approver, { requestId }), decision, comment });
}

export const claims = () => aws.ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.UpdateExpression).includes('#status'));

export function expectNoWrites(): void {
  expect(aws.sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  expect(aws.s3).not.toHaveReceivedCommand(PutObjectCommand);
  expect(aws.ddb).not.toHaveReceivedCommand(UpdateCommand);
}

export function expectPage(result: APIGatewayProxyResult, statusCode: number, message: RegExp | string): void {
  expect({ statusCode: result.statusCode, message: result.body }).toEqual({ statusCode, message: expect.stringMatching(message) });
  expect(result.headers).toEqual(expect.objectContaining(RESPONSE_HEADERS));
  expect(result.body).not.toContain(TOKEN);
  expect(result.body).toMatch(/^<!doctype html>/);
}
