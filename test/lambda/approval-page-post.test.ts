import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { InvalidToken, SendTaskSuccessCommand, SFNServiceException, TaskTimedOut } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import type { ApprovalDecision, DecisionRecord } from '../../contracts/approval';
import { DEMO_ENV } from '../../scripts/approval-page-server';
import { ALICE, BOB, NOW_MS, NOW_S } from './approval-page-fixture';
import { aws, BUCKET, claims, decide, expectPage, fx, ID, RECORD_KEY, RECORD_URI, REQUEST, TOKEN, updateTable } from './approval-page-builders';

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
