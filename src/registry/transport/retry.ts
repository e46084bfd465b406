/**
 * Retries of one registry request: 429, 5xx, timeouts and resets are tried again with
 * exponential backoff and jitter, or after the registry's `Retry-After` when it is no longer
 * than the run waits (default 10 s; longer fails at once as what it was). Every wait stays
 * within the request's deadline.
 */
import { RegistryError } from './errors.js';
import type { Deadline } from './deadline.js';
import type { TransportResponse } from './send.js';

export interface RetryPolicy {
  /** Extra attempts after a retryable failure. */
  retries: number;
  /** Longest `Retry-After` waited for. */
  maxRetryAfterMs: number;
  /** First backoff delay when no `Retry-After` is given; doubles per attempt. */
  backoffBaseMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  log: (msg: string) => void;
  /** The error an HTTP failure status stands for (messages scrubbed of secrets). */
  errorFor: (response: TransportResponse, what: string) => RegistryError;
}

const MAX_BACKOFF_MS = 10_000;

/** `Retry-After` in milliseconds (delta-seconds or HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function withMessage(failure: RegistryError, message: string): RegistryError {
  return new RegistryError(failure.code, message, {
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    ...(failure.registryCodes ? { registryCodes: failure.registryCodes } : {}),
  });
}

/** Runs `attempt` until it answers with a final status, the retries are spent or the deadline ends. */
export async function withRetries(
  what: string,
  attempt: () => Promise<TransportResponse>,
  policy: RetryPolicy,
  deadline: Deadline,
): Promise<TransportResponse> {
  for (let n = 0; ; n++) {
    let failure: RegistryError;
    let retryAfter: number | undefined;
    try {
      const response = await attempt();
      if (response.status !== 429 && response.status < 500) return response;
      failure = policy.errorFor(response, what);
      retryAfter = parseRetryAfter(response.headers.get('retry-after'), policy.now());
    } catch (error) {
      if (!(error instanceof RegistryError) || !error.retryable) throw error;
      failure = error;
    }
    const ended = deadline.failure();
    if (ended) throw ended;
    if (n >= policy.retries) throw failure;
    if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) {
      throw withMessage(failure, `${failure.message}; Retry-After ${Math.ceil(retryAfter / 1000)} s is longer than this run waits (${Math.round(policy.maxRetryAfterMs / 1000)} s)`);
    }
    const backoff = Math.min(policy.backoffBaseMs * 2 ** n, MAX_BACKOFF_MS);
    const delay = retryAfter ?? backoff + Math.floor(Math.random() * (backoff / 4));
    if (delay >= deadline.remaining()) {
      throw withMessage(failure, `${failure.message}; no time left to retry within ${deadline.describe()}`);
    }
    policy.log(`${what}: ${failure.code}, retrying in ${delay} ms (attempt ${n + 2} of ${policy.retries + 1})`);
    await deadline.wait(delay, policy.sleep);
  }
}
