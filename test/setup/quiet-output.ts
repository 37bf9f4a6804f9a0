/**
 * Jest `setupFiles` entry: passing tests print only what they print on purpose (the compliance summary, the run-time
 * permission check's counts), so failures and the summary stand out.
 *
 * - The AWS SDK's Node.js 20 end-of-support warning, printed once per test file, is turned off
 *   (`AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true`); package.json "engines" states the supported versions.
 * - The handlers' structured log lines (Powertools Logger JSON written straight to process.stdout/stderr) are dropped
 *   at the terminal. The logger still logs at its usual level: tests that capture stdout/stderr with jest.spyOn (to
 *   assert what is logged, or that a secret never is) replace this filter while they run and receive every line.
 *   `MLOPS_TEST_LOGS=1` shows them.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const FILTERED = Symbol.for('mlops-blueprint.quiet-output');

/** A Powertools Logger line: one JSON object with its level, message, timestamp and service keys. */
export function isStructuredLogLine(chunk: unknown): boolean {
  if (typeof chunk !== 'string' || !chunk.startsWith('{')) return false;
  try {
    const entry = JSON.parse(chunk) as Record<string, unknown>;
    return ['level', 'message', 'timestamp', 'service'].every((key) => typeof entry[key] === 'string');
  } catch {
    return false;
  }
}

type Stream = NodeJS.WriteStream & { [FILTERED]?: true };

if (process.env.MLOPS_TEST_LOGS !== '1') {
  for (const stream of [process.stdout, process.stderr] as Stream[]) {
    // The streams outlive each test file's module registry: filter them once per worker.
    if (stream[FILTERED]) continue;
    const write = stream.write;
    stream.write = function quietWrite(this: Stream, chunk: unknown, ...rest: unknown[]): boolean {
      if (!isStructuredLogLine(chunk)) return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      callback?.();
      return true;
    } as typeof stream.write;
    stream[FILTERED] = true;
  }
}
