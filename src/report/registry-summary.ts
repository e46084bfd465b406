/**
 * Registry problems told once per registry ("docker.io unreachable (timeout): 20 images not
 * verified"), not once per image, with what to do: a plain-HTTP registry asked over TLS gets the
 * `--insecure-registry` hint, a 401 says where credentials were looked for. Pure.
 */
import type { ResolvedOccurrence } from '../model.js';
import { parseNormalized } from '../reference/index.js';

export interface RegistryProblem {
  registry: string;
  /** Distinct images of the registry that could not be verified. */
  images: number;
  /** The most frequent error code ("timeout", "unauthorized", ...), or "error". */
  code: string;
  /** One registry message, as an example. */
  example: string;
  /** What to do about it, when something can be said. */
  hint?: string;
}

export interface SummaryContext {
  /** Where credentials were looked for, for 401s ("$REGISTRY_AUTH_FILE (/path)", "~/.docker/config.json"). */
  credentialPlaces?: string[];
  /** How plain HTTP is allowed where the report is read: a flag ("--insecure-registry") or a place ("the insecure-registries input"). */
  insecureFlag?: string;
}

/** OpenSSL's and undici's words for a TLS hello answered in plain HTTP. */
const PLAIN_HTTP_SIGNS = ['wrong version number', 'packet length too long', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'http_request'];

function registryOf(reference: string): string {
  try {
    return parseNormalized(reference).domain;
  } catch {
    return reference.split('/')[0];
  }
}

function looksLikePlainHttp(messages: string[]): boolean {
  return messages.some((message) => PLAIN_HTTP_SIGNS.some((sign) => message.toLowerCase().includes(sign.toLowerCase())));
}

function mostFrequent(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'error';
}

function hintFor(registry: string, code: string, messages: string[], context: SummaryContext): string | undefined {
  if (looksLikePlainHttp(messages)) {
    const how = context.insecureFlag ?? '--insecure-registry';
    return how.startsWith('--')
      ? `it answered TLS in plain HTTP: if it is a plain-HTTP registry you trust, run with ${how} ${registry}`
      : `it answered TLS in plain HTTP: if it is a plain-HTTP registry you trust, list ${registry} in ${how}`;
  }
  if (code === 'unauthorized' || code === 'forbidden') {
    const places = context.credentialPlaces ?? [];
    return places.length > 0 ? `credentials for ${registry} were looked for in: ${places.join(', ')}` : undefined;
  }
  return undefined;
}

/** One entry per registry with images that could not be verified, the most affected first. */
export function registryProblems(occurrences: ResolvedOccurrence[], context: SummaryContext = {}): RegistryProblem[] {
  const byRegistry = new Map<string, { images: Set<string>; codes: string[]; messages: string[] }>();
  for (const occurrence of occurrences) {
    const resolution = occurrence.resolution;
    if (!occurrence.reference || !resolution || resolution.status !== 'error') continue;
    const registry = registryOf(occurrence.reference);
    const entry = byRegistry.get(registry) ?? { images: new Set<string>(), codes: [], messages: [] };
    if (!entry.images.has(occurrence.reference)) {
      entry.images.add(occurrence.reference);
      entry.codes.push(resolution.errorCode ?? 'error');
      if (resolution.message) entry.messages.push(resolution.message);
    }
    byRegistry.set(registry, entry);
  }
  const problems: RegistryProblem[] = [];
  for (const [registry, entry] of byRegistry) {
    const code = mostFrequent(entry.codes);
    const problem: RegistryProblem = { registry, images: entry.images.size, code, example: entry.messages[0] ?? code };
    const hint = hintFor(registry, code, entry.messages, context);
    if (hint) problem.hint = hint;
    problems.push(problem);
  }
  return problems.sort((a, b) => b.images - a.images || a.registry.localeCompare(b.registry));
}

const CODE_WORDS: Record<string, string> = {
  unauthorized: 'refused the credentials (401)',
  forbidden: 'refused access (403)',
  'rate-limited': 'rate-limited the scan',
  timeout: 'unreachable (timeout)',
  network: 'unreachable',
  server: 'answered with server errors',
  protocol: 'gave answers that are not a registry’s',
};

/** "docker.io unreachable (timeout): 20 images not verified" */
export function describeRegistryProblem(problem: RegistryProblem): string {
  const what = CODE_WORDS[problem.code] ?? `could not be asked (${problem.code})`;
  return `${problem.registry} ${what}: ${problem.images} image${problem.images === 1 ? '' : 's'} not verified`;
}
