import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ApprovalDecision, GateOutcome, StoredApprovalRequest } from '../../contracts/approval';
import { renderConfirmationPage, renderTimedOutPage, renderUndeliverablePage, renderUnknownOutcomePage } from './render';

/** Headers of every response. */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/** An HTML response with {@link RESPONSE_HEADERS} (and `extra` headers). */
export function respond(statusCode: number, body: string, extra: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...RESPONSE_HEADERS, ...extra }, body };
}

/** The page for a stored (or just learned) delivery outcome: the same for every submission of the decision. */
export function answer(outcome: GateOutcome, request: StoredApprovalRequest, decision: ApprovalDecision): APIGatewayProxyResult {
  switch (outcome) {
    case 'delivered':
      return respond(200, renderConfirmationPage(request, decision));
    case 'timed-out':
      return respond(410, renderTimedOutPage(request, decision));
    case 'unknown':
      return respond(202, renderUnknownOutcomePage(request, decision));
    default:
      return respond(500, renderUndeliverablePage(request, decision));
  }
}
