/**
 * The engine: discover -> resolve -> check. The CLI and the action call `scan`; nothing here
 * knows about argv, GitHub or output formats.
 */
import type { Policy } from './config/policy.js';
import { withOwnGhcrNamespace } from './config/own-namespace.js';
import { RULE_IDS, type ResolvedOccurrence, type ScanError, type ScanResult } from './model.js';
import { discoverRepository, type Discovery } from './discover/index.js';
import { enableLinearRegExps } from './linear-regexp.js';
import { runChecks } from './checks/index.js';
import { unknownSuppressionRules } from './checks/suppression.js';
import { levenshteinEditDistance } from 'levenshtein-edit-distance';
import { dockerHubQuestionFor } from './checks/typosquat.js';
import { defaultCredentialSource, DockerHubApi, RegistryClient } from './registry/index.js';
import { resolveOccurrences } from './resolve.js';
import { resolveDockerHub } from './resolve-docker-hub.js';
import { inShard, type Shard } from './shard.js';
import { verifySignatures } from './sigstore/index.js';

export interface ScanOptions {
  root: string;
  policy: Policy;
  /** No network: registry and signature checks are skipped and the report says so. */
  offline: boolean;
  /** Only these files (POSIX, relative to root) are scanned. */
  onlyFiles?: string[];
  /** This job's part of the repository (see shard.ts): only its files' images and findings are kept. */
  shard?: Shard;
  /**
   * Extra registries reached over plain HTTP, on top of the policy's, named by the person running
   * the scan (CLI flags, action input): unlike the policy's, these may receive credentials over HTTP.
   */
  insecureRegistries?: string[];
  /** The registry client to use (tests inject one); by default one is built from the policy and the environment. */
  registryClient?: RegistryClient;
  /** Docker Hub's public API, which grades impersonation warnings online (tests inject one). */
  dockerHub?: DockerHubApi;
  /** Token for ghcr.io when no other credential names it (the action passes GITHUB_TOKEN). */
  githubToken?: string;
  /** Environment for credentials (`VERIFY_IMAGES_REGISTRY_CREDENTIALS`, `DOCKER_CONFIG`); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Progress messages for people (never secrets). */
  log?: (message: string) => void;
  /** Registry progress: distinct references resolved so far, of how many (for a progress line). */
  onProgress?: (done: number, total: number) => void;
}

export interface ScanOutcome extends ScanResult {
  /** Text of files with occurrences, for suppression comments, fixes and `pin`. */
  sources: Map<string, string>;
  filesScanned: number;
}

export function createRegistryClient(options: Pick<ScanOptions, 'policy' | 'insecureRegistries' | 'githubToken' | 'env' | 'log'>): RegistryClient {
  const { policy } = options;
  return new RegistryClient({
    insecureRegistries: [...policy.insecureRegistries, ...(options.insecureRegistries ?? [])],
    // The repository's policy must not make a credential travel in clear text (see the transport).
    plainHttpCredentialRegistries: options.insecureRegistries ?? [],
    credentials: defaultCredentialSource({ env: options.env, githubToken: options.githubToken, logger: options.log }),
    concurrency: policy.registry.concurrency,
    timeoutMs: policy.registry.timeoutMs,
    maxRetryAfterMs: policy.registry.maxRetryAfterMs,
    budgetMs: policy.registry.budgetMs,
    retries: policy.registry.retries,
    logger: options.log,
  });
}

/** Docker Hub's API, anonymous (no credential is ever sent to it), under the policy's registry limits. */
function createDockerHubApi(options: Pick<ScanOptions, 'policy' | 'log'>): DockerHubApi {
  const { registry } = options.policy;
  return new DockerHubApi({
    timeoutMs: registry.timeoutMs,
    maxRetryAfterMs: registry.maxRetryAfterMs,
    budgetMs: registry.budgetMs,
    retries: registry.retries,
    ...(options.log ? { logger: options.log } : {}),
  });
}

export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const policy = withOwnGhcrNamespace(options.policy, options.env ?? process.env);
  // Any expression that still backtracks past V8's limit finishes on the linear-time engine.
  enableLinearRegExps();
  const discovered = await discoverRepository(options.root, {
    include: policy.include,
    exclude: policy.exclude,
    buildArgs: policy.buildArgs,
    onlyFiles: options.onlyFiles,
  });
  const discovery = options.shard ? shardOf(discovered, options.shard) : discovered;
  const errors: ScanError[] = [...discovery.errors];
  const notes: string[] = [...(policy.warnings ?? [])];
  if (options.shard) notes.push(shardNote(options.shard, discovered, discovery));
  let occurrences: ResolvedOccurrence[] = discovery.occurrences;
  // Held only by `occurrences` from here, so each stage's copies replace the discovered ones in memory.
  discovery.occurrences = [];

  if (options.offline) {
    notes.push('Offline scan: registry existence, digests and signatures were not checked.');
  } else {
    const client = options.registryClient ?? createRegistryClient(options);
    occurrences = await resolveOccurrences(occurrences, client, { logger: options.log, onProgress: options.onProgress });
    if (policy.typosquat.enabled) {
      occurrences = await resolveDockerHub(occurrences, options.dockerHub ?? createDockerHubApi(options), dockerHubQuestionFor(policy), { logger: options.log });
    }
    if (policy.signatures.mode !== 'off') {
      occurrences = await verifySignatures(occurrences, policy, client, {
        // Online, the public-good root is refreshed through TUF; a failed refresh falls back to the embedded one.
        refreshTrustedRoot: true,
        // Images checked at once, over all registries; the client bounds requests per registry.
        concurrency: Math.min(256, policy.registry.concurrency * 4),
        onProblem: (problem) => {
          const message = `ClusterImagePolicy${problem.policy ? ` ${problem.policy}` : ''}: ${problem.message}`;
          if (problem.warning) notes.push(`${problem.file}: ${message}`);
          else errors.push({ file: problem.file, message });
        },
      });
    }
    notes.push(...registryNotes(occurrences, client));
  }

  const findings = runChecks(occurrences, policy, discovery.sources, {
    // A candidate file that could not be fully read may hide an image: it is a finding, not a note.
    unscanned: discovery.unscanned,
    containers: discovery.containers,
    // A rule that crashes is reported, and the other rules' findings still count.
    // It fails the run (exitCodeFor): what it would have found is unknown.
    onError: (rule, error) => errors.push({ file: '.', message: `rule ${rule} failed and was not applied: ${error.message}`, checkFailed: true }),
  });
  // Bounded: a repository full of such comments gets a count, not a wall of notes.
  const unknownDirectives = unknownSuppressionRules(discovery.sources, RULE_IDS);
  for (const directive of unknownDirectives.slice(0, MAX_DIRECTIVE_NOTES)) {
    notes.push(`${directive.file}:${directive.line}: "verify-images: ignore ${directive.rule}" names no rule${closestRule(directive.rule)}, so it suppresses nothing.`);
  }
  if (unknownDirectives.length > MAX_DIRECTIVE_NOTES) {
    notes.push(`${unknownDirectives.length - MAX_DIRECTIVE_NOTES} more "verify-images: ignore" comments name no rule.`);
  }
  return {
    schemaVersion: 1,
    occurrences,
    findings,
    errors,
    notes,
    sources: discovery.sources,
    filesScanned: discovery.filesScanned,
  };
}

const MAX_DIRECTIVE_NOTES = 20;

/** The discovery of one shard: the images, unread files and containers of its files only. */
function shardOf(discovery: Discovery, shard: Shard): Discovery {
  const mine = (file: string) => inShard(file, shard);
  return {
    ...discovery,
    occurrences: discovery.occurrences.filter((occurrence) => mine(occurrence.file)),
    unscanned: discovery.unscanned.filter((entry) => mine(entry.file)),
    containers: discovery.containers.filter((container) => mine(container.file)),
    errors: discovery.errors.filter((error) => mine(error.file)),
  };
}

function shardNote(shard: Shard, whole: Discovery, part: Discovery): string {
  return `Shard ${shard.index} of ${shard.count}: ${part.occurrences.length} of the repository's ${whole.occurrences.length} image references, and the findings of the files they are in.`;
}

/** " (did you mean …?)" for a misspelt rule id, or nothing. */
function closestRule(name: string): string {
  let best: string | undefined;
  let bestDistance = 4;
  for (const rule of RULE_IDS) {
    const distance = levenshteinEditDistance(name.toLowerCase(), rule);
    if (distance < bestDistance) [best, bestDistance] = [rule, distance];
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

/** What a reader must know about the registry stage: images not verified, and Docker Hub's rate limit. */
function registryNotes(occurrences: ResolvedOccurrence[], client: RegistryClient): string[] {
  const notes: string[] = [];
  const unverified = new Set(
    occurrences.filter((occurrence) => occurrence.resolution?.status === 'error').map((occurrence) => occurrence.reference ?? occurrence.raw),
  );
  if (unverified.size > 0) {
    const listed = [...unverified].slice(0, 10).join(', ');
    notes.push(`Not verified (registry could not be asked): ${unverified.size} image${unverified.size === 1 ? '' : 's'}: ${listed}${unverified.size > 10 ? ', …' : ''}.`);
  }
  // Why each image's signatures were not checked: an unreachable registry, an unusable trust root, a capped index.
  const signaturesNotChecked = new Map<string, string>();
  for (const occurrence of occurrences) {
    if (occurrence.signature?.status !== 'not-checked') continue;
    signaturesNotChecked.set(occurrence.reference ?? occurrence.raw, occurrence.signature.message ?? 'not checked');
  }
  if (signaturesNotChecked.size > 0) {
    const listed = [...signaturesNotChecked].slice(0, 5).map(([image, why]) => `${image} (${why})`).join('; ');
    notes.push(`Signatures not checked for ${signaturesNotChecked.size} image${signaturesNotChecked.size === 1 ? '' : 's'}: ${listed}${signaturesNotChecked.size > 5 ? '; …' : ''}.`);
  }
  // A registry given up is named once, with why, rather than as a failure per image.
  for (const given of client.unhealthyRegistries()) {
    notes.push(`Registry ${given.registry} was given up after ${given.failures} failed requests in a row (last: ${given.last}); its remaining images were reported as not verified at once.`);
  }
  const rateLimit = client.rateLimit();
  if (rateLimit && (rateLimit.limit !== undefined || rateLimit.remaining !== undefined)) {
    notes.push(`Docker Hub rate limit: ${rateLimit.remaining ?? '?'} of ${rateLimit.limit ?? '?'} pulls remaining (${rateLimit.host}).`);
  }
  return notes;
}
