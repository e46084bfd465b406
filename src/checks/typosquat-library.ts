/**
 * Names under Docker Hub's `library/` that are derived from an official image: a plural
 * (`nodes`), a version or variant glued on (`python3`, `alpine3.19`, `golang-alpine`, `node-lts`,
 * `openjdk8-jdk-alpine`), or put in front (`alpine-node`). Only Docker publishes under `library/`,
 * so such a name never pulls from Docker Hub, and Podman's short-name search resolves it on
 * another registry where anyone may own it. The reader meant the official image with a tag:
 * `golang-alpine` is `golang:alpine`. Pure string work over the official names.
 */
import type { NameIndex, SquatTechnique } from './typosquat-similarity.js';

/**
 * Words of official images' tags (variants, distributions, releases, flavours), taken from the
 * tag lists of the official images' library files: what people glue onto an official name when
 * they mean a tag. Not words that name people's own build stages (`base`, `app`, `build`, `dev`).
 */
const VARIANT_WORDS = new Set([
  // Distributions and releases.
  'alpine', 'slim', 'bookworm', 'bullseye', 'buster', 'stretch', 'jessie', 'wheezy', 'trixie', 'sid',
  'focal', 'jammy', 'noble', 'bionic', 'xenial', 'trusty', 'debian', 'ubuntu', 'centos', 'ubi', 'oraclelinux',
  'windowsservercore', 'nanoserver', 'ltsc',
  // Release channels.
  'lts', 'current', 'latest', 'stable', 'mainline', 'edge',
  // Flavours.
  'jdk', 'jre', 'fpm', 'apache', 'cli', 'zts', 'management', 'dind', 'rootless', 'onbuild', 'minimal', 'full',
  'temurin', 'corretto', 'openjdk', 'graalvm', 'perl', 'otel', 'headless',
  // C libraries (busybox's `musl`, `glibc` and `uclibc` variants).
  'musl', 'glibc', 'uclibc',
  // Editions (`sonarqube:community`, `couchbase:community`). Not `enterprise`: vendors publish
  // their enterprise builds under their own names, and people name their own builds so too.
  'community',
]);

/**
 * Tag words of one official image only, from its own tag list: `flink:java17`, `clojure:lein`,
 * `clojure:tools-deps`, `spark:scala2.12-java17-python3`, `amazoncorretto:al2023`,
 * `wordpress:php8.3-apache`, `elixir:otp-27`. A word here may carry its version glued on
 * (`java17`). They count only after that image's exact name: `flink-java17` is `flink:java17`, but
 * `node-java17` or `myapp-lein` are someone's own build names.
 */
const IMAGE_TAG_WORDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    flink: ['java', 'scala'],
    spark: ['java', 'scala', 'python', 'r'],
    clojure: ['lein', 'tools', 'deps', 'boot'],
    maven: ['eclipse', 'amazoncorretto', 'sapmachine', 'ibmjava', 'ibm', 'semeru'],
    gradle: ['graal'],
    amazoncorretto: ['al'],
    wordpress: ['php'],
    drupal: ['php'],
    joomla: ['php'],
    elixir: ['otp'],
    swift: ['amazonlinux', 'rhel'],
    'buildpack-deps': ['curl', 'scm'],
    'eclipse-mosquitto': ['openssl'],
    perl: ['threaded'],
    node: ['hydrogen', 'iron', 'jod'],
  }).map(([image, words]) => [image, new Set(words)]),
);

/** Whether `word` is one of the official images' tag words (`alpine`, `slim`, `lts`). */
export function isVariantWord(word: string): boolean {
  return VARIANT_WORDS.has(word);
}

/**
 * Words that name what a project ships rather than a tag: its language (`rust-lang`), edition
 * (`-oss`, `-ce`), release stream (`-stream`, `-nightly`) or product (`-gateway`, `-runtime`).
 * Glued to an official name of four letters or more they make the project's product name, which
 * only Docker could publish under `library/`; they are not tag words, so no tag is made of them.
 * Not words people name their own builds and services with (`base`, `app`, `proxy`, `exporter`,
 * `enterprise`, `agent`, `backend`).
 */
const PRODUCT_WORDS = new Set([
  'lang', 'language', 'oss', 'opensource', 'ce', 'edition', 'stream', 'rolling', 'nightly', 'preview',
  'gateway', 'runtime', 'sdk',
]);
/** Product words long enough to count glued on without a separator (`rustlang`, `centosstream`). */
const GLUED_PRODUCT_WORD_LENGTH = 4;
/** Official names shorter than this are too short to mark a product name (`go-sdk`, `php-ce`). */
const PRODUCT_CORE_LENGTH = 4;

/** Words that only dress the name up (`node-official`, `redis-latest`); not part of the tag. */
const FILLER_WORDS = new Set(['official', 'docker', 'image', 'library', 'latest']);

const SEPARATORS = new Set(['-', '_', '.']);

/**
 * Vendor prefixes of official images' names (`eclipse-temurin`, `eclipse-mosquitto`,
 * `ibm-semeru-runtimes`, `azul-zulu`). Without it the rest reads as the official image
 * (`temurin` is `eclipse-temurin`), but only when the rest is distinctive and no official image of
 * its own: `mosquitto` was an official image once, `zulu` is too short to be anyone's in particular.
 */
const VENDOR_PREFIXES = ['eclipse', 'ibm', 'azul'];
/** Shorter rests are too plain to stand for the vendor's image (`zulu`). */
const VENDOR_STEM_LENGTH = 6;

/** The official image `stem` is with its vendor prefix dropped (`temurin` -> `eclipse-temurin`), or undefined. */
function withVendorPrefix(stem: string, library: NameIndex): string | undefined {
  if (stem.length < VENDOR_STEM_LENGTH || library.has(stem)) return undefined;
  return VENDOR_PREFIXES.map((prefix) => `${prefix}-${stem}`).find((name) => library.has(name));
}

export interface LibraryDerivation {
  /** The official image meant. */
  genuine: string;
  /** The tag meant, from the glued-on version and variant words (`3-slim`), when there is one. */
  tag?: string;
  technique: Extract<SquatTechnique, 'derived-name'>;
}

const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
const isLetter = (ch: string | undefined) => ch !== undefined && ch >= 'a' && ch <= 'z';

/**
 * Splits a suffix such as `3-slim`, `-lts-alpine`, `3.19`, `8-jdk-alpine` into tag words, or
 * returns undefined when any part is not a version or a known word. Product words are accepted
 * but are no tag words.
 */
export function tagWords(suffix: string): string[] | undefined {
  return suffixWords(suffix)?.words;
}

/**
 * Linear: each step consumes a separator, a version (`v?digits(.digits|x)*`) or the longest run
 * of letters, which must be a known word. `product` says whether a product word was among them.
 */
function suffixWords(suffix: string, own?: ReadonlySet<string>): { words: string[]; product: boolean } | undefined {
  const words: string[] = [];
  let product = false;
  let i = 0;
  while (i < suffix.length) {
    if (SEPARATORS.has(suffix[i])) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(suffix[i]) || (suffix[i] === 'v' && isDigit(suffix[i + 1]))) {
      if (suffix[i] === 'v') i++;
      while (i < suffix.length && (isDigit(suffix[i]) || (suffix[i] === '.' && isDigit(suffix[i + 1])) || suffix[i] === 'x')) i++;
      words.push(suffix.slice(suffix[start] === 'v' ? start + 1 : start, i));
      continue;
    }
    while (i < suffix.length && isLetter(suffix[i])) i++;
    const word = suffix.slice(start, i);
    if (word === '') return undefined;
    if (own?.has(word)) {
      // The image's own word keeps a version glued on: `java17`, `al2023`, `php8.3`.
      while (i < suffix.length && (isDigit(suffix[i]) || (suffix[i] === '.' && isDigit(suffix[i + 1])))) i++;
      words.push(suffix.slice(start, i));
    } else if (VARIANT_WORDS.has(word)) words.push(word);
    else if (PRODUCT_WORDS.has(word)) product = true;
    else if (!FILLER_WORDS.has(word)) return undefined;
  }
  return { words, product };
}

/** Whether `suffix` begins with a product word long enough to be glued on (`lang` of `rustlang`). */
function startsWithGluedProductWord(suffix: string): boolean {
  let end = 0;
  while (end < suffix.length && isLetter(suffix[end])) end++;
  return end >= GLUED_PRODUCT_WORD_LENGTH && PRODUCT_WORDS.has(suffix.slice(0, end));
}

/**
 * The official image and tag a derived name stands for, or undefined. `isOfficial` says whether a
 * core is an official name; `imitated` finds the official names a misspelt core imitates (so
 * `pyhton3` is still `python:3`, and `mangodb`'s core `mango` is `mongo`).
 */
export function libraryDerivation(name: string, library: NameIndex): LibraryDerivation | undefined {
  if (name.length > 128 || library.has(name)) return undefined;
  const vendors = withVendorPrefix(name, library);
  if (vendors) return { genuine: vendors, technique: 'derived-name' };
  // Official name first, suffix after: `python3-slim`, `golang-alpine`, `nodes`.
  for (let end = name.length - 1; end >= 3; end--) {
    const suffix = name.slice(end);
    const plural = suffix === 's' || suffix === 'es';
    // A glued-on word must be set off by a separator or begin with a digit, `redisinsight` is a
    // word, unless it is a long product word (`rustlang`).
    const setOff = SEPARATORS.has(suffix[0]) || isDigit(suffix[0]) || (suffix[0] === 'v' && isDigit(suffix[1]));
    if (!plural && !setOff && !startsWithGluedProductWord(suffix)) continue;
    const parsed = plural ? { words: [], product: false } : suffixWords(suffix, library.has(name.slice(0, end)) ? IMAGE_TAG_WORDS.get(name.slice(0, end)) : undefined);
    // A product word marks a product name only after an official name of some length: `go-sdk` is not `golang`'s.
    if (!parsed || (parsed.product && end < PRODUCT_CORE_LENGTH)) continue;
    const genuine = officialFor(name.slice(0, end), library);
    if (genuine) return plural ? { genuine, technique: 'derived-name' } : withTag(genuine, parsed.words);
  }
  // Variant in front: `alpine-node`, `slim-python`.
  for (let start = 1; start < name.length - 2; start++) {
    if (!SEPARATORS.has(name[start])) continue;
    const words = tagWords(name.slice(0, start));
    const genuine = officialFor(name.slice(start + 1), library);
    if (words && words.length > 0 && genuine) return withTag(genuine, words);
  }
  return undefined;
}

function officialFor(core: string, library: NameIndex): string | undefined {
  if (library.has(core)) return core;
  const vendors = withVendorPrefix(core, library);
  if (vendors) return vendors;
  // Only a close typo of a longer name counts here; short cores have too many innocent neighbours.
  // Typos are of letters: a core with digits in it (`name1`) is no misspelt official name.
  if (core.length < 5 || [...core].some((ch) => isDigit(ch))) return undefined;
  const matches = library.imitated(core);
  return matches.length === 1 ? matches[0].genuine : undefined;
}

function withTag(genuine: string, words: string[]): LibraryDerivation {
  const tag = words.join('-');
  return tag ? { genuine, tag, technique: 'derived-name' } : { genuine, technique: 'derived-name' };
}
