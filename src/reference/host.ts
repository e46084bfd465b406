/**
 * Registry host identity: when two spellings of a host name the same registry. Every comparison
 * of hosts (policy globs, registry lists, typosquat targets, credentials, the Docker Hub API
 * origin) goes through here, so no module keeps its own list of aliases.
 *
 * Two notions, on purpose:
 * - `registryHost`: the registry requests and credentials are for. Lower-cased (DNS names are
 *   case-insensitive), `:443` dropped (registries are spoken to over HTTPS, where 443 is the
 *   default port, so `ghcr.io:443` is the endpoint `ghcr.io`), Docker Hub's names folded to
 *   `docker.io`. `:80` is kept: over HTTPS port 80 is another endpoint, and Docker, containerd
 *   and go-containerregistry all treat `host:80` as a registry of its own.
 * - `policyHost`: `registryHost`, and the loopback spellings `localhost`, `127.0.0.1` and
 *   `[::1]` taken as one host (the port stays): a policy written for `127.0.0.1:5000` means the
 *   registry a manifest names as `localhost:5000`. Only for matching: a credential for
 *   `127.0.0.1:5000` is looked up and sent under `registryHost`, never under the folded name.
 */

/** Docker Hub's canonical host, as references are written after normalization. */
export const DOCKER_HUB_HOST = 'docker.io';
/** Where Docker Hub's registry API is served. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
/** Every host name of Docker Hub's registry (each also with `:443`). */
export const DOCKER_HUB_HOSTS: readonly string[] = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];

const DOCKER_HUB_SET = new Set(DOCKER_HUB_HOSTS);
const HTTPS_DEFAULT_PORT = '443';
/** Loopback spellings folded for policy matching; other 127.0.0.0/8 addresses are other listeners. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '[0:0:0:0:0:0:0:1]']);
const LOOPBACK = 'localhost';

/** A host split at its port: `[::1]:5000` -> `[::1]` and `5000`; `ghcr.io` has no port. */
export function splitHostPort(host: string): { hostname: string; port?: string } {
  const close = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = host.indexOf(':', close + 1);
  // An unbracketed IPv6 address (not valid in a reference) has no port we could tell apart.
  if (colon < 0 || (close < 0 && host.indexOf(':', colon + 1) >= 0)) return { hostname: host };
  return { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
}

function joinHostPort(hostname: string, port: string | undefined): string {
  return port === undefined ? hostname : `${hostname}:${port}`;
}

/**
 * The registry a host names, for requests, credentials and comparison: lower-cased, `:443`
 * dropped, Docker Hub's names folded to `docker.io`. Total: any string in, a string out.
 */
export function registryHost(host: string): string {
  const { hostname, port } = splitHostPort(host.toLowerCase());
  if (DOCKER_HUB_SET.has(hostname) && (port === undefined || port === HTTPS_DEFAULT_PORT)) return DOCKER_HUB_HOST;
  return joinHostPort(hostname, port === HTTPS_DEFAULT_PORT ? undefined : port);
}

/** The host as policies match it: `registryHost`, with loopback spellings folded to `localhost` (port kept). */
export function policyHost(host: string): string {
  const identity = registryHost(host);
  const { hostname, port } = splitHostPort(identity);
  return LOOPBACK_NAMES.has(hostname) ? joinHostPort(LOOPBACK, port) : identity;
}

/** Whether a host is Docker Hub's registry under any of its names. */
export function isDockerHub(host: string): boolean {
  return registryHost(host) === DOCKER_HUB_HOST;
}

/** Whether two hosts name the same registry for policy matching (`127.0.0.1:5000` and `localhost:5000` do). */
export function samePolicyHost(a: string, b: string): boolean {
  return policyHost(a) === policyHost(b);
}

/**
 * The domain to write in a canonical reference, so that `docker.io:443/x`, `index.docker.io/x`
 * and `registry-1.docker.io/x` all read `docker.io/library/x`, and `ghcr.io:443/o/a` reads
 * `ghcr.io/o/a`. Unlike `registryHost` the case is kept (distribution/reference keeps `Docker`
 * in `Docker/docker`), and `:443` is dropped only when the host still reads as a registry host
 * without it (`registry:443/app` would otherwise turn into the Docker Hub name `registry/app`).
 */
export function canonicalDomain(domain: string): string {
  if (isDockerHub(domain)) return DOCKER_HUB_HOST;
  const { hostname, port } = splitHostPort(domain);
  if (port !== HTTPS_DEFAULT_PORT) return domain;
  const readsAsHost = hostname.includes('.') || hostname.startsWith('[') || hostname === LOOPBACK || hostname.toLowerCase() !== hostname;
  return readsAsHost ? hostname : domain;
}

/** Top-level names for private networks (RFC 6761, RFC 6762, ICANN's `.internal`, common LAN suffixes). */
export const PRIVATE_USE_SUFFIXES: ReadonlySet<string> = new Set(['local', 'localhost', 'internal', 'lan', 'home', 'corp', 'intranet', 'private', 'test', 'example', 'invalid', 'localdomain']);

/**
 * Whether a URL's host (as the WHATWG URL parser gives it: IPv4 canonical, IPv6 in brackets) is an
 * address inside the machine or its network rather than on the internet: `localhost`, loopback,
 * link-local (169.254/16, where clouds serve instance metadata and credentials; fe80::/10), private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), shared (100.64/10) or unspecified, IPv4-mapped included.
 * Names are not resolved: a name pointing inside is not caught here.
 */
export function isInternalAddress(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host.startsWith('[') && host.endsWith(']')) return isInternalIpv6(host.slice(1, -1));
  const octets = ipv4Octets(host);
  return octets !== undefined && isInternalIpv4(octets);
}

function ipv4Octets(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

function isInternalIpv4([a, b]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

function isInternalIpv6(address: string): boolean {
  if (address === '::' || address === '::1') return true;
  // IPv4-mapped (`::ffff:169.254.169.254`, which the URL parser writes `::ffff:a9fe:a9fe`).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) {
    const high = parseInt(mapped[1], 16);
    const low = parseInt(mapped[2], 16);
    return isInternalIpv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  }
  const first = parseInt(address.split(':')[0] || '0', 16);
  return (first & 0xffc0) === 0xfe80 || (first & 0xfe00) === 0xfc00;
}

/**
 * Whether a registry host exists only on the machine or private network that runs the image:
 * loopback, a single-label name (`registry:5000`, a compose service or a kind cluster's
 * registry), a private-use top-level name (`registry.local`), or an internal address. Such
 * a registry is usually not there at all where the scan runs (a CI job pushes to it in a step).
 */
export function isPrivateNetworkHost(host: string): boolean {
  const { hostname } = splitHostPort(registryHost(host));
  if (isInternalAddress(hostname)) return true;
  if (hostname.startsWith('[')) return false;
  return !hostname.includes('.') || PRIVATE_USE_SUFFIXES.has(hostname.slice(hostname.lastIndexOf('.') + 1));
}
