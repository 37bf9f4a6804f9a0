import { SendTaskSuccessCommand, SFNServiceException, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import 'aws-sdk-client-mock-jest';
import { aws, decide, expectSettled, fx, REQUEST, sends, serverError, stored, timedOut } from './approval-page-delivery-fixture';

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
