/**
 * What the typosquat and impersonation rules say: the message a reviewer reads (what the name
 * imitates, and how) and the fix, when the imitating part can be replaced with certainty.
 */
import type { SquatMatch } from './typosquat.js';
import { isVariantWord } from './typosquat-library.js';
import { TECHNIQUE_DESCRIPTIONS, type SquatTechnique } from './typosquat-similarity.js';

/** The technique in words, with the characters involved where that helps the reader see it. */
function howItImitates(match: SquatMatch): string {
  const technique = match.technique as SquatTechnique;
  const description = TECHNIQUE_DESCRIPTIONS[technique];
  const written = match.written.includes('/') && match.part === 'name' ? match.written.slice(match.written.lastIndexOf('/') + 1) : match.written;
  if (technique === 'look-alike' || technique === 'substituted-character' || technique === 'adjacent-key') {
    // The differing middle: `bitnarni` vs `bitnami` -> `rn` for `m`.
    let start = 0;
    while (start < written.length && start < match.genuine.length && written[start] === match.genuine[start]) start++;
    let end = 0;
    while (
      end < written.length - start &&
      end < match.genuine.length - start &&
      written[written.length - 1 - end] === match.genuine[match.genuine.length - 1 - end]
    ) {
      end++;
    }
    const shown = written.slice(start, written.length - end);
    const meant = match.genuine.slice(start, match.genuine.length - end);
    return shown && meant ? `${description}: \`${shown}\` for \`${meant}\`` : description;
  }
  if (technique === 'bait-words' && match.part === 'name') {
    const index = written.indexOf(match.genuine);
    if (index >= 0) {
      const words = (written.slice(0, index) + ' ' + written.slice(index + match.genuine.length)).split(/[-_.\s]+/).filter(Boolean);
      if (words.length > 0) return `${description}: ${words.map((word) => `\`${word}\``).join(', ')}`;
    }
  }
  return description;
}

/** A message a reviewer understands: what it looks like, and how. */
export function squatMessage(match: SquatMatch): string {
  const others = match.alsoLike.length > 0 ? ` (or ${match.alsoLike.map((name) => `\`${name}\``).join(', ')})` : '';
  switch (match.rule === 'impersonation' ? 'impersonation' : match.part) {
    case 'impersonation': {
      const namespace = match.written.slice(0, match.written.indexOf('/'));
      const where = match.host ? `the ${match.host} namespace` : 'the Docker Hub namespace';
      return `\`${match.written}\` uses the name of ${match.description} under ${where} \`${namespace}\`, which is not a trusted publisher.`;
    }
    case 'host':
      return `The registry host \`${match.written}\` looks like ${match.description}${others} (${howItImitates(match)}).`;
    case 'namespace':
      if (match.technique === 'bait-words') {
        return `The namespace \`${match.written}\` poses as ${match.description}: only Docker publishes official images, under \`library/\`.`;
      }
      return `The namespace \`${match.written}\` looks like ${match.description}${others} (${howItImitates(match)}).`;
    default:
      if (match.technique === 'well-known-name') return wellKnownMessage(match);
      if (match.technique === 'derived-name') {
        const meant = match.tag ? `${match.genuine}:${match.tag}` : match.genuine;
        return `\`${match.written}\` is not an official image but reads as ${match.description} (${howItImitates(match)}): only Docker publishes under \`library/\`, so this name is pulled from wherever a registry search finds it. Use \`${meant}\`.`;
      }
      return `\`${match.written}\` looks like ${match.description}${others} (${howItImitates(match)}).`;
  }
}

/** A well-known image copied under someone else's account, or under an account made from its project's name. */
function wellKnownMessage(match: SquatMatch): string {
  const namespace = match.written.slice(0, match.written.indexOf('/'));
  const where = `the ${match.host ?? 'Docker Hub'} namespace \`${namespace}\``;
  const why = match.madeFrom
    ? `${where} is made from the project\u2019s name \`${match.madeFrom}\`, which only its publisher can use honestly`
    : `${where} is not its publisher\u2019s`;
  return `\`${match.written}\` is a copy of ${match.description}: ${why}. Use \`${match.genuine}\`.`;
}

/**
 * The raw text with the imitating part replaced by the genuine one, when that part is written
 * literally in `raw` and the match is unambiguous; otherwise undefined.
 */
export function squatSuggestion(raw: string, match: SquatMatch): string | undefined {
  if (match.rule !== 'typosquat' || match.alsoLike.length > 0 || match.replaceable === false) return undefined;
  const at = raw.indexOf('@');
  // A copy's digest is not the publisher's: the genuine image with the tag written, or nothing.
  if (match.technique === 'well-known-name') return at >= 0 ? undefined : match.genuine + tagOf(raw);
  const beforeDigest = at >= 0 ? raw.slice(0, at) : raw;
  const suffixFromDigest = at >= 0 ? raw.slice(at) : '';
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? beforeDigest.slice(0, colon) : beforeDigest;
  const suffix = (colon >= 0 ? beforeDigest.slice(colon) : '') + suffixFromDigest;
  const segments = name.split('/');
  const firstIsHost = segments.length > 1 && (segments[0].includes('.') || segments[0].includes(':') || segments[0] === 'localhost');
  let index: number;
  if (match.part === 'host') index = firstIsHost ? 0 : -1;
  else if (match.part === 'name') index = segments.length - 1;
  else index = segments.length - 2;
  if (index < 0 || index >= segments.length) return undefined;
  const writtenSegment = match.part === 'host' ? segments[index].toLowerCase().replace(/:[0-9]+$/, '') : segments[index];
  if (writtenSegment !== match.written) return undefined;
  const port = match.part === 'host' ? (segments[index].match(/:[0-9]+$/)?.[0] ?? '') : '';
  segments[index] = match.genuine + port;
  if (match.tag === undefined) return segments.join('/') + suffix;
  const tag = derivedTag(match.tag, colon >= 0 ? beforeDigest.slice(colon + 1) : undefined);
  return tag === undefined ? undefined : `${segments.join('/')}:${tag}${suffixFromDigest}`;
}

/** `:tag` of a reference without a digest, or ''. */
function tagOf(raw: string): string {
  const colon = raw.indexOf(':', raw.lastIndexOf('/') + 1);
  return colon >= 0 ? raw.slice(colon) : '';
}

/**
 * The tag meant when a variant was glued onto the name and a tag was written as well: a version
 * goes first (`golang-alpine:1.11` -> `1.11-alpine`), a variant word after (`python3:slim` ->
 * `3-slim`), `latest` or no tag leaves the glued-on words (`alpine3` -> `3`). Anything else
 * (`openjdk8:v1`) has no tag the reader can be assumed to mean.
 */
function derivedTag(glued: string, written: string | undefined): string | undefined {
  if (written === undefined || written === 'latest') return glued;
  if (/^[0-9][0-9.]*$/.test(written)) return `${written}-${glued}`;
  if (isVariantWord(written)) return `${glued}-${written}`;
  return undefined;
}
