/**
 * Variables a CI script sets for itself (`IMAGE=postgres:16`, `export TAG=1.2`) before it names an
 * image with them (`docker run $IMAGE`), substituted as the shell would at that point of the script.
 * Only commands made of assignments alone set a variable for the lines after them (`A=1 cmd` sets A
 * for that command only). A value built from something not known here (a command's output, a
 * variable from the environment) makes the variable unknown rather than wrong. `${{ }}` expressions
 * (GitHub's, substituted before the shell runs) are left to the workflow's own reader.
 */
import { assignedName, isNameChar, isNameStart, type ShellWord } from './shell-commands.js';

/** Words that may lead a command of assignments without changing what they set. */
const DECLARATION_WORDS = new Set(['export', 'readonly', 'declare', 'local', 'typeset']);

/** What a lookup says of a name: its value, known to have none known here (null), or not set here (undefined). */
type Lookup = (name: string) => string | null | undefined;


/**
 * `$NAME` and `${NAME}` replaced by what `lookup` gives; a name it does not know stays as written,
 * as does any other expansion (`${A:-b}`, `$(…)`) and a `${{ }}` expression. Unresolved when a name
 * is known to have no value known here. One pass.
 */
export function substituteShellNames(text: string, lookup: Lookup): string | { unresolved: string } {
  let output = '';
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar < 0) return output + text.slice(index);
    output += text.slice(index, dollar);
    const braced = text[dollar + 1] === '{';
    if (braced && text[dollar + 2] === '{') {
      // A `${{ }}` expression: as written, up to its end.
      const close = text.indexOf('}}', dollar + 3);
      const end = close < 0 ? text.length : close + 2;
      output += text.slice(dollar, end);
      index = end;
      continue;
    }
    let nameEnd = dollar + (braced ? 2 : 1);
    const nameStart = nameEnd;
    if (isNameStart(text[nameEnd])) while (isNameChar(text[nameEnd])) nameEnd++;
    const closed = !braced || text[nameEnd] === '}';
    const written = text.slice(dollar, braced && closed ? nameEnd + 1 : nameEnd);
    const name = text.slice(nameStart, nameEnd);
    const value = name === '' || !closed ? undefined : lookup(name);
    if (value === null) return { unresolved: `${written} is set in the script to a value known only when it runs` };
    output += value ?? (name === '' ? '$' : written);
    index = name === '' ? dollar + 1 : dollar + written.length;
  }
  return output;
}

export class ScriptVariables {
  private readonly values = new Map<string, string | null>();

  /** Takes the assignments of a command made of assignments alone (after `export` and the like). */
  record(words: readonly ShellWord[]): void {
    let index = 0;
    while (index < words.length && DECLARATION_WORDS.has(words[index].text)) {
      index++;
      while (index < words.length && words[index].text.startsWith('-')) index++;
    }
    const assignments = words.slice(index);
    if (assignments.length === 0 || assignments.some((word) => word.quoted || assignedName(word.text) === undefined)) return;
    for (const word of assignments) {
      const name = assignedName(word.text) ?? '';
      const written = word.text.slice(name.length + 1);
      const value = word.expands ? this.substitute(written) : written;
      this.values.set(name, typeof value === 'string' && !holdsShellExpansion(value) ? value : null);
    }
  }

  /** The text with the variables the script set so far substituted; others as written. */
  substitute(text: string): string | { unresolved: string } {
    return substituteShellNames(text, (name) => this.values.get(name));
  }
}

/** A shell expansion left in text, `${{ }}` expressions aside (those are the workflow's, not the shell's). */
export function holdsShellExpansion(text: string): boolean {
  return withoutExpressions(text).includes('$') || text.includes('`');
}

/** The text without its `${{ }}` expressions. One pass. */
export function withoutExpressions(text: string): string {
  let output = '';
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('${{', index);
    if (open < 0) return output + text.slice(index);
    output += text.slice(index, open);
    const close = text.indexOf('}}', open + 3);
    index = close < 0 ? text.length : close + 2;
  }
  return output;
}
