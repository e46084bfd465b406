/**
 * The images a Jenkinsfile's `sh` steps pull with `docker run`, `docker create` or `docker pull`:
 * `sh 'cmd'`, `sh """cmd"""`, `sh('cmd')`, `sh(script: 'cmd', ...)` and `sh script: 'cmd'`. The
 * string's content is read where it is written (script-images.ts). A word naming a variable takes
 * the value the file gives it (`environment { }`, `def`), as Groovy interpolates a GString and as
 * the environment hands it to the shell; anything else is only known when the build runs.
 */
import type { Occurrence } from '../model.js';
import type { GroovyToken } from './groovy-lex.js';
import type { ImageValue } from './image-site.js';
import type { GroovyValues } from './jenkinsfile-values.js';
import type { LineIndex } from './position.js';
import { scriptRangeImages } from './script-images.js';
import type { ShellWord } from './shell-commands.js';

/** The string token an `sh` step at `index` runs, or undefined. */
function scriptToken(tokens: readonly GroovyToken[], index: number): GroovyToken | undefined {
  let next = index + 1;
  if (tokens[next]?.text === '(') next++;
  if (tokens[next]?.type === 'ident' && tokens[next].text === 'script' && tokens[next + 1]?.text === ':') next += 2;
  const token = tokens[next];
  return token?.type === 'string' && token.quote !== '/' && token.quote !== '$/' ? token : undefined;
}

/** The values of an image word: the file's variables, as Groovy or the shell would read them. */
function wordValues(word: ShellWord, values: GroovyValues): ImageValue[] {
  if (word.text.includes('$(') || word.text.includes('`')) return [{ value: { unresolved: `the shell expands ${word.text} when the build runs` } }];
  const value = values.interpolate(word.text, 0);
  if (typeof value === 'string' && value.includes('$')) return [{ value: { unresolved: `${word.text} is only known when the build runs` } }];
  return [{ value }];
}

export function shStepImages(file: { path: string; text: string }, lines: LineIndex, tokens: readonly GroovyToken[], values: GroovyValues): Occurrence[] {
  const occurrences: Occurrence[] = [];
  tokens.forEach((token, index) => {
    if (token.type !== 'ident' || token.text !== 'sh' || tokens[index - 1]?.text === '.') return;
    const script = scriptToken(tokens, index);
    if (script?.contentStart === undefined) return;
    const end = script.end - (script.quote?.length ?? 1);
    occurrences.push(
      ...scriptRangeImages({ file: file.path, kind: 'jenkinsfile', text: file.text, lines, range: [script.contentStart, end], context: 'sh', resolve: (word) => wordValues(word, values), shell: { escapedDollar: true } }),
    );
  });
  return occurrences;
}
