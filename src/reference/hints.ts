/**
 * What to write instead, for image text that was meant as a reference and breaks the grammar in a
 * common way: a digest after ":" instead of "@", a URL scheme, spaces, an empty tag, upper case.
 * Each check is a fixed number of `indexOf`/`slice` calls and anchored patterns over pieces, so
 * the cost is linear in the text's length.
 */
import { DIGEST_ALGORITHMS } from './digest.js';
import { MAX_INPUT_LENGTH, PATH_PATTERN } from './grammar.js';

const HEX = /^[0-9a-fA-F]+$/;
const SCHEMES = ['https://', 'http://', 'docker://', 'oci://'];

/** `name:sha256:<hex>` -> `name@sha256:<hex>`. */
function digestAfterColon(text: string): string | undefined {
  if (text.includes('@')) return undefined;
  for (const algorithm of Object.keys(DIGEST_ALGORITHMS)) {
    const marker = `:${algorithm}:`;
    const at = text.indexOf(marker);
    if (at <= 0) continue;
    const hex = text.slice(at + marker.length);
    if (hex.length < 32 || !HEX.test(hex)) continue;
    const fixed = `${text.slice(0, at)}@${algorithm}:${hex}`;
    return `a digest follows "@", not ":": write ${JSON.stringify(shorten(fixed))}`;
  }
  return undefined;
}

/** `name@1.2` (a tag after "@") -> `name:1.2`. */
function tagAfterAt(text: string): string | undefined {
  const at = text.indexOf('@');
  if (at <= 0 || text.indexOf('@', at + 1) >= 0) return undefined;
  const after = text.slice(at + 1);
  if (after === '' || after.includes(':') || after.includes('/')) return undefined;
  return `"@" introduces a digest (algorithm:hex); a tag follows ":": write ${JSON.stringify(shorten(`${text.slice(0, at)}:${after}`))}`;
}

function scheme(text: string): string | undefined {
  const found = SCHEMES.find((prefix) => text.toLowerCase().startsWith(prefix));
  if (!found) return undefined;
  return `an image reference has no URL scheme: write ${JSON.stringify(shorten(text.slice(found.length)))}`;
}

function emptyTag(text: string): string | undefined {
  if (!text.endsWith(':') || text.length < 2) return undefined;
  return `the tag after ":" is empty: write a tag, or ${JSON.stringify(shorten(text.slice(0, -1)))} for the default`;
}

function whitespace(text: string): string | undefined {
  for (const ch of text) if (ch === ' ' || ch === '\t') return 'an image reference has no spaces: write the name alone, without arguments or comments';
  return undefined;
}

/** Mixed-case repository path (not a placeholder): the lower-case name. */
function upperCase(text: string): string | undefined {
  const slash = text.indexOf('/');
  const first = slash < 0 ? '' : text.slice(0, slash);
  const hasDomain = first.includes('.') || first.includes(':') || first === 'localhost';
  const rest = hasDomain ? text.slice(slash + 1) : text;
  const colon = rest.lastIndexOf(':');
  const path = colon > rest.lastIndexOf('/') ? rest.slice(0, colon) : rest;
  if (path === path.toLowerCase() || !PATH_PATTERN.test(path.toLowerCase())) return undefined;
  const fixed = `${hasDomain ? `${first}/` : ''}${path.toLowerCase()}${rest.slice(path.length)}`;
  return `repository names are lower case: write ${JSON.stringify(shorten(fixed))}`;
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/**
 * A sentence saying what to write instead, or undefined when the mistake has no usual fix. Text
 * longer than any reference has none (each fix keeps it too long), so it is not searched: a long
 * value repeated in many images would be copied and scanned whole for each.
 */
export function correctionHint(text: string): string | undefined {
  if (text.length > MAX_INPUT_LENGTH) return undefined;
  for (const hint of [scheme, whitespace, digestAfterColon, tagAfterAt, emptyTag, upperCase]) {
    const found = hint(text);
    if (found !== undefined) return found;
  }
  return undefined;
}
