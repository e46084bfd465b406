/**
 * nock for tests of code that uses the global `fetch`. nock 15 intercepts fetch through
 * @mswjs/interceptors, which calls `Promise.withResolvers` (Node 22+); on Node 20 it is defined
 * here first. Import nock from this module, not from 'nock'.
 */
import nock from 'nock';

if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  (Promise as unknown as { withResolvers: () => unknown }).withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export default nock;
