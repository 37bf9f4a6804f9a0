import { randomUUID } from 'crypto';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApprovalDecision, GateOutcome, StoredApprovalRequest } from '../../contracts/approval';
import { logger } from '../shared/logging/logger';

/**
 * Delivery of a claimed decision to the waiting pipeline: exactly one request calls SendTaskSuccess at a
 * time, and the outcome it learns is stored once and read by every other request.
 *
 * States on the request's item, after the claim (`status` APPROVED or REJECTED):
 * - no `deliveryLease`, no `gateOutcome`: nobody is delivering; the next submission takes the lease.
 * - `deliveryLease` (a random id) with `deliveryLeaseUntil` (epoch ms) in the future: one request is
 *   delivering. Others wait briefly for the outcome, then answer "still being delivered" (503).
 *   The lease outlives the function's timeout ({@link DELIVERY_LEASE_MS}), so a holder cannot still be
 *   running when its lease is taken over.
 * - `deliveryLease` expired without an outcome: its holder stopped (timeout, crash) possibly after Step
 *   Functions received its call. The next request takes the lease over and sets `deliveryInDoubt`.
 * - `deliveryInDoubt`: an earlier SendTaskSuccess may have reached Step Functions without an answer (a
 *   network error, a 5xx, a holder that stopped). Step Functions answers TaskTimedOut both for a task
 *   that timed out and for one that is already closed, so after a doubt that answer cannot tell
 *   "delivered" from "timed out".
 * - `gateOutcome` (final, written only by the lease holder, which then drops the lease):
 *   `delivered` (SendTaskSuccess succeeded), `timed-out` (TaskTimedOut or TaskDoesNotExist, no earlier
 *   attempt in doubt: the pipeline had stopped waiting before any of our calls reached it),
 *   `unknown` (the same answers after a doubt) or `undeliverable` (InvalidToken).
 * Any other error of SendTaskSuccess drops the lease (setting `deliveryInDoubt` unless Step Functions
 * answered with a 4xx, which means it refused the call) and answers 503: submitting again retries.
 */

/** How long a delivery lease lasts: longer than the page function's timeout (one minute). */
export const DELIVERY_LEASE_MS = 90_000;
/** A request that finds delivery in progress re-reads the outcome after each of these waits (3.75 s in all). */
export const DELIVERY_WAITS_MS: readonly number[] = [250, 500, 1000, 2000];
/** SendTaskSuccess is retried after these waits when throttled (a throttled call was not applied). */
export const THROTTLE_WAITS_MS: readonly number[] = [200, 800];

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling']);

/** A failure after the request was claimed: submitting again is safe and finishes the work. */
export class RetryableFailure extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'RetryableFailure';
  }
}

/** The clients and table delivery works with. */
export interface DeliveryContext {
  readonly ddb: DynamoDBDocumentClient;
  /** Without SDK retries: every HTTP attempt must be accounted for (see `deliveryInDoubt`). */
  readonly sfn: SFNClient;
  readonly tableName: string;
}

/** An error's name, `Error` when it has none. */
export function errorName(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : 'Error';
}

function metadata(error: unknown): { httpStatusCode?: number; attempts?: number } {
  return (error as { $metadata?: { httpStatusCode?: number; attempts?: number } } | undefined)?.$metadata ?? {};
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function load(ctx: DeliveryContext, requestId: string): Promise<StoredApprovalRequest | undefined> {
  const out = await ctx.ddb.send(new GetCommand({ TableName: ctx.tableName, Key: { requestId }, ConsistentRead: true }));
  return out.Item as StoredApprovalRequest | undefined;
}

interface Lease {
  readonly id: string;
  /** An earlier call may have reached Step Functions: TaskTimedOut is then ambiguous. */
  readonly inDoubt: boolean;
}

/** Takes the delivery lease when it is free or expired (compare-and-set on what was read); undefined when another request won. */
async function acquire(ctx: DeliveryContext, item: StoredApprovalRequest, nowMs: number): Promise<Lease | undefined> {
  const id = randomUUID();
  const takeover = typeof item.deliveryLease === 'string';
  try {
    await ctx.ddb.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: { requestId: item.requestId },
        UpdateExpression: `SET deliveryLease = :lease, deliveryLeaseUntil = :until${takeover ? ', deliveryInDoubt = :doubt' : ''}`,
        ConditionExpression:
          'attribute_exists(decidedBy) AND attribute_not_exists(gateOutcome) AND ' +
          (takeover ? 'deliveryLease = :previous AND deliveryLeaseUntil <= :now' : 'attribute_not_exists(deliveryLease)'),
        ExpressionAttributeValues: {
          ':lease': id,
          ':until': nowMs + DELIVERY_LEASE_MS,
          ...(takeover ? { ':doubt': true, ':previous': item.deliveryLease, ':now': nowMs } : {}),
        },
      }),
    );
  } catch (error) {
    if (errorName(error) === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
  if (takeover) logger.warn('took over an expired delivery lease: an earlier delivery may have reached the pipeline', { requestId: item.requestId });
  return { id, inDoubt: takeover || item.deliveryInDoubt === true };
}

/** Stores the final outcome and drops the lease (retried: losing it would leave the outcome to a later, doubtful attempt). */
async function finish(ctx: DeliveryContext, requestId: string, lease: Lease, outcome: GateOutcome): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.ddb.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: { requestId },
          UpdateExpression: 'SET gateOutcome = :outcome REMOVE deliveryLease, deliveryLeaseUntil',
          ConditionExpression: 'deliveryLease = :lease',
          ExpressionAttributeValues: { ':outcome': outcome, ':lease': lease.id },
        }),
      );
      return;
    } catch (error) {
      const name = errorName(error);
      if (name === 'ConditionalCheckFailedException' || attempt >= 3) {
        // The answer below is still true; a later submission finds no outcome and settles it again.
        logger.error('could not store the gate outcome', { requestId, outcome, errorName: name });
        return;
      }
    }
  }
}

/** Drops the lease after a failed call; `inDoubt` when the call may have reached Step Functions. */
async function release(ctx: DeliveryContext, requestId: string, lease: Lease, inDoubt: boolean): Promise<void> {
  try {
    await ctx.ddb.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: { requestId },
        UpdateExpression: `${inDoubt ? 'SET deliveryInDoubt = :doubt ' : ''}REMOVE deliveryLease, deliveryLeaseUntil`,
        ConditionExpression: 'deliveryLease = :lease',
        ExpressionAttributeValues: { ':lease': lease.id, ...(inDoubt ? { ':doubt': true } : {}) },
      }),
    );
  } catch (error) {
    // The lease then expires, and whoever takes it over counts this attempt as in doubt.
    logger.warn('could not release the delivery lease', { requestId, errorName: errorName(error) });
  }
}

async function sendTaskSuccess(ctx: DeliveryContext, taskToken: string, decision: ApprovalDecision): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decision) }));
      return;
    } catch (error) {
      if (!THROTTLING.has(errorName(error)) || attempt >= THROTTLE_WAITS_MS.length) throw error;
      await sleep(THROTTLE_WAITS_MS[attempt]);
    }
  }
}

/** Calls SendTaskSuccess holding the lease and stores what Step Functions answered. */
async function deliverHolding(ctx: DeliveryContext, item: StoredApprovalRequest, decision: ApprovalDecision, lease: Lease): Promise<GateOutcome> {
  let outcome: GateOutcome = 'delivered';
  try {
    await sendTaskSuccess(ctx, item.taskToken, decision);
  } catch (error) {
    // Only the error's name is ever logged: Step Functions messages are not echoed anywhere.
    const name = errorName(error);
    const { httpStatusCode, attempts } = metadata(error);
    if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist') {
      // More than one HTTP attempt inside this call: an earlier one may have closed the task.
      outcome = lease.inDoubt || (attempts ?? 1) > 1 ? 'unknown' : 'timed-out';
    } else if (name === 'InvalidToken') {
      outcome = 'undeliverable';
    } else {
      const refused = httpStatusCode !== undefined && httpStatusCode >= 400 && httpStatusCode < 500;
      await release(ctx, item.requestId, lease, !refused);
      logger.error('could not send the decision to the pipeline', {
        requestId: item.requestId,
        executionArn: item.executionArn,
        errorName: name,
        inDoubt: !refused,
      });
      throw new RetryableFailure(
        'Your decision is saved, but it could not be sent to the pipeline. ' +
          'Submit the form again (it is safe); if this persists, contact the platform team.',
        'delivery-failed',
      );
    }
    logger.warn('the pipeline did not take the decision', {
      requestId: item.requestId,
      executionArn: item.executionArn,
      errorName: name,
      gateOutcome: outcome,
    });
  }
  await finish(ctx, item.requestId, lease, outcome);
  return outcome;
}

/**
 * The outcome of delivering `decision` for the claimed request `claimed`: the stored one when there is
 * one; else this request delivers (when the lease is free or expired) or waits for the request that is
 * delivering. Throws {@link RetryableFailure} when delivery failed or is still in progress after the waits.
 */
export async function settleDelivery(ctx: DeliveryContext, claimed: StoredApprovalRequest, decision: ApprovalDecision): Promise<GateOutcome> {
  let item: StoredApprovalRequest | undefined = claimed;
  let waits = 0;
  for (let round = 0; round < DELIVERY_WAITS_MS.length + 4; round++) {
    if (!item) throw new Error(`Approval request ${claimed.requestId} disappeared during delivery`);
    if (item.gateOutcome) return item.gateOutcome;
    const nowMs = Date.now();
    const held = typeof item.deliveryLease === 'string' && typeof item.deliveryLeaseUntil === 'number' && item.deliveryLeaseUntil > nowMs;
    if (!held) {
      const lease = await acquire(ctx, item, nowMs);
      if (lease) return deliverHolding(ctx, item, decision, lease);
    } else if (waits < DELIVERY_WAITS_MS.length) {
      await sleep(DELIVERY_WAITS_MS[waits++]);
    } else {
      break;
    }
    item = await load(ctx, claimed.requestId);
  }
  logger.info('decision still being delivered by another request', { requestId: claimed.requestId });
  throw new RetryableFailure(
    'Your decision is saved and is being sent to the pipeline right now. ' +
      'Reload this page or submit the form again in a few seconds to see the result.',
    'delivery-in-progress',
  );
}
