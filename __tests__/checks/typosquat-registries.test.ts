/**
 * Squat families generalised beyond Docker Hub and beyond a hand list (issue 14): official names
 * republished under an account on ghcr.io and Quay, with constructed names only (the blind sets'
 * rows are scored, not copied here).
 */
import { describe, expect, it } from 'vitest';
import { buildTrustTargets, detectSquat, squatMessage, squatSuggestion, type TrustTargets } from '../../src/checks/typosquat.js';
import { DEFAULT_TRUSTED_IMAGES, DEFAULT_TRUSTED_REGISTRIES } from '../../src/config/trusted-defaults.js';
import { normalizeForOccurrence } from '../../src/reference/index.js';

const defaults = buildTrustTargets({ trustedImages: DEFAULT_TRUSTED_IMAGES, trustedRegistries: DEFAULT_TRUSTED_REGISTRIES });

function detect(image: string, targets: TrustTargets = defaults) {
  const normalized = normalizeForOccurrence(image);
  if (!normalized.ok) throw new Error(`${image}: ${normalized.message}`);
  return detectSquat(normalized.reference, targets);
}

describe('an official name republished under an account on ghcr.io or Quay', () => {
  it.each([
    ['ghcr.io/pwalsh-tools/mysql:8.4', 'mysql', 'ghcr.io'],
    ['quay.io/devbox42/haproxy:2.9', 'haproxy', 'quay.io'],
    ['ghcr.io/zz-builds/golang:1.22-alpine', 'golang', 'ghcr.io'],
    ['quay.io/lmoreau/rabbitmq:3-management', 'rabbitmq', 'quay.io'],
    // A removed official name is still the official image's name.
    ['ghcr.io/qa-images/centos:7', 'centos', 'ghcr.io'],
  ])('%s is an impersonation of the official %s, named on %s', (image, genuine, host) => {
    const match = detect(image)!;
    expect(match).toMatchObject({ rule: 'impersonation', part: 'name', technique: 'official-name', genuine, host });
    const namespace = image.split('/')[1];
    expect(squatMessage(match)).toBe(
      `\`${namespace}/${genuine}\` uses the name of the official image \`${genuine}\` under the ${host} namespace \`${namespace}\`, which is not a trusted publisher.`,
    );
    expect(squatSuggestion(image, match)).toBeUndefined();
  });

  it('says the same of the same name on Docker Hub, without naming the host', () => {
    expect(detect('pwalsh-tools/mysql:8.4')).toMatchObject({ rule: 'impersonation', genuine: 'mysql' });
    expect(detect('pwalsh-tools/mysql:8.4')!.host).toBeUndefined();
  });

  it('reports the name wrapped in words claiming authenticity as a typosquat there too', () => {
    expect(detect('ghcr.io/pwalsh-tools/mysql-official:8')).toMatchObject({ rule: 'typosquat', technique: 'bait-words', genuine: 'mysql', host: 'ghcr.io' });
    expect(detect('quay.io/devbox42/verified-haproxy')).toMatchObject({ rule: 'typosquat', technique: 'bait-words', genuine: 'haproxy' });
  });

  it.each([
    // A project's own organisation: its name, or its name and an organisation word.
    'ghcr.io/haproxy/haproxy:2.9',
    'quay.io/memcached/memcached',
    'ghcr.io/julia-lang/julia:1.10',
    'ghcr.io/nats-io/nats:2.10',
    'quay.io/rockylinuxorg/rockylinux:9',
    // A publisher trusted on another registry, under its own name (`bitnami` on Docker Hub).
    'quay.io/bitnami/redis:7.2',
    'ghcr.io/oracle/oraclelinux:9-slim',
    // Trusted on that registry, and known mirror publishers.
    'quay.io/libpod/alpine:latest',
    'quay.io/jitesoft/nginx:mainline',
    'ghcr.io/jitesoft/alpine:3.19',
    'ghcr.io/immich-app/postgres:14',
    'quay.io/opstree/redis:v7.0.15',
    'quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
    'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
    // More than one path segment under the account: a project's own image, not a bare official name.
    'ghcr.io/pwalsh-tools/ci/mysql:8.4',
  ])('%s is not reported', (image) => {
    expect(detect(image)).toBeUndefined();
  });

  it.each([
    // A squatter's word is not an organisation word, and a person's name before the project's is not its organisation.
    'ghcr.io/haproxy-official/haproxy:2.9',
    'ghcr.io/haproxyverified/haproxy',
    'quay.io/johnhaproxy/haproxy',
    // An organisation word with another word after it is not the project's organisation.
    'ghcr.io/haproxy-io-mirror/haproxy',
    // A trusted publisher's name with a letter changed is not that publisher.
    'quay.io/bitnamix/redis',
  ])('%s is still reported under some rule', (image) => {
    expect(detect(image)).toBeDefined();
  });

  it.each([
    // Registries whose namespaces are an organisation's own project or group: their own mirrors.
    'gcr.io/acme-prod/mysql:8.4',
    'registry.gitlab.com/acme/mysql:8.4',
    'public.ecr.aws/acme/mysql:8.4',
    'registry.acme.internal/mirror/mysql:8.4',
  ])('%s (an organisation registry or a private mirror) is not warned on', (image) => {
    expect(detect(image)).toBeUndefined();
  });
});
