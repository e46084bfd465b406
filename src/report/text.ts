/** The text report for people at a terminal. Repository text is stripped of control characters (no terminal escapes). */
import type { Finding, ScanResult, Severity } from '../model.js';
import { imageStatuses } from './status.js';

/** Removes control characters (ANSI escapes, carriage returns) from repository-controlled text. */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const finding of findings) if (!finding.suppressed) counts[finding.severity]++;
  return counts;
}

/** Long cells (a digest-pinned reference) would push every row off the screen; the JSON report has them whole. */
function clip(text: string, width = 72): string {
  return text.length > width ? text.slice(0, width - 1) + '…' : text;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]))).join('  ').trimEnd());
}

export function renderText(result: ScanResult): string {
  const lines: string[] = [];
  const files = new Set(result.occurrences.map((occurrence) => occurrence.file));
  lines.push(`Images: ${result.occurrences.length} references in ${files.size} files`);
  if (result.occurrences.length > 0) {
    const rows = [['LOCATION', 'KIND', 'AS WRITTEN', 'REFERENCE']];
    for (const occurrence of result.occurrences) {
      rows.push([
        `${occurrence.file}:${occurrence.line}:${occurrence.column}`,
        occurrence.kind,
        clip(occurrence.raw),
        // An image built in the repository is not pulled, so registry checks do not apply: say so.
        clip(occurrence.reference ?? `(${occurrence.problem?.kind ?? 'unresolved'})`) + (occurrence.local ? ' (built here)' : ''),
      ].map(terminalSafe));
    }
    // A loop, not push(...rows): spreading 125,000 rows into one call overflows the stack.
    for (const row of table(rows)) lines.push('  ' + row);
  }
  // Who signed what is evidence, not a finding: list it, as the Markdown image table does.
  const signed = imageStatuses(result.occurrences).filter((image) => image.signatureVerified === 'yes' && image.signer);
  if (signed.length > 0) {
    lines.push('');
    lines.push(`Signatures verified: ${signed.length} image${signed.length === 1 ? '' : 's'}`);
    for (const image of signed) lines.push(`  ${terminalSafe(image.reference ?? image.raw)}`, `      signed by ${terminalSafe(image.signer!)}`);
  }
  const active = result.findings.filter((finding) => !finding.suppressed);
  const suppressed = result.findings.length - active.length;
  lines.push('');
  lines.push(`Findings: ${active.length}${suppressed ? ` (${suppressed} suppressed, not counted)` : ''}`);
  for (const finding of active) {
    lines.push(`  ${finding.severity.padEnd(7)} ${terminalSafe(`${finding.file}:${finding.line}:${finding.column}`)}  [${finding.rule}]`);
    lines.push(`          ${terminalSafe(finding.message)}`);
    if (finding.suggestion) lines.push(`          fix: ${terminalSafe(finding.suggestion)}`);
  }
  if (result.errors.length > 0) {
    lines.push('');
    lines.push(`Not checked (${result.errors.length}):`);
    for (const error of result.errors) lines.push(`  ${terminalSafe(error.file)}: ${terminalSafe(error.message)}`);
  }
  for (const note of result.notes ?? []) lines.push('', terminalSafe(note));
  const counts = countBySeverity(result.findings);
  lines.push('');
  lines.push(`Summary: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.note} note(s).`);
  return lines.join('\n') + '\n';
}
