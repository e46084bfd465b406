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

/** The comment marker must start the line or follow whitespace, so `http://…` and `a#b` are not comments. */
const DIRECTIVE = /(?:^|\s)(?:#|\/\/)\s*verify-images:\s*ignore(?:\s+(\S+)(?:\s+(.*?))?)?\s*$/;
const COMMENT_ONLY = /^\s*(?:#|\/\/)/;
/** Lines longer than this are not searched: a minified file has no directives, and the regex stays cheap. */
const MAX_LINE_LENGTH = 4096;

/** Parses the directive in one line, or undefined when the line has none. */
export function parseSuppression(line: string): Suppression | undefined {
  if (line.length > MAX_LINE_LENGTH || !line.includes('verify-images')) return undefined;
  const match = DIRECTIVE.exec(line);
  if (!match) return undefined;
  const list = match[1];
  // A bare "verify-images: ignore" names no rule; treat it as every rule, as linters do.
  const rules = list === undefined ? ['*'] : list.split(',').filter((rule) => rule !== '').map((rule) => (rule === 'all' ? '*' : rule));
  const suppression: Suppression = { rules: rules as Suppression['rules'] };
  const reason = match[2]?.trim();
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

  /** The directive that suppresses `rule` at `line` (1-based) of `file`, if any. */
  find(file: string, line: number, rule: RuleId): Suppression | undefined {
    const lines = this.linesOf(file);
    if (!lines) return undefined;
    const covers = (suppression: Suppression | undefined) =>
      suppression !== undefined && (suppression.rules.includes('*') || suppression.rules.includes(rule));
    const same = parseSuppression(lines[line - 1] ?? '');
    if (covers(same)) return same;
    const previousLine = lines[line - 2];
    // The line above counts only when it is nothing but the comment; a trailing comment belongs to its own line.
    if (previousLine !== undefined && COMMENT_ONLY.test(previousLine)) {
      const above = parseSuppression(previousLine);
      if (covers(above)) return above;
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
