import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { DELIVERY_LEASE_MS } from '../../lambda/approval-page/delivery';
import { ALICE, BOB, NOW_MS } from './approval-page-fixture';
import {
  aws, decide, decided, expectSettled, holdFirstDelivery, sends, serverError, stored, TOKEN, updateTable,
} from './approval-page-delivery-fixture';

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
    expect(JSON.parse(aws.delivered.get(TOKEN) ?? 'null'))
      .toEqual(expect.objectContaining({ decision: 'approved', approver: ALICE, comment: 'Looks good.' }));
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
