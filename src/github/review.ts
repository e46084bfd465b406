/**
 * Review comments on the lines a pull request adds: one per unsuppressed finding, with a
 * ```suggestion block when the finding carries a fix. Each comment holds a hidden marker with the
 * finding's fingerprint, so a re-run posts only what is new and marks comments whose finding is
 * gone as resolved. New comments go out in one review (one notification, not one per finding).
 */
import { SEVERITY_RANK, type Finding } from '../model.js';
import { escapeText, inlineCode } from '../report/markdown.js';
import { findingFingerprints } from '../report/sarif.js';
import { botAuthor, describeError, type OwnAuthorCheck, type Octokit, type PullRequestTarget } from './octokit.js';
import { diffLines, type DiffLines } from './patch.js';

const FINDING_MARKER = /^<!-- verify-images:finding ([0-9a-f]{32}:\d+) -->/;

/** A review with hundreds of comments helps nobody; the rest are in the sticky comment and summary. */
export const MAX_NEW_REVIEW_COMMENTS = 50;
/** GitHub rejects comment bodies above 65,536 characters; a finding's comment stays far below. */
const MAX_BODY = 60_000;

export function findingMarker(fingerprint: string): string {
  return `<!-- verify-images:finding ${fingerprint} -->`;
}

export function resolvedMarker(fingerprint: string): string {
  return `<!-- verify-images:resolved ${fingerprint} -->`;
}

export interface PullRequestFile {
  /** Path relative to the repository root. */
  filename: string;
  status: string;
  previousFilename?: string;
  /** Right-side lines of the diff; empty when GitHub sent no patch (binary, too large). */
  lines: DiffLines;
}

/** Every file of the pull request (the API pages 100 at a time, up to 3,000 files). */
export async function listPullRequestFiles(octokit: Octokit, target: PullRequestTarget): Promise<PullRequestFile[]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    owner: target.owner,
    repo: target.repo,
    pull_number: target.pullNumber,
    per_page: 100,
  });
  return files.map((file) => {
    const entry: PullRequestFile = { filename: file.filename, status: file.status, lines: diffLines(file.patch) };
    if (file.previous_filename) entry.previousFilename = file.previous_filename;
    return entry;
  });
}

/** Longest run of backticks in `text`, so a fence can be chosen that the text cannot close. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * The whole source line with the finding's `raw` replaced by its suggestion, as a ```suggestion
 * block; undefined when there is no fix or the text at the finding's column is not `raw` (the file
 * changed, or the occurrence was substituted text).
 */
export function suggestionBlock(finding: Finding, sourceLine: string | undefined): string | undefined {
  const { suggestion, raw } = finding;
  if (suggestion === undefined || sourceLine === undefined || raw.length === 0) return undefined;
  if (/[\r\n]/.test(suggestion) || /[\r\n]/.test(raw)) return undefined;
  const start = finding.column - 1;
  if (start < 0 || sourceLine.slice(start, start + raw.length) !== raw) return undefined;
  const fixed = sourceLine.slice(0, start) + suggestion + sourceLine.slice(start + raw.length);
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(fixed) + 1));
  return `${fence}suggestion\n${fixed}\n${fence}`;
}

const SEVERITY_LABEL: Record<Finding['severity'], string> = { error: '❌ Error', warning: '⚠️ Warning', note: 'ℹ️ Note' };

export function reviewCommentBody(finding: Finding, fingerprint: string, sourceLine: string | undefined): string {
  const parts = [findingMarker(fingerprint), `**${SEVERITY_LABEL[finding.severity]}** · verify-images \`${finding.rule}\``, '', escapeText(finding.message)];
  const block = suggestionBlock(finding, sourceLine);
  if (block) parts.push('', block);
  // A fix that cannot be offered as a one-click change (the line is not as scanned) is still named.
  else if (finding.suggestion !== undefined) parts.push('', `Suggested fix: ${inlineCode(finding.suggestion)}`);
  const body = parts.join('\n');
  return body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
}

/** The comment a fixed finding's comment becomes: resolved marker, the commit, and the old message. */
export function resolvedCommentBody(fingerprint: string, previousBody: string, headSha: string): string {
  const message = previousBody
    .replace(FINDING_MARKER, '')
    .split('\n')
    // The old suggestion would still offer an "apply" button; the message is what people need.
    .filter((line, index, lines) => !isInsideSuggestion(lines, index))
    .join('\n')
    .trim();
  const quoted = message
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  const body = `${resolvedMarker(fingerprint)}\n✅ Resolved in ${headSha.slice(0, 7)}\n\n${quoted}`;
  return body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
}

function isInsideSuggestion(lines: string[], index: number): boolean {
  let fence: string | undefined;
  for (let i = 0; i <= index; i++) {
    const line = lines[i];
    if (fence === undefined) {
      const opening = /^(`{3,})suggestion\s*$/.exec(line);
      if (opening) {
        fence = opening[1];
        if (i === index) return true;
      }
    } else {
      if (i === index) return true;
      if (line === fence) fence = undefined;
    }
  }
  return false;
}

export interface ReviewInput {
  /** All findings of the scan (suppressed ones included: fingerprints count every finding, like SARIF). */
  findings: Finding[];
  /** The text of a finding's line, from the scanned sources (or the report's metadata in report mode). */
  sourceLine: (file: string, line: number) => string | undefined;
  /** The pull request's files with their diff lines. */
  files: PullRequestFile[];
  /** Directory of the scan root inside the repository ("" or "sub/dir/"), prefixed to finding paths. */
  pathPrefix: string;
  /** The head commit the review is for. */
  headSha: string;
  /** Which marker comments are the action's own (default: a bot's). */
  isOwn?: OwnAuthorCheck;
}

const REVIEW_THREADS_QUERY = `query ($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

const RESOLVE_THREAD_MUTATION = `mutation ($threadId: ID!) {
  resolveReviewThread(input: { threadId: $threadId }) { thread { id isResolved } }
}`;

interface ReviewThreadsPage {
  repository: {
    pullRequest: {
      reviewThreads: {
        nodes: Array<{ id: string; isResolved: boolean; comments: { nodes: Array<{ databaseId: number | null }> } } | null>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } | null;
  } | null;
}

/** Threads beyond this many are left as they are (30 pages of 100). */
const MAX_THREAD_PAGES = 30;

/**
 * Resolves (collapses) the review threads that start with the given comments, through GraphQL
 * (REST has no way to). Returns how many were resolved; errors propagate.
 */
export async function resolveReviewThreads(octokit: Octokit, target: PullRequestTarget, rootCommentIds: Set<number>): Promise<number> {
  if (rootCommentIds.size === 0) return 0;
  const threads: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_THREAD_PAGES; page++) {
    const response: ReviewThreadsPage = await octokit.graphql<ReviewThreadsPage>(REVIEW_THREADS_QUERY, {
      owner: target.owner,
      repo: target.repo,
      number: target.pullNumber,
      cursor,
    });
    const connection = response.repository?.pullRequest?.reviewThreads;
    if (!connection) break;
    for (const thread of connection.nodes) {
      const root = thread?.comments.nodes[0]?.databaseId;
      if (thread && !thread.isResolved && typeof root === 'number' && rootCommentIds.has(root)) threads.push(thread.id);
    }
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    cursor = connection.pageInfo.endCursor;
  }
  for (const threadId of threads) await octokit.graphql(RESOLVE_THREAD_MUTATION, { threadId });
  return threads.length;
}

export interface ReviewOutcome {
  /** New comments posted in this run. */
  posted: number;
  /** Findings that already had a comment from an earlier run. */
  alreadyCommented: number;
  /** Comments whose finding is gone, marked resolved in this run. */
  resolved: number;
  /** Unsuppressed findings not on a line the pull request adds (they are in the sticky comment). */
  outsideDiff: number;
  /**
   * Findings on an added line whose scanned text is not the pull request's text there: the
   * checkout is a merge commit and the base branch moved lines of that file. A comment would land
   * on the wrong line, so none is posted (they are in the sticky comment).
   */
  moved: number;
  /** Findings on added lines left out because of MAX_NEW_REVIEW_COMMENTS. */
  overLimit: number;
  /** Threads of resolved comments also resolved (collapsed) in GitHub's UI. */
  threadsResolved: number;
  /** Why the threads could not be resolved (the comments are marked resolved all the same). */
  threadProblem?: string;
}

interface ExistingComment {
  id: number;
  fingerprint: string;
  path: string;
  body: string;
}

/**
 * Brings the pull request's review comments in line with the findings: posts one review with the
 * new ones, marks comments of fixed findings resolved. Write errors propagate (the caller decides
 * what a 403 means).
 */
export async function syncReviewComments(octokit: Octokit, target: PullRequestTarget, input: ReviewInput): Promise<ReviewOutcome> {
  const prefix = input.pathPrefix;
  const isOwn = input.isOwn ?? botAuthor;
  const prints = findingFingerprints(input.findings);
  const diffs = new Map(input.files.map((file) => [file.filename, file.lines]));

  const existing: ExistingComment[] = [];
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
    owner: target.owner,
    repo: target.repo,
    pull_number: target.pullNumber,
    per_page: 100,
  });
  for (const comment of comments) {
    // Only the action's own comments, under this step's scan root: another step owns the rest.
    const open = FINDING_MARKER.exec(comment.body);
    if (!open || !comment.path.startsWith(prefix) || !(await isOwn(comment.user))) continue;
    existing.push({ id: comment.id, fingerprint: open[1], path: comment.path, body: comment.body });
  }
  const commented = new Set(existing.map((comment) => `${comment.path}\u0000${comment.fingerprint}`));

  const current = new Set<string>();
  const candidates: Array<{ finding: Finding; fingerprint: string; path: string }> = [];
  let outsideDiff = 0;
  let moved = 0;
  let alreadyCommented = 0;
  input.findings.forEach((finding, index) => {
    if (finding.suppressed) return;
    const path = prefix + finding.file;
    const key = `${path}\u0000${prints[index]}`;
    current.add(key);
    if (commented.has(key)) {
      alreadyCommented++;
      return;
    }
    const diff = diffs.get(path);
    if (!diff?.added.has(finding.line)) {
      outsideDiff++;
      return;
    }
    const written = diff.addedText.get(finding.line);
    const scanned = input.sourceLine(finding.file, finding.line);
    if (written !== undefined && scanned !== undefined && written !== scanned) {
      moved++;
      return;
    }
    candidates.push({ finding, fingerprint: prints[index], path });
  });
  candidates.sort((a, b) => SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity]);
  const chosen = candidates.slice(0, MAX_NEW_REVIEW_COMMENTS);

  if (chosen.length > 0) {
    chosen.sort((a, b) => a.path.localeCompare(b.path) || a.finding.line - b.finding.line);
    await octokit.rest.pulls.createReview({
      owner: target.owner,
      repo: target.repo,
      pull_number: target.pullNumber,
      commit_id: input.headSha,
      event: 'COMMENT',
      comments: chosen.map(({ finding, fingerprint, path }) => ({
        path,
        line: finding.line,
        side: 'RIGHT' as const,
        body: reviewCommentBody(finding, fingerprint, input.sourceLine(finding.file, finding.line)),
      })),
    });
  }

  const resolvedIds = new Set<number>();
  for (const comment of existing) {
    if (current.has(`${comment.path}\u0000${comment.fingerprint}`)) continue;
    await octokit.rest.pulls.updateReviewComment({
      owner: target.owner,
      repo: target.repo,
      comment_id: comment.id,
      body: resolvedCommentBody(comment.fingerprint, comment.body, input.headSha),
    });
    resolvedIds.add(comment.id);
  }
  const outcome: ReviewOutcome = {
    posted: chosen.length,
    alreadyCommented,
    resolved: resolvedIds.size,
    outsideDiff,
    moved,
    overLimit: candidates.length - chosen.length,
    threadsResolved: 0,
  };
  // Collapsing the thread is a courtesy: the edited comment already says the finding is resolved.
  try {
    outcome.threadsResolved = await resolveReviewThreads(octokit, target, resolvedIds);
  } catch (error) {
    outcome.threadProblem = describeError(error);
  }
  return outcome;
}
