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
  const before = dataBytes();
  const kept = await run();
  fullCollection();
  const after = dataBytes();
  void kept;
  return after - before;
}

/** Heap used by objects, not by compiled code (which the code measured may add as it warms up). */
function dataBytes(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name !== 'code_space' && space.space_name !== 'code_large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);
}
