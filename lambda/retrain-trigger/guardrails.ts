import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RetrainingTrigger } from '../../contracts/trigger';
import { isObject } from '../shared/input/json';
import { logger } from '../shared/logging/logger';
import { NEVER, RetrainConfig, TRANSACTION_ATTEMPTS } from './types';

/*
 * Guardrails 1 and 3 of the retraining trigger (index.ts) in its DynamoDB table: the claims of an event, of the model's
 * cooldown and of a start of the day, and their release when the start fails.
 */

/** The table's client (the idempotency claim is written by the handler). */
export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

/** The name of an AWS error, or undefined. */
export function errorName(error: unknown): string | undefined {
  return isObject(error) && typeof error.name === 'string' ? error.name : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the counter transaction claimed, to undo it if the start fails. */
export interface CounterClaim {
  readonly modelKey: string;
  readonly dayKey: string;
  readonly startedAt: number;
}

/** The transaction's outcome: the claim, or why it was refused. */
export type CounterVerdict = { readonly claim: CounterClaim } | { readonly decision: 'cooldown' | 'daily-cap'; readonly reason: string };

/** The item attribute `name` of a cancellation reason's `Item` (low-level `{ N: "..." }` form), as a number. */
function numberIn(item: unknown, name: string): number | undefined {
  const attribute = isObject(item) ? item[name] : undefined;
  return isObject(attribute) && typeof attribute.N === 'string' ? Number(attribute.N) : undefined;
}

/**
 * Guardrail 3: one transaction takes the cooldown (`model#<model>`) and a start of the UTC day
 * (`day#<model>#<yyyy-mm-dd>`), or neither. A transaction that meets another one on the same items
 * (`TransactionConflict`) is tried again after a short random pause: by then the other has committed
 * and the conditions decide.
 */
export async function claimCounters(config: RetrainConfig, trigger: RetrainingTrigger, now: number): Promise<CounterVerdict> {
  const day = new Date(now).toISOString().slice(0, 10);
  const dayStart = Date.parse(`${day}T00:00:00.000Z`);
  const cooldownMs = config.cooldownMinutes * 60_000;
  const claim: CounterClaim = { modelKey: `model#${config.model}`, dayKey: `day#${config.model}#${day}`, startedAt: now };
  const command = new TransactWriteCommand({
    TransactItems: [
      {
        Update: {
          TableName: config.tableName,
          Key: { pk: claim.modelKey },
          UpdateExpression: 'SET #last = :now, #previous = if_not_exists(#last, :never), #by = :eventId',
          ConditionExpression: 'attribute_not_exists(#last) OR #last <= :threshold',
          ExpressionAttributeNames: { '#last': 'lastStartedAt', '#previous': 'previousStartedAt', '#by': 'lastEventId' },
          ExpressionAttributeValues: { ':now': now, ':never': NEVER, ':eventId': trigger.eventId, ':threshold': now - cooldownMs },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Update: {
          TableName: config.tableName,
          Key: { pk: claim.dayKey },
          UpdateExpression: 'SET #expires = :expires ADD #starts :one',
          ConditionExpression: 'attribute_not_exists(#starts) OR #starts < :max',
          ExpressionAttributeNames: { '#starts': 'starts', '#expires': 'expiresAt' },
          // Kept until the end of the next UTC day.
          ExpressionAttributeValues: { ':one': 1, ':max': config.maxStartsPerDay, ':expires': Math.floor(dayStart / 1000) + 2 * 86_400 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ],
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await ddb.send(command);
      return { claim };
    } catch (error) {
      if (errorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string; Item?: unknown }[] }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        const last = numberIn(reasons[0].Item, 'lastStartedAt');
        const reason =
          last === undefined
            ? `a retraining of ${config.model} started less than ${config.cooldownMinutes} minutes ago (COOLDOWN_MINUTES)`
            : `a retraining of ${config.model} started at ${new Date(last).toISOString()}; the cooldown of ${config.cooldownMinutes} minutes ` +
              `(COOLDOWN_MINUTES) ends at ${new Date(last + cooldownMs).toISOString()}`;
        return { decision: 'cooldown', reason };
      }
      if (reasons[1]?.Code === 'ConditionalCheckFailed') {
        const starts = numberIn(reasons[1].Item, 'starts') ?? config.maxStartsPerDay;
        return {
          decision: 'daily-cap',
          reason:
            `${starts} retrainings of ${config.model} already started on ${day} (UTC), the maximum per day (MAX_STARTS_PER_DAY); ` +
            `the next may start from ${new Date(dayStart + 86_400_000).toISOString()}`,
        };
      }
      if (attempt < TRANSACTION_ATTEMPTS && reasons.some((r) => r.Code === 'TransactionConflict')) {
        await sleep(20 + Math.random() * 80 * attempt);
        continue;
      }
      throw error;
    }
  }
}

/**
 * Undoes what an invocation claimed, so that the asynchronous retry of its event can start it: the
 * idempotency item (only if it is still this invocation's), the cooldown (only if no other start
 * took it since) and the day's start. Best effort: a failure is logged, never thrown over the
 * original error.
 */
export async function release(config: RetrainConfig, trigger: RetrainingTrigger, claimId: string, counters: CounterClaim | undefined): Promise<void> {
  const undo: { pk: string; send: () => Promise<unknown> }[] = [
    {
      pk: `event#${trigger.eventId}`,
      send: () =>
        ddb.send(
          new DeleteCommand({
            TableName: config.tableName,
            Key: { pk: `event#${trigger.eventId}` },
            ConditionExpression: '#claim = :claim',
            ExpressionAttributeNames: { '#claim': 'claimId' },
            ExpressionAttributeValues: { ':claim': claimId },
          }),
        ),
    },
  ];
  if (counters) {
    undo.push(
      {
        pk: counters.modelKey,
        send: () =>
          ddb.send(
            new UpdateCommand({
              TableName: config.tableName,
              Key: { pk: counters.modelKey },
              UpdateExpression: 'SET #last = #previous REMOVE #by',
              ConditionExpression: '#by = :eventId AND #last = :now',
              ExpressionAttributeNames: { '#last': 'lastStartedAt', '#previous': 'previousStartedAt', '#by': 'lastEventId' },
              ExpressionAttributeValues: { ':eventId': trigger.eventId, ':now': counters.startedAt },
            }),
          ),
      },
      {
        pk: counters.dayKey,
        send: () =>
          ddb.send(
            new UpdateCommand({
              TableName: config.tableName,
              Key: { pk: counters.dayKey },
              UpdateExpression: 'ADD #starts :minusOne',
              ConditionExpression: '#starts > :zero',
              ExpressionAttributeNames: { '#starts': 'starts' },
              ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
            }),
          ),
      },
    );
  }
  const results = await Promise.allSettled(undo.map((u) => u.send()));
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    // A failed condition means another invocation changed the item since: it is theirs now.
    const superseded = errorName(result.reason) === 'ConditionalCheckFailedException';
    logger[superseded ? 'warn' : 'error']('could not undo a retraining claim', {
      pk: undo[i].pk,
      model: config.model,
      eventId: trigger.eventId,
      superseded,
      error: result.reason as Error,
    });
  });
}
