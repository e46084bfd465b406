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
