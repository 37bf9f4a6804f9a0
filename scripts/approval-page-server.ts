/**
 * Serves the REAL approval-page handler over HTTP on 127.0.0.1, translating Node requests into API
 * Gateway REST proxy events (payload v1), with AWS replaced in-process by aws-sdk-client-mock: an
 * in-memory approvals table, audit bucket and Step Functions task. Nothing calls AWS.
 *
 * Used by test/lambda/approval-page.browser.test.ts. Run on its own to click through the page:
 *
 *   npx tsx scripts/approval-page-server.ts [port]
 *
 * It prints one signed link per demo approver; decisions are printed as the fake pipeline receives them.
 */
import { randomBytes } from 'crypto';
import http from 'http';
import { AddressInfo } from 'net';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DEMO_ENV, demoRequest, mockApprovalAws, signedPath } from './approval-page-fake-aws';

export {
  DEMO_ENV, DEMO_SECRET_ARN, DEMO_SIGNING_KEY, demoRequest, mockApprovalAws, signedPath,
} from './approval-page-fake-aws';
export type { FakeAws } from './approval-page-fake-aws';

/** The approval page's Lambda handler. */
export type ApprovalPageHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** The route the handler is deployed on. */
const ROUTE = /^\/approvals\/([^/]+)$/;

/** Translates a Node HTTP request into the event API Gateway's REST proxy integration sends. */
export function toApiGatewayEvent(req: Pick<http.IncomingMessage, 'method' | 'url' | 'headers'>, body: Buffer): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values[values.length - 1];
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const match = ROUTE.exec(url.pathname);
  let requestId: string | undefined;
  if (match) {
    try {
      requestId = decodeURIComponent(match[1]);
    } catch {
      requestId = match[1];
    }
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: match ? '/approvals/{requestId}' : url.pathname,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: requestId === undefined ? null : { requestId },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      httpMethod: req.method ?? 'GET',
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId: randomBytes(8).toString('hex'),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: match ? '/approvals/{requestId}' : url.pathname,
      stage: 'local',
      identity: { sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? null },
    } as unknown as APIGatewayProxyEvent['requestContext'],
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}

/** A server started by {@link startApprovalPageServer}. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`, no trailing slash: the page's base URL. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 (port 0: an ephemeral port). Paths other than `/approvals/{id}` are 404, as in API Gateway. */
export async function startApprovalPageServer(handler: ApprovalPageHandler, port = 0): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = toApiGatewayEvent(req, Buffer.concat(chunks));
      if (!event.pathParameters) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
        return;
      }
      handler(event).then(
        (result) => {
          const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
          res.writeHead(result.statusCode, headers).end(body);
        },
        (error: unknown) => {
          // The handler never throws; if it does, Lambda would answer 502 without details.
          console.error('approval-page handler threw', error instanceof Error ? error.name : typeof error);
          res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad gateway');
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}


async function main(): Promise<void> {
  Object.assign(process.env, DEMO_ENV);
  const { handler } = await import('../lambda/approval-page');
  const aws = mockApprovalAws();
  const request = demoRequest(Math.floor(Date.now() / 1000));
  aws.put(request);
  aws.sfn.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => {
    const result = aws.behaviours.sendTaskSuccess(input);
    console.log(`pipeline received: ${input.output}`);
    return result;
  });
  const server = await startApprovalPageServer(handler, Number(process.argv[2] ?? 0));
  console.log(`approval page (AWS mocked in-process) on ${server.url}`);
  for (const approver of request.approvers) console.log(`  ${approver}: ${server.url}${signedPath(request, approver)}`);
  console.log('Ctrl-C to stop.');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}