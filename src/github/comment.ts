/**
 * One sticky pull-request comment, found by a hidden marker and updated in place on every run.
 * A comment that was never needed (clean from the start) is not created.
 */
import { botAuthor, type OwnAuthorCheck, type Octokit, type PullRequestTarget } from './octokit.js';

const MARKER_PREFIX = '<!-- verify-images:sticky';

/** The hidden marker; `key` separates several verify-images steps in one workflow (e.g. by path). */
function stickyMarker(key = ''): string {
  const safeKey = key.replace(/[^A-Za-z0-9._/-]/g, '_');
  return `${MARKER_PREFIX}${safeKey ? ` ${safeKey}` : ''} -->`;
}

export type StickyAction = 'created' | 'updated' | 'unchanged' | 'not-needed';

export interface StickyComment {
  /** The full comment body when something is worth saying. */
  body: string;
  /** True when there are no findings: a brief body, and no new comment is created for it. */
  clean: boolean;
}

export async function upsertStickyComment(
  octokit: Octokit,
  target: PullRequestTarget,
  comment: StickyComment,
  key = '',
  isOwn: OwnAuthorCheck = botAuthor,
): Promise<{ action: StickyAction; id?: number }> {
  const marker = stickyMarker(key);
  const body = `${marker}\n${comment.body}`;
  const existing = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.pullNumber,
    per_page: 100,
  });
  // Only the action's own comment starting with the marker: a person quoting the marker must not be overwritten.
  let ours: (typeof existing)[number] | undefined;
  for (const candidate of existing) {
    if ((candidate.body ?? '').startsWith(marker + '\n') && (await isOwn(candidate.user))) {
      ours = candidate;
      break;
    }
  }
  if (!ours) {
    if (comment.clean) return { action: 'not-needed' };
    const created = await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.pullNumber, body });
    return { action: 'created', id: created.data.id };
  }
  if (ours.body === body) return { action: 'unchanged', id: ours.id };
  await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: ours.id, body });
  return { action: 'updated', id: ours.id };
}
