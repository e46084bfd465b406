/**
 * What Kubernetes tooling reads and the `yaml` package rejects. Go's YAML parsers (go-yaml, which
 * kubectl, Helm and Compose use) and PyYAML do not check the indentation of lines inside a flow
 * collection (`args: ["sh", "-c",` over several lines, `]` at column 1) or of the continuation
 * lines of a quoted scalar (`command: ["sh", "-c", "echo hi\n  && echo there\n"]` with the
 * continuation less indented than the key). The `yaml` package follows the YAML 1.2 indentation
 * rule there and fails the whole document.
 *
 * `joinFlowLines` rewrites a text so that such documents parse, without moving anything: every line
 * break inside a flow collection or a quoted scalar becomes a space, and comments inside flow
 * collections become spaces (a joined line would otherwise comment out what follows). The result
 * has the same length and the same characters everywhere else, so node ranges in it are offsets in
 * the original text. Only the values of multi-line quoted scalars change (how many spaces stand
 * where a line was folded), which no discoverer reads.
 *
 * One linear pass, no regular expressions: block scalars (`|`, `>`) are skipped by indentation,
 * since a script in them may hold unbalanced quotes and brackets.
 */

interface ScanState {
  /** Depth of `[`/`{` nesting; 0 in block context. */
  flowDepth: number;
  /** The quote character of the quoted scalar being read, if any. */
  quote: '"' | "'" | undefined;
  /** Lines indented at most this much end the block scalar being skipped; -1 when none. */
  blockScalarIndent: number;
  /** Whether anything but a line break was rewritten (a comment written against a token). */
  changed: boolean;
}

/**
 * The text with line breaks inside flow collections and quoted scalars replaced by spaces (and
 * comments inside flow collections blanked); undefined when there is nothing to join.
 */
export function joinFlowLines(text: string): string | undefined {
  const output = text.split('');
  const state: ScanState = { flowDepth: 0, quote: undefined, blockScalarIndent: -1, changed: false };
  let changed = false;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const insideFlowOrQuote = scanLine(text, lineStart, lineEnd, state, output);
    if (insideFlowOrQuote && lineEnd < text.length) {
      // The line break (and a `\r` before it) continues the flow collection or quoted scalar.
      output[lineEnd] = ' ';
      if (lineEnd > lineStart && text[lineEnd - 1] === '\r') output[lineEnd - 1] = ' ';
      changed = true;
    }
    if (output.length !== text.length) return undefined;
    lineStart = lineEnd + 1;
  }
  return changed || state.changed ? output.join('') : undefined;
}

/**
 * A comment written right after a closing bracket or quote (`[a, b]# note`): go-yaml reads it as
 * a comment, the `yaml` package wants a space first. Blanked (it is a comment either way).
 */
function blankAdjacentComment(text: string, index: number, end: number, state: ScanState, output: string[]): void {
  if (text[index] !== '#') return;
  for (let blank = index; blank < end; blank++) if (text[blank] !== '\r') output[blank] = ' ';
  state.changed = true;
}

function indentOf(text: string, start: number, end: number): number {
  let index = start;
  while (index < end && text[index] === ' ') index++;
  return index - start;
}

function isBlank(char: string | undefined): boolean {
  return char === undefined || char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/**
 * Reads one line (`end` is its line break or the end of the text), updating the state. Returns
 * whether the line ends inside a flow collection or a quoted scalar.
 */
function scanLine(text: string, start: number, end: number, state: ScanState, output: string[]): boolean {
  const indent = indentOf(text, start, end);
  const contentStart = start + indent;
  if (state.blockScalarIndent >= 0) {
    const blankLine = contentStart >= end || text[contentStart] === '\r';
    if (blankLine || indent > state.blockScalarIndent) return false;
    state.blockScalarIndent = -1;
  }
  if (state.flowDepth === 0 && state.quote === undefined && isDocumentMarker(text, start, end)) return false;
  let index = contentStart;
  if (state.quote !== undefined) {
    index = skipQuoted(text, index, end, state);
    if (state.quote !== undefined) return true;
  }
  if (state.flowDepth > 0) return scanFlow(text, index, end, state, output);
  return scanBlock(text, start, index, end, state, output);
}

function isDocumentMarker(text: string, start: number, end: number): boolean {
  const marker = text.slice(start, start + 3);
  return (marker === '---' || marker === '...') && isBlank(text[start + 3] ?? undefined) && start + 3 <= end;
}

/** Skips quoted text from `index` to the closing quote (state cleared) or to `end` (still inside). */
function skipQuoted(text: string, index: number, end: number, state: ScanState): number {
  while (index < end) {
    const char = text[index];
    if (state.quote === '"' && char === '\\') {
      index += 2;
      continue;
    }
    if (char === state.quote) {
      if (state.quote === "'" && text[index + 1] === "'") {
        index += 2;
        continue;
      }
      state.quote = undefined;
      return index + 1;
    }
    index++;
  }
  return end;
}

/** Flow context: brackets, quotes and comments until the line ends or the outermost collection closes. */
function scanFlow(text: string, index: number, end: number, state: ScanState, output: string[]): boolean {
  while (index < end) {
    const char = text[index];
    if (char === '"' || char === "'") {
      state.quote = char;
      index = skipQuoted(text, index + 1, end, state);
      if (state.quote !== undefined) return true;
      continue;
    }
    if (char === '#' && (index === 0 || isBlank(text[index - 1]))) {
      // Joined with the next line, the comment would swallow it.
      for (let blank = index; blank < end; blank++) if (text[blank] !== '\r') output[blank] = ' ';
      return true;
    }
    if (char === '[' || char === '{') state.flowDepth++;
    else if (char === ']' || char === '}') {
      state.flowDepth--;
      // Back in block context: only a comment may follow on this line.
      if (state.flowDepth === 0) {
        blankAdjacentComment(text, index + 1, end, state, output);
        return false;
      }
    }
    index++;
  }
  return true;
}

/**
 * Block context: finds where a value starts on this line (after `- `, `? `, `key: `, anchors and
 * tags) and what it is: a quoted scalar, a flow collection, a block scalar header, or plain text.
 */
function scanBlock(text: string, lineStart: number, index: number, end: number, state: ScanState, output: string[]): boolean {
  let keyColumn = -1;
  while (index < end) {
    const char = text[index];
    if (char === ' ' || char === '\t') {
      index++;
      continue;
    }
    if (char === '#' || char === '\r') return false;
    if ((char === '-' || char === '?') && isBlank(text[index + 1])) {
      // A sequence entry or explicit key: the node after it is indented past the indicator.
      keyColumn = index - lineStart;
      index++;
      continue;
    }
    if (char === '&' || char === '!') {
      while (index < end && !isBlank(text[index])) index++;
      continue;
    }
    if (char === '"' || char === "'") {
      const quoteColumn = index - lineStart;
      state.quote = char;
      index = skipQuoted(text, index + 1, end, state);
      if (state.quote !== undefined) return true;
      const closed = index;
      index = afterKeyIndicator(text, index, end);
      if (index < 0) {
        blankAdjacentComment(text, closed, end, state, output);
        return false;
      }
      keyColumn = quoteColumn;
      continue;
    }
    if (char === '[' || char === '{') {
      state.flowDepth = 1;
      return scanFlow(text, index + 1, end, state, output);
    }
    if (char === '|' || char === '>') {
      // Block scalar content is indented past the key (or sequence indicator) that owns it.
      state.blockScalarIndent = keyColumn >= 0 ? keyColumn : indentOf(text, lineStart, end);
      return false;
    }
    // A plain scalar: a key when `: ` follows on this line, else a value running to the line's end.
    keyColumn = index - lineStart;
    const colon = plainKeyEnd(text, index, end);
    if (colon < 0) return false;
    index = colon + 1;
  }
  return false;
}

/** After a quoted key: the index after its `:` indicator, or -1 when the quoted scalar was a value. */
function afterKeyIndicator(text: string, index: number, end: number): number {
  while (index < end && (text[index] === ' ' || text[index] === '\t')) index++;
  return index < end && text[index] === ':' && isBlank(text[index + 1]) ? index + 1 : -1;
}

/** The index of the `:` ending a plain key on this line, or -1 (a plain value, or a comment first). */
function plainKeyEnd(text: string, index: number, end: number): number {
  for (let i = index; i < end; i++) {
    const char = text[i];
    if (char === ':' && isBlank(text[i + 1])) return i;
    if (char === '#' && isBlank(text[i - 1])) return -1;
  }
  return -1;
}
