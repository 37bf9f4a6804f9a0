/**
 * Jest `setupFiles` entry: polyfills for Node 22 APIs that test-only dependencies use while the
 * project runs on Node 20 (see package.json "engines").
 *
 * - `Promise.withResolvers` (ES2024, Node 22): aws-local-stepfunctions uses it for every Task
 *   state's timeout, so without it every local state machine run fails with a TypeError.
 *
 * Each polyfill only installs itself when the runtime lacks the API, so this file is a no-op on Node 22+.
 */

interface PromiseResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseConstructorWithResolvers = PromiseConstructor & {
  withResolvers?: <T>() => PromiseResolvers<T>;
};

const promiseConstructor = Promise as PromiseConstructorWithResolvers;

if (typeof promiseConstructor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): PromiseResolvers<T> {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      // Like the native method, construct with `this` so subclasses get instances of themselves.
      const Ctor = typeof this === 'function' ? this : Promise;
      const promise = new Ctor<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
