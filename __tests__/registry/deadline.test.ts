import { describe, expect, it } from 'vitest';
import { Deadline, type Cancellation } from '../../src/registry/transport/deadline.js';
import { RegistryError } from '../../src/registry/transport/errors.js';

/** A cancellation as the registry health gives one: listeners told once when the registry is given up. */
function cancellation(): Cancellation & { cancel: () => void; listening: () => number } {
  const listeners = new Set<() => void>();
  return {
    onCancel: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    error: (what) => new RegistryError('NETWORK', `${what}: registry given up`),
    cancel: () => [...listeners].forEach((listener) => listener()),
    listening: () => listeners.size,
  };
}

describe('Deadline', () => {
  it('tells its listeners once why it ended, and only those still listening', async () => {
    const deadline = new Deadline(20, 'manifest reg.example/app:1');
    const told: string[] = [];
    deadline.onEnd((reason) => told.push(`a ${reason.message}`));
    const stop = deadline.onEnd(() => told.push('b'));
    stop();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(told).toEqual(['a manifest reg.example/app:1: timed out (no complete answer within 20 ms)']);
    expect(deadline.failure()?.code).toBe('TIMEOUT');
    // A listener added after the end is told at once.
    deadline.onEnd((reason) => told.push(`late ${reason.code}`));
    expect(told.at(-1)).toBe('late TIMEOUT');
  });

  it('ends when its registry is given up, and stops listening to the registry once disposed', async () => {
    const registry = cancellation();
    const deadline = new Deadline(30_000, 'manifest reg.example/app:1', registry);
    const ended: Array<RegistryError | undefined> = [];
    deadline.onEnd((reason) => ended.push(reason as RegistryError));
    const waiting = deadline.wait(30_000, (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    registry.cancel();
    await expect(waiting).rejects.toThrow('registry given up');
    expect(ended.map((reason) => reason?.code)).toEqual(['NETWORK']);
    expect(registry.listening()).toBe(0);

    const finished = new Deadline(30_000, 'manifest reg.example/app:2', registry);
    expect(registry.listening()).toBe(1);
    finished.dispose();
    expect(registry.listening()).toBe(0);
    registry.cancel();
    expect(finished.failure()).toBeUndefined();
  });
});
