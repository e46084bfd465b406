/**
 * Pod YAML written in a Jenkinsfile for the Kubernetes plugin (`agent { kubernetes { yaml '''...''' } }`,
 * `podTemplate(yaml: ...)`): its containers' images, at their exact place in the Jenkinsfile. The
 * string's content is parsed as YAML on its own, its offsets shifted to the file's; in a GString,
 * `${...}` is blanked for the parse and an image holding one takes the interpolated value.
 */
import type { Occurrence } from '../model.js';
import type { LineIndex } from './position.js';
import type { SourceFile } from './types.js';
import type { GroovyToken } from './groovy-lex.js';
import type { GroovyValue } from './jenkinsfile-values.js';
import type { PodYaml } from './jenkinsfile-sites.js';
import { makeOccurrence } from './occurrence.js';
import { mapGet, parseYamlDocuments, scalarLocation, seqItems } from './yaml.js';

/**
 * The string's content as YAML text of the same length: a leading `\` (which continues the opening
 * line) blanked, and in a GString each `${...}` blanked to `x`s, so offsets map one to one.
 */
function yamlText(content: string, interpolated: boolean): string {
  let text = content.startsWith('\\\n') || content.startsWith('\\\r\n') ? ` ${content.slice(1)}` : content;
  if (!interpolated) return text;
  let masked = '';
  let index = 0;
  for (let open = text.indexOf('${'); open >= 0; open = text.indexOf('${', index)) {
    const close = text.indexOf('}', open);
    if (close < 0) break;
    masked += text.slice(index, open) + text.slice(open, close + 1).replace(/[^\n]/g, 'x');
    index = close + 1;
  }
  text = masked + text.slice(index);
  return text;
}

/** Calls on a string that change only its indentation or surrounding blanks, which YAML ignores. */
const LAYOUT_CALLS = new Set(['stripIndent', 'trim', 'stripTrailing']);

/** Whether the range is one string, optionally followed by layout calls (`'''...'''.stripIndent()`). */
function onlyLayoutCalls(tokens: readonly GroovyToken[], range: { start: number; end: number }): boolean {
  for (let index = range.start + 1; index < range.end; index += 4) {
    if (tokens[index].text !== '.' || !LAYOUT_CALLS.has(tokens[index + 1]?.text ?? '') || tokens[index + 2]?.text !== '(' || tokens[index + 3]?.text !== ')') return false;
  }
  return true;
}

export function embeddedPodImages(
  file: SourceFile,
  lines: LineIndex,
  tokens: readonly GroovyToken[],
  pod: PodYaml,
  interpolate: (text: string) => GroovyValue,
  source: string,
): { occurrences: Occurrence[]; notes: string[] } {
  const token = tokens[pod.range.start];
  const line = lines.positionAt(token.start).line;
  if (!onlyLayoutCalls(tokens, pod.range) || token.type !== 'string' || token.contentStart === undefined) {
    return { occurrences: [], notes: [`line ${line}: ${pod.context} is ${source}, which cannot be read here: the images of its pod are not checked`] };
  }
  const firstLine = token.text.split('\n', 1)[0].trim();
  if (firstLine !== '' && firstLine !== '\\') {
    return { occurrences: [], notes: [`line ${line}: the pod YAML of ${pod.context} starts on the line of its quotes and is not read: the images of its pod are not checked`] };
  }
  const interpolated = token.quote === '"' || token.quote === '"""';
  const base = token.contentStart;
  // Parsed on its own: its lines start where the file's do (the first, after the quotes, is blank).
  const yaml = yamlText(token.text, interpolated);
  const parsed = parseYamlDocuments(yaml);
  const notes = parsed.errors.map((error) => `line ${line}: the pod YAML of ${pod.context} does not parse (${error}): the images of its pod are not checked`);
  const occurrences: Occurrence[] = [];
  for (const document of parsed.documents) {
    const spec = mapGet(document.contents, 'spec') ?? document.contents;
    for (const list of ['initContainers', 'containers']) {
      seqItems(mapGet(spec, list)).forEach((container, index) => {
        const location = scalarLocation(mapGet(container, 'image'), yaml);
        if (!location) return;
        const raw = file.text.slice(base + location.offset, base + location.offset + location.raw.length);
        if (raw.trim() === '') return;
        const value = interpolated && raw.includes('$') ? interpolate(raw.trim()) : location.value.trim();
        occurrences.push(makeOccurrence({ file: file.path, kind: 'jenkinsfile', lines, offset: base + location.offset, raw, value, context: `${pod.context}: spec.${list}[${index}].image` }));
      });
    }
  }
  return { occurrences, notes };
}
