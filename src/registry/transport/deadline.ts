/**
 * One deadline per registry request: it covers every attempt, the retry waits, redirects, the
 * token and the body, so a registry that drips bytes or keeps asking to retry cannot hold an
 * image longer than the request timeout. A request also ends at once when its registry is given
 * up in the run (see health.ts).
 */
import { RegistryError } from './errors.js';

/** Something that can end a request early, with the error the request then fails with. */
export interface Cancellation {
  signal: AbortSignal;
  error: (what: string) => RegistryError;
}

export class Deadline {
  private readonly controller = new AbortController();
  private readonly expiresAt: number;
  private readonly timer: ReturnType<typeof setTimeout>;
  private reason: RegistryError | undefined;
  private unlink: (() => void) | undefined;

  constructor(
    private readonly ms: number,
    private readonly what: string,
    cancellation?: Cancellation,
  ) {
    this.expiresAt = Date.now() + ms;
    this.timer = setTimeout(() => this.end(new RegistryError('TIMEOUT', `${what}: timed out (no complete answer within ${formatSeconds(ms)})`)), Math.max(1, ms));
    if (cancellation) {
      const onAbort = () => this.end(cancellation.error(what));
      if (cancellation.signal.aborted) onAbort();
      else {
        cancellation.signal.addEventListener('abort', onAbort, { once: true });
        this.unlink = () => cancellation.signal.removeEventListener('abort', onAbort);
      }
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Milliseconds left. */
  remaining(): number {
    return this.expiresAt - Date.now();
  }

  /** Why the request ended early, once it has. */
  failure(): RegistryError | undefined {
    return this.reason;
  }

  /** Waits `ms`, or less when the deadline ends first (then throws why). */
  async wait(ms: number, sleep: (ms: number) => Promise<void>): Promise<void> {
    if (this.reason) throw this.reason;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<void>((resolve) => {
      onAbort = resolve;
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([sleep(ms), aborted]);
    } finally {
      this.signal.removeEventListener('abort', onAbort!);
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
  }

  private end(reason: RegistryError): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(reason);
    this.dispose();
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.max(0, Math.round(ms))} ms`;
}
