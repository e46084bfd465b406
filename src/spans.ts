/**
 * Delimited spans (`${...}`, `{{ ... }}`, `$(...)`) found in linear time. A pattern such as
 * `/\$\{[^}]*\}/` is not: with no `}` after them, V8 tries every `${` of the text and each try reads
 * to its end, so an image of 2,040 `${` read 4 million characters, and a pipeline of 450 of them
 * took 5 s. Here each kind of span remembers where its delimiters were last found, and every
 * search goes forward only.
 */

/** A span: `[start, end)`, what lies between its delimiters `[innerStart, innerEnd)`, and which finder found it. */
export interface Span {
  start: number;
  end: number;
  innerStart: number;
  innerEnd: number;
  finder: number;
}

/** The first span at or after `from`; asked with `from` never decreasing, so each answer is kept while it still holds. */
export type SpanFinder = (from: number) => Omit<Span, 'finder'> | undefined;

/** Where `needle` next occurs at or after `from` (-1 for nowhere), for `from` never decreasing: amortized linear. */
function nextIndexOf(text: string, needle: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found === -1 || found >= from) return found;
    found = text.indexOf(needle, from);
    return found;
  };
}

/** Where the next line terminator (what `.` does not match) is at or after `from`, the same way. */
function nextLineBreak(text: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found === -1 || found >= from) return found;
    for (let index = from; index < text.length; index++) {
      const c = text.charCodeAt(index);
      if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return (found = index);
    }
    return (found = -1);
  };
}

/**
 * Spans from `open` to the first `close` after it, as `open[^close]*close` (a one-character close)
 * or `open[\s\S]*?close` match them; `sameLine` as `open.*?close` (no line terminator between);
 * `toLast` to the last `close` of the text, as `open[\s\S]*close`.
 */
export function enclosed(text: string, open: string, close: string, options: { sameLine?: boolean; toLast?: boolean } = {}): SpanFinder {
  const opens = nextIndexOf(text, open);
  const closes = options.toLast ? () => text.lastIndexOf(close) : nextIndexOf(text, close);
  const breaks = options.sameLine ? nextLineBreak(text) : undefined;
  return keeping((from) => {
    let at = from;
    for (;;) {
      const start = opens(at);
      const innerStart = start + open.length;
      const innerEnd = start < 0 ? -1 : closes(innerStart);
      // No close after this open: none after any later open either.
      if (innerEnd < innerStart) return undefined;
      const lineBreak = breaks?.(innerStart) ?? -1;
      // A line ends first: every open before that line break closes after it, so none of them matches.
      if (lineBreak >= 0 && lineBreak < innerEnd) {
        at = lineBreak + 1;
        continue;
      }
      return { start, end: innerEnd + close.length, innerStart, innerEnd };
    }
  });
}

/** A finder that answers again with its last span while that span still starts at or after `from` (and with none once none is left). */
function keeping(find: SpanFinder): SpanFinder {
  let kept: Omit<Span, 'finder'> | undefined | null = null;
  return (from) => (kept === undefined || (kept !== null && kept.start >= from) ? kept : (kept = find(from)));
}

/** `$` and a name, as `\$([A-Za-z_][A-Za-z0-9_]*)` matches it (the name is the inner part). */
export function dollarName(text: string): SpanFinder {
  const dollars = nextIndexOf(text, '$');
  const isStart = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  const isPart = (c: number) => isStart(c) || (c >= 0x30 && c <= 0x39);
  return keeping((from) => {
    for (let start = dollars(from); start >= 0; start = dollars(start + 1)) {
      if (!isStart(text.charCodeAt(start + 1))) continue;
      let end = start + 2;
      while (end < text.length && isPart(text.charCodeAt(end))) end++;
      return { start, end, innerStart: start + 1, innerEnd: end };
    }
    return undefined;
  });
}

/** `needle` itself, as a span with nothing inside. */
export function literal(text: string, needle: string): SpanFinder {
  const next = nextIndexOf(text, needle);
  return keeping((from) => {
    const start = next(from);
    return start < 0 ? undefined : { start, end: start + needle.length, innerStart: start + needle.length, innerEnd: start + needle.length };
  });
}

/** The leftmost span any finder gives at or after `from`, the first finder winning a tie (as the first alternative of a regex does). */
export function firstSpan(finders: SpanFinder[], from = 0): Span | undefined {
  let first: Span | undefined;
  finders.forEach((find, finder) => {
    const span = find(from);
    if (span && (!first || span.start < first.start)) first = { ...span, finder };
  });
  return first;
}

/** Every span, left to right without overlaps, as a global regex of the finders' patterns as alternatives finds them. */
export function allSpans(finders: SpanFinder[]): Span[] {
  const spans: Span[] = [];
  for (let span = firstSpan(finders); span; span = firstSpan(finders, span.end)) spans.push(span);
  return spans;
}

/** `text` with each span replaced by what `replace` gives for it. */
export function replaceSpans(text: string, spans: Span[], replace: (span: Span) => string): string {
  let result = '';
  let at = 0;
  for (const span of spans) {
    result += text.slice(at, span.start) + replace(span);
    at = span.end;
  }
  return result + text.slice(at);
}
