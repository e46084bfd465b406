/**
 * The Markdown report a reviewer reads in a PR comment or the job summary. Every piece of
 * repository-controlled text goes through `inlineCode` or `escapeText`, so an image name or a path
 * cannot inject Markdown, HTML, mentions or links.
 */
import { RULES } from '../checks/rules.js';
import type { Finding, ScanResult, Severity } from '../model.js';
import { groupByLine, lineEdits, type LineFindings } from './line-findings.js';
import { describeRegistryProblem, registryProblems } from './registry-summary.js';
import { imageStatuses, type CheckState } from './status.js';
import { countBySeverity } from './text.js';

export interface MarkdownOptions {
  /** Heading level of the title (2 for comments, 2 for summaries). */
  headingLevel?: number;
  /** Base URL of the file tree at the scanned commit, e.g. "https://github.com/o/r/blob/<sha>/"; findings link to it. */
  linkBase?: string;
  /** Text placed right after the title (e.g. the pull request's supply-chain delta), already safe Markdown. */
  preface?: string;
  /** Limit on findings listed in full; the rest are counted (GitHub comments hold 65,536 characters). */
  maxFindings?: number;
  /** Hide the image table (it can be long). */
  omitImages?: boolean;
  /**
   * On pull requests: whether a finding is introduced by the pull request. Introduced findings
   * lead; the others follow collapsed. Without it, every finding is listed, errors first.
   */
  introduced?: (finding: Finding) => boolean;
  /** Safe Markdown placed after the findings (the supply-chain delta). */
  afterFindings?: string;
  /** How people allow a plain-HTTP registry where this report is read ("the `insecure-registries` input"). */
  insecureHint?: string;
}

const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', note: 'ℹ️' };

/** HTML-escapes text and neutralises what GitHub would turn into mentions, references or table breaks. */
const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '@': '&#64;',
  '#': '&#35;',
  // A colon as an entity stops GitHub's autolinking of "http://…" in text.
  ':': '&#58;',
};

/** Bidirectional controls reorder what a reviewer sees (an image name shown as another). */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function htmlEscape(text: string): string {
  return text
    .replace(BIDI_CONTROLS, '?')
    .replace(/[&<>"'|@#:]/g, (character) => HTML_ENTITIES[character])
    .replace(/\r?\n|\r/g, ' ');
}

/**
 * HTML entities plus a backslash before every Markdown metacharacter: text between HTML tags is
 * still Markdown, so `<code>` alone would not stop `**`, links or autolinks (nor `$`, GitHub's math).
 */
function escapeMarkdown(text: string): string {
  return htmlEscape(text).replace(/[\\`*_{}[\]()+\-.!~$]/g, (character) => `\\${character}`);
}

/** Untrusted text as inline code: HTML `<code>` (backticks in the text cannot end it), content escaped. */
export function inlineCode(text: string): string {
  return `<code>${escapeMarkdown(text)}</code>`;
}

/** Untrusted text as plain Markdown text. */
export function escapeText(text: string): string {
  // GitHub links mentions and issue references after decoding entities; a zero-width space breaks them.
  return escapeMarkdown(text).replace(/&#64;|&#35;/g, (entity) => `${entity}&#8203;`);
}

/**
 * A message as Markdown: text between backticks becomes inline code (checks quote names that
 * way), everything else escaped text. An unpaired backtick stays a visible backtick.
 */
export function messageMarkdown(message: string): string {
  const parts = message.split('`');
  // An odd count of parts means every backtick is paired.
  if (parts.length % 2 === 0) return escapeText(message);
  return parts.map((part, index) => (index % 2 === 1 ? inlineCode(part) : escapeText(part))).join('');
}

function link(label: string, target: string | undefined): string {
  if (!target) return label;
  return `<a href="${target.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}">${label}</a>`;
}

function fileLink(options: MarkdownOptions, file: string, line?: number): string | undefined {
  if (!options.linkBase) return undefined;
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return `${options.linkBase}${encoded}${line ? `#L${line}` : ''}`;
}

function severityCounts(findings: Finding[]): string {
  const counts = countBySeverity(findings);
  return `${SEVERITY_ICON.error} ${plural(counts.error, 'error')} · ${SEVERITY_ICON.warning} ${plural(counts.warning, 'warning')} · ${SEVERITY_ICON.note} ${plural(counts.note, 'note')}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "1 error, 16 warnings" naming only the severities present. */
export function countsInWords(findings: Finding[]): string {
  const counts = countBySeverity(findings);
  const parts = (['error', 'warning', 'note'] as const).filter((severity) => counts[severity] > 0).map((severity) => plural(counts[severity], severity));
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/**
 * What was and was not verified, for a reader who would otherwise take "no findings" for "all
 * checked": offline, nothing was asked of a registry.
 */
export function verificationSentence(result: Pick<ScanResult, 'occurrences'>): string {
  const external = result.occurrences.filter((occurrence) => !occurrence.local);
  const images = new Set(external.map((occurrence) => occurrence.reference ?? occurrence.raw)).size;
  const asked = external.filter((occurrence) => occurrence.resolution !== undefined);
  if (images === 0) return 'No external images are referenced.';
  if (asked.length === 0) {
    return `${plural(images, 'image')} read; not verified (offline): that they exist, what their tags point to, and their signatures.`;
  }
  const unverified = new Set(asked.filter((occurrence) => occurrence.resolution?.status === 'error').map((occurrence) => occurrence.reference ?? occurrence.raw)).size;
  return unverified > 0
    ? `${plural(images, 'image')} checked against their registries; ${unverified} could not be verified (registry not reachable).`
    : `${plural(images, 'image')} checked against their registries.`;
}

const STATE_LABEL: Record<CheckState, string> = { yes: '✅ yes', no: '❌ no', 'not checked': '➖ not checked', 'n/a': 'n/a (built here)', 'not required': '➖ not required by the policy' };

/** One table row per line: where (and the image as written), every finding of the line, and the fix that leaves it in its final form. */
function lineRow(group: LineFindings, options: MarkdownOptions): string {
  const where = link(inlineCode(`${group.file}:${group.line}`), fileLink(options, group.file, group.line));
  const images = [...new Set(group.findings.map((finding) => finding.raw))].map((raw) => inlineCode(raw)).join('<br>');
  const problems = group.findings.map((finding) => `${SEVERITY_ICON[finding.severity]} **${finding.rule}**: ${messageMarkdown(finding.message)}`);
  const fixes = lineEdits(group).map((edit) => inlineCode(edit.replacement));
  if (fixes.length > 0) problems.push(`**Fix:** ${fixes.join(', ')}`);
  return `| ${SEVERITY_ICON[group.severity]} | ${where}<br>${images} | ${problems.join('<br>')} |`;
}

/** A findings table, errors first; at most `limit` lines, the rest counted. */
function findingsTable(findings: Finding[], options: MarkdownOptions, limit: number): string[] {
  const groups = groupByLine(findings);
  const lines = ['| | Where | Problem and fix |', '| --- | --- | --- |'];
  for (const group of groups.slice(0, limit)) lines.push(lineRow(group, options));
  if (groups.length > limit) lines.push('', `…and ${groups.length - limit} more lines with findings (see the job summary, or the JSON or SARIF report).`);
  return lines;
}

function rulesSection(active: Finding[]): string[] {
  const rules = [...new Set(active.map((finding) => finding.rule))];
  const lines = ['<details><summary>What the rules mean</summary>', ''];
  for (const rule of rules) lines.push(`- **${rule}**: ${messageMarkdown(RULES[rule].fullDescription)} ${messageMarkdown(RULES[rule].help)}`);
  lines.push('', '</details>');
  return lines;
}

function imagesSection(result: ScanResult): string[] {
  const images = imageStatuses(result.occurrences);
  if (images.length === 0) return [];
  const lines = [`<details><summary>Images (${images.length})</summary>`, ''];
  lines.push('| Image | Pinned | Digest verified | Signature verified | Where |', '| --- | --- | --- | --- | --- |');
  for (const image of images) {
    const where = image.locations.slice(0, 3).map((location) => inlineCode(location)).join(', ') + (image.locations.length > 3 ? ` +${image.locations.length - 3}` : '');
    const signature = STATE_LABEL[image.signatureVerified] + (image.signer ? `<br>${escapeText(image.signer)}` : '');
    lines.push(`| ${inlineCode(image.reference ?? image.raw)} | ${STATE_LABEL[image.pinned]} | ${STATE_LABEL[image.digestVerified]} | ${signature} | ${where} |`);
  }
  lines.push('', '</details>');
  return lines;
}

function errorsSection(result: ScanResult): string[] {
  if (result.errors.length === 0) return [];
  const lines = [`<details><summary>Not checked (${result.errors.length})</summary>`, ''];
  for (const error of result.errors.slice(0, 100)) lines.push(`- ${inlineCode(error.file)}: ${messageMarkdown(error.message)}`);
  if (result.errors.length > 100) lines.push(`- …and ${result.errors.length - 100} more`);
  lines.push('', '</details>');
  return lines;
}

/**
 * Findings silenced by an inline comment the pull request adds (on the finding's line or alone on
 * the line above): a change may hide what it introduces, so the reviewer sees each with its reason.
 */
export function suppressedByChange(findings: Finding[], introduced: (finding: Finding) => boolean): Finding[] {
  return findings.filter((finding) => {
    const suppression = finding.suppressed;
    if (suppression?.kind !== 'inline') return false;
    return introduced(finding) || (suppression.line !== undefined && introduced({ ...finding, line: suppression.line }));
  });
}

const MAX_SUPPRESSED_LISTED = 50;

function suppressedSection(silenced: Finding[], options: MarkdownOptions, heading: string): string[] {
  const lines = [`${heading}# Suppressed by this pull request`, '', 'Inline comments this pull request adds silence these findings; they are not counted. Check that each reason holds.', ''];
  for (const finding of silenced.slice(0, MAX_SUPPRESSED_LISTED)) {
    const where = link(inlineCode(`${finding.file}:${finding.line}`), fileLink(options, finding.file, finding.line));
    const reason = finding.suppressed?.reason;
    lines.push(`- ${SEVERITY_ICON[finding.severity]} **${finding.rule}** at ${where} ${inlineCode(finding.raw)}: ${messageMarkdown(finding.message)} Reason: ${reason ? escapeText(reason) : '_none given_'}.`);
  }
  if (silenced.length > MAX_SUPPRESSED_LISTED) lines.push(`- …and ${silenced.length - MAX_SUPPRESSED_LISTED} more (see the JSON or SARIF report).`);
  return lines;
}

/** The findings of a pull request: introduced ones in the open, the rest collapsed with counts. */
function pullRequestFindings(active: Finding[], introduced: (finding: Finding) => boolean, options: MarkdownOptions, heading: string, limit: number): string[] {
  const mine = active.filter(introduced);
  const others = active.filter((finding) => !introduced(finding));
  const lines: string[] = [];
  lines.push(`${heading}# Introduced by this pull request`, '');
  if (mine.length > 0) lines.push(...findingsTable(mine, options, limit));
  else lines.push('✅ None: this pull request adds no findings.');
  if (others.length > 0) {
    lines.push('', `<details><summary>Pre-existing findings: ${countsInWords(others)}</summary>`, '');
    lines.push(...findingsTable(others, options, limit), '', '</details>');
  }
  return lines;
}

export function renderMarkdown(result: ScanResult, options: MarkdownOptions = {}): string {
  const heading = '#'.repeat(options.headingLevel ?? 2);
  const lines: string[] = [];
  const active = result.findings.filter((finding) => !finding.suppressed);
  const suppressed = result.findings.length - active.length;
  const introduced = options.introduced;
  lines.push(`${heading} verify-images`, '');
  const silenced = introduced ? suppressedByChange(result.findings, introduced) : [];
  if (introduced) {
    const mine = active.filter(introduced);
    const silencedNote = silenced.length > 0 ? ` · 🔕 ${plural(silenced.length, 'finding')} suppressed by comments it adds` : '';
    lines.push(`**This pull request:** ${mine.length > 0 ? severityCounts(mine) : '✅ no new findings'}${silencedNote} · pre-existing: ${countsInWords(active.filter((finding) => !introduced(finding)))}`);
  } else {
    lines.push(severityCounts(active));
  }
  lines.push('', verificationSentence(result) + ` ${plural(new Set(result.occurrences.map((occurrence) => occurrence.file)).size, 'file')} with images.`);
  for (const problem of registryProblems(result.occurrences, { insecureFlag: options.insecureHint })) {
    lines.push('', `> ⚠️ ${messageMarkdown(describeRegistryProblem(problem))}${problem.hint ? `: ${messageMarkdown(problem.hint)}` : ''}`);
  }
  if (suppressed > 0) lines.push('', `${plural(suppressed, 'suppressed finding')} not counted.`);
  if (options.preface) lines.push('', options.preface);
  // The verification sentence above already says what an offline scan did not check.
  for (const note of result.notes ?? []) if (!note.startsWith('Offline scan:')) lines.push('', `> ${messageMarkdown(note)}`);

  const limit = options.maxFindings ?? 200;
  if (active.length === 0) lines.push('', 'No findings.');
  else if (introduced) lines.push('', ...pullRequestFindings(active, introduced, options, heading, limit));
  else lines.push('', `${heading}# Findings`, '', ...findingsTable(active, options, limit));
  if (silenced.length > 0) lines.push('', ...suppressedSection(silenced, options, heading));
  if (options.afterFindings) lines.push('', options.afterFindings);
  if (active.length > 0) lines.push('', ...rulesSection(active));
  if (!options.omitImages) {
    const images = imagesSection(result);
    if (images.length > 0) lines.push('', ...images);
  }
  const errors = errorsSection(result);
  if (errors.length > 0) lines.push('', ...errors);
  return lines.join('\n') + '\n';
}
