/**
 * Reporting to a pull request: the sticky comment (introduced findings first, errors first; the
 * pre-existing ones collapsed; the supply-chain delta after) and the review comments. A refused
 * write degrades to one explained warning; a rate limit or a server error is retried by Octokit
 * and, if it persists, is reported as what it is.
 */
import type { ScanResult } from '../model.js';
import { escapeText, renderMarkdown, suppressedByChange, verificationSentence } from '../report/markdown.js';
import { upsertStickyComment, type StickyComment } from './comment.js';
import { renderDelta, type ImageChange } from './delta.js';
import type { ChangeIndex, FilterMode } from './introduced.js';
import type { ActionCore } from './inputs.js';
import { describeError, isRateLimit, isWriteRefusal, tokenAuthor, type OwnAuthorCheck, type Octokit, type PullRequestTarget } from './octokit.js';
import { listPullRequestFiles, syncReviewComments, type PullRequestFile, type ReviewOutcome } from './review.js';

/** GitHub rejects comment bodies above 65,536 characters. */
const MAX_COMMENT = 65_000;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Talks to the pull request, turning a refused write into one explained warning. */
export class PullRequestReporter {
  refused = false;
  readonly isOwn: OwnAuthorCheck;
  constructor(
    private readonly core: ActionCore,
    readonly octokit: Octokit,
    readonly target: PullRequestTarget,
  ) {
    this.isOwn = tokenAuthor(octokit);
  }

  async attempt<T>(what: string, action: () => Promise<T>): Promise<T | undefined> {
    if (this.refused) return undefined;
    try {
      return await action();
    } catch (error) {
      if (isWriteRefusal(error)) {
        this.refused = true;
        this.core.warning(
          `verify-images could not ${what} on pull request #${this.target.pullNumber} (${describeError(error)}). ` +
            'The token may not use this pull request: fork pull requests and Dependabot runs get a read-only token ' +
            '(and a workflow without `pull-requests: write` gets none). ' +
            'The findings are reported as annotations and in the job summary instead, and the job does not fail for this. ' +
            'To get comments on such pull requests, use the pull_request + workflow_run setup described in docs/github-action.md.',
        );
      } else if (isRateLimit(error)) {
        this.core.warning(`verify-images could not ${what} on pull request #${this.target.pullNumber}: GitHub's rate limit persisted after retries (${describeError(error)}).`);
      } else {
        this.core.warning(`verify-images could not ${what} on pull request #${this.target.pullNumber}: ${describeError(error)}`);
      }
      return undefined;
    }
  }
}

export interface PullRequestReport {
  result: ScanResult;
  delta?: ImageChange[];
  deltaNote?: string;
  changes: ChangeIndex;
  pathPrefix: string;
  stickyKey: string;
  headSha: string;
  linkBase: string;
  commitUrl: (sha: string) => string;
  sourceLine: (file: string, line: number) => string | undefined;
  files?: PullRequestFile[];
}

export function deltaMarkdown(delta: ImageChange[] | undefined, note: string | undefined): string | undefined {
  if (delta) return renderDelta(delta);
  if (note) return `> ${escapeText(note)}`;
  return undefined;
}

/** The sticky comment: introduced findings first, the delta after; brief when nothing is wrong. */
function stickyCommentBody(report: Pick<PullRequestReport, 'result' | 'delta' | 'deltaNote' | 'linkBase' | 'changes'>): StickyComment {
  const active = report.result.findings.filter((finding) => !finding.suppressed);
  const delta = deltaMarkdown(report.delta, report.deltaNote);
  const introduced = report.changes.known ? report.changes.introduced : undefined;
  // A pull request that only silences findings is not "clean": the reviewer must see what it silences.
  if (active.length === 0 && (!introduced || suppressedByChange(report.result.findings, introduced).length === 0)) {
    const lines = ['## verify-images', '', `✅ No findings. ${verificationSentence(report.result)}`];
    if (delta) lines.push('', delta);
    return { body: lines.join('\n') + '\n', clean: true };
  }
  const preface = report.changes.known ? undefined : escapeText('The changes of this pull request are unknown here, so every finding is listed.');
  // Shrink until it fits in a comment: fewer findings listed, then no image table.
  for (const [maxFindings, omitImages] of [[100, false], [100, true], [40, true], [10, true]] as const) {
    const body = renderMarkdown(report.result, { insecureHint: 'the action’s `insecure-registries` input', preface, afterFindings: delta, introduced, linkBase: report.linkBase, maxFindings, omitImages });
    if (body.length <= MAX_COMMENT) return { body, clean: false };
  }
  const body = renderMarkdown(report.result, { insecureHint: 'the action’s `insecure-registries` input', preface, introduced, linkBase: report.linkBase, maxFindings: 0, omitImages: true });
  return { body: body.slice(0, MAX_COMMENT), clean: false };
}

export interface PullRequestOptions {
  comment: boolean;
  reviewComments: boolean;
  filterMode: FilterMode;
}

export interface PullRequestOutcome {
  commentId?: number;
  reviewId?: number;
}

function logReview(core: ActionCore, outcome: ReviewOutcome): void {
  core.info(
    `Review comments: ${outcome.posted} new (one per line), ${outcome.alreadyCommented} lines already commented, ${outcome.resolved} resolved, ` +
      `${outcome.outsideDiff} lines with findings outside the reviewed lines` +
      (outcome.moved > 0 ? `, ${outcome.moved} on lines the base branch moved (see the sticky comment)` : '') +
      (outcome.overLimit > 0 ? `, ${outcome.overLimit} left out (at most 50 new per run)` : ''),
  );
  if (outcome.threadsResolved > 0) core.info(`Resolved ${plural(outcome.threadsResolved, 'review thread')} of fixed findings`);
  if (outcome.threadProblem) core.info(`The threads of resolved comments stay open: ${outcome.threadProblem}`);
}

export async function reportToPullRequest(reporter: PullRequestReporter, report: PullRequestReport, options: PullRequestOptions, core: ActionCore): Promise<PullRequestOutcome> {
  const result: PullRequestOutcome = {};
  if (options.comment) {
    const outcome = await reporter.attempt('update the sticky comment', () =>
      upsertStickyComment(reporter.octokit, reporter.target, stickyCommentBody(report), report.stickyKey, reporter.isOwn),
    );
    if (outcome) core.info(`Sticky comment: ${outcome.action}${outcome.id ? ` (id ${outcome.id})` : ''}`);
    result.commentId = outcome?.id;
  }
  if (!options.reviewComments || reporter.refused) return result;
  const files = report.files ?? (await reporter.attempt('list the changed files', () => listPullRequestFiles(reporter.octokit, reporter.target)));
  if (!files) return result;
  const outcome = await reporter.attempt('post review comments', () =>
    syncReviewComments(reporter.octokit, reporter.target, {
      findings: report.result.findings,
      sourceLine: report.sourceLine,
      files,
      pathPrefix: report.pathPrefix,
      headSha: report.headSha,
      commitUrl: report.commitUrl,
      onlyAddedLines: options.filterMode === 'added',
      isOwn: reporter.isOwn,
    }),
  );
  if (outcome) {
    logReview(core, outcome);
    result.reviewId = outcome.reviewId;
  }
  return result;
}
