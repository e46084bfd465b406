/**
 * Findings grouped by the line they are on: a reviewer reads one line once, with every problem of
 * it and one fix that leaves it in its final form. The PR comment, the summary and the review
 * comments all group this way. Pure.
 */
import { SEVERITY_RANK, type Finding, type RuleId, type Severity } from '../model.js';

export interface LineFindings {
  file: string;
  line: number;
  /** The line's findings, most severe first (typosquat before the rest at equal severity). */
  findings: Finding[];
  /** The most severe of them. */
  severity: Severity;
  /** The distinct rules, sorted: what identifies the line's problems across runs. */
  rules: RuleId[];
}

/** Rules whose fix decides what an image should be called; their fix wins over a digest pin of the wrong name. */
const FIX_PRIORITY: Partial<Record<RuleId, number>> = { typosquat: 3, impersonation: 2, unpinned: 1 };

function bySeverity(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (FIX_PRIORITY[b.rule] ?? 0) - (FIX_PRIORITY[a.rule] ?? 0) || a.column - b.column;
}

/** Unsuppressed findings grouped per file and line; groups ordered errors first, then by file and line. */
export function groupByLine(findings: Finding[]): LineFindings[] {
  // By file, then by line: no key string made per finding (a run of 100,000 images has two or three each).
  const byFile = new Map<string, Map<number, Finding[]>>();
  for (const finding of findings) {
    if (finding.suppressed) continue;
    let byLine = byFile.get(finding.file);
    if (!byLine) byFile.set(finding.file, (byLine = new Map<number, Finding[]>()));
    const list = byLine.get(finding.line);
    if (list) list.push(finding);
    else byLine.set(finding.line, [finding]);
  }
  const lines: LineFindings[] = [];
  for (const byLine of byFile.values()) {
    for (const list of byLine.values()) {
      list.sort(bySeverity);
      lines.push({ file: list[0].file, line: list[0].line, findings: list, severity: list[0].severity, rules: [...new Set(list.map((finding) => finding.rule))].sort() });
    }
  }
  // Most neighbours in the sort share a file: compared by locale only when they differ.
  return lines.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.file === b.file ? 0 : a.file.localeCompare(b.file)) || a.line - b.line);
}

/** One replacement on a line: the text written at `column` and what it should become. */
export interface LineEdit {
  column: number;
  raw: string;
  replacement: string;
}

/**
 * The fixes of a line, one per image on it: the genuine name when the name is a squat (its digest
 * is unknown, so none is added), otherwise the digest pin. Ordered by column.
 */
export function lineEdits(group: Pick<LineFindings, 'findings'>): LineEdit[] {
  const byColumn = new Map<number, { edit: LineEdit; priority: number }>();
  for (const finding of group.findings) {
    if (finding.suggestion === undefined || finding.raw.length === 0) continue;
    const priority = FIX_PRIORITY[finding.rule] ?? 0;
    const current = byColumn.get(finding.column);
    if (current && (current.priority >= priority || current.edit.raw !== finding.raw)) continue;
    byColumn.set(finding.column, { edit: { column: finding.column, raw: finding.raw, replacement: finding.suggestion }, priority });
  }
  return [...byColumn.values()].map((entry) => entry.edit).sort((a, b) => a.column - b.column);
}

/**
 * The source line with every fix applied, or undefined when there is none or the text at a fix's
 * column is not what was scanned (the file changed since).
 */
export function fixedLine(edits: LineEdit[], sourceLine: string | undefined): string | undefined {
  if (edits.length === 0 || sourceLine === undefined) return undefined;
  let fixed = sourceLine;
  // Right to left, so earlier columns stay valid.
  for (const edit of [...edits].reverse()) {
    const start = edit.column - 1;
    if (start < 0 || fixed.slice(start, start + edit.raw.length) !== edit.raw) return undefined;
    if (/[\r\n]/.test(edit.replacement)) return undefined;
    fixed = fixed.slice(0, start) + edit.replacement + fixed.slice(start + edit.raw.length);
  }
  return fixed;
}
