/**
 * The simple commands of a shell script, as words with their place in the file: enough of POSIX
 * shell to find the image of a `docker run` in a CI step's script. Quotes and backslashes are
 * removed from a word's text; an expansion (`$VAR`, `${VAR}`, `$(…)`, backquotes, and GitHub's
 * `${{ … }}`, substituted before the shell runs) is kept as written and marks the word; the commands
 * a `$(…)` outside quotes runs are read as commands too. Operators
 * (`;`, `&&`, `|`, `(`), newlines and here-document bodies end a command. One forward pass; no
 * regular expression reads the script.
 */

/** A word of a simple command. */
export interface ShellWord {
  /** The word once quotes and backslashes are removed; expansions as written. */
  text: string;
  /** `[start, end)` of the word in the text. */
  start: number;
  end: number;
  /** It holds an expansion: its value is known only when the script runs. */
  expands: boolean;
  /** Written as one quoted string (`"x"`, `'x'`): its text starts at `start + 1`. */
  quoted: boolean;
}

/** Bound on the words read from one script (a script is at most a file, itself bounded). */
const MAX_WORDS = 200_000;
/**
 * Command substitutions read for their commands, one inside another, up to this depth: each level
 * reads its text once more, so a script is read at most this many times over.
 */
const MAX_SUBSTITUTION_DEPTH = 3;

const isBlank = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\r';
const isOperator = (ch: string | undefined): boolean => ch === ';' || ch === '&' || ch === '|' || ch === '(' || ch === ')';

class ScriptLexer {
  readonly commands: ShellWord[][] = [];
  private words: ShellWord[] = [];
  private word: ShellWord | undefined;
  /** Here-document delimiters whose bodies start after the current line. */
  private heredocs: string[] = [];
  private count = 0;
  private index: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
    private readonly options: ShellOptions,
    private readonly depth = 0,
  ) {
    this.index = start;
  }

  run(): ShellWord[][] {
    while (this.index < this.end && this.count < MAX_WORDS) this.step();
    // Thrown rather than cut short without a word: a command past the bound may pull an image, and
    // the file's reader reports the file as not read.
    if (this.index < this.end) throw new Error(`a script has more than ${MAX_WORDS.toLocaleString('en-US')} words: the rest of it was not read`);
    this.endCommand();
    return this.commands;
  }

  private step(): void {
    const { text } = this;
    const ch = text[this.index];
    if (ch === '\\' && (text[this.index + 1] === '\n' || (text[this.index + 1] === '\r' && text[this.index + 2] === '\n'))) {
      this.index += text[this.index + 1] === '\n' ? 2 : 3; // a line continuation
    } else if (ch === '\n') {
      this.endCommand();
      this.index = this.skipHeredocBodies(this.index + 1);
    } else if (isBlank(ch)) {
      this.endWord();
      this.index++;
    } else if (ch === '#' && this.word === undefined) {
      const newline = text.indexOf('\n', this.index);
      this.index = newline < 0 || newline > this.end ? this.end : newline;
    } else if (ch === '<' && this.options.configParameters && this.configParameterEnd() > 0) {
      this.readConfigParameter();
    } else if (ch === '<' && text[this.index + 1] === '<' && text[this.index + 2] === '<') {
      // A here-string (`grep x <<< "$v"`): a redirection like `<`, no here-document. Its second `<`
      // read on its own opened one, and the rest of the script was skipped as its body.
      this.endCommand();
      this.index += 3;
    } else if (ch === '<' && text[this.index + 1] === '<') {
      this.endWord();
      this.readHeredocDelimiter();
    } else if (isOperator(ch)) {
      this.endCommand();
      this.index++;
    } else {
      this.readWordPart();
    }
  }

  /**
   * The end of a CircleCI parameter written at the index (`<< parameters.image >>`, `<<pipeline.x>>`),
   * closed on its line; 0 when there is none.
   */
  private configParameterEnd(): number {
    const { text } = this;
    if (text[this.index + 1] !== '<') return 0;
    let index = this.index + 2;
    while (isBlank(text[index])) index++;
    if (!(text.startsWith('parameters.', index) || text.startsWith('pipeline.', index) || text.startsWith('matrix.', index))) return 0;
    const close = this.find('>>', index);
    const newline = this.find('\n', index);
    return close < newline ? close + 2 : 0;
  }

  /** A CircleCI parameter, substituted before the shell runs: part of the word, kept as written. */
  private readConfigParameter(): void {
    const end = this.configParameterEnd();
    const word = (this.word ??= { text: '', start: this.index, end: this.index, expands: false, quoted: false });
    word.text += this.text.slice(this.index, end);
    word.expands = true;
    this.index = end;
    word.end = end;
  }

  /** One piece of a word: a quoted string, an expansion, an escaped or a plain character. */
  private readWordPart(): void {
    const { text } = this;
    const word = (this.word ??= { text: '', start: this.index, end: this.index, expands: false, quoted: false });
    const ch = text[this.index];
    const partStart = this.index;
    if (ch === "'") {
      const close = this.find("'", this.index + 1);
      word.text += text.slice(this.index + 1, close);
      this.index = Math.min(close + 1, this.end);
    } else if (ch === '"') {
      this.readDoubleQuoted(word);
    } else if (ch === '`') {
      const close = this.find('`', this.index + 1);
      word.expands = true;
      word.text += text.slice(this.index, Math.min(close + 1, this.end));
      this.index = Math.min(close + 1, this.end);
    } else if (ch === '$') {
      this.readExpansion(word);
    } else if (ch === '\\' && text[this.index + 1] === '$' && this.options.escapedDollar) {
      // Groovy's `\$`: the string hands the shell a `$`, which the shell expands.
      this.index++;
      this.readExpansion(word);
    } else if (ch === '\\') {
      word.text += text[this.index + 1] ?? '';
      this.index = Math.min(this.index + 2, this.end);
    } else {
      word.text += ch;
      this.index++;
    }
    word.quoted = partStart === word.start && (ch === '"' || ch === "'") && !this.continuesWord();
    word.end = this.index;
  }

  /** Whether the character at the index still belongs to the current word. */
  private continuesWord(): boolean {
    const ch = this.text[this.index];
    return this.index < this.end && ch !== '\n' && !isBlank(ch) && !isOperator(ch);
  }

  private readDoubleQuoted(word: ShellWord): void {
    const { text } = this;
    let index = this.index + 1;
    while (index < this.end && text[index] !== '"') {
      const ch = text[index];
      if (ch === '\\' && index + 1 < this.end) {
        const next = text[index + 1];
        // Inside double quotes a backslash escapes only these; elsewhere it is itself.
        if (next === '$' || next === '`' || next === '"' || next === '\\') word.text += next;
        else if (next !== '\n') word.text += ch + next;
        index += 2;
        continue;
      }
      if (ch === '$' || ch === '`') word.expands = true;
      word.text += ch;
      index++;
    }
    this.index = Math.min(index + 1, this.end);
  }

  /** `${{ … }}`, `$(…)`, `${…}` or `$NAME`, kept as written. */
  private readExpansion(word: ShellWord): void {
    const { text } = this;
    const start = this.index;
    let end: number;
    if (text[start + 1] === '{' && text[start + 2] === '{') end = this.find('}}', start + 3) + 2;
    else if (text[start + 1] === '{') end = this.find('}', start + 2) + 1;
    else if (text[start + 1] === '(') {
      end = this.closingParen(start + 2) + 1;
      // `$(docker run -d app)`: the commands a substitution runs are commands of the script too (not `$(( ))` arithmetic).
      if (text[start + 2] !== '(' && this.depth < MAX_SUBSTITUTION_DEPTH) {
        this.commands.push(...new ScriptLexer(text, start + 2, Math.min(end - 1, this.end), this.options, this.depth + 1).run());
      }
    } else {
      end = start + 1;
      while (end < this.end && isNameChar(text[end])) end++;
      if (end === start + 1) {
        // A lone `$` is itself.
        word.text += '$';
        this.index = start + 1;
        return;
      }
    }
    end = Math.min(end, this.end);
    word.expands = true;
    word.text += text.slice(start, end);
    this.index = end;
  }

  /** The index of the `)` closing a `$(` whose contents start at `from` (nested parentheses counted), or the end. */
  private closingParen(from: number): number {
    let depth = 1;
    for (let index = from; index < this.end; index++) {
      if (this.text[index] === '(') depth++;
      else if (this.text[index] === ')' && --depth === 0) return index;
    }
    return this.end;
  }

  /** `<<WORD`, `<<-WORD`, `<<'WORD'`: the body starts on the next line and ends at a line holding only WORD. */
  private readHeredocDelimiter(): void {
    const { text } = this;
    let index = this.index + 2;
    if (text[index] === '-') index++;
    while (index < this.end && isBlank(text[index])) index++;
    let delimiter = '';
    while (index < this.end && text[index] !== '\n' && !isBlank(text[index]) && !isOperator(text[index])) {
      if (text[index] !== "'" && text[index] !== '"' && text[index] !== '\\') delimiter += text[index];
      index++;
    }
    if (delimiter !== '') this.heredocs.push(delimiter);
    this.index = index;
  }

  /** Skips the bodies of the here-documents opened on the line that just ended; returns where the script goes on. */
  private skipHeredocBodies(from: number): number {
    let index = from;
    for (const delimiter of this.heredocs) {
      while (index < this.end) {
        let lineEnd = this.text.indexOf('\n', index);
        if (lineEnd < 0 || lineEnd > this.end) lineEnd = this.end;
        // The script's lines carry the indentation of the YAML block they are written in.
        const line = this.text.slice(index, lineEnd).trim();
        index = lineEnd + 1;
        if (line === delimiter) break;
      }
    }
    this.heredocs = [];
    return Math.min(index, this.end);
  }

  /** The index of `token` at or after `from` within the script, or the script's end. */
  private find(token: string, from: number): number {
    const found = this.text.indexOf(token, from);
    return found < 0 || found >= this.end ? this.end : found;
  }

  private endWord(): void {
    if (this.word === undefined) return;
    this.words.push(this.word);
    this.word = undefined;
    this.count++;
  }

  private endCommand(): void {
    this.endWord();
    if (this.words.length > 0) this.commands.push(this.words);
    this.words = [];
  }
}

/** The name a `NAME=value` word assigns, or undefined when the word is no assignment. */
export function assignedName(text: string): string | undefined {
  const equals = text.indexOf('=');
  if (equals <= 0) return undefined;
  for (let index = 0; index < equals; index++) {
    const ch = text[index];
    if (!(index === 0 ? isNameStart(ch) : isNameChar(ch))) return undefined;
  }
  return text.slice(0, equals);
}

/** A character that may start a shell variable's name: a letter or `_`. */
export function isNameStart(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch === '_');
}

/** A character of a shell variable's name: a letter, a digit or `_`. */
export function isNameChar(ch: string | undefined): boolean {
  return isNameStart(ch) || (ch !== undefined && ch >= '0' && ch <= '9');
}

export interface ShellOptions {
  /** CircleCI's `<< parameters.x >>`, substituted before the shell runs, is part of a word, not a here-document. */
  configParameters?: boolean;
  /** A script in a Groovy string (a Jenkinsfile's `sh`): `\$` is the escape for a `$` the shell expands. */
  escapedDollar?: boolean;
}

/** The simple commands written in `[start, end)` of `text`, each as its words. */
export function shellCommands(text: string, start = 0, end = text.length, options: ShellOptions = {}): ShellWord[][] {
  return new ScriptLexer(text, start, end, options).run();
}
