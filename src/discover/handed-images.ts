/**
 * Images handed to a container rather than run as its image: an `--<name>image=<reference>`
 * argument (cert-manager's `--acme-http01-solver-image`) or an environment variable named as an
 * image (`STRIMZI_DEFAULT_KAFKA_IMAGE`, OLM's `RELATED_IMAGE_*`). Read only when the text says so
 * by its name and the value is one reference by its shape. Pure string work.
 */
import { normalizeForOccurrence, writtenRegistry } from '../reference/index.js';

/** `--<name>image=<reference>` or `-<name>image=<reference>` (a name of letters, digits and `-`), the reference one that says so by its shape. */
export function imageFlag(argument: string): { name: string; image: string } | undefined {
  const equals = argument.indexOf('=');
  if (!argument.startsWith('-') || equals < 0 || equals > 128) return undefined;
  const name = argument.slice(0, equals);
  if (!isImageFlagName(name)) return undefined;
  const image = argument.slice(equals + 1);
  return isOneReference(image) && image.trim() === image ? { name, image } : undefined;
}

/** `IMAGE`, `..._IMAGE` or `RELATED_IMAGE_...`, in capitals, digits and underscores. */
export function isImageVariable(name: string): boolean {
  if (!(name === 'IMAGE' || name.endsWith('_IMAGE') || name.startsWith('RELATED_IMAGE_'))) return false;
  for (const char of name) if (!((char >= 'A' && char <= 'Z') || (char >= '0' && char <= '9') || char === '_')) return false;
  return true;
}

/** `..._IMAGES`, in capitals, digits and underscores: a variable naming a list of images (Strimzi's `STRIMZI_KAFKA_IMAGES`). */
export function isImageListVariable(name: string): boolean {
  return name.endsWith('_IMAGES') && isImageVariable(name.slice(0, -1));
}

/** At most this many lines of an image list are read; a longer value is no list of images. */
const MAX_IMAGE_LIST_LINES = 256;

/** One image of a list, at its offset in the list's text, with the key it is written after (`4.3.1=`). */
export interface ImageListEntry {
  offset: number;
  image: string;
  key?: string;
}

/**
 * The images of a list a container is handed in one variable, one a line, each `<key>=<reference>`
 * or a reference (Strimzi's `STRIMZI_KAFKA_IMAGES`: `4.3.1=quay.io/strimzi/kafka:1.2.0-kafka-4.3.1`,
 * the image of each Kafka version). Empty unless every line that is not blank is one of them.
 */
export function imageListEntries(text: string): ImageListEntry[] {
  const entries: ImageListEntry[] = [];
  let lines = 0;
  for (let start = 0; start <= text.length; lines++) {
    if (lines >= MAX_IMAGE_LIST_LINES) return [];
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    const written = line.trim();
    if (written !== '') {
      // A reference has no `=`: what comes before the first is the entry's key.
      const equals = written.indexOf('=');
      const image = written.slice(equals + 1);
      if (!isOneReference(image) || image.trim() !== image) return [];
      const offset = start + (line.length - line.trimStart().length) + equals + 1;
      entries.push(equals < 0 ? { offset, image } : { offset, image, key: written.slice(0, equals) });
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  return entries;
}

/**
 * A setting's name that says it holds an image: `image`, or ending in `_image`, `-image`, `.image`
 * or `Image` (`docker_image`, `connection_pooler_image`, `sidecarImage`), or an image variable's name.
 */
export function isImageSettingName(name: string): boolean {
  if (isImageVariable(name) || name === 'image') return true;
  if (name.length > 128) return false;
  if (name.endsWith('Image')) return name.length > 5;
  return name.length > 6 && name.endsWith('image') && '_-.'.includes(name[name.length - 6] ?? '');
}

/** A value that is one image reference and says so by its shape (a `/`, `:` or `@`), not a word. */
export function isOneReference(value: string): boolean {
  const text = value.trim();
  if (text === '' || text.length > 512 || /\s/.test(text)) return false;
  if (!text.includes('/') && !text.includes(':') && !text.includes('@')) return false;
  return normalizeForOccurrence(text).ok;
}

/**
 * A value that names its registry and its version, so it can only be an image reference: a first
 * component Docker reads as a registry (`ghcr.io/...`, `registry:5000/...`, `localhost/...`; see
 * writtenRegistry), a path, and a tag or digest (`ghcr.io/dragonflydb/dragonfly:v1.40.1`). A VM image's name (`ubuntu-2204`) is not.
 */
export function isRegistryQualifiedReference(value: string): boolean {
  if (!isOneReference(value)) return false;
  const text = value.trim();
  const registry = writtenRegistry(text);
  if (registry === undefined) return false;
  return text.includes('@') || text.indexOf(':', registry.length + 1) > registry.length;
}

/**
 * `--<name>image`, or `-<name>image` as Go's flag package also reads it (Tekton's controller is
 * handed `-shell-image`): one or two dashes, then letters, digits, `-` and `_`, ending in `image` (any case).
 */
export function isImageFlagName(name: string): boolean {
  if (!name.startsWith('-') || name.length > 128 || !name.toLowerCase().endsWith('image')) return false;
  const dashes = name.startsWith('--') ? 2 : 1;
  for (const char of name.slice(dashes)) if (!((char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || (char >= '0' && char <= '9') || char === '-' || char === '_')) return false;
  return true;
}

/** At most this many `image:` fields are read from one expression. */
const MAX_EXPRESSION_IMAGES = 64;

/**
 * The string literals a CEL expression sets an `image` field to (`image: "ghcr.io/x/busybox:1.37"` in
 * an object a MutatingAdmissionPolicy's JSON patch adds), each with its offset in `text`: a literal
 * with an escape, or that is not one reference by its shape, is left alone.
 */
export function celImageLiterals(text: string): Array<{ offset: number; image: string }> {
  const found: Array<{ offset: number; image: string }> = [];
  for (let at = text.indexOf('image'); at >= 0 && found.length < MAX_EXPRESSION_IMAGES; at = text.indexOf('image', at + 5)) {
    // The field `image`, not `imagePullPolicy` or `spec.image`'s selection (`.image`).
    const before = at > 0 ? text[at - 1] : ' ';
    if (/[\w.]/.test(before)) continue;
    let next = at + 5;
    while (text[next] === ' ' || text[next] === '\t') next++;
    if (text[next] !== ':') continue;
    next++;
    while (text[next] === ' ' || text[next] === '\t' || text[next] === '\n' || text[next] === '\r') next++;
    if (text[next] !== '"') continue;
    const close = text.indexOf('"', next + 1);
    if (close < 0) break;
    const image = text.slice(next + 1, close);
    if (!image.includes('\\') && isOneReference(image) && image.trim() === image) found.push({ offset: next + 1, image });
  }
  return found;
}
