/**
 * The endpoint calls the audit reads from CloudTrail event history: what one event says, and how far back the history goes.
 */
/** A CloudTrail event that created, updated or deleted one endpoint. */
export interface EndpointEvent {
  readonly eventName: string;
  readonly eventTime: Date;
  readonly endpointName: string;
  /** The configuration the call asked for (`requestParameters.endpointConfigName`); absent for `DeleteEndpoint`. */
  readonly endpointConfigName?: string;
  /** Who called (`userIdentity.arn`, or the session issuer for an assumed role). */
  readonly caller?: string;
  readonly requestId?: string;
  readonly eventId?: string;
  /** The call's error code when it failed (nothing changed then). */
  readonly errorCode?: string;
}

/** How long CloudTrail event history (`LookupEvents`) reaches back. */
export const EVENT_HISTORY_DAYS = 90;
/** Endpoint calls looked up in CloudTrail. */
export const ENDPOINT_EVENT_NAMES = ['CreateEndpoint', 'UpdateEndpoint', 'DeleteEndpoint'] as const;

/** The endpoint fields of one CloudTrail event's JSON; `undefined` when it is not about an endpoint. */
export function parseEndpointEvent(
  json: string | undefined,
  eventName: string,
  eventTime: Date | undefined,
): (Omit<EndpointEvent, 'eventId'> & { eventId?: string }) | undefined {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(json ?? '');
  } catch {
    return undefined;
  }
  const request = (event.requestParameters ?? {}) as Record<string, unknown>;
  const endpointName = request.endpointName;
  if (typeof endpointName !== 'string') return undefined;
  const identity = (event.userIdentity ?? {}) as { arn?: string; sessionContext?: { sessionIssuer?: { arn?: string } } };
  const time = typeof event.eventTime === 'string' ? new Date(event.eventTime) : eventTime;
  return {
    eventName,
    eventTime: time ?? new Date(0),
    endpointName,
    endpointConfigName: typeof request.endpointConfigName === 'string' ? request.endpointConfigName : undefined,
    caller: identity.arn ?? identity.sessionContext?.sessionIssuer?.arn,
    requestId: typeof event.requestID === 'string' ? event.requestID : undefined,
    eventId: typeof event.eventID === 'string' ? event.eventID : undefined,
    errorCode: typeof event.errorCode === 'string' ? event.errorCode : undefined,
  };
}
