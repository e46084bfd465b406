/**
 * Dockerfile templates: files named like Dockerfiles that a generator renders before any build
 * (Cottle in dotnet/dotnet-docker's `eng/dockerfile-templates/`, Go templates, Jinja). Their
 * `{{ … }}` actions are no Dockerfile syntax, and read as Dockerfile text they hide instructions
 * (`}}FROM x AS chisel` after a code block), glue template code onto a stage name
 * (`FROM x AS installer{{if isInternal:` opens a block closed lines later) and split a placeholder
 * into several words (`FROM {{ .Image }}`). The images such a file names are placeholders
 * (unresolved); the stage names must still be known, or `COPY --from=installer` reads as an image.
 */
import type { PlacedWord } from './words.js';

/** A template action opens or closes at the start of a line: no Dockerfile has an instruction named so. */
const ACTION_AT_LINE_START = /^[\t ]*(?:\{\{|\}\}|\{%|%\})/m;

export function isDockerfileTemplate(text: string): boolean {
  return (text.includes('{{') || text.includes('{%')) && ACTION_AT_LINE_START.test(text);
}

/**
 * The text with the template syntax that spans lines blanked (spaces, so every offset and line
 * stays): on each line, a `}}` closing an action opened on an earlier line, and everything from an
 * action the line opens but does not close. Actions opened and closed on one line are kept, since
 * they are the placeholders the file's images are written with. `${…}` (a Dockerfile variable,
 * `${A:-${B}}` ends in `}}`) is skipped. One pass over the text.
 */
export function withoutTemplateSyntax(text: string): string {
  const blanked: string[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    blanked.push(blankLine(text.slice(lineStart, lineEnd)));
    if (newline < 0) break;
    blanked.push('\n');
    lineStart = newline + 1;
  }
  return blanked.join('');
}

function blankLine(line: string): string {
  if (!line.includes('{{') && !line.includes('}}')) return line;
  const chars = line.split('');
  const open: number[] = [];
  let variableDepth = 0;
  for (let at = 0; at < line.length; at++) {
    if (variableDepth > 0) {
      if (line[at] === '{') variableDepth++;
      else if (line[at] === '}') variableDepth--;
    } else if (line[at] === '$' && line[at + 1] === '{') {
      variableDepth = 1;
      at++;
    } else if (line.startsWith('{{', at)) {
      open.push(at);
      at++;
    } else if (line.startsWith('}}', at)) {
      if (open.length > 0) open.pop();
      else chars[at] = chars[at + 1] = ' ';
      at++;
    }
  }
  if (open.length > 0) chars.fill(' ', open[0]);
  return chars.join('');
}

/** Most words one action is joined from; longer runs are left split (and the join stays linear). */
const MAX_ACTION_WORDS = 16;

/**
 * Words split on whitespace, with a template action that holds whitespace (`{{ .Image }}`) put
 * back together as the one word it renders to. An action left open stays split.
 */
export function joinTemplateActions(text: string, words: PlacedWord[]): PlacedWord[] {
  if (!words.some((word) => word.text.includes('{{'))) return words;
  const joined: PlacedWord[] = [];
  for (let index = 0; index < words.length; index++) {
    let depth = actionDepthChange(words[index].text);
    let last = index;
    while (depth > 0 && last + 1 < words.length && last - index + 1 < MAX_ACTION_WORDS) depth += actionDepthChange(words[++last].text);
    if (depth !== 0 || last === index) {
      joined.push(words[index]);
      continue;
    }
    const { begin } = words[index];
    const { end } = words[last];
    joined.push({ text: text.slice(begin, end), begin, end });
    index = last;
  }
  return joined;
}

/** Opened minus closed `{{ }}` actions in a word. */
function actionDepthChange(word: string): number {
  let change = 0;
  for (let at = word.indexOf('{{'); at >= 0; at = word.indexOf('{{', at + 2)) change++;
  for (let at = word.indexOf('}}'); at >= 0; at = word.indexOf('}}', at + 2)) change--;
  return change;
}
