import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SelfInvoker } from './types';

/**
 * The production {@link SelfInvoker}: an asynchronous (`Event`) Lambda invocation, so the next part
 * of a window runs in a fresh invocation with a full time budget, with Lambda's own retries and the
 * function's failure destination. Loaded only when SELF_INVOKE=true (keeps the client off the cold
 * start otherwise). Needs `lambda:InvokeFunction` on the function itself.
 */
const lambda = new LambdaClient({});

/** The invoker the handler uses when SELF_INVOKE is true. */
export const lambdaSelfInvoker: SelfInvoker = {
  async invokeAsync(functionName: string, payload: unknown): Promise<void> {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
    if (response.StatusCode !== 202)
      throw new Error(`asynchronous invocation of ${functionName} returned status ${response.StatusCode}; expected 202`);
  },
};
