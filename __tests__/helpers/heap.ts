/**
 * Heap still reachable after `run`, measured between two full collections: for tests that what a
 * run keeps stays bounded (a cache, a queue, per-image state), never for timing. And bytes
 * promoted to the old generation by work between young-generation collections: for tests that
 * what a request leaves behind dies young.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: ((options?: { type: 'minor' | 'major' }) => void) | undefined;

function collection(type: 'minor' | 'major'): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
  }
  collect({ type });
}

function fullCollection(): void {
  collection('major');
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

/**
 * Bytes that reach the old generation while `round` runs `rounds` times, with a young-generation
 * collection after each (as a long run has between full ones). Garbage no old object points to
 * dies in those collections; what old garbage still points to (a superseded hash table, a dequeued
 * list node) is promoted and counted.
 */
export function promotedBytes(rounds: number, round: () => void): number {
  fullCollection();
  fullCollection();
  const before = oldGenerationBytes();
  for (let i = 0; i < rounds; i++) {
    round();
    collection('minor');
  }
  // Twice more: what survived the last round's collection once is promoted by the second.
  collection('minor');
  collection('minor');
  return oldGenerationBytes() - before;
}

function oldGenerationBytes(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'old_space' || space.space_name === 'large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);
}
