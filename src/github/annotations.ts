/**
 * Check annotations on the exact line and column of each finding. GitHub shows at most 10
 * annotations of each level per step: on pull requests the findings on changed lines go first,
 * then those in changed files, then the rest; the ones left out are counted so the summary can
 * say so. A filter (the `filter-mode` input) can leave out findings away from the change.
 */
import type { AnnotationProperties } from '@actions/core';
import type { Finding, Severity } from '../model.js';
import { SEVERITY_RANK } from '../model.js';
import { trimTrailing } from '../text.js';

/** GitHub's display limit per level and step. */
const ANNOTATIONS_PER_LEVEL = 10;

export interface AnnotationSink {
  error(message: string, properties: AnnotationProperties): void;
  warning(message: string, properties: AnnotationProperties): void;
  notice(message: string, properties: AnnotationProperties): void;
}

export interface AnnotationOutcome {
  emitted: number;
  /** Findings not annotated because of the per-level limit (they are in the summary). */
  omitted: number;
  /** Findings not annotated because the filter left them out (away from the pull request's change). */
  filtered: number;
}

/**
 * A log line that cannot start a workflow command: the runner reads any stdout line beginning with
 * `::` as one, so text from the repository (file names, policy keys) is kept on its line, its
 * line breaks shown as `\n`. Annotations need no such care: `@actions/core` escapes their message
 * and every property (`%`, CR, LF, and in properties `:` and `,`).
 */
export function logLine(text: string): string {
  return text.replace(/[\r\n\u0085\u2028\u2029]/g, (lineBreak) => LINE_BREAK_NAMES[lineBreak] ?? `\\u${lineBreak.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const LINE_BREAK_NAMES: Record<string, string> = { '\r': '\\r', '\n': '\\n' };

export interface AnnotationOrder {
  /** Higher first: how close a finding is to the pull request's change. */
  closeness?: (finding: Finding) => number;
  /** Findings to annotate at all. */
  passes?: (finding: Finding) => boolean;
}

export function annotate(findings: Finding[], sink: AnnotationSink, root = '', order: AnnotationOrder = {}): AnnotationOutcome {
  const closeness = order.closeness ?? (() => 0);
  const passes = order.passes ?? (() => true);
  const unsuppressed = findings.filter((finding) => !finding.suppressed);
  const active = unsuppressed
    .filter(passes)
    .sort((a, b) => closeness(b) - closeness(a) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.file.localeCompare(b.file) || a.line - b.line);
  const perLevel: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  let emitted = 0;
  for (const finding of active) {
    if (perLevel[finding.severity] >= ANNOTATIONS_PER_LEVEL) continue;
    perLevel[finding.severity]++;
    emitted++;
    const properties: AnnotationProperties = {
      title: `verify-images: ${finding.rule}`,
      file: root ? `${trimTrailing(root, '/')}/${finding.file}` : finding.file,
      startLine: finding.line,
      endLine: finding.line,
      // GitHub uses columns only on single-line annotations.
      startColumn: finding.column,
      endColumn: finding.column + Math.max(finding.raw.length, 1),
    };
    const message = finding.suggestion ? `${finding.message}\nFix: ${finding.suggestion}` : finding.message;
    if (finding.severity === 'error') sink.error(message, properties);
    else if (finding.severity === 'warning') sink.warning(message, properties);
    else sink.notice(message, properties);
  }
  return { emitted, omitted: active.length - emitted, filtered: unsuppressed.length - active.length };
}
