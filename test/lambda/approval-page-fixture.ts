import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApprovalRequest } from '../../contracts/approval';
import { clearSecretCache } from '../../lambda/approval-page/secret';
import { DEMO_ENV, demoRequest, mockApprovalAws } from '../../scripts/approval-page-server';
import { updateItem } from '../../scripts/dynamodb-update-fake';

/** 2026-11-22T10:00:00Z: the handler's clock (Date.now) in every test. */
export const NOW_MS = Date.UTC(2026, 10, 22, 10, 0, 0);
export const NOW_S = NOW_MS / 1000;
export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';

/** What {@link approvalPageFixture} sets up for the tests of one file. */
export interface ApprovalPageFixture {
  /** The faked DynamoDB table, S3, Step Functions and Secrets Manager (scripts/approval-page-server.ts). */
  readonly aws: ReturnType<typeof mockApprovalAws>;
  /** The pending request stored before each test. */
  readonly request: ApprovalRequest;
  readonly id: string;
  /** DynamoDB's UpdateItem with the handler's own update and condition expressions evaluated. */
  readonly updateTable: (input: Parameters<typeof updateItem>[2]) => object;
  /** Everything the test wrote to stdout, stderr and the console so far. */
  logged(): string;
  /** Values that must never be logged besides the task token (signatures). */
  readonly mustNotLog: Set<string>;
}

/**
 * The approval page's test setup, registered as jest hooks of the calling file: the demo environment, the faked AWS
 * (reset before each test, with the request stored and the table's updates evaluated), no cached signing secret, the
 * clock at {@link NOW_MS}, and every output captured; after each test, real timers and mocks come back and the task
 * token (and {@link ApprovalPageFixture.mustNotLog}) must appear in no output.
 */
export function approvalPageFixture(taskToken: string): ApprovalPageFixture {
  const aws = mockApprovalAws();
  const request = demoRequest(NOW_S, { taskToken });
  const updateTable = (input: Parameters<typeof updateItem>[2]): object => updateItem(aws.items, 'requestId', input);
  const mustNotLog = new Set<string>();
  let output: string[] = [];

  beforeAll(() => {
    Object.assign(process.env, DEMO_ENV);
  });

  beforeEach(() => {
    aws.reset();
    aws.ddb.on(UpdateCommand).callsFake(updateTable);
    aws.put(request);
    clearSecretCache();
    jest.spyOn(Date, 'now').mockReturnValue(NOW_MS);
    output = [];
    const capture = (chunk: unknown): boolean => {
      output.push(String(chunk));
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')));
    }
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    const logged = output.join('\n');
    expect(logged).not.toContain(taskToken);
    for (const value of mustNotLog) expect(logged).not.toContain(value);
  });

  return { aws, request, id: request.requestId, updateTable, logged: () => output.join('\n'), mustNotLog };
}
