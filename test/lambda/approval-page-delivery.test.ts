import { SendTaskSuccessCommand, SFNServiceException, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../lambda/approval-page';
import { DELIVERY_LEASE_MS } from '../../lambda/approval-page/delivery';
import type { ApprovalRequest } from '../../contracts/approval';
import { signLink } from '../../lambda/shared/approval/links';
import { DEMO_SIGNING_KEY, toApiGatewayEvent } from '../../scripts/approval-page-server';
import { updateItem } from '../../scripts/dynamodb-update-fake';
import { ALICE, approvalPageFixture, BOB, NOW_MS } from './approval-page-fixture';

/**
 * Delivery of a decision under contention: exactly one request calls SendTaskSuccess at a time, every
 * other submission reads the stored outcome (or is told to retry), and the stored outcome and the page
 * are true in every interleaving. DynamoDB's update and condition expressions are evaluated for real
 * (scripts/dynamodb-update-fake.ts); Step Functions answers TaskTimedOut for a task already closed.
 */
const TOKEN = 'AQB8AAAAKgAAAAMAAAAAAAAAAf-DELIVERY-TEST-TASK-TOKEN-9f3c';
const fx = approvalPageFixture(TOKEN);
const { aws, updateTable } = fx;
const REQUEST: ApprovalRequest = fx.request;
const ID = fx.id;

const stored = (): Record<string, unknown> => aws.items.get(ID)!;
const sends = (): number => aws.sfn.commandCalls(SendTaskSuccessCommand).length;
const decided = (by = ALICE) => ({
  ...REQUEST,
  status: 'APPROVED' as const,
  decidedBy: by,
  decidedAt: '2026-11-22T09:58:00.000Z',
  comment: 'Looks good.',
});

function decide(approver = ALICE, decision = 'approve', comment = 'Looks good.'): Promise<APIGatewayProxyResult> {
  const sig = signLink(DEMO_SIGNING_KEY, ID, approver, REQUEST.expiresAt);
  const body = Buffer.from(new URLSearchParams({ approver, expires: String(REQUEST.expiresAt), sig, decision, comment }).toString(), 'utf8');
  return handler(
    toApiGatewayEvent({ method: 'POST', url: `/approvals/${ID}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, body),
  );
}

/** A SendTaskSuccess that waits until `release()` and then behaves like Step Functions. */
function holdFirstDelivery(): { started: Promise<void>; release: () => void } {
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

const serverError = (attempts = 1) =>
  new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503, attempts }, message: 'unavailable' });
const timedOut = (attempts = 1) => new TaskTimedOut({ message: 'Task Timed Out', $metadata: { httpStatusCode: 400, attempts } });

function expectSettled(outcome: string): void {
  expect(stored()).toEqual(expect.objectContaining({ status: 'APPROVED', decidedBy: ALICE, gateOutcome: outcome }));
  expect(stored()).not.toHaveProperty('deliveryLease');
  expect(stored()).not.toHaveProperty('deliveryLeaseUntil');
}

describe('two submissions while the first delivery is slow', () => {
  test('double click: the second waits for the first delivery and shows the same confirmation; one SendTaskSuccess', async () => {
    const slow = holdFirstDelivery();
    const first = decide();
    await slow.started;
    expect(stored()).toEqual(expect.objectContaining({ deliveryLease: expect.any(String), deliveryLeaseUntil: NOW_MS + DELIVERY_LEASE_MS }));
    const second = decide();
    // The second finds the lease held and waits; the first's delivery then completes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    slow.release();
    const [a, b] = await Promise.all([first, second]);

    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(b.body).toBe(a.body);
    expect(a.body).toContain('The pipeline received your approval');
    expect(sends()).toBe(1);
    expect(aws.delivered.get(TOKEN)).toBeDefined();
    expectSettled('delivered');
  });

  test('the second answers "still being sent" (503) when the first takes longer than its waits, and changes nothing', async () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    const slow = holdFirstDelivery();
    const first = decide();
    await slow.started;
    const leaseBefore = stored().deliveryLease;
    const second = decide();
    await jest.advanceTimersByTimeAsync(10_000);
    const b = await second;

    expect(b.statusCode).toBe(503);
    expect(b.body).toContain('is being sent to the pipeline right now');
    expect(b.headers).toEqual(expect.objectContaining({ 'Retry-After': '5' }));
    expect(sends()).toBe(1);
    expect(stored()).toEqual(expect.objectContaining({ deliveryLease: leaseBefore }));
    expect(stored()).not.toHaveProperty('gateOutcome');

    slow.release();
    expect((await first).statusCode).toBe(200);
    expectSettled('delivered');
    // A third submission reads the stored outcome: no second delivery.
    expect((await decide()).statusCode).toBe(200);
    expect(sends()).toBe(1);
  });

  test('the first delivery fails while the second waits: the second takes over and delivers', async () => {
    let fail!: () => void;
    let started!: () => void;
    const reached = new Promise<void>((resolve) => (started = resolve));
    aws.sfn
      .on(SendTaskSuccessCommand)
      .callsFakeOnce(
        () =>
          new Promise((_, reject) => {
            fail = () => reject(serverError());
            started();
          }),
      )
      .callsFake(aws.behaviours.sendTaskSuccess);
    const first = decide();
    await reached;
    const second = decide();
    await new Promise((resolve) => setTimeout(resolve, 50));
    fail();
    const [a, b] = await Promise.all([first, second]);

    expect(a.statusCode).toBe(503);
    expect(b.statusCode).toBe(200);
    expect(sends()).toBe(2);
    expectSettled('delivered');
    // The failed call may have reached Step Functions: the item says so.
    expect(stored().deliveryInDoubt).toBe(true);
  });

  test("another approver's decision during the delivery is refused (409) and never delivered", async () => {
    const slow = holdFirstDelivery();
    const first = decide();
    await slow.started;
    const other = await decide(BOB, 'reject', 'No.');
    slow.release();
    expect((await first).statusCode).toBe(200);
    expect(other.statusCode).toBe(409);
    expect(other.body).toContain('already decided: approved by alice@example.com');
    expect(sends()).toBe(1);
  });
});

describe('what Step Functions answers, and what is stored', () => {
  test('a real gate timeout on the first delivery: 410, stored "timed-out"; a duplicate reads it without calling again', async () => {
    aws.sfn.on(SendTaskSuccessCommand).rejects(timedOut());
    expect((await decide()).statusCode).toBe(410);
    expectSettled('timed-out');
    const again = await decide();
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('the approval gate timed out, or the run was stopped');
    expect(sends()).toBe(1);
  });

  test('TaskDoesNotExist on the first delivery is a closed task too: 410', async () => {
    aws.sfn.on(SendTaskSuccessCommand).rejects(new TaskDoesNotExist({ message: 'gone', $metadata: { httpStatusCode: 400 } }));
    expect((await decide()).statusCode).toBe(410);
    expectSettled('timed-out');
  });

  test('a failure that may have reached Step Functions, then TaskTimedOut: page and item say it cannot be told (202, "unknown")', async () => {
    // The first call's answer is lost (503 after Step Functions may have closed the task); the retry finds the task closed.
    aws.sfn.on(SendTaskSuccessCommand).rejectsOnce(serverError()).rejects(timedOut());
    expect((await decide()).statusCode).toBe(503);
    expect(stored()).toEqual(expect.objectContaining({ deliveryInDoubt: true }));
    expect(stored()).not.toHaveProperty('deliveryLease');

    const retry = await decide();
    expect(retry.statusCode).toBe(202);
    expect(retry.body).toContain('this page cannot tell whether the pipeline received it or had timed out first');
    expect(retry.body).toContain(REQUEST.executionArn);
    expectSettled('unknown');
    expect(sends()).toBe(2);
  });

  test("a refusal by Step Functions (4xx) is not a doubt: the retry's TaskTimedOut is a timeout (410)", async () => {
    const denied = new SFNServiceException({
      name: 'KmsAccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'denied',
    });
    aws.sfn.on(SendTaskSuccessCommand).rejectsOnce(denied).rejects(timedOut());
    expect((await decide()).statusCode).toBe(503);
    expect(stored()).not.toHaveProperty('deliveryInDoubt');
    expect((await decide()).statusCode).toBe(410);
    expectSettled('timed-out');
  });

  test('TaskTimedOut after the SDK retried inside one call is in doubt too ("unknown")', async () => {
    aws.sfn.on(SendTaskSuccessCommand).rejects(timedOut(2));
    expect((await decide()).statusCode).toBe(202);
    expectSettled('unknown');
  });

  test('throttling is retried at once (a throttled call was not applied)', async () => {
    const throttled = new SFNServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Rate exceeded',
    });
    aws.sfn.on(SendTaskSuccessCommand).rejectsOnce(throttled).callsFake(aws.behaviours.sendTaskSuccess);
    expect((await decide()).statusCode).toBe(200);
    expect(sends()).toBe(2);
    expectSettled('delivered');
  });

  test('InvalidToken: 500 "not delivered", stored "undeliverable"; a retry does not call again', async () => {
    aws.sfn
      .on(SendTaskSuccessCommand)
      .rejects(new SFNServiceException({ name: 'InvalidToken', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Invalid Token' }));
    const first = await decide();
    expect(first.statusCode).toBe(500);
    expect(first.body).toContain('Step Functions refused this request&#39;s task token');
    expectSettled('undeliverable');
    expect((await decide()).statusCode).toBe(500);
    expect(sends()).toBe(1);
    expect(fx.logged()).toContain('"errorName":"InvalidToken"');
  });
});

describe('a delivery whose request stopped (Lambda timeout or crash) holding the lease', () => {
  test('while the lease runs, a resubmission waits and does not deliver', async () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    aws.put({ ...decided(), deliveryLease: 'still-running', deliveryLeaseUntil: NOW_MS + 1 });
    const pending = decide();
    await jest.advanceTimersByTimeAsync(10_000);
    expect((await pending).statusCode).toBe(503);
    expect(sends()).toBe(0);
  });

  test('after it expires, the next submission takes it over; the task already closed means "unknown", not a timeout', async () => {
    aws.put({ ...decided(), deliveryLease: 'crashed', deliveryLeaseUntil: NOW_MS });
    // The crashed request had reached Step Functions: the task is closed.
    aws.delivered.set(TOKEN, '{}');
    const result = await decide();
    expect(result.statusCode).toBe(202);
    expectSettled('unknown');
    expect(stored().deliveryInDoubt).toBe(true);
  });

  test('after it expires, a delivery that succeeds is a delivery (the crashed request never reached Step Functions)', async () => {
    aws.put({ ...decided(), deliveryLease: 'crashed', deliveryLeaseUntil: NOW_MS - 1 });
    expect((await decide()).statusCode).toBe(200);
    expectSettled('delivered');
  });

  test("a lease is taken only by compare-and-set: a takeover that lost the race reads the winner's outcome", async () => {
    aws.put({ ...decided(), deliveryLease: 'crashed', deliveryLeaseUntil: NOW_MS - 1 });
    // Between this request's read and its takeover, another request took the lease and delivered.
    aws.ddb
      .on(UpdateCommand)
      .callsFakeOnce((input) => {
        aws.put({ ...decided(), gateOutcome: 'delivered', deliveryInDoubt: true });
        return updateTable(input);
      })
      .callsFake(updateTable);
    expect((await decide()).statusCode).toBe(200);
    expect(sends()).toBe(0);
    expect(aws.ddb.commandCalls(GetCommand).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the DynamoDB fake these tests rely on', () => {
  const table = (): Map<string, Record<string, unknown>> => new Map([['r', { requestId: 'r', status: 'APPROVED', until: 5 }]]);

  test('a failed condition throws ConditionalCheckFailedException and changes nothing', () => {
    const items = table();
    const input = {
      Key: { requestId: 'r' },
      UpdateExpression: 'SET a = :a',
      ConditionExpression: 'attribute_not_exists(until) OR until > :now',
      ExpressionAttributeValues: { ':a': 1, ':now': 5 },
    };
    expect(() => updateItem(items, 'requestId', input)).toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
    expect(items.get('r')).toEqual({ requestId: 'r', status: 'APPROVED', until: 5 });
  });

  test('SET and REMOVE apply together; names and values come from their placeholders', () => {
    const items = table();
    updateItem(items, 'requestId', {
      Key: { requestId: 'r' },
      UpdateExpression: 'SET #s = :s REMOVE until',
      ConditionExpression: '(#s = :old AND until <= :now) AND NOT attribute_exists(gone)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'DONE', ':old': 'APPROVED', ':now': 5 },
    });
    expect(items.get('r')).toEqual({ requestId: 'r', status: 'DONE' });
  });

  test('an expression it does not understand is refused, never guessed', () => {
    expect(() =>
      updateItem(table(), 'requestId', { Key: { requestId: 'r' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } }),
    ).toThrow(/Fake DynamoDB/);
    expect(() =>
      updateItem(table(), 'requestId', {
        Key: { requestId: 'r' },
        UpdateExpression: 'SET a = :a',
        ConditionExpression: 'status <> :x',
        ExpressionAttributeValues: { ':a': 1, ':x': 'y' },
      }),
    ).toThrow(/operator <> is not supported/);
  });
});
