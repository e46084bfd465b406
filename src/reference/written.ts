/**
 * Edits of an image reference as it is written in a file, quotes included: a Dockerfile's
 * `FROM "nginx:1.27"` keeps its quotes around the pinned reference (`"nginx:1.27@sha256:…"`), as
 * a shell or BuildKit reads it; a digest after the closing quote would be another word's text.
 */

/** The quote character wrapping the whole text, when it is wrapped in one pair and holds no other. */
function wrappingQuote(text: string): '"' | "'" | undefined {
  if (text.length < 2) return undefined;
  const first = text[0];
  if ((first !== '"' && first !== "'") || text[text.length - 1] !== first) return undefined;
  return text.slice(1, -1).includes(first) ? undefined : first;
}

/** Whether `raw` is exactly `value` in one pair of quotes ("alpine:3.19" for alpine:3.19). */
export function isQuotedAsWritten(raw: string, value: string): boolean {
  return wrappingQuote(raw) !== undefined && raw.slice(1, -1) === value;
}

/** `raw` with `@digest` appended to the reference, inside its quotes when it is quoted. */
export function appendDigestAsWritten(raw: string, digest: string): string {
  return wrappingQuote(raw) ? `${raw.slice(0, -1)}@${digest}${raw.slice(-1)}` : `${raw}@${digest}`;
}

/** `raw` (pinned) with its digest replaced, inside its quotes when it is quoted; undefined when no digest is written. */
export function replaceDigestAsWritten(raw: string, digest: string): string | undefined {
  const quote = wrappingQuote(raw);
  const inner = quote ? raw.slice(1, -1) : raw;
  const at = inner.lastIndexOf('@');
  if (at < 0) return undefined;
  const pinned = `${inner.slice(0, at)}@${digest}`;
  return quote ? `${quote}${pinned}${quote}` : pinned;
}
