/**
 * Regular expressions that cannot backtrack. V8 has a linear-time engine (the `l` flag, behind
 * `--enable-experimental-regexp-engine`); policy-written patterns (signer identities) run on text a
 * registry serves, so they compile on it, and a pattern it cannot run (backreferences, lookaround,
 * large counted repetitions) is refused when the policy loads. The same engine is the fallback
 * for every other expression that backtracks past V8's limit (defence in depth: expressions in
 * src/ are written not to backtrack).
 */
import { setFlagsFromString } from 'node:v8';

let enabled = false;
let available = true;

/** Turns the engine on for this process (idempotent). */
export function enableLinearRegExps(): void {
  if (enabled) return;
  enabled = true;
  setFlagsFromString('--enable-experimental-regexp-engine');
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  try {
    // eslint-disable-next-line no-invalid-regexp -- V8's linear-time engine flag, enabled just above
    new RegExp('a', 'l');
  } catch {
    available = false;
  }
}

export class LinearRegExpError extends Error {
  constructor(pattern: string, reason: string) {
    super(`regular expression ${JSON.stringify(pattern.length > 120 ? pattern.slice(0, 120) + '…' : pattern)} ${reason}`);
    this.name = 'LinearRegExpError';
  }
}

/**
 * Compiles `pattern` for the linear-time engine; throws `LinearRegExpError` when it is not valid or
 * cannot run in linear time. Where the engine is missing (a Node without it), the pattern compiles
 * as usual and the excessive-backtracks fallback is all there is.
 */
export function linearRegExp(pattern: string): RegExp {
  enableLinearRegExps();
  try {
    new RegExp(pattern);
  } catch {
    throw new LinearRegExpError(pattern, 'is invalid');
  }
  if (!available) return new RegExp(pattern);
  try {
    // eslint-disable-next-line no-invalid-regexp -- V8's linear-time engine flag (see enableLinearRegExps)
    return new RegExp(pattern, 'l');
  } catch {
    throw new LinearRegExpError(pattern, 'cannot be matched in linear time (no backreferences, lookaround or large counted repetitions such as {1,1000})');
  }
}
