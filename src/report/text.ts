/**
 * The text report for people at a terminal: the findings first (errors first, one block per line),
 * registry problems once per registry, then the image inventory. Repository text is stripped of
 * control characters (no terminal escapes); colour comes only from the palette the CLI chooses.
 */
import type { Finding, ScanResult, Severity } from '../model.js';
import { groupByLine, lineEdits } from './line-findings.js';
import { describeRegistryProblem, registryProblems, type SummaryContext } from './registry-summary.js';
import { signedImages } from './status.js';

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

/** How the report is coloured: identity functions when the output is not a colour terminal. */
interface TextStyle {
  error(text: string): string;
  warning(text: string): string;
  note(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const PLAIN_STYLE: TextStyle = { error: (t) => t, warning: (t) => t, note: (t) => t, bold: (t) => t, dim: (t) => t };

export interface TextOptions extends SummaryContext {
  style?: TextStyle;
}

/** Long cells (a digest-pinned reference) would push every row off the screen; the JSON report has them whole. */
function clip(text: string, width = 72): string {
  return text.length > width ? text.slice(0, width - 1) + '…' : text;
}

/**
 * The rows of a table, columns padded to their widest cell. `rows` is asked twice, once for the
 * widths and once for the text, so a table of 100,000 rows is never held whole.
 */
function* table(rows: () => Iterable<string[]>): Generator<string> {
  const widths: number[] = [];
  for (const row of rows()) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  for (const row of rows()) yield row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]))).join('  ').trimEnd();
}

/** Registry problems are told once per registry below, not once per image. */
const PER_REGISTRY = new Set<Finding['rule']>(['registry-unreachable']);

function* findingLines(result: ScanResult, style: TextStyle): Generator<string> {
  const active = result.findings.filter((finding) => !finding.suppressed);
  const suppressed = result.findings.length - active.length;
  const shown = active.filter((finding) => !PER_REGISTRY.has(finding.rule));
  yield style.bold(`Findings: ${active.length}${suppressed ? ` (${suppressed} suppressed, not counted)` : ''}`);
  for (const group of groupByLine(shown)) {
    for (const finding of group.findings) {
      const severity = style[finding.severity](finding.severity.padEnd(7));
      yield `  ${severity} ${terminalSafe(`${finding.file}:${finding.line}:${finding.column}`)}  [${finding.rule}]`;
      yield `          ${terminalSafe(finding.message)}`;
    }
    const fixes = lineEdits(group);
    if (fixes.length > 0) yield `          fix: ${fixes.map((edit) => terminalSafe(edit.replacement)).join(', ')}`;
  }
  // One line per severity, worst first: a stalled registry fails the run, a private one nothing answers at is a note.
  for (const severity of ['error', 'warning', 'note'] as const) {
    const count = active.filter((finding) => PER_REGISTRY.has(finding.rule) && finding.severity === severity).length;
    if (count > 0) yield `  ${style[severity](severity.padEnd(7))} ${count} image reference${count === 1 ? '' : 's'} not verified [registry-unreachable]: see Registries below`;
  }
}

function registryLines(result: ScanResult, options: TextOptions, style: TextStyle): string[] {
  const problems = registryProblems(result.occurrences, options);
  if (problems.length === 0) return [];
  const lines = ['', style.bold('Registries:')];
  for (const problem of problems) {
    lines.push(`  ${style.warning(terminalSafe(describeRegistryProblem(problem)))}`);
    lines.push(`      ${style.dim(terminalSafe(clip(problem.example, 160)))}`);
    if (problem.hint) lines.push(`      hint: ${terminalSafe(problem.hint)}`);
  }
  if (noRegistryAnswered(result)) lines.push(`  hint: no registry answered this run: on a machine without network, scan with --offline (registry existence, digests and signatures are then not checked)`);
  return lines;
}

/** Whether every image asked of a registry failed on the network: the machine, not the registries, is cut off. */
function noRegistryAnswered(result: ScanResult): boolean {
  let asked = 0;
  for (const occurrence of result.occurrences) {
    const resolution = occurrence.resolution;
    if (!resolution) continue;
    asked++;
    if (resolution.status !== 'error' || (resolution.errorCode !== 'network' && resolution.errorCode !== 'timeout')) return false;
  }
  return asked > 1;
}

function* inventoryRows(result: ScanResult): Generator<string[]> {
  yield ['LOCATION', 'KIND', 'AS WRITTEN', 'REFERENCE'];
  for (const occurrence of result.occurrences) {
    yield [
      `${occurrence.file}:${occurrence.line}:${occurrence.column}`,
      occurrence.kind,
      clip(occurrence.raw),
      // An image built in the repository is not pulled, so registry checks do not apply: say so.
      clip(occurrence.reference ?? `(${occurrence.problem?.kind ?? 'unresolved'})`) + (occurrence.local ? ' (built here)' : ''),
    ].map(terminalSafe);
  }
}

function* inventoryLines(result: ScanResult, style: TextStyle): Generator<string> {
  const files = new Set(result.occurrences.map((occurrence) => occurrence.file));
  yield '';
  yield style.bold(`Images: ${result.occurrences.length} references in ${files.size} files`);
  if (result.occurrences.length > 0) for (const row of table(() => inventoryRows(result))) yield '  ' + row;
  // Who signed what is evidence, not a finding: list it, as the Markdown image table does.
  const signed = signedImages(result.occurrences);
  if (signed.length > 0) {
    yield '';
    yield `Signatures verified: ${signed.length} image${signed.length === 1 ? '' : 's'}`;
    for (const image of signed) {
      yield `  ${terminalSafe(image.reference ?? image.raw)}`;
      yield `      signed by ${terminalSafe(image.signer!)}`;
    }
  }
}

function summaryLine(result: ScanResult, style: TextStyle): string {
  const counts = countBySeverity(result.findings);
  const worst = (['error', 'warning', 'note'] as const).find((severity) => counts[severity] > 0);
  const text = `Summary: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.note} note(s).`;
  return worst ? style[worst](text) : text;
}

function* reportLines(result: ScanResult, options: TextOptions, style: TextStyle): Generator<string> {
  yield* findingLines(result, style);
  yield* registryLines(result, options, style);
  yield* inventoryLines(result, style);
  if (result.errors.length > 0) {
    yield '';
    yield style.bold(`Not checked (${result.errors.length}):`);
    for (const error of result.errors) yield `  ${terminalSafe(error.file)}: ${terminalSafe(error.message)}`;
  }
  for (const note of result.notes ?? []) {
    yield '';
    yield terminalSafe(note);
  }
  yield '';
  yield summaryLine(result, style);
}

/** Characters per chunk of the streamed report. */
const CHUNK = 64 * 1024;

/**
 * The text report in chunks of about 64 KB, made as they are asked for: a caller that writes each
 * one out (the CLI) never holds the whole report, which at 100,000 images is tens of megabytes.
 */
export function* renderTextChunks(result: ScanResult, options: TextOptions = {}): Generator<string> {
  let chunk = '';
  for (const line of reportLines(result, options, options.style ?? PLAIN_STYLE)) {
    chunk += line + '\n';
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export function renderText(result: ScanResult, options: TextOptions = {}): string {
  return [...renderTextChunks(result, options)].join('');
}

