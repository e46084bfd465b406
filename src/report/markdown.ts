/**
 * The Markdown report a reviewer reads in a PR comment or the job summary. Every piece of
 * repository-controlled text goes through `inlineCode` or `escapeText`, so an image name or a path
 * cannot inject Markdown, HTML, mentions or links.
 */
import { RULES } from '../checks/rules.js';
import type { Finding, ScanResult, Severity } from '../model.js';
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

function link(label: string, target: string | undefined): string {
  if (!target) return label;
  return `<a href="${target.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}">${label}</a>`;
}

function fileLink(options: MarkdownOptions, file: string, line?: number): string | undefined {
  if (!options.linkBase) return undefined;
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return `${options.linkBase}${encoded}${line ? `#L${line}` : ''}`;
}

export function severityCounts(result: Pick<ScanResult, 'findings'>): string {
  const counts = countBySeverity(result.findings);
  return `${SEVERITY_ICON.error} ${counts.error} error${counts.error === 1 ? '' : 's'} · ${SEVERITY_ICON.warning} ${counts.warning} warning${counts.warning === 1 ? '' : 's'} · ${SEVERITY_ICON.note} ${counts.note} note${counts.note === 1 ? '' : 's'}`;
}

const STATE_LABEL: Record<CheckState, string> = { yes: '✅ yes', no: '❌ no', 'not checked': '➖ not checked', 'n/a': 'n/a (built here)', 'not required': '➖ not required by the policy' };

export function renderMarkdown(result: ScanResult, options: MarkdownOptions = {}): string {
  const heading = '#'.repeat(options.headingLevel ?? 2);
  const lines: string[] = [];
  const active = result.findings.filter((finding) => !finding.suppressed);
  const suppressed = result.findings.filter((finding) => finding.suppressed);
  const images = imageStatuses(result.occurrences);
  lines.push(`${heading} verify-images`, '');
  if (options.preface) lines.push(options.preface, '');
  lines.push(`${severityCounts(result)} — ${images.length} image${images.length === 1 ? '' : 's'} in ${new Set(result.occurrences.map((occurrence) => occurrence.file)).size} files`);
  if (suppressed.length > 0) lines.push('', `${suppressed.length} suppressed finding${suppressed.length === 1 ? '' : 's'} not counted.`);
  for (const note of result.notes ?? []) lines.push('', `> ${escapeText(note)}`);

  if (active.length > 0) {
    lines.push('', `${heading}# Findings`, '');
    const limit = options.maxFindings ?? 200;
    const byFile = new Map<string, Finding[]>();
    for (const finding of active.slice(0, limit)) {
      const list = byFile.get(finding.file) ?? [];
      list.push(finding);
      byFile.set(finding.file, list);
    }
    for (const [file, findings] of byFile) {
      lines.push(`**${link(inlineCode(file), fileLink(options, file))}**`, '');
      lines.push('| | Line | Rule | Image | Finding |', '| --- | --- | --- | --- | --- |');
      for (const finding of findings) {
        const fix = finding.suggestion ? `<br>Fix: ${inlineCode(finding.suggestion)}` : '';
        lines.push(
          `| ${SEVERITY_ICON[finding.severity]} | ${link(String(finding.line), fileLink(options, file, finding.line))} | ${finding.rule} | ${inlineCode(finding.raw)} | ${escapeText(finding.message)}${fix} |`,
        );
      }
      lines.push('');
    }
    if (active.length > limit) lines.push(`…and ${active.length - limit} more findings (see the JSON or SARIF report).`, '');
    const rules = [...new Set(active.map((finding) => finding.rule))];
    lines.push('<details><summary>What the rules mean</summary>', '');
    for (const rule of rules) lines.push(`- **${rule}**: ${escapeText(RULES[rule].fullDescription)} ${escapeText(RULES[rule].help)}`);
    lines.push('', '</details>');
  } else {
    lines.push('', 'No findings.');
  }

  if (!options.omitImages && images.length > 0) {
    lines.push('', `<details><summary>Images (${images.length})</summary>`, '');
    lines.push('| Image | Pinned | Digest verified | Signature verified | Where |', '| --- | --- | --- | --- | --- |');
    for (const image of images) {
      const where = image.locations.slice(0, 3).map((location) => inlineCode(location)).join(', ') + (image.locations.length > 3 ? ` +${image.locations.length - 3}` : '');
      const signature = STATE_LABEL[image.signatureVerified] + (image.signer ? `<br>${escapeText(image.signer)}` : '');
      lines.push(`| ${inlineCode(image.reference ?? image.raw)} | ${STATE_LABEL[image.pinned]} | ${STATE_LABEL[image.digestVerified]} | ${signature} | ${where} |`);
    }
    lines.push('', '</details>');
  }

  if (result.errors.length > 0) {
    lines.push('', `<details><summary>Not checked (${result.errors.length})</summary>`, '');
    for (const error of result.errors.slice(0, 100)) lines.push(`- ${inlineCode(error.file)}: ${escapeText(error.message)}`);
    if (result.errors.length > 100) lines.push(`- …and ${result.errors.length - 100} more`);
    lines.push('', '</details>');
  }
  return lines.join('\n') + '\n';
}
