/**
 * Inline suppression comments, on the finding's line or alone on the line above it:
 *
 *   image: nginx:latest  # verify-images: ignore mutable-tag,unpinned demo only
 *   # verify-images: ignore * generated file
 *   // verify-images: ignore unpinned   (JSON with comments)
 *
 * The rule list is comma-separated (`*` or `all` for every rule); the rest of the comment is the reason.
 */
import type { RuleId } from '../model.js';

export interface Suppression {
  /** Rule ids, or '*' for every rule. */
  rules: Array<RuleId | '*'>;
  reason?: string;
}

const isSpace = (char: string): boolean => /\s/.test(char);
/** What `.` of a regular expression does not match: a reason cannot hold one. */
const isLineTerminator = (char: string): boolean => char === '\n' || char === '\r' || char === '\u2028' || char === '\u2029';

function pastSpaces(line: string, index: number): number {
  while (index < line.length && isSpace(line[index])) index++;
  return index;
}

/**
 * A directive's rule list and reason after `ignore` at `from`, as `(?:\s+(\S+)(?:\s+(.*?))?)?\s*$`
 * reads them; undefined when that does not match. `lastNonSpace` and `lastBreak` (the last line
 * terminator before it) are the line's, found once.
 */
function directiveTail(line: string, from: number, lastNonSpace: number, lastBreak: number): { list?: string; reason?: string } | undefined {
  const listStart = pastSpaces(line, from);
  if (listStart === line.length) return {};
  if (listStart === from) return undefined; // `ignorefoo`
  let listEnd = listStart;
  while (listEnd < line.length && !isSpace(line[listEnd])) listEnd++;
  const reasonStart = pastSpaces(line, listEnd);
  if (reasonStart === line.length) return { list: line.slice(listStart, listEnd) };
  return lastBreak >= reasonStart ? undefined : { list: line.slice(listStart, listEnd), reason: line.slice(reasonStart, lastNonSpace + 1) };
}

/**
 * The first `# verify-images: ignore [rules [reason]]` (or `//`) of a line that ends it; the marker
 * must start the line or follow whitespace, so `http://…` and `a#b` are not comments. A loop: as a
 * regular expression (`(?:^|\s)(?:#|\/\/)…(.*?)\s*$`) each marker was a start read to the end of the
 * line (22 ms for a line of 4,096 characters).
 */
export function findDirective(line: string): { list?: string; reason?: string } | undefined {
  let lastNonSpace = line.length - 1;
  while (lastNonSpace >= 0 && isSpace(line[lastNonSpace])) lastNonSpace--;
  let lastBreak = lastNonSpace - 1;
  while (lastBreak >= 0 && !isLineTerminator(line[lastBreak])) lastBreak--;
  for (let start = 0; start < line.length; start++) {
    if (start > 0 && !isSpace(line[start - 1])) continue;
    let at = line.startsWith('#', start) ? start + 1 : line.startsWith('//', start) ? start + 2 : -1;
    if (at < 0) continue;
    at = pastSpaces(line, at);
    if (!line.startsWith('verify-images:', at)) continue;
    at = pastSpaces(line, at + 'verify-images:'.length);
    if (!line.startsWith('ignore', at)) continue;
    const tail = directiveTail(line, at + 'ignore'.length, lastNonSpace, lastBreak);
    if (tail) return tail;
  }
  return undefined;
}
const COMMENT_ONLY = /^\s*(?:#|\/\/)/;
/** Lines longer than this are not searched: a minified file has no directives, and the regex stays cheap. */
const MAX_LINE_LENGTH = 4096;

/** Parses the directive in one line, or undefined when the line has none. */
export function parseSuppression(line: string): Suppression | undefined {
  if (line.length > MAX_LINE_LENGTH || !line.includes('verify-images')) return undefined;
  const match = findDirective(line);
  if (!match) return undefined;
  const list = match.list;
  // A bare "verify-images: ignore" names no rule; treat it as every rule, as linters do.
  const rules = list === undefined ? ['*'] : list.split(',').filter((rule) => rule !== '').map((rule) => (rule === 'all' ? '*' : rule));
  const suppression: Suppression = { rules: rules as Suppression['rules'] };
  const reason = match.reason?.trim();
  if (reason) suppression.reason = reason;
  return suppression;
}

/** Finds the directives of files lazily, once per file. */
export class SuppressionIndex {
  private readonly lines = new Map<string, string[]>();

  constructor(private readonly sources: Map<string, string>) {}

  private linesOf(file: string): string[] | undefined {
    let lines = this.lines.get(file);
    if (!lines) {
      const text = this.sources.get(file);
      if (text === undefined) return undefined;
      lines = text.split(/\r\n|\r|\n/);
      this.lines.set(file, lines);
    }
    return lines;
  }

  /** The directive that suppresses `rule` at `line` (1-based) of `file`, if any, with its own line. */
  find(file: string, line: number, rule: RuleId): (Suppression & { line: number }) | undefined {
    const lines = this.linesOf(file);
    if (!lines) return undefined;
    const covers = (suppression: Suppression) => suppression.rules.includes('*') || suppression.rules.includes(rule);
    const same = parseSuppression(lines[line - 1] ?? '');
    if (same && covers(same)) return { ...same, line };
    const previousLine = lines[line - 2];
    // The line above counts only when it is nothing but the comment; a trailing comment belongs to its own line.
    if (previousLine !== undefined && COMMENT_ONLY.test(previousLine)) {
      const above = parseSuppression(previousLine);
      if (above && covers(above)) return { ...above, line: line - 1 };
    }
    return undefined;
  }
}

/** A directive naming a rule that does not exist: it suppresses nothing, so a typo must not pass unseen. */
export interface UnknownSuppressionRule {
  file: string;
  /** 1-based line of the directive. */
  line: number;
  rule: string;
}

/** Every rule name in the files' directives that is not one of `known` (nor `*`/`all`). */
export function unknownSuppressionRules(sources: Map<string, string>, known: readonly string[]): UnknownSuppressionRule[] {
  const unknown: UnknownSuppressionRule[] = [];
  for (const [file, text] of sources) {
    if (!text.includes('verify-images')) continue;
    text.split(/\r\n|\r|\n/).forEach((line, index) => {
      for (const rule of parseSuppression(line)?.rules ?? []) {
        if (rule !== '*' && !known.includes(rule)) unknown.push({ file, line: index + 1, rule });
      }
    });
  }
  return unknown;
}
