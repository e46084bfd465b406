/** The host model: which spellings name one registry, for requests and for policy matching. */
import { describe, expect, it } from 'vitest';
import {
  canonicalDomain,
  isDockerHub,
  isPrivateNetworkHost,
  policyHost,
  registryHost,
  samePolicyHost,
  splitHostPort,
} from '../../src/reference/index.js';

describe('splitHostPort', () => {
  it.each([
    ['ghcr.io', { hostname: 'ghcr.io' }],
    ['ghcr.io:443', { hostname: 'ghcr.io', port: '443' }],
    ['localhost:5000', { hostname: 'localhost', port: '5000' }],
    ['[::1]', { hostname: '[::1]' }],
    ['[::1]:5000', { hostname: '[::1]', port: '5000' }],
    ['[2001:db8::1]:443', { hostname: '[2001:db8::1]', port: '443' }],
    // A colon just before the closing bracket is inside the address; a one-letter host still has its port.
    ['[::]', { hostname: '[::]' }],
    ['[::]:5000', { hostname: '[::]', port: '5000' }],
    ['r:5000', { hostname: 'r', port: '5000' }],
    // Not valid in a reference: no port can be told apart.
    ['::1', { hostname: '::1' }],
    ['', { hostname: '' }],
  ])('%s', (host, parts) => expect(splitHostPort(host)).toStrictEqual(parts));
});

// Each row: a host as written, its registry identity (requests, credentials) and its policy identity.
const HOSTS: [written: string, registry: string, policy: string][] = [
  ['docker.io', 'docker.io', 'docker.io'],
  ['Index.Docker.io', 'docker.io', 'docker.io'],
  ['index.docker.io', 'docker.io', 'docker.io'],
  ['registry-1.docker.io', 'docker.io', 'docker.io'],
  ['registry.hub.docker.com', 'docker.io', 'docker.io'],
  ['docker.io:443', 'docker.io', 'docker.io'],
  ['index.docker.io:443', 'docker.io', 'docker.io'],
  ['REGISTRY-1.DOCKER.IO:443', 'docker.io', 'docker.io'],
  // Another port is another registry, even on Docker Hub's names.
  ['docker.io:5000', 'docker.io:5000', 'docker.io:5000'],
  ['registry-1.docker.io:80', 'registry-1.docker.io:80', 'registry-1.docker.io:80'],
  // Look-alikes are not Docker Hub.
  ['docker.io.evil.com', 'docker.io.evil.com', 'docker.io.evil.com'],
  ['hub.docker.com', 'hub.docker.com', 'hub.docker.com'],
  ['GHCR.io', 'ghcr.io', 'ghcr.io'],
  ['ghcr.io:443', 'ghcr.io', 'ghcr.io'],
  // Port 80 is not HTTPS's default: over HTTPS it is another endpoint.
  ['ghcr.io:80', 'ghcr.io:80', 'ghcr.io:80'],
  ['registry:443', 'registry', 'registry'],
  // Loopback: one host for policies, the port kept; apart for requests and credentials.
  ['localhost:5000', 'localhost:5000', 'localhost:5000'],
  ['127.0.0.1:5000', '127.0.0.1:5000', 'localhost:5000'],
  ['[::1]:5000', '[::1]:5000', 'localhost:5000'],
  ['[0:0:0:0:0:0:0:1]:5000', '[0:0:0:0:0:0:0:1]:5000', 'localhost:5000'],
  ['LOCALHOST', 'localhost', 'localhost'],
  ['127.0.0.1', '127.0.0.1', 'localhost'],
  ['127.0.0.1:443', '127.0.0.1', 'localhost'],
  // Other loopback addresses are other listeners.
  ['127.0.0.2:5000', '127.0.0.2:5000', '127.0.0.2:5000'],
  ['[::1]:5001', '[::1]:5001', 'localhost:5001'],
];

describe('registryHost and policyHost', () => {
  it.each(HOSTS)('%s -> %s, policy %s', (written, registry, policy) => {
    expect(registryHost(written)).toBe(registry);
    expect(policyHost(written)).toBe(policy);
    // Both are fixed points: applying them again changes nothing.
    expect(registryHost(registry)).toBe(registry);
    expect(policyHost(policy)).toBe(policy);
  });

  it('keeps loopback ports apart', () => {
    expect(samePolicyHost('127.0.0.1:5000', 'localhost:5000')).toBe(true);
    expect(samePolicyHost('127.0.0.1:5000', 'localhost:5001')).toBe(false);
    expect(samePolicyHost('127.0.0.1:5000', 'localhost')).toBe(false);
  });

  it.each([
    ['docker.io', true],
    ['registry-1.docker.io:443', true],
    ['registry.hub.docker.com', true],
    ['docker.io:80', false],
    ['docker.com', false],
  ])('isDockerHub(%s) = %s', (host, expected) => expect(isDockerHub(host)).toBe(expected));
});

describe('canonicalDomain (what parseNormalized writes)', () => {
  it.each([
    ['docker.io', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['registry.hub.docker.com:443', 'docker.io'],
    ['docker.io:443', 'docker.io'],
    ['ghcr.io:443', 'ghcr.io'],
    ['localhost:443', 'localhost'],
    ['[::1]:443', '[::1]'],
    ['Registry:443', 'Registry'],
    // Case is kept outside Docker Hub, as distribution/reference keeps it.
    ['Registry.Example.com', 'Registry.Example.com'],
    // Without ":443" a single lower-case label would read as a Docker Hub namespace.
    ['registry:443', 'registry:443'],
    ['ghcr.io:80', 'ghcr.io:80'],
    // Loopback is not folded in references: the registry asked is the one written.
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('%s -> %s', (domain, canonical) => expect(canonicalDomain(domain)).toBe(canonical));
});

describe('isPrivateNetworkHost', () => {
  it.each([
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['127.0.1.1', true],
    ['[::1]:5000', true],
    ['registry:5000', true],
    ['kind-registry:5000', true],
    ['registry.local', true],
    ['k3d-registry.localhost:5000', true],
    ['harbor.corp.internal', true],
    ['10.0.0.5:5000', true],
    ['172.20.1.1', true],
    ['192.168.1.10:5000', true],
    ['169.254.169.254', true],
    ['ghcr.io', false],
    ['docker.io', false],
    ['172.32.0.1', false],
    ['8.8.8.8:5000', false],
    ['1.2.3.4.nip.io', false],
    ['[2001:db8::1]:5000', false],
    ['registry.example.com', false],
  ])('%s -> %s', (host, expected) => {
    expect(isPrivateNetworkHost(host)).toBe(expected);
  });
});
