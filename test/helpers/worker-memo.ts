/**
 * A value computed once per jest worker and shared by the test files that worker runs (test/setup/environment.cjs holds
 * it, as JSON text). Only for values that depend on nothing but the sources, which do not change during a run: a file
 * that mocks or spies on something its computation touches must compute its own.
 */
const MEMO = Symbol.for('mlops-blueprint.test.worker-memo');
const local = new Map<string, unknown>();

export function workerMemo<T>(key: string, compute: () => T): T {
  if (local.has(key)) return local.get(key) as T;
  const shared = (globalThis as Record<symbol, Map<string, string> | undefined>)[MEMO];
  const text = shared?.get(key);
  const value = text !== undefined ? (JSON.parse(text) as T) : compute();
  if (text === undefined) shared?.set(key, JSON.stringify(value));
  local.set(key, value);
  return value;
}
