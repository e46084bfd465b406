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
