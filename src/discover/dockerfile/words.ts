/**
 * The word-level grammar of instruction arguments, as BuildKit splits them: leading `--flags`
 * (quotes and backslashes processed), whitespace-delimited words (`FROM`), quote-aware words
 * (`ARG`), and the CSV fields of `RUN --mount`. Flag and word characters keep their index in
 * the instruction text so callers can map them back to file offsets.
 */
import { isSpace } from './expand.js';
import { isCommandSeparator } from './parse.js';

/** A piece of processed text and, per character, its index in the instruction text. */
export interface PlacedText {
  text: string;
  positions: number[];
}

export interface Flag {
  /** The name after `--`, before `=`, as written (BuildKit's flag names are case-sensitive). */
  name: string;
  /** The value after the first `=`; undefined for a bare `--flag`. */
  value?: PlacedText;
}

/**
 * Leading `--name[=value]` words of an instruction's arguments, as BuildKit's
 * `extractBuilderFlags` reads them; `argumentsStart` is where the remaining arguments begin.
 */
export function extractFlags(text: string, from: number): { flags: Flag[]; argumentsStart: number } {
  const flags: Flag[] = [];
  const action = new ActionSpan(text);
  let pos = from;
  for (;;) {
    while (pos < text.length && isSpace(text[pos])) pos++;
    if (pos >= text.length) return { flags, argumentsStart: text.length };
    if (text[pos] !== '-' || text[pos + 1] !== '-') return { flags, argumentsStart: pos };

    const word: PlacedText = { text: '', positions: [] };
    let quote: string | undefined;
    let blankOK = false;
    while (pos < text.length) {
      let ch = text[pos];
      if (quote === undefined) {
        if (ch === '{' && text[pos + 1] === '{') action.opens(pos);
        if (isSpace(ch) && !action.spans(pos)) break;
        if (ch === "'" || ch === '"') {
          quote = ch;
          blankOK = true;
          pos++;
          continue;
        }
      } else if (ch === quote) {
        quote = undefined;
        pos++;
        continue;
      }
      if (ch === '\\') {
        // A backslash escapes the next character; at the very end it is dropped.
        if (pos + 1 === text.length) {
          pos++;
          quote = undefined;
          continue;
        }
        pos++;
        ch = text[pos];
      }
      word.text += ch;
      word.positions.push(pos);
      pos++;
    }
    // `--` alone ends the flags.
    if (word.text === '--') return { flags, argumentsStart: pos };
    if (!blankOK && word.text.length === 0) continue;
    const body = word.text.slice(2);
    const equals = body.indexOf('=');
    if (equals < 0) flags.push({ name: body });
    else {
      flags.push({
        name: body.slice(0, equals),
        value: { text: body.slice(equals + 1), positions: word.positions.slice(equals + 3) },
      });
    }
  }
}

/**
 * The template action (`{{ name }}` in a Dockerfile template: tutor's `COPY --from=mnt-{{ name }}`)
 * a flag's unquoted text is inside, so the whitespace in it does not end the flag, as
 * `joinTemplateActions` does for FROM's words. An action never closed spans nothing. Each search
 * starts past the last close found, and none follows one that found no close: the flags are read once.
 */
class ActionSpan {
  private close = -1;
  private searchedTo = -1;

  constructor(private readonly text: string) {}

  /** Whether `pos` is inside an action opened before it in the flag. */
  spans(pos: number): boolean {
    return pos < this.close;
  }

  /** Records an action opening at `pos` (call for every `{{`). */
  opens(pos: number): void {
    if (pos < this.close || this.searchedTo === this.text.length) return;
    const close = this.text.indexOf('}}', pos + 2);
    this.searchedTo = close < 0 ? this.text.length : close;
    this.close = close;
  }
}

export interface PlacedWord {
  text: string;
  /** Index of the first character in the instruction text. */
  begin: number;
  /** Index after the last character. */
  end: number;
}

/** Words split on `[\t\v\f\r ]+`, as BuildKit splits `FROM` arguments. */
export function whitespaceWords(text: string, from: number, to = text.length): PlacedWord[] {
  const words: PlacedWord[] = [];
  let begin = from;
  let end = to;
  // BuildKit trims the arguments with unicode.IsSpace before splitting.
  while (begin < end && isSpace(text[begin])) begin++;
  while (end > begin && isSpace(text[end - 1])) end--;
  let pos = begin;
  while (pos < end) {
    const start = pos;
    while (pos < end && !isCommandSeparator(text[pos])) pos++;
    words.push({ text: text.slice(start, pos), begin: start, end: pos });
    while (pos < end && isCommandSeparator(text[pos])) pos++;
  }
  return words;
}

/**
 * Words split on whitespace outside quotes, quotes and escapes kept as written, as BuildKit's
 * `parseWords` splits `ARG` arguments (the values are expanded afterwards).
 */
export function quotedWords(text: string, escapeToken: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let blankOK = false;
  let quote: string | undefined;
  for (let pos = 0; pos < text.length; pos++) {
    let ch = text[pos];
    if (quote === undefined) {
      if (isSpace(ch)) {
        if (inWord && (blankOK || word.length > 0)) words.push(word);
        word = '';
        inWord = false;
        blankOK = false;
        continue;
      }
      inWord = true;
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
      } else if (ch === escapeToken) {
        if (pos + 1 === text.length) continue;
        word += ch;
        ch = text[++pos];
      }
      word += ch;
      continue;
    }
    if (ch === quote) quote = undefined;
    else if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === text.length) {
        quote = undefined;
        continue;
      }
      word += ch;
      ch = text[++pos];
    }
    word += ch;
  }
  if (inWord && (blankOK || word.length > 0)) words.push(word);
  return words;
}

/**
 * One CSV record as Go's encoding/csv reads `--mount` values: `,` separates fields, a field that
 * starts with `"` is quoted with `""` for a quote. Undefined when the record is malformed.
 */
export function csvFields(value: PlacedText): PlacedText[] | undefined {
  const fields: PlacedText[] = [];
  const text = value.text;
  let pos = 0;
  for (;;) {
    const field: PlacedText = { text: '', positions: [] };
    if (text[pos] === '"') {
      pos++;
      for (;;) {
        if (pos >= text.length) return undefined;
        if (text[pos] === '"') {
          if (text[pos + 1] === '"') {
            field.text += '"';
            field.positions.push(value.positions[pos]);
            pos += 2;
            continue;
          }
          pos++;
          break;
        }
        field.text += text[pos];
        field.positions.push(value.positions[pos]);
        pos++;
      }
      if (pos < text.length && text[pos] !== ',') return undefined;
    } else {
      while (pos < text.length && text[pos] !== ',') {
        if (text[pos] === '"') return undefined;
        field.text += text[pos];
        field.positions.push(value.positions[pos]);
        pos++;
      }
    }
    fields.push(field);
    if (pos >= text.length) return fields;
    pos++; // the comma
  }
}
