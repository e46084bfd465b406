/**
 * The hand-off between the two workflows that serve fork pull requests: the `pull_request` run
 * (read-only token, runs on the PR's code) writes the JSON report and a small metadata file next
 * to it; the `workflow_run` run (write token, runs nothing from the PR) reads both and comments.
 *
 * Both files are produced by a run the pull request's author controls, so reading them is parsing
 * untrusted input: sizes are bounded, every field is type-checked and copied, unknown fields are
 * dropped, and what is rendered later goes through the Markdown escaping like any repository text.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RULES } from '../checks/rules.js';
import { KINDS, type Finding, type Kind, type ResolvedOccurrence, type ScanError, type ScanResult, type Severity } from '../model.js';
import type { ChangeAspect, ImageChange } from './delta.js';

export const REPORT_FILE = 'verify-images-report.json';
export const METADATA_FILE = 'verify-images-pull-request.json';

const MAX_REPORT_BYTES = 50 * 1024 * 1024;
const MAX_METADATA_BYTES = 10 * 1024 * 1024;
const MAX_ITEMS = 100_000;
const MAX_TEXT = 4_000;
const MAX_SOURCE_LINE = 2_000;
/** Source lines kept: one per finding's line, at most this many. */
const MAX_SOURCE_LINES = 2_000;

/** What the `pull_request` run knew that the `workflow_run` run cannot find out without running the PR's code. */
export interface PullRequestMetadata {
  kind: 'verify-images-pull-request';
  schemaVersion: 1;
  /** "owner/repo" of the base repository. */
  repository: string;
  pullNumber: number;
  headSha: string;
  baseSha: string;
  /** Directory of the scan root inside the repository: "" or "sub/dir/". */
  pathPrefix: string;
  /** The sticky comment's key (separates several scans of one repository). */
  stickyKey: string;
  /** The supply-chain delta, or why it is missing. */
  delta?: ImageChange[];
  deltaNote?: string;
  /** file -> line -> text of the lines findings are on: for suggestion blocks, and to check review lines against the diff. */
  sourceLines: Record<string, Record<string, string>>;
}

export class HandoffError extends Error {
  override name = 'HandoffError';
}

function fail(what: string, problem: string): never {
  throw new HandoffError(`${what}: ${problem}`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(value: unknown, what: string, max = MAX_TEXT): string {
  if (typeof value !== 'string') fail(what, 'must be a string');
  if (value.length > max) fail(what, `is longer than ${max} characters`);
  return value;
}

function optionalText(value: unknown, what: string, max = MAX_TEXT): string | undefined {
  return value === undefined ? undefined : text(value, what, max);
}

function positive(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10_000_000) fail(what, 'must be a positive integer');
  return value;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) fail(what, 'must be an array');
  if (value.length > MAX_ITEMS) fail(what, `has more than ${MAX_ITEMS} entries`);
  return value;
}

/** A repository-relative POSIX path that stays inside the repository. */
function relativePath(value: unknown, what: string): string {
  const file = text(value, what, 1_000);
  if (file === '' || file.startsWith('/') || file.includes('\\') || file.includes('\0') || file.split('/').some((part) => part === '..' || part === '')) {
    fail(what, 'must be a relative path inside the repository');
  }
  return file;
}

const SEVERITIES = new Set<Severity>(['error', 'warning', 'note']);
const KNOWN_KINDS = new Set<string>(KINDS);

function readFinding(value: unknown, what: string): Finding {
  if (!isObject(value)) fail(what, 'must be an object');
  const rule = text(value.rule, `${what}.rule`, 100);
  if (!Object.hasOwn(RULES, rule)) fail(`${what}.rule`, `"${rule.slice(0, 50)}" is not a verify-images rule`);
  const severity = text(value.severity, `${what}.severity`, 20) as Severity;
  if (!SEVERITIES.has(severity)) fail(`${what}.severity`, 'must be error, warning or note');
  const finding: Finding = {
    rule: rule as Finding['rule'],
    severity,
    file: relativePath(value.file, `${what}.file`),
    line: positive(value.line, `${what}.line`),
    column: positive(value.column, `${what}.column`),
    reference: value.reference === null ? null : text(value.reference, `${what}.reference`),
    raw: text(value.raw, `${what}.raw`),
    message: text(value.message, `${what}.message`),
  };
  const suggestion = optionalText(value.suggestion, `${what}.suggestion`);
  if (suggestion !== undefined) finding.suggestion = suggestion;
  const errorCode = optionalText(value.errorCode, `${what}.errorCode`, 100);
  if (errorCode !== undefined) finding.errorCode = errorCode;
  // The JSON contract: `suppressed: true`, with how and why in `suppression`.
  if (value.suppressed !== undefined && value.suppressed !== false) {
    if (value.suppressed !== true) fail(`${what}.suppressed`, 'must be true or false');
    const suppression = isObject(value.suppression) ? value.suppression : {};
    const kind = suppression.kind === 'policy' ? 'policy' : 'inline';
    const reason = optionalText(suppression.reason, `${what}.suppression.reason`);
    finding.suppressed = reason === undefined ? { kind } : { kind, reason };
    if (kind === 'inline' && suppression.line !== undefined) finding.suppressed.line = positive(suppression.line, `${what}.suppression.line`);
  }
  return finding;
}

const RESOLUTION_STATUSES = new Set(['ok', 'not-found', 'error']);
const SIGNATURE_STATUSES = new Set(['verified', 'unsigned', 'invalid', 'signer-mismatch', 'not-checked', 'not-required']);

/** Occurrences feed only the image table; what does not fit the shape is left out of it. */
function readOccurrence(value: unknown, what: string): ResolvedOccurrence {
  if (!isObject(value)) fail(what, 'must be an object');
  const kind = text(value.kind, `${what}.kind`, 50) as Kind;
  if (!KNOWN_KINDS.has(kind)) fail(`${what}.kind`, 'is not a known file kind');
  const occurrence: ResolvedOccurrence = {
    file: relativePath(value.file, `${what}.file`),
    line: positive(value.line, `${what}.line`),
    column: positive(value.column, `${what}.column`),
    kind,
    raw: text(value.raw, `${what}.raw`),
    reference: value.reference === null ? null : text(value.reference, `${what}.reference`),
  };
  if (value.local === true) occurrence.local = true;
  if (isObject(value.resolution) && RESOLUTION_STATUSES.has(value.resolution.status as string)) {
    const resolution = value.resolution;
    occurrence.resolution = { status: resolution.status as 'ok' | 'not-found' | 'error' };
    if (typeof resolution.tagDigest === 'string') occurrence.resolution.tagDigest = text(resolution.tagDigest, `${what}.resolution.tagDigest`, 200);
    if (typeof resolution.pinnedDigestExists === 'boolean') occurrence.resolution.pinnedDigestExists = resolution.pinnedDigestExists;
  }
  if (isObject(value.signature) && SIGNATURE_STATUSES.has(value.signature.status as string)) {
    const signatures = Array.isArray(value.signature.signatures) ? value.signature.signatures.slice(0, 20) : [];
    occurrence.signature = {
      status: value.signature.status as NonNullable<ResolvedOccurrence['signature']>['status'],
      signatures: signatures.filter(isObject).map((signature, index) => {
        const identity = isObject(signature.identity) ? signature.identity : {};
        return {
          format: signature.format === 'legacy-cosign' || signature.format === 'legacy-attestation' ? signature.format : 'bundle',
          verified: signature.verified === true,
          identity: {
            issuer: optionalText(identity.issuer, `${what}.signature.signatures[${index}].identity.issuer`),
            subject: optionalText(identity.subject, `${what}.signature.signatures[${index}].identity.subject`),
          },
          signedAt: optionalText(signature.signedAt, `${what}.signature.signatures[${index}].signedAt`, 100),
        };
      }),
    };
  }
  return occurrence;
}

/** Parses a JSON report (the `renderJson` contract) from an untrusted source. */
export function parseReport(json: string, label = 'report'): ScanResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    fail(label, `is not JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isObject(parsed)) fail(label, 'must be a JSON object');
  if (parsed.schemaVersion !== 1) fail(`${label}.schemaVersion`, 'must be 1');
  const findings = list(parsed.findings, `${label}.findings`).map((finding, index) => readFinding(finding, `${label}.findings[${index}]`));
  const occurrences = list(parsed.occurrences ?? [], `${label}.occurrences`).map((occurrence, index) => readOccurrence(occurrence, `${label}.occurrences[${index}]`));
  const errors: ScanError[] = list(parsed.errors ?? [], `${label}.errors`).map((error, index) => {
    if (!isObject(error)) fail(`${label}.errors[${index}]`, 'must be an object');
    const read: ScanError = { file: text(error.file, `${label}.errors[${index}].file`, 1_000), message: text(error.message, `${label}.errors[${index}].message`) };
    if (error.checkFailed === true) read.checkFailed = true;
    return read;
  });
  const notes = list(parsed.notes ?? [], `${label}.notes`).slice(0, 50).map((note, index) => text(note, `${label}.notes[${index}]`));
  return { schemaVersion: 1, occurrences, findings, errors, notes };
}

const CHANGES = new Set(['added', 'removed', 'changed']);
const ASPECTS = new Set<ChangeAspect>(['registry', 'tag', 'digest']);
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function readChange(value: unknown, what: string): ImageChange {
  if (!isObject(value)) fail(what, 'must be an object');
  if (!CHANGES.has(value.change as string)) fail(`${what}.change`, 'must be added, removed or changed');
  const change: ImageChange = {
    change: value.change as ImageChange['change'],
    locations: list(value.locations, `${what}.locations`).slice(0, 20).map((location, index) => text(location, `${what}.locations[${index}]`, 1_100)),
  };
  if (value.beforeLocations !== undefined) {
    change.beforeLocations = list(value.beforeLocations, `${what}.beforeLocations`)
      .slice(0, 20)
      .map((location, index) => text(location, `${what}.beforeLocations[${index}]`, 1_100));
  }
  const before = optionalText(value.before, `${what}.before`);
  const after = optionalText(value.after, `${what}.after`);
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  if (change.change !== 'added' && before === undefined) fail(`${what}.before`, 'is required');
  if (change.change !== 'removed' && after === undefined) fail(`${what}.after`, 'is required');
  if (value.aspects !== undefined) change.aspects = list(value.aspects, `${what}.aspects`).filter((aspect): aspect is ChangeAspect => ASPECTS.has(aspect as ChangeAspect));
  return change;
}

export function parseMetadata(json: string, label = 'metadata'): PullRequestMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    fail(label, `is not JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isObject(parsed) || parsed.kind !== 'verify-images-pull-request') fail(label, 'is not a verify-images pull-request metadata file');
  if (parsed.schemaVersion !== 1) fail(`${label}.schemaVersion`, 'must be 1');
  const repository = text(parsed.repository, `${label}.repository`, 200);
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) fail(`${label}.repository`, 'must be "owner/repo"');
  const headSha = text(parsed.headSha, `${label}.headSha`, 64);
  const baseSha = text(parsed.baseSha, `${label}.baseSha`, 64);
  if (!SHA.test(headSha)) fail(`${label}.headSha`, 'must be a commit id');
  if (!SHA.test(baseSha)) fail(`${label}.baseSha`, 'must be a commit id');
  const pathPrefix = text(parsed.pathPrefix ?? '', `${label}.pathPrefix`, 1_000);
  if (pathPrefix !== '') relativePath(pathPrefix.replace(/\/$/, ''), `${label}.pathPrefix`);
  if (pathPrefix !== '' && !pathPrefix.endsWith('/')) fail(`${label}.pathPrefix`, 'must end with "/"');
  const metadata: PullRequestMetadata = {
    kind: 'verify-images-pull-request',
    schemaVersion: 1,
    repository,
    pullNumber: positive(parsed.pullNumber, `${label}.pullNumber`),
    headSha,
    baseSha,
    pathPrefix,
    stickyKey: text(parsed.stickyKey ?? '', `${label}.stickyKey`, 200),
    // No prototype: a file named "__proto__" is just a key.
    sourceLines: Object.create(null) as Record<string, Record<string, string>>,
  };
  if (parsed.delta !== undefined) metadata.delta = list(parsed.delta, `${label}.delta`).map((change, index) => readChange(change, `${label}.delta[${index}]`));
  const deltaNote = optionalText(parsed.deltaNote, `${label}.deltaNote`);
  if (deltaNote !== undefined) metadata.deltaNote = deltaNote;
  if (parsed.sourceLines !== undefined) {
    if (!isObject(parsed.sourceLines)) fail(`${label}.sourceLines`, 'must be an object');
    let count = 0;
    for (const [file, lines] of Object.entries(parsed.sourceLines)) {
      relativePath(file, `${label}.sourceLines key`);
      if (!isObject(lines)) fail(`${label}.sourceLines.${file}`, 'must be an object');
      const kept = Object.create(null) as Record<string, string>;
      for (const [line, content] of Object.entries(lines)) {
        if (!/^[1-9]\d{0,6}$/.test(line)) fail(`${label}.sourceLines.${file}`, `"${line.slice(0, 20)}" is not a line number`);
        const lineText = text(content, `${label}.sourceLines.${file}.${line}`, MAX_SOURCE_LINE);
        if (/[\r\n]/.test(lineText)) fail(`${label}.sourceLines.${file}.${line}`, 'must be one line');
        if (++count > MAX_SOURCE_LINES) fail(`${label}.sourceLines`, `holds more than ${MAX_SOURCE_LINES} lines`);
        kept[line] = lineText;
      }
      metadata.sourceLines[file] = kept;
    }
  }
  return metadata;
}

async function readBounded(file: string, max: number, label: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    fail(label, `${file} does not exist`);
  }
  if (size > max) fail(label, `${file} is larger than ${max} bytes`);
  return readFile(file, 'utf8');
}

export async function readHandoff(reportFile: string): Promise<{ report: ScanResult; metadata: PullRequestMetadata }> {
  const report = parseReport(await readBounded(reportFile, MAX_REPORT_BYTES, 'report'), 'report');
  const metadataFile = path.join(path.dirname(reportFile), METADATA_FILE);
  const metadata = parseMetadata(await readBounded(metadataFile, MAX_METADATA_BYTES, METADATA_FILE), METADATA_FILE);
  return { report, metadata };
}

/** The lines of the findings, from the scanned sources: suggestion blocks and the diff check need them. */
export function sourceLinesFor(findings: Finding[], sources: Map<string, string>): Record<string, Record<string, string>> {
  const result = Object.create(null) as Record<string, Record<string, string>>;
  // Each file split once, not once per finding (4,000 findings on long lines of an 8 MB manifest split it 4,000 times).
  const split = new Map<string, string[] | undefined>();
  const linesOf = (file: string) => (split.has(file) ? split.get(file) : split.set(file, sources.get(file)?.split('\n')).get(file));
  let count = 0;
  for (const finding of findings) {
    if (finding.suppressed || count >= MAX_SOURCE_LINES) continue;
    const line = linesOf(finding.file)?.[finding.line - 1]?.replace(/\r$/, '');
    if (line === undefined || line.length > MAX_SOURCE_LINE) continue;
    const lines = (result[finding.file] ??= Object.create(null) as Record<string, string>);
    if (lines[finding.line] === undefined) count++;
    lines[finding.line] = line;
  }
  return result;
}
