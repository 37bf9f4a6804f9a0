import { createHash, randomUUID } from 'crypto';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { RetrainingTrigger } from '../../contracts/trigger';
import { InvalidEventError } from '../shared/input/event';
import { isObject } from '../shared/input/json';
import { logger } from '../shared/logging/logger';
import { readConfig } from './config';
import { checkEvent } from './event';
import { claimCounters, CounterClaim, ddb, errorName, release } from './guardrails';
import { pointedTrainingData } from './training-data';
import { CheckedEvent, Decision, METRIC_NAME, RetrainConfig, RetrainResult } from './types';

const sfn = new SFNClient({});
const cloudwatch = new CloudWatchClient({});

/*
 * Starts one model's training pipeline when one of its drift alarms goes into ALARM, or when its
 * retraining schedule fires, at most once per event and never in a storm.
 *
 * **Input** (asynchronous invocation; see docs/retraining.md):
 * - an EventBridge `CloudWatch Alarm State Change` event (`source: "aws.cloudwatch"`) of an alarm
 *   listed in `ALLOWED_ALARM_ARNS`;
 * - an EventBridge Scheduler payload `{ "source": "mlops.schedule", "model": "<MODEL_NAME>", "scheduledTime": "<ISO 8601>" }`.
 *
 * **Output**: {@link RetrainResult} `{ decision, executionArn?, reason }`.
 *
 * **Errors**: a malformed or foreign event (not an object, another source or detail-type, an alarm
 * not in the allow-list, another model, a missing or mistyped field) throws {@link InvalidEventError}
 * after being logged and counted as `invalid`, so that the invocation ends in the dead-letter queue;
 * it starts nothing. An invalid configuration throws before anything else. An AWS error after the
 * event was claimed releases the claims and is rethrown, so that the asynchronous retry can start it.
 *
 * **Guardrails**, in this order (the DynamoDB table has the string partition key `pk` and the TTL
 * attribute `expiresAt`):
 * 1. idempotency: a conditional put of `event#<event id>` (kept `IDEMPOTENCY_TTL_HOURS`); already
 *    there: `duplicate`;
 * 2. an execution of the state machine is running: `running`;
 * 3. one transaction claims both the cooldown (`model#<model>`: `lastStartedAt` at least
 *    `COOLDOWN_MINUTES` ago) and a start of the UTC day (`day#<model>#<yyyy-mm-dd>`: `starts` below
 *    `MAX_STARTS_PER_DAY`): `cooldown` or `daily-cap` when it is refused;
 * 4. StartExecution with a name derived from the event id, so Step Functions itself refuses a second
 *    start of the same event (`ExecutionAlreadyExists`: `duplicate`).
 *
 * **Training data**: with `TRAINING_DATA_PARAMETER` and `TRAINING_DATA_PREFIX`, the SSM parameter the model's team sets
 * is read before the guardrails and its value passed as `trainingDataUri`; a missing parameter means the pipeline's
 * default prefix; a value outside `TRAINING_DATA_PREFIX` throws (nothing claimed, nothing started).
 *
 * Concurrent invocations are serialised by DynamoDB's conditions: of many events arriving together,
 * one wins the transaction and the others find the cooldown taken.


/**
 * The execution name of a trigger: `<type>-<yyyymmddThhmm UTC>-<16 hex of SHA-256(event id)>`, at most
 * 39 characters of `[a-z0-9T-]`. The same event always gets the same name.
 */
export function executionNameOf(trigger: Pick<RetrainingTrigger, 'type' | 'time' | 'eventId'>): string {
  const stamp = new Date(trigger.time).toISOString().slice(0, 16).replace(/[-:]/g, '');
  const hash = createHash('sha256').update(trigger.eventId, 'utf8').digest('hex').slice(0, 16);
  return `${trigger.type}-${stamp}-${hash}`;
}

/** The ARN Step Functions gives an execution of `stateMachineArn` named `name`. */
function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** Logs a decision in structured form and counts it; a metrics failure is logged, never thrown. */
async function record(
  config: RetrainConfig,
  decision: Decision,
  reason: string,
  trigger?: Partial<RetrainingTrigger>,
  executionArn?: string,
): Promise<void> {
  const fields = {
    decision,
    model: config.model,
    eventId: trigger?.eventId,
    trigger: trigger?.type,
    alarm: trigger?.alarmName,
    reason,
    executionArn,
  };
  if (decision === 'invalid') logger.warn('retraining decision', fields);
  else logger.info('retraining decision', fields);
  try {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: config.metricNamespace,
        MetricData: [
          {
            MetricName: METRIC_NAME,
            Dimensions: [
              { Name: 'Model', Value: config.model },
              { Name: 'Decision', Value: decision },
            ],
            Value: 1,
            Unit: 'Count',
          },
        ],
      }),
    );
  } catch (error) {
    logger.error('could not publish the retraining decision metric', {
      decision,
      model: config.model,
      eventId: trigger?.eventId,
      error: error as Error,
    });
  }
}

async function decide(config: RetrainConfig, trigger: RetrainingTrigger, result: RetrainResult): Promise<RetrainResult> {
  await record(config, result.decision, result.reason, trigger, result.executionArn);
  return result;
}

/** Guardrails 2 to 4, once the event is claimed. Throws on any AWS error (the caller releases the claims). */
async function guarded(
  config: RetrainConfig,
  trigger: RetrainingTrigger,
  now: number,
  claimed: { counters?: CounterClaim },
  trainingDataUri: string | undefined,
): Promise<RetrainResult> {
  const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: config.stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }));
  const execution = running.executions?.[0];
  if (execution) {
    return {
      decision: 'running',
      reason:
        `execution ${execution.name} of ${config.model}'s pipeline, started ${execution.startDate?.toISOString() ?? 'earlier'}, ` +
        'is still running',
    };
  }

  const verdict = await claimCounters(config, trigger, now);
  if (!('claim' in verdict)) return verdict;
  claimed.counters = verdict.claim;

  const name = executionNameOf(trigger);
  try {
    const input = JSON.stringify(trainingDataUri === undefined ? { trigger } : { trainingDataUri, trigger });
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: config.stateMachineArn, name, input }));
    return { decision: 'started', executionArn: started.executionArn, reason: trigger.reason };
  } catch (error) {
    if (errorName(error) !== 'ExecutionAlreadyExists') throw error;
    // An earlier attempt started it (its claims were undone after its response was lost): this
    // invocation's claims now stand for that start, so they are kept.
    return {
      decision: 'duplicate',
      executionArn: executionArnOf(config.stateMachineArn, name),
      reason: `execution ${name} of event ${trigger.eventId} already exists`,
    };
  }
}

/** The retraining trigger's Lambda handler (see the module comment). */
export async function handler(event: unknown): Promise<RetrainResult> {
  const config = readConfig();

  let checked: CheckedEvent;
  try {
    checked = checkEvent(event, config);
  } catch (error) {
    if (error instanceof InvalidEventError) {
      const id = isObject(event) && typeof event.id === 'string' ? event.id : undefined;
      await record(config, 'invalid', error.message, { eventId: id });
    }
    throw error;
  }
  const { trigger } = checked;
  if (checked.notApplicable !== undefined) return decide(config, trigger, { decision: 'not-applicable', reason: checked.notApplicable });

  // The team's choice of training data, before anything is claimed: a failure here leaves nothing to undo.
  let trainingDataUri: string | undefined;
  try {
    trainingDataUri = await pointedTrainingData(config.trainingData);
  } catch (error) {
    logger.error('retraining not started: the training data pointer could not be used', {
      model: config.model,
      eventId: trigger.eventId,
      error: error as Error,
    });
    throw error;
  }

  // Guardrail 1: idempotency. The claim id lets only this invocation delete its own claim.
  const now = Date.now();
  const claimId = randomUUID();
  try {
    await ddb.send(
      new PutCommand({
        TableName: config.tableName,
        Item: {
          pk: `event#${trigger.eventId}`,
          claimId,
          model: config.model,
          eventId: trigger.eventId,
          receivedAt: new Date(now).toISOString(),
          expiresAt: Math.floor(now / 1000) + config.idempotencyTtlHours * 3600,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
    return decide(config, trigger, { decision: 'duplicate', reason: `event ${trigger.eventId} was already received (within IDEMPOTENCY_TTL_HOURS)` });
  }

  const claimed: { counters?: CounterClaim } = {};
  let result: RetrainResult;
  try {
    result = await guarded(config, trigger, now, claimed, trainingDataUri);
  } catch (error) {
    await release(config, trigger, claimId, claimed.counters);
    logger.error('retraining not decided: claims released for a retry', { model: config.model, eventId: trigger.eventId, error: error as Error });
    throw error;
  }
  return decide(config, trigger, result);
}
