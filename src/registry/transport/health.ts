/**
 * Registry health over a run. A registry that fails a few requests in a row (timeouts, resets,
 * rate limits past what the run waits, server errors; each after its retries) is marked
 * unhealthy for the rest of the run: requests in flight to it end at once and later ones are not
 * made, so its remaining images are reported together as not verified instead of one timeout
 * after another. Also bounded: many hosts that never answer (network failures in all), and the
 * run's wall-clock budget for registry requests.
 */
import { RegistryError } from './errors.js';
import type { Cancellation } from './deadline.js';

export interface HealthOptions {
  /** Failures in a row after which a registry is given up. Default 3. */
  maxConsecutiveFailures?: number;
  /** Network failures in the run after which registries that never answered are not asked. Default 30. */
  maxNetworkFailures?: number;
  /** Wall-clock budget for all registry requests of the run, from the first one. */
  budgetMs: number;
  now: () => number;
}

interface RegistryState {
  failures: number;
  last?: RegistryError;
  /** Told when the registry is given up: its requests in flight end. */
  listeners: Listeners;
  /** What requests to the registry listen to (one per registry, not one per request). */
  cancellation: Cancellation;
  answered: boolean;
}

/** One listener in `Listeners`, linked to its neighbours while it listens. */
interface Link {
  listener: (() => void) | undefined;
  previous: Link | undefined;
  next: Link | undefined;
}

/**
 * The listeners of one registry's requests in flight, in a list whose links are cleared as each
 * leaves. Not a Set: every request enters and leaves it, so a Set was rehashed into a new table
 * every few dozen requests, and a superseded table that had reached the old generation still
 * pointed at the listeners it held (each reaching its request's objects) and at the table after
 * it; young-generation collections cannot tell such a table is garbage, so they kept those
 * requests alive until they were promoted too: about 300 bytes of old garbage per request.
 */
class Listeners {
  private first: Link | undefined;

  /** Adds `listener`; returns how to remove it (nothing once removed or taken). */
  add(listener: () => void): () => void {
    const link: Link = { listener, previous: undefined, next: this.first };
    if (this.first) this.first.previous = link;
    this.first = link;
    return () => this.remove(link);
  }

  /** Removes every listener and returns them. */
  takeAll(): Array<() => void> {
    const taken: Array<() => void> = [];
    while (this.first) {
      taken.push(this.first.listener!);
      this.remove(this.first);
    }
    return taken;
  }

  private remove(link: Link): void {
    if (link.listener === undefined) return;
    if (link.previous) link.previous.next = link.next;
    else this.first = link.next;
    if (link.next) link.next.previous = link.previous;
    link.listener = undefined;
    link.previous = undefined;
    link.next = undefined;
  }
}

const DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;
const DEFAULT_MAX_NETWORK_FAILURES = 30;

/** Failures that say the registry cannot serve this run, rather than something about one image. */
function countsAgainstHealth(error: RegistryError): boolean {
  return error.code === 'TIMEOUT' || error.code === 'NETWORK' || error.code === 'RATE_LIMITED' || error.code === 'SERVER';
}

export class RegistryHealth {
  private readonly registries = new Map<string, RegistryState>();
  private readonly maxConsecutive: number;
  private readonly maxNetworkFailures: number;
  private networkFailures = 0;
  private budgetStart: number | undefined;

  constructor(private readonly options: HealthOptions) {
    this.maxConsecutive = options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
    this.maxNetworkFailures = options.maxNetworkFailures ?? DEFAULT_MAX_NETWORK_FAILURES;
  }

  /** Milliseconds left of the run's budget (starting it on first use). */
  budgetLeft(): number {
    this.budgetStart ??= this.options.now();
    return this.options.budgetMs - (this.options.now() - this.budgetStart);
  }

  /** Throws, without any request made, when `registry` may not be asked now. */
  admit(registry: string, what: string): void {
    if (this.budgetLeft() <= 0) {
      throw new RegistryError('TIMEOUT', `${what}: not asked: the registry time budget of ${Math.round(this.options.budgetMs / 1000)} s for this run is spent`);
    }
    const state = this.registries.get(registry);
    if (state && this.isUnhealthy(state)) throw this.unhealthyError(registry, what);
    if (this.networkFailures >= this.maxNetworkFailures && !state?.answered) {
      throw new RegistryError('NETWORK', `${what}: registry ${registry} not asked: ${this.networkFailures} requests to registries failed on the network in this run`);
    }
  }

  /** Ends the request when `registry` is given up while it is in flight. */
  cancellation(registry: string): Cancellation {
    return this.state(registry).cancellation;
  }

  succeeded(registry: string): void {
    const state = this.state(registry);
    state.answered = true;
    if (!this.isUnhealthy(state)) state.failures = 0;
  }

  failed(registry: string, error: unknown): void {
    if (!(error instanceof RegistryError)) return;
    const state = this.state(registry);
    // An HTTP answer, even an error, shows the registry is there.
    if (error.status !== undefined) state.answered = true;
    if (!countsAgainstHealth(error) || this.isUnhealthy(state)) return;
    if (error.code === 'TIMEOUT' || error.code === 'NETWORK') this.networkFailures++;
    state.failures++;
    state.last = error;
    if (!this.isUnhealthy(state)) return;
    for (const listener of state.listeners.takeAll()) listener();
  }

  /** Registries given up in this run, with why. */
  unhealthy(): Array<{ registry: string; failures: number; last: string }> {
    const out: Array<{ registry: string; failures: number; last: string }> = [];
    for (const [registry, state] of this.registries) {
      if (this.isUnhealthy(state)) out.push({ registry, failures: state.failures, last: state.last?.message ?? '' });
    }
    return out;
  }

  private isUnhealthy(state: RegistryState): boolean {
    return state.failures >= this.maxConsecutive;
  }

  private unhealthyError(registry: string, what: string): RegistryError {
    const state = this.state(registry);
    const last = state.last;
    return new RegistryError(
      last?.code ?? 'NETWORK',
      `${what}: registry ${registry} not asked again: ${state.failures} requests in a row failed (last: ${last?.message ?? 'unknown'})`,
      { ...(last?.status !== undefined ? { status: last.status } : {}), nothingAnswered: last?.nothingAnswered },
    );
  }

  private state(registry: string): RegistryState {
    let state = this.registries.get(registry);
    if (!state) {
      const listeners = new Listeners();
      const cancellation: Cancellation = {
        onCancel: (listener) => {
          if (this.isUnhealthy(this.state(registry))) {
            listener();
            return () => {};
          }
          return listeners.add(listener);
        },
        error: (what) => this.unhealthyError(registry, what),
      };
      state = { failures: 0, listeners, cancellation, answered: false };
      this.registries.set(registry, state);
    }
    return state;
  }
}
