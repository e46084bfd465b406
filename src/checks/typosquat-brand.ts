/**
 * Brand squats: a namespace made of a trusted publisher's or an official image's name plus a
 * word, letters or digits (`grafana-labs`, `bitnami-docker`, `aquasecurity` beside `aquasec`,
 * `alpineos/alpine`), which only the brand's owner could use honestly. Namespaces made from a
 * well-known project's name (`kanikoproject`, `k8sofficial`) are judged with that project's images
 * in `typosquat-catalogue.ts`, using `isBrandAffix`. Pure string work.
 */
import { WELL_KNOWN_IMAGES } from './typosquat-catalogue.js';
import type { NameIndex } from './typosquat-similarity.js';

/**
 * Words squatters add to a brand to make an account name that still reads as the brand's own.
 * Put before the brand they must be set off by a separator or be one of these words, because a
 * person's name run into a brand (`gloursdocker`) is how people name their own accounts.
 */
const AFFIX_WORDS = new Set([
  'io', 'os', 'hq', 'inc', 'official', 'offical', 'oficial', 'labs', 'lab', 'team', 'org', 'project', 'community',
  'docker', 'dockerhub', 'hub', 'dev', 'devs', 'cloud', 'oss', 'opensource', 'images', 'image', 'containers',
  'container', 'registry', 'repo', 'mirror', 'verified', 'real', 'the', 'secure', 'app', 'apps', 'corp', 'group',
  // Company endings, like `inc` and `corp` (`elastic-co`).
  'co', 'ltd', 'llc', 'gmbh', 'company',
]);
const SEPARATORS = new Set(['-', '_', '.']);

const isAlphanumeric = (text: string) => text.length > 0 && [...text].every((ch) => (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'));

export interface BrandAffix {
  /** The brand: a trusted namespace, or an official image name (`official`). */
  genuine: string;
  official: boolean;
}

/**
 * What is added to `brand` to make `namespace`, when `namespace` is brand-plus-affix; else
 * undefined. Glued on after the brand, anything counts for brands of five letters or more
 * (`aquasecurity`, `docker123321`); set off by a separator only digits or a listed word do
 * (`grafana-labs`, `bitnami-docker`), since `docker-mailserver` is how a project names its own
 * Docker packaging. Before the brand only a listed word counts (`official-bitnami`, `thegrafana`).
 */
function affixOf(namespace: string, brand: string, brandsImage: boolean, image = ''): string | undefined {
  if (namespace.length <= brand.length) return undefined;
  if (namespace.startsWith(brand)) {
    let rest = namespace.slice(brand.length);
    const separated = SEPARATORS.has(rest[0]);
    if (separated) rest = rest.slice(1);
    if (!isAlphanumeric(rest)) return undefined;
    if (AFFIX_WORDS.has(rest) || isDigits(rest)) return rest;
    // The brand and the name of the image it holds (`sonatype-nexus/nexus3`): the publisher's
    // product made into an account that only the publisher could use honestly.
    if (separated && rest.length >= 3 && isProductOf(rest, image)) return rest;
    // Any other glued word only with an image the brand is known for: `dockerashu/cloud4cwebapp`
    // is a person's account, `aquasecurity/trivy` poses as Aqua's.
    return !separated && brand.length >= 5 && brandsImage ? rest : undefined;
  }
  if (namespace.endsWith(brand)) {
    let rest = namespace.slice(0, namespace.length - brand.length);
    if (SEPARATORS.has(rest[rest.length - 1])) rest = rest.slice(0, -1);
    return AFFIX_WORDS.has(rest) ? rest : undefined;
  }
  return undefined;
}

/**
 * Whether `namespace` is `brand` with a listed word or digits added, or (brands of five letters or
 * more) any word glued on after it: a project's name made into an account (`kanikoproject`,
 * `k8sofficial`, `ciliumhub`). Only asked about namespaces holding that project's own images.
 */
export const isBrandAffix = (namespace: string, brand: string): boolean => affixOf(namespace, brand, true) !== undefined;

/** Whether `image` is named `word`, with a version (`nexus3`) or another word after it (`nexus-iq-server`). */
function isProductOf(word: string, image: string): boolean {
  if (!image.startsWith(word)) return false;
  const rest = image.slice(word.length);
  return rest === '' || isDigits(rest) || SEPARATORS.has(rest[0]);
}

const isDigits = (text: string) => text.length > 0 && [...text].every((ch) => ch >= '0' && ch <= '9');

/**
 * The brand `namespace` is made from, or undefined. `trusted` holds the host's trusted namespaces
 * (brands of five letters or more take any suffix, `aquasec` -> `aquasecurity`; shorter ones only
 * a separated or listed word); `library` the official names, which count as brands only when the
 * image under the namespace is that official image (`alpineos/alpine`), since `nodered/node-red`
 * or `golangci/golangci-lint` are projects of their own.
 */
export function brandAffix(namespace: string, name: string, trusted: NameIndex | undefined, library: NameIndex | undefined): BrandAffix | undefined {
  const last = name.slice(name.lastIndexOf('/') + 1);
  const knownImage = WELL_KNOWN_IMAGES.has(last) || (library?.has(last) ?? false);
  // The official image's own name first: `alpineos/alpine` poses as the official `alpine`, even
  // where a namespace of that name exists too.
  if (library && library.has(name) && name.length >= 4 && officialAffix(namespace, name)) {
    return { genuine: name, official: true };
  }
  if (trusted) {
    for (const brand of trusted.values()) {
      if (brand.length < 4) continue;
      // A project's own organisation named after its project (`docker-mailserver/docker-mailserver`).
      if (isProjectOrganisation(namespace, name)) continue;
      if (affixOf(namespace, brand, knownImage || last.startsWith(brand), last) !== undefined) return { genuine: brand, official: false };
    }
    // `bitnarni-docker`: an affix word around a misspelt brand.
    for (const core of affixWordCores(namespace)) {
      const matches = trusted.imitated(core).filter((match) => match.genuine.length >= 5);
      if (matches.length === 1) return { genuine: matches[0].genuine, official: false };
    }
  }
  return undefined;
}

/**
 * Whether `namespace` is the project's name the image is named after, as an account name writes it:
 * the image name or a leading part of it ending at a separator, its separators kept or dropped
 * (`docker-mailserver/docker-mailserver`, `rediscommander/redis-commander`: Docker Hub names
 * allow no `-` in an account).
 */
function isProjectOrganisation(namespace: string, name: string): boolean {
  if (name === namespace || name.startsWith(`${namespace}-`)) return true;
  let compact = '';
  for (let index = 0; index < name.length && compact.length <= namespace.length; index++) {
    const ch = name[index];
    if (SEPARATORS.has(ch)) {
      if (compact === namespace) return true;
      continue;
    }
    compact += ch;
  }
  return compact === namespace;
}

/** `alpineos`, `redis-official`, `official-nginx`: an official name with a listed word. */
function officialAffix(namespace: string, name: string): boolean {
  const rest = namespace.startsWith(name) ? namespace.slice(name.length) : namespace.endsWith(name) ? namespace.slice(0, namespace.length - name.length) : undefined;
  if (rest === undefined || rest === '') return false;
  return AFFIX_WORDS.has(trimSeparator(trimSeparator(rest, 'start'), 'end'));
}

/** `namespace` without one affix word at either end (with or without a separator). */
function affixWordCores(namespace: string): string[] {
  const cores: string[] = [];
  for (const word of AFFIX_WORDS) {
    if (namespace.length <= word.length + 3) continue;
    if (namespace.endsWith(word)) cores.push(trimSeparator(namespace.slice(0, namespace.length - word.length), 'end'));
    if (namespace.startsWith(word)) cores.push(trimSeparator(namespace.slice(word.length), 'start'));
  }
  return cores;
}

function trimSeparator(text: string, side: 'start' | 'end'): string {
  if (side === 'end') return SEPARATORS.has(text[text.length - 1]) ? text.slice(0, -1) : text;
  return SEPARATORS.has(text[0]) ? text.slice(1) : text;
}
