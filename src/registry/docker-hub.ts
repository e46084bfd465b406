/**
 * Docker Hub's public repository API (https://hub.docker.com, documented at
 * docs.docker.com/reference/api/hub/latest): whether a namespace exists and how widely its
 * repositories are pulled. Used to grade the `impersonation` warning online; anonymous, over the
 * same transport as registry requests (deadline, retries, run budget, bounded bodies).
 *
 * - `GET /v2/namespaces/{namespace}/repositories?page_size=100` (listNamespaceRepositories):
 *   `{count, next, previous, results: [repository_list_entry]}`, 404 when the namespace does not
 *   exist. One request per namespace answers most look-ups; it is cached per namespace.
 * - `GET /v2/namespaces/{namespace}/repositories/{repository}` (GetRepository), only when the
 *   repository is not on the first page of a larger namespace; 404 when it does not exist.
 *
 * The documented schemas carry pull and star counts but no publisher badge (Verified Publisher,
 * Sponsored OSS), so badges are not read; the curated namespaces stand for them.
 */
import { RegistryError } from './transport/errors.js';
import { Transport, type TransportOptions } from './transport/transport.js';

/** Where Docker Hub's own API is served (not the registry API, `registry-1.docker.io`). */
const DOCKER_HUB_WEB_HOST = 'hub.docker.com';
const MAX_BODY = 4 * 1024 * 1024;
const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

interface HubRepositoryFacts {
  pullCount?: number;
  starCount?: number;
}

/** What Docker Hub says about one repository. */
export type HubRepositoryAnswer =
  | { status: 'ok'; facts: HubRepositoryFacts }
  | { status: 'not-found'; missing: 'namespace' | 'repository' }
  | { status: 'error'; message: string };

interface NamespacePage {
  status: 'ok' | 'not-found';
  repositories: Map<string, HubRepositoryFacts>;
  /** False when the namespace has more repositories than the first page holds. */
  complete: boolean;
}

/** Limits for the API's requests (as for registry requests); no credentials: the API is asked anonymously. */
export type DockerHubApiOptions = Pick<TransportOptions, 'timeoutMs' | 'retries' | 'maxRetryAfterMs' | 'budgetMs' | 'logger' | 'sleep'>;

export class DockerHubApi {
  private readonly transport: Transport;
  private readonly namespaces = new Map<string, Promise<NamespacePage>>();
  private readonly repositories = new Map<string, Promise<HubRepositoryAnswer>>();

  constructor(options: DockerHubApiOptions = {}) {
    this.transport = new Transport({ ...options });
  }

  /** Facts about `namespace/repository`, or why there are none. Never throws. */
  repository(namespace: string, repository: string): Promise<HubRepositoryAnswer> {
    const key = `${namespace}/${repository}`;
    let pending = this.repositories.get(key);
    if (!pending) {
      pending = this.lookUp(namespace, repository).catch((error: unknown) => ({ status: 'error' as const, message: messageOf(error) }));
      this.repositories.set(key, pending);
    }
    return pending;
  }

  private async lookUp(namespace: string, repository: string): Promise<HubRepositoryAnswer> {
    if (!NAME.test(namespace) || !NAME.test(repository)) return { status: 'error', message: `not a Docker Hub name: ${namespace}/${repository}` };
    const page = await this.namespacePage(namespace);
    if (page.status === 'not-found') return { status: 'not-found', missing: 'namespace' };
    const listed = page.repositories.get(repository);
    if (listed) return { status: 'ok', facts: listed };
    if (page.complete) return { status: 'not-found', missing: 'repository' };
    const response = await this.transport.request({
      registry: DOCKER_HUB_WEB_HOST,
      path: `/v2/namespaces/${namespace}/repositories/${repository}`,
      maxBytes: MAX_BODY,
      what: `Docker Hub repository ${namespace}/${repository}`,
      acceptStatus: [404],
    });
    if (response.status === 404) return { status: 'not-found', missing: 'repository' };
    return { status: 'ok', facts: factsOf(parseJson(response.body, `Docker Hub repository ${namespace}/${repository}`)) };
  }

  /** The first page of the namespace's repositories, asked once per namespace. */
  private namespacePage(namespace: string): Promise<NamespacePage> {
    let pending = this.namespaces.get(namespace);
    if (!pending) {
      pending = this.fetchNamespacePage(namespace);
      this.namespaces.set(namespace, pending);
    }
    return pending;
  }

  private async fetchNamespacePage(namespace: string): Promise<NamespacePage> {
    const what = `Docker Hub namespace ${namespace}`;
    const response = await this.transport.request({
      registry: DOCKER_HUB_WEB_HOST,
      path: `/v2/namespaces/${namespace}/repositories?page_size=100`,
      maxBytes: MAX_BODY,
      what,
      acceptStatus: [404],
    });
    if (response.status === 404) return { status: 'not-found', repositories: new Map(), complete: true };
    const json = parseJson(response.body, what) as { next?: unknown; results?: unknown };
    const repositories = new Map<string, HubRepositoryFacts>();
    for (const entry of Array.isArray(json.results) ? json.results.slice(0, 100) : []) {
      const name = (entry as { name?: unknown })?.name;
      if (typeof name === 'string') repositories.set(name, factsOf(entry));
    }
    return { status: 'ok', repositories, complete: json.next === null || json.next === undefined };
  }
}

function factsOf(entry: unknown): HubRepositoryFacts {
  const { pull_count: pulls, star_count: stars } = (entry ?? {}) as { pull_count?: unknown; star_count?: unknown };
  const facts: HubRepositoryFacts = {};
  if (typeof pulls === 'number' && Number.isFinite(pulls)) facts.pullCount = pulls;
  if (typeof stars === 'number' && Number.isFinite(stars)) facts.starCount = stars;
  return facts;
}

function parseJson(body: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new RegistryError('PROTOCOL', `${what}: the answer is not JSON`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
