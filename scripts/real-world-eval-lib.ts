/**
 * The real-world corpus (`__tests__/fixtures/real-world/`, see its SOURCES.md) scanned as a new user
 * would scan each repository: offline, with the embedded default policy, each `<owner>__<repo>`
 * folder (top level and under `corpus/`) as its own root. Compared with what is recorded beside the
 * files in `findings.json`: the real problems (error findings a correct tool must raise), the value
 * `helm template` renders for each Helm image line, worked out by hand from the charts' default
 * values, and the rows still waiting on another part of the work (`pending`, naming the owner).
 *
 * Used by `npm run eval:real-world` (scripts/eval-real-world.ts) and the corpus test
 * (`__tests__/real-world-findings.test.ts`).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPolicy } from '../src/config/load.js';
import { scan } from '../src/engine.js';
import type { Finding, ResolvedOccurrence, ScanError } from '../src/model.js';
import { normalizeForOccurrence } from '../src/reference/index.js';

export const REAL_WORLD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__tests__', 'fixtures', 'real-world');

/** An error finding a correct tool raises: the repository really has this problem. */
export interface RealProblem {
  file: string;
  line: number;
  rule: string;
  why: string;
}

/** An error finding known to be false, left to another part of the work (`pending` names it). */
export interface PendingFalseError {
  file: string;
  line: number;
  rule: string;
  pending: string;
}

/** A Helm template line and the reference `helm template` renders there with the chart's default values. */
export interface HelmExpectation {
  file: string;
  line: number;
  /** As rendered (`docker.io/traefik:v3.7.11`); compared after normalization. */
  rendered: string;
  /** False when the template is off by default (`if .Values.x.enabled`): the value it renders once on. */
  renderedByDefault: boolean;
  /** Set while the resolution is known to fail, naming the owner of the fix. */
  pending?: string;
}

export interface CorpusRecord {
  realProblems: RealProblem[];
  pendingFalseErrors: PendingFalseError[];
  helm: HelmExpectation[];
}

export interface RepositoryScan {
  /** Folder relative to REAL_WORLD, e.g. "corpus/traefik__traefik-helm-chart". */
  folder: string;
  files: number;
  occurrences: ResolvedOccurrence[];
  findings: Finding[];
  errors: ScanError[];
}

/** Every repository folder of the corpus, relative to REAL_WORLD, sorted. */
export async function repositoryFolders(): Promise<string[]> {
  const folders: string[] = [];
  for (const base of ['', 'corpus']) {
    const entries = await readdir(path.join(REAL_WORLD, base), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name.includes('__')) folders.push(base === '' ? entry.name : `${base}/${entry.name}`);
    }
  }
  return folders.sort();
}

async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) count++;
  return count;
}

/** Scans one repository folder; paths in the result are relative to REAL_WORLD. */
export async function scanRepository(folder: string): Promise<RepositoryScan> {
  const root = path.join(REAL_WORLD, folder);
  const outcome = await scan({ root, policy: defaultPolicy(), offline: true });
  const prefix = (file: string) => `${folder}/${file}`;
  return {
    folder,
    files: await countFiles(root),
    occurrences: outcome.occurrences.map((occurrence) => withFolder({ ...occurrence, file: prefix(occurrence.file) }, prefix)),
    findings: outcome.findings.map((finding) => withFolder({ ...finding, file: prefix(finding.file) }, prefix)),
    errors: outcome.errors.map((error) => ({ ...error, file: prefix(error.file) })),
  };
}

function withFolder<T extends { related?: Array<{ file: string }> }>(item: T, prefix: (file: string) => string): T {
  if (item.related) item.related = item.related.map((location) => ({ ...location, file: prefix(location.file) }));
  return item;
}

export async function loadRecord(): Promise<CorpusRecord> {
  return JSON.parse(await readFile(path.join(REAL_WORLD, 'findings.json'), 'utf8')) as CorpusRecord;
}

const at = (entry: { file: string; line: number; rule: string }) => `${entry.file}:${entry.line} ${entry.rule}`;

export interface HelmOutcome {
  expectation: HelmExpectation;
  /**
   * The references reported for that template line, normalized: occurrences at the line itself or
   * whose related locations name it (a values-file image rendered there). Null when unresolved.
   */
  found: Array<string | null>;
  /**
   * Every reference found is the rendered one, and there is one; for a template off by default,
   * reporting nothing there is also right (it renders nothing).
   */
  ok: boolean;
}

export interface RepositoryFigures {
  folder: string;
  files: number;
  occurrences: number;
  resolved: number;
  realErrors: number;
  falseErrors: number;
  filesNotRead: number;
  byRule: Record<string, number>;
}

export interface CorpusEvaluation {
  repositories: RepositoryFigures[];
  total: RepositoryFigures;
  /** Unsuppressed error findings not recorded as real problems (pending ones included). */
  falseErrors: Finding[];
  /** Recorded real problems the scan did not raise. */
  missedProblems: RealProblem[];
  /** False errors recorded as pending that the scan no longer raises (the record should drop them). */
  pendingResolved: PendingFalseError[];
  helm: HelmOutcome[];
  errors: ScanError[];
}

/** The expected reference of a Helm row, normalized as occurrences are. */
export function normalizedRendered(rendered: string): string {
  const result = normalizeForOccurrence(rendered);
  if (!result.ok) throw new Error(`findings.json: ${rendered} is not a reference: ${result.message}`);
  return result.reference;
}

export async function evaluateCorpus(): Promise<CorpusEvaluation> {
  const record = await loadRecord();
  const real = new Set(record.realProblems.map(at));
  const scans: RepositoryScan[] = [];
  for (const folder of await repositoryFolders()) scans.push(await scanRepository(folder));

  const errorFindings = scans.flatMap((repository) => repository.findings.filter((finding) => finding.severity === 'error' && !finding.suppressed));
  const raised = new Set(errorFindings.map(at));
  const repositories = scans.map((repository) => figuresOf(repository, real));
  return {
    repositories,
    total: totalOf(repositories),
    falseErrors: errorFindings.filter((finding) => !real.has(at(finding))),
    missedProblems: record.realProblems.filter((problem) => !raised.has(at(problem))),
    pendingResolved: record.pendingFalseErrors.filter((entry) => !raised.has(at(entry))),
    helm: record.helm.map((expectation) => helmOutcome(expectation, scans)),
    errors: scans.flatMap((repository) => repository.errors),
  };
}

function helmOutcome(expectation: HelmExpectation, scans: RepositoryScan[]): HelmOutcome {
  const expected = normalizedRendered(expectation.rendered);
  const rendersThere = (location: { file: string; line: number }) => location.file === expectation.file && location.line === expectation.line;
  const found = scans
    .flatMap((repository) => repository.occurrences)
    .filter((occurrence) => rendersThere(occurrence) || (occurrence.related ?? []).some(rendersThere))
    .map((occurrence) => occurrence.reference);
  const allRight = found.every((reference) => reference === expected);
  return { expectation, found, ok: allRight && (found.length > 0 || !expectation.renderedByDefault) };
}

function figuresOf(repository: RepositoryScan, real: Set<string>): RepositoryFigures {
  const byRule: Record<string, number> = {};
  for (const finding of repository.findings) if (!finding.suppressed) byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
  const errors = repository.findings.filter((finding) => finding.severity === 'error' && !finding.suppressed);
  const realErrors = errors.filter((finding) => real.has(at(finding))).length;
  return {
    folder: repository.folder,
    files: repository.files,
    occurrences: repository.occurrences.length,
    resolved: repository.occurrences.filter((occurrence) => occurrence.reference !== null).length,
    realErrors,
    falseErrors: errors.length - realErrors,
    filesNotRead: new Set(repository.errors.map((error) => error.file)).size,
    byRule,
  };
}

function totalOf(repositories: RepositoryFigures[]): RepositoryFigures {
  const total: RepositoryFigures = { folder: 'total', files: 0, occurrences: 0, resolved: 0, realErrors: 0, falseErrors: 0, filesNotRead: 0, byRule: {} };
  for (const repository of repositories) {
    total.files += repository.files;
    total.occurrences += repository.occurrences;
    total.resolved += repository.resolved;
    total.realErrors += repository.realErrors;
    total.falseErrors += repository.falseErrors;
    total.filesNotRead += repository.filesNotRead;
    for (const [rule, count] of Object.entries(repository.byRule)) total.byRule[rule] = (total.byRule[rule] ?? 0) + count;
  }
  return total;
}
