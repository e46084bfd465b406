/** The one error type of the reference grammar: a closed code for callers, a message naming the broken rule for people. */
import type { ReferenceErrorCode } from './types.js';

export class ReferenceError extends Error {
  readonly code: ReferenceErrorCode;

  constructor(code: ReferenceErrorCode, message: string) {
    super(message);
    this.name = 'ReferenceError';
    this.code = code;
  }
}

/** Shortens untrusted text before it is quoted in a message, so one bad line cannot flood a report. */
export function quoteInput(text: string, max = 80): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}
