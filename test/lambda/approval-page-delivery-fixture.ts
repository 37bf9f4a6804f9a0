import { SendTaskSuccessCommand, SFNServiceException, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyResult } from 'aws-lambda';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/approval-page';
import type { ApprovalRequest } from '../../contracts/approval';
import { signLink } from '../../lambda/shared/approval/links';
import { DEMO_SIGNING_KEY, toApiGatewayEvent } from '../../scripts/approval-page-server';
import { ALICE, approvalPageFixture } from './approval-page-fixture';

/**
 * Delivery of a decision under contention: exactly one request calls SendTaskSuccess at a time, every
 * other submission reads the stored outcome (or is told to retry), and the stored outcome and the page
 * are true in every interleaving. DynamoDB's update and condition expressions are evaluated for real
 * (scripts/dynamodb-update-fake.ts); Step Functions answers TaskTimedOut for a task already closed.
 */
export const TOKEN = 'AQB8AAAAKgAAAAMAAAAAAAAAAf-DELIVERY-TEST-TASK-TOKEN-9f3c';
export const fx = approvalPageFixture(TOKEN);
export const { aws, updateTable } = fx;
export const REQUEST: ApprovalRequest = fx.request;
const ID = fx.id;

export const stored = (): Record<string, unknown> => aws.items.get(ID)!;
export const sends = (): number => aws.sfn.commandCalls(SendTaskSuccessCommand).length;
export const decided = (by = ALICE) => ({
  ...REQUEST,
  status: 'APPROVED' as const,
  decidedBy: by,
  decidedAt: '2026-11-22T09:58:00.000Z',
  comment: 'Looks good.',
});

export function decide(approver = ALICE, decision = 'approve', comment = 'Looks good.'): Promise<APIGatewayProxyResult> {
  const sig = signLink(DEMO_SIGNING_KEY, ID, approver, REQUEST.expiresAt);
  const body = Buffer.from(new URLSearchParams({ approver, expires: String(REQUEST.expiresAt), sig, decision, comment }).toString(), 'utf8');
  return handler(
    toApiGatewayEvent({ method: 'POST', url: `/approvals/${ID}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, body),
  );
}

/** A SendTaskSuccess that waits until `release()` and then behaves like Step Functions. */
export function holdFirstDelivery(): { started: Promise<void>; release: () => void } {
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  aws.sfn
    .on(SendTaskSuccessCommand)
    .callsFakeOnce(async (input) => {
      started();
      await gate;
      return aws.behaviours.sendTaskSuccess(input);
    })
    .callsFake(aws.behaviours.sendTaskSuccess);
  return { started: startedPromise, release };
}

export const serverError = (attempts = 1) =>
  new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503, attempts }, message: 'unavailable' });
export const timedOut = (attempts = 1) => new TaskTimedOut({ message: 'Task Timed Out', $metadata: { httpStatusCode: 400, attempts } });

export function expectSettled(outcome: string): void {
  expect(stored()).toEqual(expect.objectContaining({ status: 'APPROVED', decidedBy: ALICE, gateOutcome: outcome }));
  expect(stored()).not.toHaveProperty('deliveryLease');
  expect(stored()).not.toHaveProperty('deliveryLeaseUntil');
}
