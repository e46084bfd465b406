/**
 * A small stateful stand-in for the part of the GitHub REST API the action uses: issue comments,
 * pull-request files, review comments and reviews, with Link-header pagination and an optional
 * read-only mode that answers writes with 403 as GitHub does for fork pull requests.
 *
 * Every request is checked against GitHub's REST API description first (github-openapi.ts); a
 * request that does not conform is recorded in `violations` and answered 422, so tests fail.
 * Served in-process through nock (`interceptWithNock`) or over a real socket (`listen`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from './nock.js';
import { checkRequest } from './github-openapi.js';

export interface FakeUser {
  login: string;
  type: 'Bot' | 'User';
}

export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };
export const PERSON: FakeUser = { login: 'octocat', type: 'User' };

export interface FakeIssueComment {
  id: number;
  body: string;
  user: FakeUser;
}

export interface FakeReviewComment {
  id: number;
  body: string;
  path: string;
  line: number | null;
  side: 'LEFT' | 'RIGHT';
  commit_id: string;
  pull_request_review_id: number;
  user: FakeUser;
}

export interface FakePullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  patch?: string;
  previous_filename?: string;
}

export interface FakePull {
  number: number;
  headSha: string;
  baseSha: string;
  files: FakePullFile[];
  /** "owner/repo" the head branch lives in (a fork's); GitHub's `head.repo.full_name`. */
  headRepository?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  operation?: string;
  status: number;
}

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  pulls = new Map<number, FakePull>();
  issueComments: FakeIssueComment[] = [];
  reviewComments: FakeReviewComment[] = [];
  reviews: Array<{ id: number; pull: number; commit_id: string; event?: string; body?: string }> = [];
  requests: RecordedRequest[] = [];
  violations: string[] = [];
  /** Answer every write with 403, as for a fork pull request's read-only token. */
  readOnly = false;
  /** Review threads (named by their root comment's id) resolved through GraphQL. */
  resolvedThreads = new Set<number>();
  /** Answers given to the next REST requests of a method instead of serving them (rate limits, server errors), first in first out. */
  faults: Array<{ method: string; response: FakeResponse }> = [];
  /** Answer GraphQL mutations with GitHub's FORBIDDEN error. */
  graphqlForbidden = false;
  /** Page size the fake uses whatever `per_page` says, so small fixtures still span pages. */
  pageSize = 100;
  private nextId = 1000;
  /** The user the token belongs to; comments it creates carry it. */
  actor: FakeUser = ACTIONS_BOT;
  apiUrl = 'https://api.github.com';

  constructor(repository: string) {
    [this.owner, this.repo] = repository.split('/');
  }

  addPull(pull: FakePull): void {
    this.pulls.set(pull.number, pull);
  }

  addIssueComment(body: string, user: FakeUser): FakeIssueComment {
    const comment = { id: this.nextId++, body, user };
    this.issueComments.push(comment);
    return comment;
  }

  addReviewComment(comment: Omit<FakeReviewComment, 'id' | 'pull_request_review_id'>): FakeReviewComment {
    const stored = { ...comment, id: this.nextId++, pull_request_review_id: this.nextId++ };
    this.reviewComments.push(stored);
    return stored;
  }

  /** Requests that changed something (anything but GET). */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET');
  }

  handle(method: string, url: string, rawBody: string): FakeResponse {
    const parsed = new URL(url, this.apiUrl);
    const apiPath = parsed.pathname.replace(new URL(this.apiUrl).pathname.replace(/\/$/, ''), '');
    let body: unknown;
    if (rawBody) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    if (apiPath === '/graphql') return this.graphql(method, body);
    const check = checkRequest(method, apiPath, body);
    const record: RecordedRequest = { method: method.toUpperCase(), path: apiPath, query: parsed.searchParams, body, operation: check.operation, status: 0 };
    this.requests.push(record);
    let response: FakeResponse;
    const faultIndex = this.faults.findIndex((fault) => fault.method === record.method);
    if (faultIndex >= 0) {
      response = this.faults.splice(faultIndex, 1)[0].response;
    } else if (check.problems.length > 0) {
      this.violations.push(...check.problems);
      response = this.json(422, { message: 'Validation Failed', errors: check.problems });
    } else if (this.readOnly && record.method !== 'GET') {
      response = this.json(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' });
    } else {
      response = this.route(record, parsed);
    }
    record.status = response.status;
    return response;
  }

  /** GitHub's secondary rate limit answer (403 with Retry-After), as documented for REST. */
  static secondaryRateLimit(retryAfterSeconds = 1): FakeResponse {
    return {
      status: 403,
      headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfterSeconds) },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
    };
  }

  static serverError(status = 502): FakeResponse {
    return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { message: 'Server Error' } };
  }

  private json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
    return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
  }

  private page<T>(items: T[], parsed: URL, map: (item: T) => unknown): FakeResponse {
    const page = Math.max(1, Number(parsed.searchParams.get('page') ?? '1'));
    const size = Math.min(this.pageSize, Number(parsed.searchParams.get('per_page') ?? '30'));
    const pages = Math.max(1, Math.ceil(items.length / size));
    const slice = items.slice((page - 1) * size, page * size);
    const link = (target: number): string => {
      const next = new URL(parsed);
      next.searchParams.set('page', String(target));
      return next.toString();
    };
    const links: string[] = [];
    if (page < pages) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(pages)}>; rel="last"`);
    if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
    return this.json(200, slice.map(map), links.length > 0 ? { link: links.join(', ') } : {});
  }

  private issueCommentJson(comment: FakeIssueComment, number: number): unknown {
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${this.apiUrl}/repos/${this.owner}/${this.repo}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${number}#issuecomment-${comment.id}`,
      body: comment.body,
      user: { login: comment.user.login, id: comment.user.type === 'Bot' ? 41898282 : 583231, type: comment.user.type },
      created_at: '2026-11-28T10:00:00Z',
      updated_at: '2026-11-28T10:00:00Z',
      author_association: comment.user.type === 'Bot' ? 'NONE' : 'OWNER',
    };
  }

  private reviewCommentJson(comment: FakeReviewComment): unknown {
    return {
      id: comment.id,
      node_id: `PRRC_${comment.id}`,
      pull_request_review_id: comment.pull_request_review_id,
      path: comment.path,
      line: comment.line,
      original_line: comment.line,
      side: comment.side,
      commit_id: comment.commit_id,
      body: comment.body,
      user: { login: comment.user.login, type: comment.user.type },
      created_at: '2026-11-28T10:00:00Z',
      updated_at: '2026-11-28T10:00:00Z',
    };
  }

  private route(request: RecordedRequest, parsed: URL): FakeResponse {
    if (request.path === '/user' && request.method === 'GET') {
      // Installation tokens (GITHUB_TOKEN, Apps) may not read /user; a personal access token may.
      if (this.actor.type === 'Bot') return this.json(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '403' });
      return this.json(200, { login: this.actor.login, id: 4242, type: 'User' });
    }
    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!request.path.startsWith(prefix + '/')) return this.json(404, { message: 'Not Found' });
    const rest = request.path.slice(prefix.length);
    const body = (request.body ?? {}) as Record<string, unknown>;
    let match: RegExpExecArray | null;

    if ((match = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const number = Number(match[1]);
      if (!this.pulls.has(number)) return this.json(404, { message: 'Not Found' });
      if (request.method === 'GET') return this.page(this.issueComments, parsed, (comment) => this.issueCommentJson(comment, number));
      if (request.method === 'POST') {
        const comment = this.addIssueComment(String(body.body), this.actor);
        return this.json(201, this.issueCommentJson(comment, number));
      }
    }
    if ((match = /^\/issues\/comments\/(\d+)$/.exec(rest)) && request.method === 'PATCH') {
      const comment = this.issueComments.find((candidate) => candidate.id === Number(match![1]));
      if (!comment) return this.json(404, { message: 'Not Found' });
      if (comment.user.login !== this.actor.login) return this.json(403, { message: 'Must have admin rights to Repository.' });
      comment.body = String(body.body);
      return this.json(200, this.issueCommentJson(comment, 0));
    }
    if ((match = /^\/pulls\/(\d+)$/.exec(rest)) && request.method === 'GET') {
      const pull = this.pulls.get(Number(match[1]));
      if (!pull) return this.json(404, { message: 'Not Found' });
      const headRepo = pull.headRepository ? { full_name: pull.headRepository } : undefined;
      return this.json(200, { number: pull.number, state: 'open', head: { sha: pull.headSha, ref: 'feature', ...(headRepo ? { repo: headRepo } : {}) }, base: { sha: pull.baseSha, ref: 'main' } });
    }
    if ((match = /^\/pulls\/(\d+)\/files$/.exec(rest)) && request.method === 'GET') {
      const pull = this.pulls.get(Number(match[1]));
      if (!pull) return this.json(404, { message: 'Not Found' });
      return this.page(pull.files, parsed, (file) => ({ sha: '0'.repeat(40), additions: 1, deletions: 0, changes: 1, ...file }));
    }
    if ((match = /^\/pulls\/(\d+)\/comments$/.exec(rest)) && request.method === 'GET') {
      if (!this.pulls.has(Number(match[1]))) return this.json(404, { message: 'Not Found' });
      return this.page(this.reviewComments, parsed, (comment) => this.reviewCommentJson(comment));
    }
    if ((match = /^\/pulls\/(\d+)\/reviews$/.exec(rest)) && request.method === 'POST') {
      const pull = this.pulls.get(Number(match[1]));
      if (!pull) return this.json(404, { message: 'Not Found' });
      const comments = (body.comments ?? []) as Array<{ path: string; line: number; side?: 'LEFT' | 'RIGHT'; body: string }>;
      // GitHub refuses the whole review when one comment is not on a line of the diff.
      for (const comment of comments) {
        const file = pull.files.find((candidate) => candidate.filename === comment.path);
        if (!file || !diffRightLines(file.patch).has(comment.line)) {
          return this.json(422, { message: 'Unprocessable Entity', errors: [`Line could not be resolved: ${comment.path}:${comment.line}`] });
        }
      }
      const review = { id: this.nextId++, pull: pull.number, commit_id: String(body.commit_id ?? pull.headSha), event: body.event as string | undefined, body: body.body as string | undefined };
      this.reviews.push(review);
      for (const comment of comments) {
        this.reviewComments.push({ id: this.nextId++, body: comment.body, path: comment.path, line: comment.line, side: comment.side ?? 'RIGHT', commit_id: review.commit_id, pull_request_review_id: review.id, user: this.actor });
      }
      return this.json(200, { id: review.id, node_id: `PRR_${review.id}`, state: 'COMMENTED', commit_id: review.commit_id, user: { login: this.actor.login, type: this.actor.type }, body: review.body ?? '' });
    }
    if ((match = /^\/pulls\/comments\/(\d+)$/.exec(rest)) && request.method === 'PATCH') {
      const comment = this.reviewComments.find((candidate) => candidate.id === Number(match![1]));
      if (!comment) return this.json(404, { message: 'Not Found' });
      if (comment.user.login !== this.actor.login) return this.json(403, { message: 'Must have admin rights to Repository.' });
      comment.body = String(body.body);
      return this.json(200, this.reviewCommentJson(comment));
    }
    this.violations.push(`the fake does not serve ${request.method} ${request.path}`);
    return this.json(404, { message: 'Not Found' });
  }

  /**
   * The two GraphQL operations the action uses. No GraphQL schema is available offline, so the
   * documents are checked by shape: balanced braces, the fields GitHub's schema has for them
   * (PullRequest.reviewThreads, Mutation.resolveReviewThread), and typed variables.
   */
  private graphql(method: string, body: unknown): FakeResponse {
    const record: RecordedRequest = { method: method.toUpperCase(), path: '/graphql', query: new URLSearchParams(), body, operation: 'POST /graphql', status: 200 };
    this.requests.push(record);
    const fail = (problem: string): FakeResponse => {
      this.violations.push(`POST /graphql: ${problem}`);
      record.status = 400;
      return this.json(400, { message: problem });
    };
    if (record.method !== 'POST') return fail('GraphQL takes POST');
    const request = body as { query?: unknown; variables?: Record<string, unknown> };
    if (typeof request?.query !== 'string') return fail('no query');
    const query = request.query;
    const variables = request.variables ?? {};
    let depth = 0;
    for (const character of query) {
      if (character === '{') depth++;
      if (character === '}' && --depth < 0) break;
    }
    if (depth !== 0) return fail('unbalanced braces');
    if (/^\s*query\b/.test(query) && /reviewThreads\(first: \d+, after: \$cursor\)/.test(query)) {
      if (!/repository\(owner: \$owner, name: \$repo\)/.test(query) || !/pullRequest\(number: \$number\)/.test(query)) return fail('reviewThreads outside repository.pullRequest');
      if (!/nodes \{ id isResolved comments\(first: 1\) \{ nodes \{ databaseId \} \} \}/.test(query) || !/pageInfo \{ hasNextPage endCursor \}/.test(query)) return fail('unexpected thread fields');
      if (typeof variables.owner !== 'string' || typeof variables.repo !== 'string' || !Number.isInteger(variables.number)) return fail('owner, repo (String!) and number (Int!) required');
      if (variables.cursor !== null && typeof variables.cursor !== 'string') return fail('cursor must be a String or null');
      const start = variables.cursor === null ? 0 : Number(variables.cursor);
      const threads = this.reviewComments.slice(start, start + this.pageSize);
      const end = start + threads.length;
      return this.json(200, {
        data: {
          repository: {
            pullRequest: {
              reviewThreads: {
                nodes: threads.map((comment) => ({ id: `PRRT_${comment.id}`, isResolved: this.resolvedThreads.has(comment.id), comments: { nodes: [{ databaseId: comment.id }] } })),
                pageInfo: { hasNextPage: end < this.reviewComments.length, endCursor: threads.length > 0 ? String(end) : null },
              },
            },
          },
        },
      });
    }
    if (/^\s*mutation\b/.test(query) && /resolveReviewThread\(input: \{ threadId: \$threadId \}\) \{ thread \{ id isResolved \} \}/.test(query)) {
      if (typeof variables.threadId !== 'string') return fail('threadId (ID!) required');
      if (this.graphqlForbidden || this.readOnly) {
        return this.json(200, { data: { resolveReviewThread: null }, errors: [{ type: 'FORBIDDEN', path: ['resolveReviewThread'], message: 'Resource not accessible by integration' }] });
      }
      const id = Number(/^PRRT_(\d+)$/.exec(variables.threadId)?.[1]);
      if (!this.reviewComments.some((comment) => comment.id === id)) return fail(`no thread ${variables.threadId}`);
      this.resolvedThreads.add(id);
      return this.json(200, { data: { resolveReviewThread: { thread: { id: variables.threadId, isResolved: true } } } });
    }
    return fail(`unknown operation: ${query.slice(0, 80)}`);
  }

  /** Serves the fake in-process for code using the global fetch or node:http. */
  interceptWithNock(apiUrl = 'https://api.github.com'): nock.Scope {
    this.apiUrl = apiUrl;
    const scope = nock(apiUrl).persist();
    for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
      // nock 15 hands a full-reply function the fetch Request (one parameter: two would mean callback style).
      scope[method](/.*/).reply(async (request: Request) => {
        const response = this.handle(request.method, request.url, await request.text());
        return [response.status, JSON.stringify(response.body), response.headers] as const;
      });
    }
    return scope;
  }

  /** Serves the fake over HTTP on 127.0.0.1 (for a child process); resolves to the API URL. */
  async listen(): Promise<{ url: string; server: Server }> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const result = this.handle(request.method ?? 'GET', `${this.apiUrl}${request.url ?? '/'}`, Buffer.concat(chunks).toString('utf8'));
        response.writeHead(result.status, result.headers);
        response.end(JSON.stringify(result.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    this.apiUrl = `http://127.0.0.1:${port}`;
    return { url: this.apiUrl, server };
  }
}

/** Right-side lines of a unified diff hunk (added and context), as GitHub accepts review comments on. */
function diffRightLines(patch: string | undefined): Set<number> {
  const lines = new Set<number>();
  let right = 0;
  for (const line of (patch ?? '').split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (header) right = Number(header[1]);
    else if (right > 0 && (line.startsWith('+') || line.startsWith(' '))) lines.add(right++);
  }
  return lines;
}
