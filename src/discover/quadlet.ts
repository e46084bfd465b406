/**
 * Podman Quadlet units: `Image=` in the `[Container]` section of `*.container` files, the `[Image]`
 * section of `*.image` files and the `[Volume]` section of `*.volume` files (image volumes), and the
 * `ImageTag=` a `*.build` unit gives the image it builds (local); their `*.d/*.conf` drop-ins too.
 * `.pod`, `.network` and `.kube` units name no image (a `.kube` unit's YAML is read as Kubernetes).
 * Values naming another
 * Quadlet unit (`app.image`, `app.build`) are not registry references: skipped. Systemd
 * specifiers (`%i`, `%h`, ...) are only known when the unit starts: unresolved.
 */
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';

/** Where a unit type names images: its section, the keys, and whether the image is built here. */
interface UnitImages {
  section: string;
  key: string;
  /** `.build` units tag the image they build: a local name, not pulled. */
  local?: boolean;
}

/** By unit file type (and its `*.d/*.conf` drop-ins). `.pod`, `.network` and `.kube` units name no image. */
const UNIT_TYPES: Array<{ extension: string; images: UnitImages }> = [
  { extension: 'container', images: { section: 'Container', key: 'Image' } },
  { extension: 'image', images: { section: 'Image', key: 'Image' } },
  // `Driver=image` volumes are the content of an image.
  { extension: 'volume', images: { section: 'Volume', key: 'Image' } },
  { extension: 'build', images: { section: 'Build', key: 'ImageTag', local: true } },
];

/** `.container` and `.container.d/` for each type, built once: this runs for every file of the repository. */
const UNIT_SUFFIXES = UNIT_TYPES.map(({ extension, images }) => ({ suffix: `.${extension}`, dropInDirectory: `.${extension}.d/`, images }));

function unitImagesFor(path: string): UnitImages | undefined {
  for (const { suffix, dropInDirectory, images } of UNIT_SUFFIXES) {
    if (path.endsWith(suffix)) return images;
    const dropIn = path.lastIndexOf(dropInDirectory);
    if (dropIn >= 0 && path.endsWith('.conf') && !path.slice(dropIn + dropInDirectory.length).includes('/')) return images;
  }
  return undefined;
}

const SPECIFIER = /%[^%]/;

/** `${NAME}` or `$NAME`: systemd substitutes the unit's environment (`Environment=`, `EnvironmentFile=`) into the command it runs. */
const ENVIRONMENT_VARIABLE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*/;

function valueOf(text: string): string | { unresolved: string } {
  const specifier = SPECIFIER.exec(text.replace(/%%/g, ''));
  if (specifier) return { unresolved: `systemd specifier ${specifier[0]} is only known when the unit starts` };
  const variable = ENVIRONMENT_VARIABLE.exec(text);
  if (variable) return { unresolved: `systemd substitutes ${variable[0]} from the unit's environment when it starts` };
  return text.replace(/%%/g, '%');
}

export const quadletDiscoverer: Discoverer = {
  kind: 'quadlet',
  matches(path, text) {
    const images = unitImagesFor(path);
    // `.image`, `.volume` and `.build` are common extensions; only a unit with the section counts.
    // `[ \t]*`, not `\s*`: `\s` spans lines, and on a long run of blank lines it backtracks.
    return images !== undefined && new RegExp(`^[ \\t]*\\[${images.section}\\][ \\t]*\\r?$`, 'm').test(text);
  },
  candidate(path) {
    return unitImagesFor(path) !== undefined;
  },
  extract(file: SourceFile): Extraction {
    const images = unitImagesFor(file.path);
    if (images === undefined) return { occurrences: [] };
    if (file.text.includes('\u0000')) throw new Error('not a text unit file');
    const lines = new LineIndex(file.text);
    const occurrences: Occurrence[] = [];
    const assignmentPattern = new RegExp(`^\\s*${images.key}\\s*=[ \\t]*`);
    let current: string | undefined;
    let lineStart = 0;
    while (lineStart <= file.text.length) {
      let lineEnd = file.text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = file.text.length;
      const line = file.text.slice(lineStart, lineEnd).replace(/\r$/, '');
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (header) current = header[1];
      else if (current === images.section && !/^\s*[#;]/.test(line)) {
        const assignment = assignmentPattern.exec(line);
        if (assignment) {
          const occurrence = imageOfLine(file, lines, lineStart + assignment[0].length, line.slice(assignment[0].length), images);
          if (occurrence) occurrences.push(occurrence);
        }
      }
      lineStart = lineEnd + 1;
    }
    return { occurrences };
  },
};

/** The image an `Image=` (or `ImageTag=`) line names, from its value's offset; none for another unit's name. */
function imageOfLine(file: SourceFile, lines: LineIndex, valueOffset: number, written: string, images: UnitImages): Occurrence | undefined {
  let offset = valueOffset;
  let raw = written.trimEnd();
  // A continued line: the image is the text before the backslash (continuations join with a space).
  if (raw.endsWith('\\')) raw = raw.slice(0, -1).trimEnd();
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    offset += 1;
    raw = raw.slice(1, -1);
  }
  // `Image=app.image` / `app.build` names another Quadlet unit, reported where that unit is.
  if (raw.length === 0 || /\.(?:image|build)$/.test(raw)) return undefined;
  return makeOccurrence({
    file: file.path,
    kind: 'quadlet',
    lines,
    offset,
    raw,
    value: valueOf(raw),
    context: `[${images.section}] ${images.key}`,
    local: images.local,
    note: images.local ? 'the tag of the image this unit builds' : undefined,
  });
}
