/**
 * One deadline per registry request: it covers every attempt, the retry waits, redirects, the
 * token and the body, so a registry that drips bytes or keeps asking to retry cannot hold an
 * image longer than the request timeout. A request also ends at once when its registry is given
 * up in the run (see health.ts).
 *
 * No AbortController per request: on Node 20 every AbortSignal gets a hidden class of its own
 * (its fields are set one by one on an EventTarget), allocated in the old generation, and an
 * online run makes hundreds of thousands of requests. Listeners are kept here instead.
 */
import { RegistryError } from './errors.js';
import type { RequestEnd } from './http.js';

/** Something that can end a request early, with the error the request then fails with. */
export interface Cancellation {
  /** Calls `listener` once when cancelled (at once if it already is); returns how to stop listening. */
  onCancel: (listener: () => void) => () => void;
  error: (what: string) => RegistryError;
}

export class Deadline implements RequestEnd {
  private readonly expiresAt: number;
  private readonly timer: ReturnType<typeof setTimeout>;
  private reason: RegistryError | undefined;
  private unlink: (() => void) | undefined;
  private listeners: Array<(reason: RegistryError) => void> | undefined;

  constructor(
    private readonly ms: number,
    private readonly what: string,
    cancellation?: Cancellation,
  ) {
    this.expiresAt = Date.now() + ms;
    this.timer = setTimeout(() => this.end(new RegistryError('TIMEOUT', `${what}: timed out (no complete answer within ${formatSeconds(ms)})`)), Math.max(1, ms));
    if (cancellation) this.unlink = cancellation.onCancel(() => this.end(cancellation.error(what)));
  }

  /** Milliseconds left. */
  remaining(): number {
    return this.expiresAt - Date.now();
  }

  /** Why the request ended early, once it has. */
  failure(): RegistryError | undefined {
    return this.reason;
  }

  /** Calls `listener` with why, if the request ends early; returns how to stop listening. */
  onEnd(listener: (reason: RegistryError) => void): () => void {
    if (this.reason) {
      listener(this.reason);
      return () => {};
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const index = this.listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.listeners!.splice(index, 1);
    };
  }

  /** Waits `ms`, or less when the deadline ends first (then throws why). */
  async wait(ms: number, sleep: (ms: number) => Promise<void>): Promise<void> {
    if (this.reason) throw this.reason;
    let stop: (() => void) | undefined;
    const endedEarly = new Promise<void>((resolve) => (stop = this.onEnd(() => resolve())));
    try {
      await Promise.race([sleep(ms), endedEarly]);
    } finally {
      stop!();
    }
    const ended = this.failure();
    if (ended) throw ended;
  }

  describe(): string {
    return `the request's ${formatSeconds(this.ms)} deadline`;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.unlink?.();
    this.unlink = undefined;
  }

  private end(reason: RegistryError): void {
    if (this.reason) return;
    this.reason = reason;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    this.dispose();
    for (const listener of listeners) listener(reason);
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.max(0, Math.round(ms))} ms`;
}
