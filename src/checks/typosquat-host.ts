/**
 * Registry host look-alikes: a host that is not a real registry but reads like one. Compared by
 * full host and by registrable domain (`mcr.rnicrosoft.com` imitates `microsoft.com` even though
 * no registry is called `mcr.rnicrosoft.com`), with the real host used as the start or middle of
 * another domain (`docker.io.co`, `gcr.io.example.net`), and with its dots dropped or replaced
 * (`gcrio.io`, `ghcr-io.com`). Hosts must already be normalized (lower-case, no port).
 */
import { PRIVATE_USE_SUFFIXES } from '../reference/index.js';
import { NameIndex, stripSeparators, type SquatTechnique } from './typosquat-similarity.js';

/** Second-level public suffixes common enough to matter for registry hosts (`registry.example.co.uk`). */
const TWO_LABEL_SUFFIXES = new Set(['co.uk', 'org.uk', 'ac.uk', 'com.au', 'net.au', 'co.jp', 'ne.jp', 'com.br', 'com.cn', 'net.cn', 'co.kr', 'co.in', 'com.tw', 'co.nz', 'com.mx', 'co.za', 'com.tr', 'com.sg', 'com.hk']);

/**
 * Registrable domains of registry families where every customer gets a host: real, but not
 * enumerable, so their hosts are compared by registrable domain only.
 */
const FAMILY_DOMAINS = ['pkg.dev', 'azurecr.io', 'amazonaws.com', 'ocir.io', 'icr.io', 'docker.com', 'github.com', 'githubusercontent.com', 'gitlab.com'];

/** Hosts that are no one's look-alike: loopback, IP addresses, single labels ("registry:5000"). */
export function isPrivateHost(host: string): boolean {
  return host === 'localhost' || !host.includes('.') || /^[0-9.]+$/.test(host) || host.startsWith('[');
}

/** The domain someone registers: the last two labels, or three under a two-label public suffix. */
export function registrableDomain(host: string): string {
  const labels = host.split('.');
  if (labels.length <= 2) return host;
  const lastTwo = labels.slice(-2).join('.');
  return TWO_LABEL_SUFFIXES.has(lastTwo) ? labels.slice(-3).join('.') : lastTwo;
}

export interface HostSquat {
  technique: SquatTechnique;
  genuine: string;
  /** Other genuine hosts imitated as closely. */
  alsoLike: string[];
  /** Set when the registrable domain imitates a real registry's domain (`genuine` is that domain, not a host). */
  byDomain?: true;
}

/** The real registry hosts, indexed by full host, by registrable domain and by letters alone. */
export class RegistryHostIndex {
  readonly hosts: NameIndex;
  private readonly domains: NameIndex;
  private readonly domainSet = new Set<string>();
  /** `gcrio` -> `gcr.io`: each host with its separators removed. */
  private readonly skeletons = new Map<string, string>();

  constructor(hosts: Iterable<string>) {
    this.hosts = new NameIndex(hosts);
    for (const domain of FAMILY_DOMAINS) this.domainSet.add(domain);
    for (const host of this.hosts.values()) {
      this.domainSet.add(registrableDomain(host));
      const skeleton = stripSeparators(host);
      if (!this.skeletons.has(skeleton)) this.skeletons.set(skeleton, host);
    }
    this.domains = new NameIndex(this.domainSet);
  }

  /** Whether the host is under a domain a registry operator owns (`foo.gcr.io`, `eu.gcr.io`). */
  isOwned(host: string): boolean {
    return this.domainSet.has(registrableDomain(host));
  }

  /**
   * How `host` (not a real registry) imitates a real one, or undefined. `isReal` also knows the
   * registry families and the policy's host patterns (`*-docker.pkg.dev`, `*.azurecr.io`), which
   * can be imitated by being put at the start of another domain too (`us-docker.pkg.dev.evil.com`).
   */
  imitated(host: string, isReal: (host: string) => boolean = () => false): HostSquat | undefined {
    const privateUse = PRIVATE_USE_SUFFIXES.has(host.slice(host.lastIndexOf('.') + 1));
    const owned = this.isOwned(host);
    if (!privateUse && !owned) {
      const embedded = this.embedded(host) ?? realPrefix(host, isReal);
      if (embedded) return { technique: 'host-prefix', genuine: embedded, alsoLike: [] };
    }
    // A typo of a full host is reported even under an operator's own domain (`pubilc.ecr.aws`):
    // it cannot be registered by anyone else, but it is still not the registry meant.
    const byHost = this.hosts.imitated(host);
    if (byHost.length > 0) return best(byHost);
    if (privateUse || owned) return undefined;
    const label = this.droppedDot(host);
    if (label) return { technique: 'host-label', genuine: label, alsoLike: [] };
    const byDomain = this.domains.imitated(registrableDomain(host));
    if (byDomain.length > 0) return { ...best(byDomain), byDomain: true };
    return this.otherTopLevelDomain(host);
  }

  /** `docker.io.evil.com`, `ghcr.io-mirror.net`, `mirror.gcr.io.example.net`: a real host inside another domain. */
  private embedded(host: string): string | undefined {
    for (const genuine of this.hosts.values()) {
      const at = host.indexOf(genuine);
      if (at < 0 || host.length === genuine.length) continue;
      const before = at === 0 ? '.' : host[at - 1];
      const after = host[at + genuine.length];
      if ((before === '.' || before === '-') && (after === '.' || after === '-')) return genuine;
    }
    return undefined;
  }

  /** `gcrio.io`, `ghcr-io.com`, `dockerio.net`: every label but the last, run together, spells a real host. */
  private droppedDot(host: string): string | undefined {
    const dot = host.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const genuine = this.skeletons.get(stripSeparators(host.slice(0, dot)));
    return genuine && genuine.includes('.') ? genuine : undefined;
  }

  /**
   * `ghcr.com`, `quay.com`, `docker.co`, `mcr.microsoft.org`, `k8s.gcr.com`: a real host under another
   * top-level domain; `acr.azurecr.com`: a real registry domain's name under another one (names of
   * five letters or more, where another owner is unlikely to be an accident).
   */
  private otherTopLevelDomain(host: string): HostSquat | undefined {
    const stem = withoutLastLabel(host);
    if (stem === undefined) return undefined;
    for (const genuine of this.hosts.values()) {
      const genuineStem = withoutLastLabel(genuine);
      if (genuineStem !== undefined && genuineStem.length >= 4 && genuineStem === stem) return { technique: 'other-tld', genuine, alsoLike: [] };
    }
    const domain = registrableDomain(host);
    const name = withoutLastLabel(domain);
    if (name === undefined || name.length < 5 || name.includes('.')) return undefined;
    for (const genuine of this.domainSet) {
      if (genuine !== domain && withoutLastLabel(genuine) === name) return { technique: 'other-tld', genuine, alsoLike: [], byDomain: true };
    }
    return undefined;
  }
}

/** `host` without its top-level label, or undefined for a single label. */
function withoutLastLabel(host: string): string | undefined {
  const dot = host.lastIndexOf('.');
  return dot > 0 ? host.slice(0, dot) : undefined;
}

/**
 * A real registry (by `isReal`) at the start of `host`, with labels or a hyphenated word after it
 * (`us-docker.pkg.dev.evil.com`, `team.azurecr.io-cache.net`), or undefined.
 */
function realPrefix(host: string, isReal: (host: string) => boolean): string | undefined {
  for (let at = host.length - 1; at > 0; at--) {
    if (host[at] !== '.' && host[at] !== '-') continue;
    const prefix = host.slice(0, at);
    if (prefix.includes('.') && isReal(prefix)) return prefix;
  }
  return undefined;
}

function best(matches: Array<{ genuine: string; technique: SquatTechnique }>): HostSquat {
  const [first, ...rest] = matches;
  return { technique: first.technique, genuine: first.genuine, alsoLike: rest.filter((m) => m.technique === first.technique).map((m) => m.genuine) };
}
