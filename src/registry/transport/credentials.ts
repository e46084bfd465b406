/**
 * Where registry credentials come from, in order of precedence:
 *  1. explicit entries: the `registry-credentials` action input or the
 *     `VERIFY_IMAGES_REGISTRY_CREDENTIALS` environment variable, both JSON objects mapping a
 *     registry host to `{ "username": "...", "password": "..." }` (or `{ "identitytoken": "..." }`);
 *  2. the auth files container tools keep, first that names the host: `$REGISTRY_AUTH_FILE`,
 *     `${XDG_RUNTIME_DIR}/containers/auth.json` (Podman, skopeo, Buildah; containers-auth.json(5)),
 *     then Docker's `config.json` (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`); in
 *     each `credHelpers[host]`, then `auths[host]` (`auth` base64 "user:pass" or `identitytoken`),
 *     then `credsStore`; helpers run as `docker-credential-<name> get` with the server URL on stdin;
 *  3. `GITHUB_TOKEN` (the action's token; in the CLI `GITHUB_TOKEN` or `GH_TOKEN`) for ghcr.io only, and only on github.com (a GitHub Enterprise Server or GHE.com
 *     token is for that instance and its own container registry, never for ghcr.io).
 * A credential is looked up for exactly one registry host and the transport sends it only to
 * that host (see transport.ts for the bearer-realm rule). Nothing here logs a secret.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isGitHubDotCom } from '../../github-env.js';
import { DOCKER_HUB_HOST, registryHost } from '../../reference/index.js';

export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (Docker's `identitytoken`), exchanged at the bearer realm. */
  identityToken?: string;
  /** Where it came from, for logs: "VERIFY_IMAGES_REGISTRY_CREDENTIALS", "docker config.json", "GITHUB_TOKEN". Never the secret. */
  source: string;
}

/** Looks up the credential for one registry host (as written in references: "docker.io", "ghcr.io", "127.0.0.1:5000"). */
export interface CredentialSource {
  get(host: string): Promise<Credential | undefined>;
}

/** Runs a credential helper; injectable so tests need no binary. Returns stdout, or throws. */
export type HelperRunner = (helper: string, serverUrl: string) => Promise<string>;

export const CREDENTIALS_ENV = 'VERIFY_IMAGES_REGISTRY_CREDENTIALS';
const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';
const MAX_CONFIG_BYTES = 1024 * 1024;
const HELPER_TIMEOUT_MS = 15_000;
const MAX_HELPER_OUTPUT = 64 * 1024;

/**
 * Host a credential key names: scheme and path stripped, then `registryHost` (Docker Hub's names
 * are `docker.io`, `:443` dropped). Loopback spellings stay apart: a credential for
 * `127.0.0.1:5000` is never sent to `localhost:5000`.
 */
export function canonicalCredentialHost(key: string): string {
  let host = key.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  host = host.split('/')[0] ?? host;
  return registryHost(host);
}

/** The server URL Docker passes to credential helpers for a host. */
function helperServerUrl(host: string): string {
  return canonicalCredentialHost(host) === DOCKER_HUB_HOST ? DOCKER_HUB_AUTH_KEY : host;
}

/**
 * Parses the JSON map of explicit credentials. Throws an Error naming the problem (never the
 * secret) so the caller can report a misconfigured input.
 */
export function parseCredentialMap(text: string, source: string): Map<string, Credential> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not valid JSON (expected {"host": {"username": "...", "password": "..."}})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${source} must be a JSON object mapping registry hosts to credentials`);
  const map = new Map<string, Credential>();
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') throw new Error(`${source}: entry for "${key}" must be an object`);
    const entry = value as Record<string, unknown>;
    const credential: Credential = { source };
    if (typeof entry.username === 'string') credential.username = entry.username;
    if (typeof entry.password === 'string') credential.password = entry.password;
    const identityToken = entry.identitytoken ?? entry.identityToken;
    if (typeof identityToken === 'string') credential.identityToken = identityToken;
    if (!credential.identityToken && (credential.username === undefined || credential.password === undefined))
      throw new Error(`${source}: entry for "${key}" needs "username" and "password" (or "identitytoken")`);
    map.set(canonicalCredentialHost(key), credential);
  }
  return map;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** An auth file a container tool keeps, and how logs and messages name it. */
interface AuthFile {
  file: string;
  /** "REGISTRY_AUTH_FILE", "containers auth.json", "docker config.json". */
  source: string;
}

/** The auth files looked at, in order (containers-auth.json(5) locations first, then Docker's). */
function authFiles(env: NodeJS.ProcessEnv): AuthFile[] {
  const files: AuthFile[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push({ file: env.REGISTRY_AUTH_FILE, source: 'REGISTRY_AUTH_FILE' });
  if (env.XDG_RUNTIME_DIR) files.push({ file: join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), source: 'containers auth.json' });
  files.push({ file: join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json'), source: 'docker config.json' });
  return files;
}

/** Where credentials are looked for, for a message about a refused login (no secret, no content). */
export function credentialLocations(env: NodeJS.ProcessEnv): string[] {
  return [
    `${CREDENTIALS_ENV}${env[CREDENTIALS_ENV] ? '' : ' (not set)'}`,
    ...authFiles(env).map((entry) => (entry.source === 'REGISTRY_AUTH_FILE' ? `$REGISTRY_AUTH_FILE (${entry.file})` : entry.file)),
    'GITHUB_TOKEN or GH_TOKEN (ghcr.io only)',
  ];
}

/** Reads one auth file (Docker's config.json format); a missing file is no credentials, a broken one is logged and ignored. */
async function readAuthFile(file: string, logger?: (msg: string) => void): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > MAX_CONFIG_BYTES) {
    logger?.(`ignoring ${file}: larger than ${MAX_CONFIG_BYTES} bytes`);
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed) : undefined;
  } catch {
    logger?.(`ignoring ${file}: not valid JSON`);
    return undefined;
  }
}


function fromAuthEntry(entry: NonNullable<DockerConfig['auths']>[string], source: string): Credential | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) {
    return { identityToken: entry.identitytoken, source };
  }
  if (typeof entry.auth === 'string' && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string')
    return { username: entry.username, password: entry.password, source };
  return undefined;
}

/**
 * What a failed helper said, for the message: "credentials not found in native keychain" is the
 * ordinary answer for an unknown host. Output that may be an answer (JSON, or anything naming a
 * secret) is not repeated: a helper that wrote its answer and then failed, or was killed at the
 * timeout, would otherwise put the credential in the log.
 */
function helperComplaint(stdout: string): string {
  const text = stdout.trim();
  if (text === '') return '';
  const lower = text.toLowerCase();
  if (lower.includes('{') || ['secret', 'token', 'password'].some((word) => lower.includes(word))) return ' (its output is not shown: it may hold a credential)';
  return `: ${text.slice(0, 200)}`;
}

/**
 * Default helper runner: `docker-credential-<helper> get`, server URL on stdin, bounded in time
 * and output. Spawned directly rather than through @actions/exec: a helper that exits without
 * reading stdin makes the stdin write fail with EPIPE, which @actions/exec leaves unhandled (it
 * would crash the run); here it is just a failed lookup.
 */
export const runCredentialHelper: HelperRunner = (helper, serverUrl) => {
  if (!/^[A-Za-z0-9_.-]+$/.test(helper)) return Promise.reject(new Error(`invalid credential helper name "${helper}"`));
  const command = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['get'], { stdio: ['pipe', 'pipe', 'ignore'], timeout: HELPER_TIMEOUT_MS });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < MAX_HELPER_OUTPUT) stdout += chunk;
    });
    child.stdin.on('error', () => {
      // EPIPE: the helper did not read its input; its exit status tells the rest.
    });
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} exited ${code ?? signal}${helperComplaint(stdout)}`));
    });
    child.stdin.end(serverUrl);
  });
};

/** Parses a credential helper's `get` answer (`{"ServerURL","Username","Secret"}`). */
export function parseHelperOutput(stdout: string, helper: string): Credential | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  const answer = parsed as { Username?: unknown; Secret?: unknown };
  if (typeof answer.Secret !== 'string' || !answer.Secret) return undefined;
  const source = `docker-credential-${helper}`;
  // Docker's convention: Username "<token>" means Secret is an identity (refresh) token.
  if (answer.Username === '<token>') return { identityToken: answer.Secret, source };
  return { username: typeof answer.Username === 'string' ? answer.Username : '', password: answer.Secret, source };
}

export interface DefaultCredentialOptions {
  env?: NodeJS.ProcessEnv;
  /** The `registry-credentials` action input (same JSON shape as the environment variable); wins over it. */
  registryCredentials?: string;
  /** Token sent to ghcr.io when nothing else names ghcr.io (on github.com only: see `GITHUB_SERVER_URL`). */
  githubToken?: string;
  runHelper?: HelperRunner;
  logger?: (msg: string) => void;
}

/**
 * The standard credential chain (see module header). Lookups are cached per host, including
 * misses, so helpers run at most once per host per run.
 */
export function defaultCredentialSource(options: DefaultCredentialOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  const runHelper = options.runHelper ?? runCredentialHelper;
  const logger = options.logger;
  const explicit = new Map<string, Credential>();
  const envText = env[CREDENTIALS_ENV];
  if (envText) for (const [host, c] of parseCredentialMap(envText, CREDENTIALS_ENV)) explicit.set(host, c);
  if (options.registryCredentials?.trim())
    for (const [host, c] of parseCredentialMap(options.registryCredentials, 'registry-credentials input')) explicit.set(host, c);
  // The token belongs to the GitHub instance the workflow runs on; ghcr.io is github.com's registry.
  const githubToken = isGitHubDotCom(env) ? options.githubToken : undefined;
  if (options.githubToken && !githubToken) logger?.(`GITHUB_TOKEN is not used for ghcr.io: it is a token of ${env.GITHUB_SERVER_URL}, not of github.com`);
  let configsPromise: Promise<Array<{ config: DockerConfig | undefined; source: string }>> | undefined;
  const cache = new Map<string, Promise<Credential | undefined>>();

  /** What one auth file says for `host`: its credential helper, its `auths` entry, its store. */
  const fromConfig = async (config: DockerConfig, source: string, host: string): Promise<Credential | undefined> => {
    for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
      if (canonicalCredentialHost(key) === host && typeof helper === 'string') return askHelper(helper, host);
    }
    for (const [key, entry] of Object.entries(config.auths ?? {})) {
      if (canonicalCredentialHost(key) !== host) continue;
      const credential = fromAuthEntry(entry, source);
      if (credential) return credential;
    }
    if (typeof config.credsStore === 'string' && config.credsStore) return askHelper(config.credsStore, host);
    return undefined;
  };

  const lookup = async (host: string): Promise<Credential | undefined> => {
    const found = explicit.get(host);
    if (found) return found;
    configsPromise ??= Promise.all(authFiles(env).map(async ({ file, source }) => ({ config: await readAuthFile(file, logger), source })));
    for (const { config, source } of await configsPromise) {
      const credential = config ? await fromConfig(config, source, host) : undefined;
      if (credential) return credential;
    }
    if (host === 'ghcr.io' && githubToken) {
      return { username: env.GITHUB_ACTOR || 'x-access-token', password: githubToken, source: 'GITHUB_TOKEN' };
    }
    return undefined;
  };

  const askHelper = async (helper: string, host: string): Promise<Credential | undefined> => {
    try {
      return parseHelperOutput(await runHelper(helper, helperServerUrl(host)), helper);
    } catch (error) {
      logger?.(`credential helper ${helper} gave nothing for ${host}: ${(error as Error).message}`);
      return undefined;
    }
  };

  return {
    get(host: string) {
      const key = canonicalCredentialHost(host);
      let pending = cache.get(key);
      if (!pending) {
        pending = lookup(key);
        cache.set(key, pending);
      }
      return pending;
    },
  };
}

/** A fixed map, for tests and embedding. Keys are hosts. */
export function staticCredentialSource(entries: Record<string, Omit<Credential, 'source'>>): CredentialSource {
  const map = new Map<string, Credential>();
  for (const [host, c] of Object.entries(entries)) map.set(canonicalCredentialHost(host), { ...c, source: 'static' });
  return { get: (host) => Promise.resolve(map.get(canonicalCredentialHost(host))) };
}
