/**
 * Review comments on the lines a pull request changes: one per line, merging every finding of the
 * line, with a ```suggestion block that leaves the line in its final form (the genuine name, the
 * same tag, the digest when known). Each comment holds a hidden marker naming its line and rule
 * set, so a re-run posts only what is new, and a comment whose line no longer has exactly those
 * findings is marked resolved. Applying a suggestion therefore resolves its thread without opening
 * another on the same line. New comments go out in one review (one notification).
 */
import type { Finding, RuleId } from '../model.js';
import { fixedLine, groupByLine, lineEdits, type LineFindings } from '../report/line-findings.js';
import { inlineCode, messageMarkdown } from '../report/markdown.js';
import { botAuthor, describeError, type OwnAuthorCheck, type Octokit, type PullRequestTarget } from './octokit.js';
import { diffLines, type DiffLines } from './patch.js';

/** The markers this action writes: an open comment, a resolved one, and the per-finding markers of earlier versions. */
const LINE_MARKER = /^<!-- verify-images:(line|resolved line) (\d{1,9}) ([a-z,-]{0,400}) -->/;
const LEGACY_MARKER = /^<!-- verify-images:(finding|resolved) [0-9a-f]{32}:\d+ -->/;

/** A review with hundreds of comments helps nobody; the rest are in the sticky comment and summary. */
const MAX_NEW_REVIEW_COMMENTS = 50;
/** GitHub rejects comment bodies above 65,536 characters; a line's comment stays far below. */
const MAX_BODY = 60_000;

export function lineMarker(line: number, rules: readonly string[]): string {
  return `<!-- verify-images:line ${line} ${[...rules].sort().join(',')} -->`;
}

function resolvedMarker(line: number, rules: readonly string[]): string {
  return `<!-- verify-images:resolved line ${line} ${[...rules].sort().join(',')} -->`;
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
  let run = 0;
  for (const character of text) {
    run = character === '`' ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/**
 * The whole source line with every fix of the line applied, as a ```suggestion block; undefined
 * when there is no fix or the text at a fix's column is not what was scanned.
 */
export function suggestionBlock(group: Pick<LineFindings, 'findings'>, sourceLine: string | undefined): string | undefined {
  const fixed = fixedLine(lineEdits(group), sourceLine);
  if (fixed === undefined) return undefined;
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(fixed) + 1));
  return `${fence}suggestion\n${fixed}\n${fence}`;
}

const SEVERITY_LABEL: Record<Finding['severity'], string> = { error: '❌ Error', warning: '⚠️ Warning', note: 'ℹ️ Note' };
const SEVERITY_ICON: Record<Finding['severity'], string> = { error: '❌', warning: '⚠️', note: 'ℹ️' };

/** One comment for a line: its findings, most severe first, and one suggestion for all of them. */
export function reviewCommentBody(group: LineFindings, sourceLine: string | undefined): string {
  const parts = [lineMarker(group.line, group.rules)];
  if (group.findings.length === 1) {
    const [finding] = group.findings;
    parts.push(`**${SEVERITY_LABEL[finding.severity]}** · verify-images \`${finding.rule}\``, '', messageMarkdown(finding.message));
  } else {
    parts.push(`**${SEVERITY_LABEL[group.severity]}** · verify-images: ${group.findings.length} problems on this line`, '');
    for (const finding of group.findings) parts.push(`- ${SEVERITY_ICON[finding.severity]} \`${finding.rule}\`: ${messageMarkdown(finding.message)}`);
  }
  const block = suggestionBlock(group, sourceLine);
  if (block) parts.push('', block);
  else {
    // A fix that cannot be offered as a one-click change (the line is not as scanned) is still named.
    const edits = lineEdits(group);
    if (edits.length > 0) parts.push('', `Suggested fix: ${edits.map((edit) => inlineCode(edit.replacement)).join(', ')}`);
  }
  const body = parts.join('\n');
  return body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
}

/**
 * The comment a comment becomes when its line no longer has exactly its findings: the resolved
 * marker, the commit (linked), what is still open on the line, and the old text without its
 * suggestion (which would still offer an "apply" button).
 */
export function resolvedCommentBody(
  comment: { line: number; rules: readonly string[]; body: string },
  resolvedAt: { sha: string; url?: string },
  remaining: readonly RuleId[] = [],
): string {
  const lines = comment.body
    .replace(LINE_MARKER, '')
    .replace(LEGACY_MARKER, '')
    .split('\n');
  const message = linesOutsideSuggestions(lines)
    .join('\n')
    .trim();
  const quoted = message
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  const short = resolvedAt.sha.slice(0, 7);
  const commit = resolvedAt.url ? `[\`${short}\`](${resolvedAt.url})` : `\`${short}\``;
  const still = remaining.length > 0 ? ` Still on this line: ${remaining.map((rule) => `\`${rule}\``).join(', ')} (listed in the sticky comment).` : '';
  const body = `${resolvedMarker(comment.line, comment.rules)}\n✅ Resolved in ${commit}.${still}\n\n${quoted}`;
  return body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
}

/** The lines outside suggestion blocks (their fences too), in one pass: the body is a comment, up to 65,536 lines. */
function linesOutsideSuggestions(lines: string[]): string[] {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    if (fence === undefined) {
      const opening = /^(`{3,})suggestion\s*$/.exec(line);
      if (opening) fence = opening[1];
      else kept.push(line);
    } else if (line === fence) fence = undefined;
  }
  return kept;
}

export interface ReviewInput {
  /** All findings of the scan (suppressed ones are left out here). */
  findings: Finding[];
  /** The text of a finding's line, from the scanned sources (or the report's metadata in report mode). */
  sourceLine: (file: string, line: number) => string | undefined;
  /** The pull request's files with their diff lines. */
  files: PullRequestFile[];
  /** Directory of the scan root inside the repository ("" or "sub/dir/"), prefixed to finding paths. */
  pathPrefix: string;
  /** The head commit the review is for. */
  headSha: string;
  /** Link to a commit, for "Resolved in <sha>". */
  commitUrl?: (sha: string) => string;
  /** Which lines may get a comment: `added` only lines the PR adds (default), otherwise any line inside the diff. */
  onlyAddedLines?: boolean;
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
async function resolveReviewThreads(octokit: Octokit, target: PullRequestTarget, rootCommentIds: Set<number>): Promise<number> {
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
  /** New comments posted in this run (one per line). */
  posted: number;
  /** Lines that already had their comment from an earlier run. */
  alreadyCommented: number;
  /** Comments whose line no longer has exactly their findings, marked resolved in this run. */
  resolved: number;
  /** Lines with findings outside the lines the filter allows (they are in the sticky comment). */
  outsideDiff: number;
  /**
   * Lines whose scanned text is not the pull request's text there: the checkout is a merge commit
   * and the base branch moved lines of that file. A comment would land on the wrong line, so none
   * is posted (they are in the sticky comment).
   */
  moved: number;
  /** Lines left out because of MAX_NEW_REVIEW_COMMENTS. */
  overLimit: number;
  /** Threads of resolved comments also resolved (collapsed) in GitHub's UI. */
  threadsResolved: number;
  /** Why the threads could not be resolved (the comments are marked resolved all the same). */
  threadProblem?: string;
  /** The review posted in this run. */
  reviewId?: number;
}

interface OwnComment {
  id: number;
  path: string;
  line: number;
  rules: string[];
  open: boolean;
  body: string;
}

function lineKey(path: string, line: number): string {
  return `${path}\u0000${line}`;
}

/** The action's own review comments under this step's scan root (another step owns the rest). */
async function ownComments(octokit: Octokit, target: PullRequestTarget, prefix: string, isOwn: OwnAuthorCheck): Promise<OwnComment[]> {
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
    owner: target.owner,
    repo: target.repo,
    pull_number: target.pullNumber,
    per_page: 100,
  });
  const own: OwnComment[] = [];
  for (const comment of comments) {
    if (!comment.path.startsWith(prefix)) continue;
    const marker = LINE_MARKER.exec(comment.body);
    const legacy = marker ? undefined : LEGACY_MARKER.exec(comment.body);
    if (!marker && !legacy) continue;
    if (!(await isOwn(comment.user))) continue;
    if (marker) {
      own.push({ id: comment.id, path: comment.path, line: Number(marker[2]), rules: marker[3].split(',').filter(Boolean), open: marker[1] === 'line', body: comment.body });
    } else {
      // A comment of an earlier version (one per finding): resolved once, never matched again.
      own.push({ id: comment.id, path: comment.path, line: comment.line ?? comment.original_line ?? 0, rules: [], open: legacy![1] === 'finding', body: comment.body });
    }
  }
  return own;
}

const sameRules = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((rule, index) => rule === b[index]);

interface Plan {
  candidates: LineFindings[];
  alreadyCommented: number;
  outsideDiff: number;
  moved: number;
  /** path+line -> the rules of the line now. */
  current: Map<string, RuleId[]>;
}

/**
 * Which lines get a new comment: lines inside the diff whose rules are not all covered by a
 * comment already on the line (open or resolved: a fix applied from a suggestion leaves some of
 * the line's findings, which were already said).
 */
function planComments(input: ReviewInput, own: OwnComment[]): Plan {
  const diffs = new Map(input.files.map((file) => [file.filename, file.lines]));
  const covered = new Map<string, Set<string>>();
  for (const comment of own) {
    const key = lineKey(comment.path, comment.line);
    const rules = covered.get(key) ?? new Set<string>();
    for (const rule of comment.rules) rules.add(rule);
    covered.set(key, rules);
  }
  const plan: Plan = { candidates: [], alreadyCommented: 0, outsideDiff: 0, moved: 0, current: new Map() };
  for (const group of groupByLine(input.findings)) {
    const path = input.pathPrefix + group.file;
    const key = lineKey(path, group.line);
    plan.current.set(key, group.rules);
    const seen = covered.get(key);
    // A line already commented on (its suggestion applied, say) gets another comment only for a new error:
    // what remains there is in the sticky comment, and the resolved comment names it.
    const fresh = group.findings.filter((finding) => !seen?.has(finding.rule));
    if (seen && !fresh.some((finding) => finding.severity === 'error')) {
      plan.alreadyCommented++;
      continue;
    }
    const diff = diffs.get(path);
    if (!diff || !(input.onlyAddedLines === false ? diff.commentable : diff.added).has(group.line)) {
      plan.outsideDiff++;
      continue;
    }
    const written = diff.addedText.get(group.line);
    const scanned = input.sourceLine(group.file, group.line);
    if (written !== undefined && scanned !== undefined && written !== scanned) {
      plan.moved++;
      continue;
    }
    plan.candidates.push(group);
  }
  return plan;
}

/**
 * Brings the pull request's review comments in line with the findings: posts one review with a
 * comment per new line, marks comments resolved whose line changed. Write errors propagate (the
 * caller decides what a 403 means).
 */
export async function syncReviewComments(octokit: Octokit, target: PullRequestTarget, input: ReviewInput): Promise<ReviewOutcome> {
  const own = await ownComments(octokit, target, input.pathPrefix, input.isOwn ?? botAuthor);
  const plan = planComments(input, own);
  // groupByLine orders errors first: the limit keeps the most severe lines.
  const chosen = plan.candidates.slice(0, MAX_NEW_REVIEW_COMMENTS);
  const outcome: ReviewOutcome = {
    posted: chosen.length,
    alreadyCommented: plan.alreadyCommented,
    resolved: 0,
    outsideDiff: plan.outsideDiff,
    moved: plan.moved,
    overLimit: plan.candidates.length - chosen.length,
    threadsResolved: 0,
  };
  if (chosen.length > 0) {
    chosen.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    const review = await octokit.rest.pulls.createReview({
      owner: target.owner,
      repo: target.repo,
      pull_number: target.pullNumber,
      commit_id: input.headSha,
      event: 'COMMENT',
      comments: chosen.map((group) => ({
        path: input.pathPrefix + group.file,
        line: group.line,
        side: 'RIGHT' as const,
        body: reviewCommentBody(group, input.sourceLine(group.file, group.line)),
      })),
    });
    outcome.reviewId = review.data.id;
  }
  const resolvedIds = new Set<number>();
  for (const comment of own) {
    if (!comment.open) continue;
    const now = plan.current.get(lineKey(comment.path, comment.line)) ?? [];
    if (sameRules(now, comment.rules)) continue;
    await octokit.rest.pulls.updateReviewComment({
      owner: target.owner,
      repo: target.repo,
      comment_id: comment.id,
      body: resolvedCommentBody(comment, { sha: input.headSha, url: input.commitUrl?.(input.headSha) }, now),
    });
    resolvedIds.add(comment.id);
  }
  outcome.resolved = resolvedIds.size;
  // Collapsing the thread is a courtesy: the edited comment already says the finding is resolved.
  try {
    outcome.threadsResolved = await resolveReviewThreads(octokit, target, resolvedIds);
  } catch (error) {
    outcome.threadProblem = describeError(error);
  }
  return outcome;
}
