/**
 * Where a registry is reached and who may receive its credential: the scheme choice (https,
 * plain http only for insecure registries), Docker Hub's API host, loopback detection, and the
 * rule for bearer realms (see transport.ts's header).
 */
import { DOCKER_HUB_API_HOST, isDockerHub } from '../../reference/index.js';

/** The origin a reference's registry host is reached at: Docker Hub's API lives on registry-1.docker.io. */
export function registryOrigin(registry: string, insecureRegistries: readonly string[] = []): string {
  const host = isDockerHub(registry) ? DOCKER_HUB_API_HOST : registry;
  const insecure = insecureRegistries.some((entry) => entry.toLowerCase() === registry.toLowerCase());
  return `${insecure ? 'http' : 'https'}://${host}`;
}

/** A host without its port; IPv6 brackets dropped. */
export function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  if (colon < 0) return host;
  const port = host.slice(colon + 1);
  return port !== '' && /^\d+$/.test(port) ? host.slice(0, colon) : host;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

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

function parentDomain(hostname: string): string | undefined {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':')) return undefined; // IP address
  const dot = hostname.indexOf('.');
  if (dot < 0) return undefined;
  const parent = hostname.slice(dot + 1);
  return parent.includes('.') ? parent : undefined;
}

/** Whether a registry's credential may be sent to this bearer realm (see transport.ts's header). */
export function realmMayReceiveCredentials(realm: URL, registryOriginUrl: URL, registryInsecure: boolean): boolean {
  if (realm.protocol === 'http:') {
    if (!(registryInsecure && realm.host === registryOriginUrl.host)) return false;
  } else if (realm.protocol !== 'https:') return false;
  const realmHost = realm.hostname.toLowerCase();
  const registryHost = registryOriginUrl.hostname.toLowerCase();
  if (realmHost === registryHost) return true;
  const realmParent = parentDomain(realmHost);
  const registryParent = parentDomain(registryHost);
  if (registryParent && (realmHost === registryParent || realmParent === registryParent)) return true;
  if (realmParent === registryHost) return true;
  return false;
}

/** Whether a response came from the registry's own host (a redirect from http to https on it included). */
export function answeredByRegistry(responseUrl: string, origin: string): boolean {
  try {
    return new URL(responseUrl).hostname === new URL(origin).hostname;
  } catch {
    return false;
  }
}
