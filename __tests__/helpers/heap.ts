/**
 * Heap still reachable after `run`, measured between two full collections: for tests that what a
 * run keeps stays bounded (a cache, a queue, per-image state), never for timing.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

function fullCollection(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

/** Bytes of heap `run` leaves reachable (what it returns is held until measured). */
export async function retainedBytes(run: () => Promise<unknown>): Promise<number> {
  fullCollection();
  const before = process.memoryUsage().heapUsed;
  const kept = await run();
  fullCollection();
  const after = process.memoryUsage().heapUsed;
  void kept;
  return after - before;
}
