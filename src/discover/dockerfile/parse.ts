/**
 * Dockerfile text to instructions, the way BuildKit's parser reads it (frontend/dockerfile/parser):
 * parser directives at the top, the escape token, line continuations that skip comment and blank
 * lines, heredoc bodies that are not instructions. Every character of an instruction keeps the
 * offset it came from, so an image can be located exactly even after a continuation.
 */
import { isSpace } from './expand.js';

/** An instruction's text with continuations joined, and each character's offset in the file. */
export interface LogicalText {
  text: string;
  /** `offsets[i]` is the file offset of `text[i]`. */
  offsets: number[];
}

export interface Instruction {
  /** Lower-case instruction name (`from`, `copy`, `onbuild`, ...). */
  keyword: string;
  /** The whole instruction, trimmed on the left, continuations joined. */
  source: LogicalText;
  /** Index in `source.text` where the text after the keyword starts. */
  argumentsStart: number;
  /** 1-based line of the instruction's first character. */
  line: number;
}

export interface ParsedDockerfile {
  /** `\` unless the `# escape=` directive set `` ` ``. */
  escapeToken: string;
  /** The `# syntax=` directive's frontend image: text and file offset. */
  syntax?: { text: string; offset: number };
  instructions: Instruction[];
  /** Problems that stopped part of the file from being read (e.g. an unterminated heredoc). */
  errors: string[];
}

interface PhysicalLine {
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character, line ending (`\n`, trailing `\r`) excluded. */
  end: number;
}

/** BuildKit's parser directive shape; keys it knows (others end the directive block). */
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const DIRECTIVE_BODY = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
/** Longer lines are not directives; keeps the lazy directive pattern linear in practice. */
const MAX_DIRECTIVE_LINE = 4096;

/** Instructions whose arguments may open heredocs (also as an ONBUILD trigger). */
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);

export function parseDockerfile(fileText: string): ParsedDockerfile {
  const lines = physicalLines(fileText);
  const errors: string[] = [];
  const instructions: Instruction[] = [];
  const syntax = detectSyntax(fileText, lines);
  let escapeToken = '\\';
  let directivesDone = false;
  const seenDirectives = new Set<string>();

  let index = 0;
  while (index < lines.length) {
    const first = lines[index];
    let start = first.start;
    if (index === 0 && fileText.charCodeAt(0) === 0xfeff) start++;
    while (start < first.end && isSpace(fileText[start])) start++;
    const trimmed = fileText.slice(start, first.end);

    if (!directivesDone) {
      const match = trimmed.length <= MAX_DIRECTIVE_LINE ? DIRECTIVE.exec(trimmed) : null;
      const key = match?.[1].toLowerCase();
      if (!match || !key || !KNOWN_DIRECTIVES.has(key) || seenDirectives.has(key)) {
        directivesDone = true;
        if (match && key && seenDirectives.has(key)) errors.push(`line ${index + 1}: only one ${key} parser directive can be used`);
      } else {
        seenDirectives.add(key);
        if (key === 'escape') {
          if (match[2] === '`' || match[2] === '\\') escapeToken = match[2];
          else errors.push(`line ${index + 1}: invalid escape token '${match[2]}' does not match \` or \\`);
        }
      }
    }
    const startLineNumber = index + 1;
    index++;
    // A comment line, directive or not, is dropped whole.
    if (trimmed.startsWith('#')) continue;

    const source: LogicalText = { text: '', offsets: [] };
    let continued = appendPiece(fileText, start, first.end, escapeToken, source);
    if (!continued && source.text === '') continue;
    while (continued && index < lines.length) {
      const next = lines[index++];
      const piece = fileText.slice(next.start, next.end);
      const firstNonSpace = firstNonSpaceIndex(piece);
      // Comment lines and blank lines inside a continuation are skipped, not ended on.
      if (firstNonSpace < 0 || piece[firstNonSpace] === '#') continue;
      continued = appendPiece(fileText, next.start, next.end, escapeToken, source);
    }

    const instruction = toInstruction(source, startLineNumber);
    if (!instruction) continue;
    instructions.push(instruction);

    for (const heredoc of heredocsOf(instruction)) {
      let terminated = false;
      while (index < lines.length) {
        const bodyLine = lines[index++];
        let candidate = fileText.slice(bodyLine.start, bodyLine.end);
        if (heredoc.chomp) candidate = candidate.replace(/^\t+/, '');
        if (candidate === heredoc.name) {
          terminated = true;
          break;
        }
      }
      if (!terminated) {
        errors.push(`line ${startLineNumber}: unterminated heredoc <<${heredoc.name}; the rest of the file is its body`);
        break;
      }
    }
  }
  return { escapeToken, syntax, instructions, errors };
}

/** Lines split on `\n`; trailing `\r`s belong to the line ending, as BuildKit trims them. */
function physicalLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const stop = newline < 0 ? text.length : newline;
    let end = stop;
    while (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (newline >= 0 || start < text.length) lines.push({ start, end });
    if (newline < 0) break;
    start = newline + 1;
  }
  return lines;
}

function firstNonSpaceIndex(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isSpace(text[i])) return i;
  return -1;
}

/**
 * Appends `fileText[start, end)` to `target` without a trailing continuation token; returns whether
 * the line continues. The token continues a line when it ends the line (spaces and tabs after it
 * allowed) and is not itself escaped by the token before it.
 */
function appendPiece(fileText: string, start: number, end: number, escapeToken: string, target: LogicalText): boolean {
  let last = end;
  while (last > start && (fileText[last - 1] === ' ' || fileText[last - 1] === '\t')) last--;
  let continued = false;
  let stop = end;
  if (last > start && fileText[last - 1] === escapeToken && (last - 1 === start || fileText[last - 2] !== escapeToken)) {
    continued = true;
    stop = last - 1;
  }
  target.text += fileText.slice(start, stop);
  for (let offset = start; offset < stop; offset++) target.offsets.push(offset);
  return continued;
}

/** Splits off the instruction name as BuildKit's `splitCommand` does (leading and trailing space trimmed). */
function toInstruction(source: LogicalText, line: number): Instruction | undefined {
  const text = source.text;
  let begin = 0;
  while (begin < text.length && isSpace(text[begin])) begin++;
  if (begin >= text.length) return undefined;
  let keywordEnd = begin;
  while (keywordEnd < text.length && !isCommandSeparator(text[keywordEnd])) keywordEnd++;
  const trimmedSource: LogicalText = { text: text.slice(begin), offsets: source.offsets.slice(begin) };
  return {
    keyword: text.slice(begin, keywordEnd).toLowerCase(),
    source: trimmedSource,
    argumentsStart: keywordEnd - begin,
    line,
  };
}

/** BuildKit splits the instruction name on `[\t\v\f\r ]`. */
export function isCommandSeparator(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\v' || ch === '\f' || ch === '\r';
}

interface HeredocStart {
  name: string;
  chomp: boolean;
}

/** Heredocs an instruction opens, in order: words `<<NAME`, `<<-NAME`, `<<"NAME"`, `2<<NAME`. */
function heredocsOf(instruction: Instruction): HeredocStart[] {
  let keyword = instruction.keyword;
  let rest = instruction.source.text.slice(instruction.argumentsStart).trim();
  if (keyword === 'onbuild') {
    const match = /^(\S+)\s*([^]*)$/.exec(rest);
    if (!match) return [];
    keyword = match[1].toLowerCase();
    rest = match[2];
  }
  if (!HEREDOC_INSTRUCTIONS.has(keyword)) return [];
  if (isJsonArray(stripLeadingFlags(rest))) return [];
  const heredocs: HeredocStart[] = [];
  for (const word of rawShellWords(instruction.source.text)) {
    const match = /^(\d*)<<(-?)([^<]*)$/.exec(word);
    if (!match || match[3] === '') continue;
    const name = unquoteHeredocName(match[3]);
    if (name === undefined) continue;
    heredocs.push({ name, chomp: match[2] === '-' });
  }
  return heredocs;
}

function stripLeadingFlags(text: string): string {
  return text.replace(/^(?:--\S*\s+)*/, '');
}

/** The exec (JSON) form `["a", "b"]`, which never holds heredocs. */
function isJsonArray(text: string): boolean {
  if (!text.startsWith('[')) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string');
  } catch {
    return false;
  }
}

/**
 * Splits on unquoted whitespace keeping quotes and backslashes as written, like BuildKit's lexer
 * with RawQuotes and RawEscapes, which is how it looks for heredoc words.
 */
function rawShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const close = text.indexOf(ch, i + 1);
      // BuildKit's lexer fails on an unterminated quote, and then finds no heredocs at all.
      if (close < 0) return [];
      const end = close + 1;
      word += text.slice(i, end);
      inWord = true;
      i = end - 1;
    } else if (ch === '\\') {
      word += text.slice(i, i + 2);
      inWord = true;
      i++;
    } else if (isSpace(ch)) {
      if (inWord && word !== '') words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (word !== '') words.push(word);
  return words;
}

/** The heredoc delimiter with its quotes removed; undefined when it is not a single word. */
function unquoteHeredocName(text: string): string | undefined {
  let name = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const close = text.indexOf(ch, i + 1);
      if (close < 0) return undefined;
      name += text.slice(i + 1, close);
      i = close;
    } else if (ch === '\\') {
      if (i + 1 < text.length) name += text[++i];
    } else if (isSpace(ch)) {
      return undefined;
    } else name += ch;
  }
  return name === '' ? undefined : name;
}

/**
 * The `# syntax=` directive as BuildKit's frontend selection reads it (`DetectSyntax`): a leading
 * `#!` line is skipped, then `#` directive lines at the very start of the file; the image is the
 * value's first space-separated word.
 */
function detectSyntax(fileText: string, lines: PhysicalLine[]): { text: string; offset: number } | undefined {
  const seen = new Set<string>();
  for (let index = 0; index < lines.length; index++) {
    let start = lines[index].start;
    if (index === 0 && fileText.charCodeAt(0) === 0xfeff) start++;
    const line = fileText.slice(start, lines[index].end);
    if (index === 0 && line.startsWith('#!')) continue;
    if (!line.startsWith('#')) return undefined;
    let bodyStart = 1;
    while (bodyStart < line.length && isSpace(line[bodyStart])) bodyStart++;
    const body = line.slice(bodyStart);
    const match = body.length <= MAX_DIRECTIVE_LINE ? DIRECTIVE_BODY.exec(body) : null;
    if (!match) return undefined;
    const key = match[1].toLowerCase();
    if (!KNOWN_DIRECTIVES.has(key) || seen.has(key)) return undefined;
    seen.add(key);
    if (key !== 'syntax') continue;
    // The value starts after `=` and the whitespace the directive pattern allows there.
    let valueStart = body.indexOf('=') + 1;
    while ('\t\n\f\r '.includes(body[valueStart])) valueStart++;
    const image = match[2].split(' ')[0];
    return { text: image, offset: start + bodyStart + valueStart };
  }
  return undefined;
}
