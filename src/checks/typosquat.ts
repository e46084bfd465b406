/**
 * The `typosquat` and `impersonation` rules: image names that imitate a trusted image, namespace or
 * registry host closely enough to be a typo or a trap, and official image names published under
 * an unknown Docker Hub namespace.
 *
 * Trusted images are never squats (`mono` and `mongo` are both official). Only the parts of a
 * name someone else can register are judged: the registry host anywhere, the namespace on
 * registries where namespaces are accounts, and the name itself under Docker Hub's `library/`
 * (where nothing but an official image can exist, so a near name is always a mistake or a trap).
 */
import { compileImageGlob, matchWildcards, type CompiledImageGlob } from '../config/glob.js';
import { DOCKER_HUB_HOSTS, policyRepository, registryHost, splitHostPort, splitReference } from '../reference/index.js';
import {
  DEFAULT_TRUSTED_REGISTRIES,
  OFFICIAL_IMAGES,
  TRUSTED_REGISTRY_PATTERNS,
} from '../config/trusted-defaults.js';
import type { Policy } from '../config/policy.js';
import type { ResolvedOccurrence } from '../model.js';
import type { TrustIndex } from './trust.js';
import type { Check, CheckContext, FindingDraft } from './types.js';
import { isPrivateHost, RegistryHostIndex } from './typosquat-host.js';
import { shownImage } from './shown-image.js';
import { libraryDerivation } from './typosquat-library.js';
import { squatMessage, squatSuggestion } from './typosquat-message.js';
import { brandAffix, isBrandAffix } from './typosquat-brand.js';
import { catalogueNamespaces, homesOf, projectBrandSquat, vendorProjectNamespace, wellKnownCopy, type ImageHome } from './typosquat-catalogue.js';
import { NameIndex, TECHNIQUE_RANK, type SquatTechnique } from './typosquat-similarity.js';

export { squatMessage, squatSuggestion } from './typosquat-message.js';

/** Which part of the name imitates a trusted one. */
type SquatPart = 'host' | 'namespace' | 'name';

export interface SquatMatch {
  rule: 'typosquat' | 'impersonation';
  part: SquatPart;
  technique: SquatTechnique | 'official-name' | 'well-known-name';
  /** The part as written (normalized): "ngnix", "bitnarni", "gchr.io". */
  written: string;
  /** The trusted part it imitates: "nginx", "bitnami", "ghcr.io". */
  genuine: string;
  /** Other trusted parts it imitates as closely; no suggestion is made when there are any. */
  alsoLike: string[];
  /** For messages: what the genuine part is ("the official image `nginx`"). */
  description: string;
  /** False when replacing the part would not give the image meant (`someone/nginx-official`). */
  replaceable?: false;
  /** For names derived from an official image: the tag meant (`golang-alpine` -> `alpine`). */
  tag?: string;
  /** Registry host of the image, when the message must name it (off Docker Hub). */
  host?: string;
  /** For a well-known image under a namespace made from its project's name: that name (`kaniko`). */
  madeFrom?: string;
}

/** Everything the detector compares against, compiled once per policy. */
export interface TrustTargets {
  /** Genuine by the policy: trusted image globs plus `typosquat.targets`. */
  isGenuine(reference: string): boolean;
  /** `typosquat.allow`: never reported, whatever it looks like. */
  isAllowed(reference: string): boolean;
  /** A real registry host (trusted by the policy, a default, or a cloud registry family). */
  isRealRegistry: (host: string) => boolean;
  /** Real registry hosts squats are compared with (full host and registrable domain). */
  registryHosts: RegistryHostIndex;
  /** Names under Docker Hub's `library/` (official images, current and removed, plus policy targets). */
  libraryNames: NameIndex;
  /** Official names, current and removed: their exact reuse under another namespace is impersonation. */
  officialNames: ReadonlySet<string>;
  /** Per registry host, namespaces owned by trusted publishers (first path segment of a trusted glob). */
  namespaces: Map<string, NameIndex>;
  /** Every trusted publisher's namespace, on any registry: a publisher's name, wherever it is written. */
  publishers: ReadonlySet<string>;
  /** The same names, indexed for look-alikes. */
  publisherIndex: NameIndex;
}

export interface TrustTargetsInput {
  trustedImages: readonly string[];
  trustedRegistries: readonly string[];
  /** Policy `typosquat.targets`: image names or globs that are genuine and worth imitating. */
  targets?: readonly string[];
  /** Policy `typosquat.allow`: image names or globs never reported. */
  allow?: readonly string[];
}

/** Registries that mirror Docker Official Images under a fixed prefix. */
const OFFICIAL_MIRROR_PREFIXES = ['docker.io/library/', 'public.ecr.aws/docker/library/', 'mirror.gcr.io/library/'];
const DOCKER_HUB = 'docker.io';
/** Registries whose first path segment is an account anyone can register. */
const ACCOUNT_NAMESPACE_HOSTS = new Set([DOCKER_HUB, 'ghcr.io', 'quay.io', 'gcr.io', 'public.ecr.aws', 'registry.gitlab.com', 'cgr.dev', 'nvcr.io']);
/**
 * Public registries where anyone may open an account and publish to the world: a well-known
 * image copied there is a trap (`typosquat`). On the other account registries a namespace is
 * usually an organisation's own project or group (`gcr.io/<project>`, `registry.gitlab.com/<group>`),
 * where a copy is most often its own mirror: a warning at most.
 */
const PUBLIC_ACCOUNT_HOSTS = new Set([DOCKER_HUB, 'ghcr.io', 'quay.io']);

/**
 * Words wrapped around a genuine name to make a look-alike (`nginx-official`, `official-ubuntu`).
 * Under `library/` any of them counts, since nothing but an official image can live there; under
 * another namespace only words that claim authenticity do, because `someone/nginx-proxy` or
 * `someone/redis-server` are how people name their own images.
 */
const AUTHENTICITY_WORDS = ['official', 'offical', 'oficial', 'officiel', 'original', 'genuine', 'verified', 'trusted', 'authentic', 'legit', 'real'];
// Not `base`, `image` or `app`: `python-base`, `node-app` are how people name their own build
// stages and internal images, written without a registry.
const LIBRARY_BAIT_WORDS = [
  ...AUTHENTICITY_WORDS,
  'secure', 'security', 'safe', 'hardened', 'latest', 'stable', 'new', 'updated', 'update', 'fixed', 'patched',
  'free', 'pro', 'premium', 'docker', 'dockerhub', 'hub', 'library', 'linux', 'server', 'db', 'js', 'ql', 'sql',
];
/** Namespaces that pose as Docker's own `library/` (`official/nginx`, `docker-library/redis`). */
const LIBRARY_NAMESPACE = new NameIndex(['library']);
const LIBRARY_POSING_WORDS = new Set(['official', 'offical', 'oficial', 'library', 'libraries', 'docker', 'dockerhub', 'hub', 'verified', 'trusted', 'images', 'image']);

export function buildTrustTargets(input: TrustTargetsInput): TrustTargets {
  const trusted = indexGlobs([...input.trustedImages, ...(input.targets ?? [])]);
  const allowed = indexGlobs(input.allow ?? []);
  const hostPatterns = input.trustedRegistries.filter((host) => host.includes('*')).map((host) => hostGlobToRegExp(withoutPort(host)));
  // Hosts are compared without their port: `registry.corp:5000` and `registry.corp` are one host.
  const exactHosts = new Set(
    [...DEFAULT_TRUSTED_REGISTRIES, ...input.trustedRegistries.filter((host) => !host.includes('*'))].map(withoutPort),
  );

  // `scratch` is Docker's reserved empty image: written under `library/`, never pulled.
  const libraryNames = new NameIndex([...OFFICIAL_IMAGES, 'scratch'], 'library');
  const namespaces = new Map<string, NameIndex>();
  for (const glob of trusted.globs) {
    const segments = glob.normalized.split('/');
    if (segments.length < 2 || segments[0].includes('*')) continue;
    const host = segments[0];
    exactHosts.add(withoutPort(host));
    if (host === DOCKER_HUB && segments[1] === 'library' && segments.length === 3 && !segments[2].includes('*')) {
      libraryNames.add(segments[2]);
      continue;
    }
    const namespace = segments[1];
    if (namespace.includes('*')) continue;
    let index = namespaces.get(host);
    if (!index) namespaces.set(host, (index = new NameIndex([])));
    index.add(namespace);
  }

  // `library` is Docker's namespace on Docker Hub and its mirrors, nobody's name elsewhere.
  const publishers = new Set([...namespaces.values()].flatMap((index) => [...index.values()]).filter((namespace) => namespace !== 'library'));
  return {
    isGenuine: (reference) => trusted.matches(reference),
    isAllowed: (reference) => allowed.matches(reference),
    isRealRegistry: (host) =>
      exactHosts.has(host) || TRUSTED_REGISTRY_PATTERNS.some((pattern) => pattern.test(host)) || hostPatterns.some((pattern) => pattern.test(host)),
    // Docker Hub's other names fold to `docker.io` for identity, but each is a name to imitate.
    registryHosts: new RegistryHostIndex([...exactHosts, ...DOCKER_HUB_HOSTS]),
    libraryNames,
    officialNames: new Set(OFFICIAL_IMAGES),
    namespaces,
    publishers,
    publisherIndex: new NameIndex(publishers),
  };
}

/** A glob set that tests only the globs that can match a name's host and namespace. */
interface IndexedGlobs {
  globs: CompiledImageGlob[];
  matches(normalizedName: string): boolean;
}

/**
 * Compiles globs for many look-ups: a run checks thousands of occurrences against a few hundred
 * trusted globs, so globs are bucketed by their literal host and first path segment. Invalid
 * globs were reported by the policy loader; here they are skipped rather than fatal.
 */
function indexGlobs(globs: readonly string[]): IndexedGlobs {
  const compiled: CompiledImageGlob[] = [];
  for (const glob of globs) {
    try {
      compiled.push(compileImageGlob(glob));
    } catch {
      // Reported by the loader.
    }
  }
  const byNamespace = new Map<string, CompiledImageGlob[]>();
  const byHost = new Map<string, CompiledImageGlob[]>();
  const anywhere: CompiledImageGlob[] = [];
  for (const glob of compiled) {
    const [host, namespace] = glob.normalized.split('/');
    if (host.includes('*')) anywhere.push(glob);
    else if (namespace !== undefined && !namespace.includes('*')) pushTo(byNamespace, `${host}/${namespace}`, glob);
    else pushTo(byHost, host, glob);
  }
  return {
    globs: compiled,
    matches(normalizedName) {
      const repository = policyRepository(normalizedName);
      if (repository === undefined) return false;
      const [host, namespace] = repository.split('/');
      const candidates = [...(byNamespace.get(`${host}/${namespace}`) ?? []), ...(byHost.get(host) ?? []), ...anywhere];
      return candidates.some((glob) => glob.matchesRepository(repository));
    },
  };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A host as look-alikes are judged: the registry it names (`registryHost`: case, `:443` and
 * Docker Hub's names folded, from the shared host model) without any port, since a port does not
 * make a name another name (`registry.corp:5000` imitates nothing `registry.corp` does not).
 */
function withoutPort(host: string): string {
  return splitHostPort(registryHost(host)).hostname;
}

/** A registry host glob (`*`: any run of characters), matched by hand: a regex from policy text could backtrack. */
function hostGlobToRegExp(pattern: string): { test(host: string): boolean } {
  const glob = pattern.toLowerCase().replace(/\*+/g, '*');
  return { test: (host) => matchWildcards(glob, host) };
}

/**
 * The core: whether a normalized reference imitates a trusted image, namespace or host, and how.
 * Pure and total: any string in, a match or undefined out.
 */
export function detectSquat(normalizedName: string, trust: TrustTargets): SquatMatch | undefined {
  if (typeof normalizedName !== 'string' || normalizedName.length === 0 || normalizedName.length > 1024) return undefined;
  if (trust.isAllowed(normalizedName)) return undefined;
  const parts = splitReference(normalizedName);
  if (!parts) return undefined;
  const host = withoutPort(parts.domain);
  const repository = `${host}/${parts.path}`;

  // Under `library/` only Docker publishes, so a glob such as `docker.io/library/*` vouches for
  // the official names, not for every name written there: `library/ngnix` is judged by name.
  const mirror = OFFICIAL_MIRROR_PREFIXES.find((prefix) => repository.startsWith(prefix));
  if (mirror && trust.isRealRegistry(host)) {
    const name = repository.slice(mirror.length);
    if (name.includes('/')) return undefined;
    return trust.libraryNames.has(name) ? undefined : detectLibrarySquat(name, trust);
  }
  if (trust.isGenuine(normalizedName)) return undefined;
  if (!trust.isRealRegistry(host)) return isPrivateHost(host) ? undefined : detectHostSquat(host, trust);

  const segments = parts.path.split('/');
  if (segments.length < 2 || !ACCOUNT_NAMESPACE_HOSTS.has(host)) return undefined;
  const [namespace, ...rest] = segments;
  const name = rest.join('/');
  // A typo inside a trusted namespace (`prom/promethues`) is not a squat: only the owner pushes
  // there, so it fails to pull (online: `image-not-found`).
  if (trust.namespaces.get(host)?.has(namespace)) return undefined;

  const namespaceMatch =
    detectNamespaceSquat(host, namespace, name, trust) ?? (PUBLIC_ACCOUNT_HOSTS.has(host) ? detectCrossRegistrySquat(host, namespace, name, trust) : undefined);
  if (namespaceMatch) return namespaceMatch;
  return detectNameReuse(host, namespace, rest, trust);
}

/**
 * A catalogued image under a namespace that imitates its publisher's: its publisher's namespace
 * with a typing mistake (`quay.io/calcio/typha` for `quay.io/calico/typha`: the image's name
 * confirms the publisher meant, so a changed letter counts here too), or its whole path, publisher
 * namespace and name, copied from the vendor's own registry to a public account registry, where
 * the vendor does not publish (`docker.io/mssql/server` for `mcr.microsoft.com/mssql/server`).
 * Checked after the well-known copies, before an official name's reuse: `calcio/node` is Calico's
 * `node`, not the official one.
 */
function detectPublisherPathSquat(host: string, namespace: string, name: string, trust: TrustTargets): SquatMatch | undefined {
  for (const home of homesOf(name)) {
    if (namespace === home.namespace) {
      if (isVendorPathCopy(host, home, trust)) {
        // The namespace is the vendor's own project path, so the copy claims to be the vendor's: not a
        // plain copy under someone's account that Docker Hub's pull count could clear (`isPlainCopy`).
        const copy: SquatMatch = {
          rule: 'typosquat', part: 'name', technique: 'well-known-name', written: `${namespace}/${name}`, genuine: home.image.reference, alsoLike: [],
          description: home.image.description, madeFrom: home.namespace,
        };
        if (host !== DOCKER_HUB) copy.host = host;
        return copy;
      }
      continue;
    }
    if (trust.publishers.has(namespace)) continue;
    // Not separators: `open-policy-agent` on GitHub is `openpolicyagent` on Docker Hub, one publisher.
    const typos = new NameIndex([home.namespace], 'library').imitated(namespace).filter((typo) => typo.technique !== 'separator');
    if (typos.length === 0) continue;
    const match: SquatMatch = {
      rule: 'typosquat', part: 'namespace', technique: typos[0].technique, written: namespace, genuine: home.namespace, alsoLike: [],
      description: `the trusted publisher \`${home.host}/${home.namespace}\` of \`${name}\``,
    };
    // On another registry the publisher's namespace may hold nothing: no replacement to offer.
    if (home.host !== host) match.replaceable = false;
    return match;
  }
  return PUBLIC_ACCOUNT_HOSTS.has(host) && !trust.publishers.has(namespace) ? detectVendorProjectSquat(namespace, trust) : undefined;
}

/**
 * Whether the publisher's path on `host` is a copy: `host` is a public account registry, the
 * image's home is its vendor's own registry, and the namespace is not the publisher's on any
 * public account registry (trusted there, or on ghcr.io one of its project's names: `ghcr.io/linkerd`).
 */
function isVendorPathCopy(host: string, home: ImageHome, trust: TrustTargets): boolean {
  if (!PUBLIC_ACCOUNT_HOSTS.has(host) || PUBLIC_ACCOUNT_HOSTS.has(home.host)) return false;
  if (host === 'ghcr.io' && home.brands.includes(home.namespace)) return false;
  return ![...PUBLIC_ACCOUNT_HOSTS].some((publicHost) => trust.namespaces.get(publicHost)?.has(home.namespace));
}

/**
 * A namespace glued from a registry vendor's name and one of its projects' namespaces there
 * (`googledistroless` for `gcr.io/distroless`, `aws-lambda` for `public.ecr.aws/lambda`): a
 * brand squat only the vendor could use honestly, whatever image it holds.
 */
function detectVendorProjectSquat(namespace: string, trust: TrustTargets): SquatMatch | undefined {
  const made = vendorProjectNamespace(namespace, (host) => [...(trust.namespaces.get(host)?.values() ?? []), ...catalogueNamespaces(host)]);
  if (!made) return undefined;
  const genuine = `${made.host}/${made.project}`;
  return {
    rule: 'typosquat', part: 'namespace', technique: 'brand-affix', written: namespace, genuine, alsoLike: [],
    description: `the trusted publisher \`${genuine}\` with its vendor\u2019s name \`${made.vendor}\``, replaceable: false,
  };
}

/**
 * An official or well-known image's name under a namespace that is not its publisher's. A
 * well-known image's distinctive name copied to a public account registry (`someone/pause`,
 * `ghcr.io/someone/trivy`), or any of its names under a namespace made from its project's name
 * (`ingressnginx/controller`, `k8sofficial/kube-proxy`), is a typosquat; elsewhere, deeper in an
 * account's folders (`ghcr.io/someone/mirror/trivy`), for names that are also official images'
 * (`someone/vault`), and for applications others ship their own builds of (`teslamate/grafana`),
 * people name their own builds and mirrors so: an impersonation warning.
 */
function detectNameReuse(host: string, namespace: string, rest: string[], trust: TrustTargets): SquatMatch | undefined {
  const name = rest.join('/');
  const last = rest[rest.length - 1];
  const written = `${namespace}/${name}`;
  const project = PUBLIC_ACCOUNT_HOSTS.has(host) ? projectBrandSquat(namespace, last, isBrandAffix) : undefined;
  // A publisher trusted on one registry, under its own name on ghcr.io or Quay, is taken as itself
  // (`quay.io/bitnami/sealed-secrets-controller`); a namespace of ghcr.io is anyone's on Docker Hub.
  const elsewhere = host !== DOCKER_HUB && trust.publishers.has(namespace);
  const wellKnown = project?.image ?? (elsewhere ? undefined : wellKnownCopy(host, namespace, last));
  if (wellKnown) {
    // Deeper in an account's own folders (`ghcr.io/tektoncd/catalog/upstream/tasks/golangci-lint`, a Tekton
    // bundle; `ghcr.io/org/mirror/trivy`) the name is the account's own layout, not a look-alike of the
    // genuine path: a warning, as a reused official name is.
    const squat = project !== undefined || (PUBLIC_ACCOUNT_HOSTS.has(host) && !trust.officialNames.has(last) && rest.length === 1 && wellKnown.rebuilt !== true);
    const match: SquatMatch = {
      rule: squat ? 'typosquat' : 'impersonation',
      part: 'name',
      technique: squat ? 'well-known-name' : 'official-name',
      written,
      genuine: wellKnown.reference,
      alsoLike: [],
      description: wellKnown.description,
    };
    if (host !== DOCKER_HUB) match.host = host;
    if (project) match.madeFrom = project.brand;
    return match;
  }
  // A namespace imitating a publisher's says more than the official name it holds (`calcio/node`).
  const publisherPath = detectPublisherPathSquat(host, namespace, last, trust);
  if (publisherPath) return publisherPath;
  // `ghcr.io/someone/library/postgres`: the official path copied under an account, judged like its name.
  const official = rest.length === 1 || (rest.length === 2 && rest[0] === 'library');
  return PUBLIC_ACCOUNT_HOSTS.has(host) && official ? detectOfficialNameReuse(host, namespace, last, trust, name) : undefined;
}

/**
 * An official image's name under an account on a public account registry: the exact name is an
 * impersonation warning (`vibersastra/ubuntu`, `ghcr.io/someone/redis`), the name wrapped in words
 * that claim authenticity a typosquat (`someone/nginx-official`). The same on Docker Hub, ghcr.io
 * and quay.io: anyone can open an account on each. Off Docker Hub, a project's own organisation
 * (`ghcr.io/archlinux/archlinux`, `ghcr.io/rust-lang/rust`) or a publisher trusted on another
 * registry (`quay.io/bitnami/redis`) is not warned on. `path` is the repository path under the
 * namespace when it is the official path with `library/` (`ghcr.io/someone/library/postgres`).
 */
function detectOfficialNameReuse(host: string, namespace: string, name: string, trust: TrustTargets, path = name): SquatMatch | undefined {
  const written = `${namespace}/${path}`;
  const located = (match: SquatMatch): SquatMatch => (host === DOCKER_HUB ? match : { ...match, host });
  if (trust.officialNames.has(name)) {
    if (host !== DOCKER_HUB && (trust.publishers.has(namespace) || isProjectOrganisation(namespace, name))) return undefined;
    return located({ rule: 'impersonation', part: 'name', technique: 'official-name', written, genuine: name, alsoLike: [], description: `the official image \`${name}\`` });
  }
  const core = baitCore(name, AUTHENTICITY_WORDS, (candidate) => (trust.libraryNames.has(candidate) ? candidate : undefined));
  if (core !== undefined) {
    return located({ rule: 'typosquat', part: 'name', technique: 'bait-words', written, genuine: core, alsoLike: [], description: `the official image \`${core}\``, replaceable: false });
  }
  return undefined;
}

/**
 * Words a project adds to its name to make its organisation's (`rust-lang`, `nats-io`,
 * `almalinuxorg`): not squatters' words (`official`, `verified`, `docker`), which claim more.
 */
const ORGANISATION_WORDS = ['io', 'org', 'lang', 'project', 'hq', 'inc', 'foundation', 'community', 'team', 'dev', 'labs'];

/** Whether `namespace` is the project `name`'s own organisation: its name, or its name and an organisation word. */
function isProjectOrganisation(namespace: string, name: string): boolean {
  if (namespace === name) return true;
  if (!namespace.startsWith(name)) return false;
  const rest = namespace.slice(name.length);
  const word = rest[0] === '-' || rest[0] === '_' || rest[0] === '.' ? rest.slice(1) : rest;
  return ORGANISATION_WORDS.includes(word);
}

function detectLibrarySquat(name: string, trust: TrustTargets): SquatMatch | undefined {
  if (trust.libraryNames.has(name)) return undefined;
  const official = (genuine: string) => `the official image \`${genuine}\``;
  // `postgresql`, `official-nginx-secure`: bait words peeled; `mangodb`: one word peeled, then a typo of what is left.
  const core =
    baitCore(name, LIBRARY_BAIT_WORDS, (candidate) => (trust.libraryNames.has(candidate) ? candidate : undefined)) ??
    baitCore(name, LIBRARY_BAIT_WORDS, (candidate) => officialOrTypo(candidate, trust.libraryNames), 1);
  if (core !== undefined) {
    return { rule: 'typosquat', part: 'name', technique: 'bait-words', written: name, genuine: core, alsoLike: [], description: official(core) };
  }
  const matches = trust.libraryNames.imitated(name);
  if (matches.length > 0) return fromMatches('name', name, matches, official);
  const derived = libraryDerivation(name, trust.libraryNames);
  if (!derived) return undefined;
  const match: SquatMatch = { rule: 'typosquat', part: 'name', technique: derived.technique, written: name, genuine: derived.genuine, alsoLike: [], description: official(derived.genuine) };
  if (derived.tag) match.tag = derived.tag;
  return match;
}

/** The official name `candidate` is, or imitates unambiguously (5 letters or more), or undefined. */
function officialOrTypo(candidate: string, library: NameIndex): string | undefined {
  if (library.has(candidate)) return candidate;
  if (candidate.length < 5) return undefined;
  const matches = library.imitated(candidate);
  return matches.length === 1 ? matches[0].genuine : undefined;
}

function detectNamespaceSquat(host: string, namespace: string, name: string, trust: TrustTargets): SquatMatch | undefined {
  const candidates = trust.namespaces.get(host);
  const owner = (genuine: string) => (genuine === 'library' ? 'the official images\u2019 namespace `library`' : `the trusted publisher \`${host === DOCKER_HUB ? '' : host + '/'}${genuine}\``);
  if (host === DOCKER_HUB && namespace !== 'library') {
    // `libary/nginx`, `official/nginx`, `docker-library/redis`: posing as Docker's own namespace.
    const library = LIBRARY_NAMESPACE.imitated(namespace);
    if (library.length > 0) return fromMatches('namespace', namespace, library, owner);
    if (trust.libraryNames.has(name) && isLibraryPosing(namespace)) {
      return { rule: 'typosquat', part: 'namespace', technique: 'bait-words', written: namespace, genuine: 'library', alsoLike: [], description: owner('library') };
    }
  }
  if (candidates) {
    const matches = candidates.imitated(namespace);
    if (matches.length > 0) return fromMatches('namespace', namespace, matches, owner);
  }
  // `grafana-labs/grafana`, `bitnami-docker/redis`, `alpineos/alpine`: a brand with something added.
  const brand = brandAffix(namespace, name, candidates, host === DOCKER_HUB ? trust.libraryNames : undefined);
  if (!brand) return undefined;
  const description = brand.official ? `the official image \`${brand.genuine}\`\u2019s name` : owner(brand.genuine);
  const match: SquatMatch = { rule: 'typosquat', part: 'namespace', technique: 'brand-affix', written: namespace, genuine: brand.genuine, alsoLike: [], description };
  // `alpineos/alpine` names no namespace to use instead.
  if (brand.official) match.replaceable = false;
  return match;
}

/**
 * Typing mistakes that count when a namespace is compared with publishers of other registries.
 * Not separators (`open-policy-agent` on GitHub is `openpolicyagent` on Docker Hub, one
 * publisher), nor a changed letter or two edits, which tell real names apart as often
 * (`quay.io/containers`, Podman's, beside ghcr.io's `containerd`).
 */
const CROSS_REGISTRY_TECHNIQUES = new Set<SquatTechnique>(['look-alike', 'transposition', 'repeated-character', 'dropped-character', 'extra-character']);
/**
 * Words a squatter adds to a brand for a namespace that claims to be its owner's (`bitnami-official`,
 * `grafanaverified`, `docker123`); not the words projects add for their own organisations
 * (`-labs`, `-io`, `-community`, `hub`: `quay.io/jupyterhub`).
 */
const SQUATTER_WORDS = ['official', 'offical', 'oficial', 'verified', 'trusted', 'genuine', 'authentic', 'real', 'secure', 'docker', 'dockerhub', 'mirror'];

/**
 * A namespace on Docker Hub, ghcr.io or Quay that imitates a publisher trusted on another of
 * them, or Docker's `library/`: posing as `library` with an official image's name
 * (`ghcr.io/library/nginx`, `quay.io/dockerofficial/postgres`), a typo of a publisher's name
 * (`ghcr.io/bitnarni/redis`), or a publisher's or the official image's name with a squatter's
 * word or digits (`quay.io/bitnami-official/redis`, `ghcr.io/nginxofficial/nginx`). Names are the
 * publisher's own wherever they are written, so none of these can be an honest account.
 */
function detectCrossRegistrySquat(host: string, namespace: string, name: string, trust: TrustTargets): SquatMatch | undefined {
  if (trust.publishers.has(namespace)) return undefined;
  const squat = (technique: SquatTechnique, genuine: string, description: string): SquatMatch => ({
    rule: 'typosquat', part: 'namespace', technique, written: namespace, genuine, alsoLike: [], description, replaceable: false,
  });
  const official = trust.officialNames.has(name);
  if (host !== DOCKER_HUB && official && (namespace === 'library' || LIBRARY_NAMESPACE.imitated(namespace).length > 0 || isLibraryPosing(namespace))) {
    return squat('bait-words', 'library', 'the official images\u2019 namespace `library`');
  }
  const typos = trust.publisherIndex.imitated(namespace).filter((match) => CROSS_REGISTRY_TECHNIQUES.has(match.technique));
  if (typos.length > 0) return squat(typos[0].technique, typos[0].genuine, `the trusted publisher \`${typos[0].genuine}\``);
  const core = squatterCore(namespace);
  if (core === undefined || core.length < 4) return undefined;
  if (trust.publishers.has(core)) return squat('brand-affix', core, `the trusted publisher \`${core}\``);
  if (official && core === name) return squat('brand-affix', core, `the official image \`${core}\`\u2019s name`);
  return undefined;
}

/** `namespace` without one squatter's word (at either end, set off or glued) or trailing digits, or undefined. */
function squatterCore(namespace: string): string | undefined {
  const trim = (text: string) => text.replace(/^[-_.]/, '').replace(/[-_.]$/, '');
  let digits = namespace.length;
  while (digits > 0 && namespace[digits - 1] >= '0' && namespace[digits - 1] <= '9') digits--;
  if (digits < namespace.length && digits > 0) return trim(namespace.slice(0, digits));
  for (const word of SQUATTER_WORDS) {
    if (namespace.length <= word.length) continue;
    if (namespace.endsWith(word)) return trim(namespace.slice(0, namespace.length - word.length));
    if (namespace.startsWith(word)) return trim(namespace.slice(word.length));
  }
  return undefined;
}

function detectHostSquat(host: string, trust: TrustTargets): SquatMatch | undefined {
  const match = trust.registryHosts.imitated(host, trust.isRealRegistry);
  if (!match) return undefined;
  const description = match.byDomain ? `the registry domain \`${match.genuine}\`` : `the registry \`${match.genuine}\``;
  const squat: SquatMatch = { rule: 'typosquat', part: 'host', technique: match.technique, written: host, genuine: match.genuine, alsoLike: match.alsoLike, description };
  // Only the domain is known, not which of its hosts was meant: no replacement to offer.
  if (match.byDomain) squat.replaceable = false;
  return squat;
}

function fromMatches(
  part: SquatPart,
  written: string,
  matches: Array<{ genuine: string; technique: SquatTechnique }>,
  describe: (genuine: string) => string,
): SquatMatch {
  const best = matches[0];
  const bestRank = TECHNIQUE_RANK[best.technique];
  const alsoLike = matches.slice(1).filter((match) => TECHNIQUE_RANK[match.technique] === bestRank).map((match) => match.genuine);
  return { rule: 'typosquat', part, technique: best.technique, written, genuine: best.genuine, alsoLike, description: describe(best.genuine) };
}

/**
 * The genuine name inside bait words (up to three, at either end, with or without a separator:
 * `official-nginx-secure` -> `nginx`), or undefined. Every way of peeling is tried, so a word that
 * is also the start of a name (`pro` in `prometheus`) cannot hide the right reading.
 */
function baitCore(name: string, words: readonly string[], genuineOf: (core: string) => string | undefined, rounds = 3): string | undefined {
  let frontier = [name];
  const seen = new Set(frontier);
  for (let round = 0; round < rounds && frontier.length > 0; round++) {
    const next: string[] = [];
    for (const core of frontier) {
      for (const word of words) {
        const peeled = [
          core.startsWith(word) ? core.slice(word.length).replace(/^[-_.]/, '') : '',
          core.endsWith(word) ? core.slice(0, core.length - word.length).replace(/[-_.]$/, '') : '',
        ];
        for (const candidate of peeled) {
          if (candidate.length < 2 || seen.has(candidate)) continue;
          const genuine = genuineOf(candidate);
          if (genuine !== undefined) return genuine;
          seen.add(candidate);
          next.push(candidate);
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

function isLibraryPosing(namespace: string): boolean {
  const words = namespace.split(/[-_.]+/);
  if (words.every((word) => LIBRARY_POSING_WORDS.has(word))) return true;
  // Run together: `dockerofficial`, `officiallibrary`.
  let rest = namespace;
  for (let round = 0; round < 3 && rest.length > 0; round++) {
    const word = [...LIBRARY_POSING_WORDS].find((candidate) => rest.startsWith(candidate));
    if (!word) return false;
    rest = rest.slice(word.length);
  }
  return rest.length === 0;
}

/** Compiled targets per policy run; both rules share them and the per-reference verdicts. */
const cache = new WeakMap<TrustIndex, { targets: TrustTargets; verdicts: Map<string, SquatMatch | undefined> }>();

/** The detector's targets for a policy: its trusted images and registries, targets and allow list. */
function trustTargetsForPolicy(policy: Policy): TrustTargets {
  return buildTrustTargets({
    trustedImages: policy.trustedImages,
    // A host the policy allows by name is the organisation's own choice, never a look-alike.
    trustedRegistries: [...policy.trustedRegistries, ...(policy.allowedRegistries ?? [])],
    targets: policy.typosquat.targets,
    allow: policy.typosquat.allow,
  });
}

function verdictsFor(context: CheckContext): { targets: TrustTargets; verdicts: Map<string, SquatMatch | undefined> } {
  let entry = cache.get(context.trust);
  if (!entry) {
    entry = { targets: trustTargetsForPolicy(context.policy), verdicts: new Map() };
    cache.set(context.trust, entry);
  }
  return entry;
}

/**
 * For the resolve stage (which does the I/O): the Docker Hub repository whose public facts grade
 * a reference, or undefined. Asked about: an `impersonation` on Docker Hub, and a name under
 * `library/` that is no known official image (only Docker's API can say whether it exists, since
 * the registry answers 401 for missing repositories; a new official image does exist).
 */
export function dockerHubQuestionFor(policy: Policy): (reference: string) => { namespace: string; repository: string } | undefined {
  if (!policy.typosquat.enabled) return () => undefined;
  const targets = trustTargetsForPolicy(policy);
  return (reference) => {
    const parts = splitReference(reference);
    if (!parts || withoutPort(parts.domain) !== DOCKER_HUB) return undefined;
    const segments = parts.path.split('/');
    if (segments.length !== 2) return undefined;
    const [namespace, repository] = segments;
    if (namespace === 'library') return targets.libraryNames.has(repository) ? undefined : { namespace, repository };
    const match = detectSquat(reference, targets);
    return match && (match.rule === 'impersonation' || isPlainCopy(match)) ? { namespace, repository } : undefined;
  };
}

/**
 * A well-known image's name under an account that is not made from its project's name
 * (`someone/watchtower`): a trap or a community fork, which only Docker Hub's facts (online) can
 * tell apart. Not a glued brand (`kanikoproject/executor`) nor a look-alike: those claim to be it.
 */
function isPlainCopy(match: SquatMatch): boolean {
  return match.technique === 'well-known-name' && match.madeFrom === undefined;
}

/** Matches by name only: a name copied, or an official name reused (not a look-alike host or namespace). */
const NAME_REUSE = new Set<SquatMatch['technique']>(['well-known-name', 'official-name']);

/**
 * A Dev Container Feature (`"features": {"ghcr.io/someone/features/golangci-lint:1": {}}`) is an
 * OCI artifact named after the tool it installs, not a copy of that tool's image: only look-alike
 * hosts and namespaces count for it.
 */
function isDevcontainerFeature(occurrence: ResolvedOccurrence): boolean {
  return occurrence.kind === 'devcontainer' && (occurrence.context?.startsWith('features[') ?? false);
}

/** Pulls past which Docker Hub's count says the image is widely used, not a trap: no impersonation warning. */
const WIDELY_PULLED = 1_000_000;

/**
 * Whether Docker Hub's facts (online) settle an impersonation warning or a plain copy of a
 * well-known image: a missing image (reported as `image-not-found`) or a widely pulled one.
 */
function settledOnline(occurrence: ResolvedOccurrence): boolean {
  const hub = occurrence.resolution?.dockerHub;
  if (!hub) return false;
  // A namespace or repository that does not exist is reported as `image-not-found` instead.
  return !hub.repositoryExists || (hub.pullCount ?? 0) >= WIDELY_PULLED;
}

/**
 * Which value of a substitution this finding is about: one written `${{ matrix.image }}` yields a
 * finding per value at the same place, and the name alone (without its tag) would read twice.
 */
function substituted(occurrence: ResolvedOccurrence): string {
  const shown = shownImage(occurrence);
  return shown === occurrence.raw ? '' : ` Here it is ${shown}.`;
}

function runSquatRule(rule: 'typosquat' | 'impersonation', occurrences: ResolvedOccurrence[], context: CheckContext): FindingDraft[] {
  if (!context.policy.typosquat.enabled) return [];
  const { targets, verdicts } = verdictsFor(context);
  const drafts: FindingDraft[] = [];
  for (const occurrence of occurrences) {
    // Images built in this repository are never pulled, so their names cannot be squatted.
    if (occurrence.local || !occurrence.reference) continue;
    let match = verdicts.get(occurrence.reference);
    if (!verdicts.has(occurrence.reference)) {
      match = detectSquat(occurrence.reference, targets);
      verdicts.set(occurrence.reference, match);
    }
    if (!match || match.rule !== rule) continue;
    if (NAME_REUSE.has(match.technique) && isDevcontainerFeature(occurrence)) continue;
    const graded = rule === 'impersonation' || isPlainCopy(match);
    if (graded && settledOnline(occurrence)) continue;
    const pulls = occurrence.resolution?.dockerHub?.pullCount;
    const online = graded && pulls !== undefined ? ` Docker Hub counts ${pulls.toLocaleString('en-US')} pulls of it.` : '';
    const draft: FindingDraft = { occurrence, message: squatMessage(match) + online + substituted(occurrence) };
    const suggestion = squatSuggestion(occurrence.raw, match);
    if (suggestion !== undefined && suggestion !== occurrence.raw) draft.suggestion = suggestion;
    drafts.push(draft);
  }
  return drafts;
}

export const typosquatCheck: Check = {
  rule: 'typosquat',
  run: (occurrences, context) => runSquatRule('typosquat', occurrences, context),
};

export const impersonationCheck: Check = {
  rule: 'impersonation',
  run: (occurrences, context) => runSquatRule('impersonation', occurrences, context),
};
