/**
 * Generates look-alike rows for the typosquat evaluation table, one family at a time, from the
 * squat families issue 14 describes, applied to targets drawn at random (fixed seed) from the
 * embedded official images, registry hosts and publisher namespaces. The targets are drawn, not
 * chosen, so the rows are not tuned to the detector. Prints TSV rows to stdout; they were
 * appended once to `__tests__/fixtures/typosquat/eval.tsv` (each row names its family and seed),
 * less the one image the table already held (`rediss`).
 *
 *   npx tsx scripts/typosquat-generate-cases.ts > /tmp/generated.tsv
 */
import { DEFAULT_TRUSTED_REGISTRIES, CURRENT_OFFICIAL_IMAGES, TRUSTED_DOCKER_HUB_NAMESPACES } from '../src/config/trusted-defaults.js';

const SEED = 20261203;

/** mulberry32: a small seeded generator, so the rows can be regenerated exactly. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const letters = 'abcdefghijklmnopqrstuvwxyz';
const randomWord = (length: number) => Array.from({ length }, () => pick([...letters])).join('');

/** Major registry hosts with a dot inside their name part (not the cloud families). */
const HOSTS = DEFAULT_TRUSTED_REGISTRIES.filter((host) => host.includes('.') && !['dhi.io', 'cgr.dev', 'icr.io', 'lscr.io'].includes(host));
const NAMESPACES = TRUSTED_DOCKER_HUB_NAMESPACES.filter((namespace) => namespace.length >= 5 && /^[a-z]+$/.test(namespace));
const OFFICIAL = CURRENT_OFFICIAL_IMAGES.filter((name) => name.length >= 4 && /^[a-z]+$/.test(name));
const TLDS = ['com', 'net', 'org', 'co', 'io', 'cc'];
const HOST_WORDS = ['mirror', 'cdn', 'registry', 'proxy', 'cache', 'images'];
const NAMESPACE_WORDS = ['official', 'docker', 'labs', 'io', 'team', 'hub', 'images', 'org', 'inc', 'hq', 'oss'];
const VARIANTS = ['alpine', 'slim', 'bookworm', 'lts', 'jdk', 'fpm', 'bullseye', 'latest'];
const REPOS = ['app', 'runner', 'agent', 'server', 'tools', 'base'];

function swapAdjacent(text: string): string {
  const positions = [...text].map((_, i) => i).filter((i) => i + 1 < text.length && text[i] !== text[i + 1] && text[i] !== '.' && text[i + 1] !== '.');
  const i = pick(positions);
  return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
}

function doubleLetter(text: string): string {
  const positions = [...text].map((_, i) => i).filter((i) => /[a-z]/.test(text[i]));
  const i = pick(positions);
  return text.slice(0, i + 1) + text[i] + text.slice(i + 1);
}

const rows: string[] = [];
const seen = new Set<string>();
function row(image: string, expected: 'squat' | 'impersonation', technique: string, family: string): void {
  if (seen.has(image)) return;
  seen.add(image);
  rows.push(`${image}\t${expected}\t${technique}\tgenerated (scripts/typosquat-generate-cases.ts, seed ${SEED}): issue 14 family "${family}"`);
}

for (let n = 0; n < 12; n++) {
  const host = pick(HOSTS);
  const dots = [...host].map((ch, i) => (ch === '.' ? i : -1)).filter((i) => i >= 0);
  const dot = pick(dots);
  const dropped = host.slice(0, dot) + host.slice(dot + 1);
  row(`${dropped}.${pick(TLDS)}/${randomWord(6)}/${pick(REPOS)}`, 'squat', 'host-label', 'registry host: a dot dropped');
  row(`${host.slice(0, dot)}-${host.slice(dot + 1)}.${pick(TLDS)}/${randomWord(6)}/${pick(REPOS)}`, 'squat', 'host-label', 'registry host: a dot replaced by a hyphen');
  row(`${doubleLetter(host)}/${randomWord(6)}/${pick(REPOS)}`, 'squat', 'repeated-character', 'registry host: a letter doubled');
  row(`${swapAdjacent(host)}/${randomWord(6)}/${pick(REPOS)}`, 'squat', 'transposition', 'registry host: two letters swapped');
  row(`${host}.${pick(HOST_WORDS)}.${pick(TLDS)}/${randomWord(6)}/${pick(REPOS)}`, 'squat', 'host-prefix', 'registry host: an extra label');
}
for (let n = 0; n < 14; n++) {
  const namespace = pick(NAMESPACES);
  const word = pick(NAMESPACE_WORDS);
  row(`${namespace}-${word}/${pick(REPOS)}`, 'squat', 'brand-affix', 'namespace: a hyphen and a word inserted');
  row(`${namespace}${word}/${pick(REPOS)}`, 'squat', 'brand-affix', 'namespace: a suffix glued on');
  row(`ghcr.io/${pick(['actions', 'github', 'fluxcd', 'sigstore', 'grafana', 'renovatebot'])}-${word}/${pick(REPOS)}`, 'squat', 'brand-affix', 'namespace on GHCR: a hyphen and a word inserted');
}
for (let n = 0; n < 10; n++) {
  const name = pick(OFFICIAL);
  row(`docker${randomWord(4)}/${name}`, 'squat', 'brand-affix', 'brand squat: docker plus letters');
  row(`${name}${pick(['os', 'io', 'hq', 'official'])}/${name}`, 'squat', 'brand-affix', 'brand squat: official name plus a word, same image');
}
for (let n = 0; n < 16; n++) {
  const name = pick(OFFICIAL);
  const version = `${1 + Math.floor(random() * 20)}`;
  row(`${name}${version}`, 'squat', 'derived-name', 'library: version glued on');
  row(`${name}-${pick(VARIANTS)}`, 'squat', 'derived-name', 'library: variant glued on');
  row(`${name}s`, 'squat', 'derived-name', 'library: plural');
}
for (let n = 0; n < 10; n++) {
  const name = pick(['pause', 'kube-proxy', 'kube-apiserver', 'trivy', 'cosign', 'argocd', 'alertmanager', 'promtail', 'keycloak', 'envoy', 'terraform', 'hadolint']);
  row(`${randomWord(7)}/${name}`, 'impersonation', 'well-known-name', 'a well-known image re-published under another namespace');
}
for (let n = 0; n < 8; n++) {
  const name = pick(CURRENT_OFFICIAL_IMAGES.filter((candidate) => candidate.length >= 9 && /^[a-z]+$/.test(candidate)));
  let typo = swapAdjacent(name);
  typo = swapAdjacent(typo);
  if (typo !== name) row(typo, 'squat', 'two-edits', 'library: two transpositions (Damerau distance 2)');
}
console.log(rows.join('\n'));
