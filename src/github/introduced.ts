/**
 * Which findings a pull request introduced, and which of them a `filter-mode` lets through to
 * annotations and review comments. Pure: the caller lists the pull request's files and computes
 * the supply-chain delta.
 */
import type { Finding } from '../model.js';
import type { ImageChange } from './delta.js';
import type { PullRequestFile } from './review.js';

/** reviewdog's names: lines the PR adds, lines inside its diff hunks, files it changes, everything. */
export const FILTER_MODES = ['added', 'diff_context', 'file', 'nofilter'] as const;
export type FilterMode = (typeof FILTER_MODES)[number];

export interface PullRequestChanges {
  /** The pull request's files, when they could be listed. */
  files?: PullRequestFile[];
  /** The supply-chain delta, when the base commit could be read. */
  delta?: ImageChange[];
  /** Directory of the scan root inside the repository ("" or "sub/dir/"); finding paths are relative to it. */
  pathPrefix: string;
}

export interface ChangeIndex {
  /** Whether anything is known about the change; without it nothing can be told apart. */
  known: boolean;
  /** A finding on a line the pull request adds, or on an image the delta says is new or changed. */
  introduced: (finding: Finding) => boolean;
  /** Where a finding stands relative to the diff: 2 added line, 1 diff context, 0 changed file, -1 elsewhere. */
  closeness: (finding: Finding) => number;
  passes: (finding: Finding, mode: FilterMode) => boolean;
}

/**
 * The finding placed on the first line the pull request adds to its file, when it adds any there:
 * a review comment can only go on a line of the diff.
 */
export function onFirstAddedLine(finding: Finding, changes: PullRequestChanges): Finding {
  const file = (changes.files ?? []).find((entry) => entry.filename === changes.pathPrefix + finding.file);
  const first = file ? Math.min(...file.lines.added) : Infinity;
  return Number.isFinite(first) ? { ...finding, line: first, column: 1 } : finding;
}

export function changeIndex(changes: PullRequestChanges): ChangeIndex {
  const files = new Map((changes.files ?? []).map((file) => [file.filename, file]));
  const newImages = new Set<string>();
  for (const change of changes.delta ?? []) if (change.change !== 'removed') for (const location of change.locations) newImages.add(location);
  const closeness = (finding: Finding): number => {
    const file = files.get(changes.pathPrefix + finding.file);
    if (!file) return -1;
    if (file.lines.added.has(finding.line)) return 2;
    if (file.lines.commentable.has(finding.line)) return 1;
    return 0;
  };
  const known = changes.files !== undefined || changes.delta !== undefined;
  return {
    known,
    closeness,
    // A policy change is this pull request's by definition, wherever in the file it is.
    introduced: (finding) => !known || finding.rule === 'policy-loosened' || closeness(finding) === 2 || newImages.has(`${finding.file}:${finding.line}`),
    passes: (finding, mode) => {
      if (mode === 'nofilter' || changes.files === undefined) return true;
      const where = closeness(finding);
      return mode === 'added' ? where === 2 : mode === 'diff_context' ? where >= 1 : where >= 0;
    },
  };
}
