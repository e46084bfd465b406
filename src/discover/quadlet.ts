/**
 * Podman Quadlet units: `Image=` in the `[Container]` section of `*.container` files and in the
 * `[Image]` section of `*.image` files (and their `*.d/*.conf` drop-ins). Values naming another
 * Quadlet unit (`app.image`, `app.build`) are not registry references: skipped. Systemd
 * specifiers (`%i`, `%h`, ...) are only known when the unit starts: unresolved.
 */
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';

/** Which section holds the image, by unit file type. */
function sectionFor(path: string): string | undefined {
  if (/\.container$|\.container\.d\/[^/]+\.conf$/.test(path)) return 'Container';
  if (/\.image$|\.image\.d\/[^/]+\.conf$/.test(path)) return 'Image';
  return undefined;
}

const SPECIFIER = /%[^%]/;

function valueOf(text: string): string | { unresolved: string } {
  const specifier = SPECIFIER.exec(text.replace(/%%/g, ''));
  if (specifier) return { unresolved: `systemd specifier ${specifier[0]} is only known when the unit starts` };
  return text.replace(/%%/g, '%');
}

export const quadletDiscoverer: Discoverer = {
  kind: 'quadlet',
  matches(path, text) {
    const section = sectionFor(path);
    // `.image` and `.container` are common extensions; only a unit with the section counts.
    return section !== undefined && new RegExp(`^\\s*\\[${section}\\]\\s*$`, 'm').test(text);
  },
  extract(file: SourceFile): Extraction {
    const section = sectionFor(file.path);
    if (section === undefined) return { occurrences: [] };
    if (file.text.includes('\u0000')) throw new Error('not a text unit file');
    const lines = new LineIndex(file.text);
    const occurrences: Occurrence[] = [];
    let current: string | undefined;
    let lineStart = 0;
    while (lineStart <= file.text.length) {
      let lineEnd = file.text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = file.text.length;
      const line = file.text.slice(lineStart, lineEnd).replace(/\r$/, '');
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (header) current = header[1];
      else if (current === section && !/^\s*[#;]/.test(line)) {
        const assignment = /^\s*Image\s*=[ \t]*/.exec(line);
        if (assignment) {
          let offset = lineStart + assignment[0].length;
          let raw = line.slice(assignment[0].length).trimEnd();
          // A continued line: the image is the text before the backslash (continuations join with a space).
          if (raw.endsWith('\\')) raw = raw.slice(0, -1).trimEnd();
          if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
            offset += 1;
            raw = raw.slice(1, -1);
          }
          const isUnitReference = /\.(?:image|build)$/.test(raw);
          if (raw.length > 0 && !isUnitReference) {
            occurrences.push(makeOccurrence({ file: file.path, kind: 'quadlet', lines, offset, raw, value: valueOf(raw), context: `[${section}] Image` }));
          }
        }
      }
      lineStart = lineEnd + 1;
    }
    return { occurrences };
  },
};
