/**
 * A chart's `.helmignore`: the files Helm leaves out of the chart when it loads or packages it, so
 * never renders (a helm-unittest suite kept under `templates/tests` is a common one). Read as Helm's
 * pkg/ignore reads it: one pattern per line, `#` comments, `!` negation, a trailing `/` for
 * directories only, a pattern without `/` matched against the base name, one with `/` against the
 * path from the chart root (a leading `/` removed), each with Go's `filepath.Match` (`*`, `?`,
 * `[...]`, `\`; braces are literal; Helm refuses `**`). A directory that matches leaves out
 * everything under it. Helm adds `templates/.?*` (hidden files in templates) to every chart.
 */
import { compilePathGlob } from '../config/path-glob.js';

interface Rule {
  negate: boolean;
  directoryOnly: boolean;
  /** Matched against the base name only. */
  baseName: boolean;
  matches(path: string): boolean;
}

/** Lines read from one file: a larger .helmignore is cut (its later rules are not applied). */
const MAX_RULES = 1_000;

export interface HelmIgnore {
  /** Whether Helm leaves out the file at `path` (relative to the chart root, POSIX). */
  ignores(path: string): boolean;
}

export function parseHelmIgnore(text: string | undefined): HelmIgnore {
  const rules: Rule[] = [];
  for (const line of [...(text ?? '').split('\n').slice(0, MAX_RULES), 'templates/.?*']) {
    const rule = parseRule(line.trim());
    if (rule) rules.push(rule);
  }
  // A chart's templates share a few directories: each is judged once.
  const directories = new Map<string, boolean>();
  const directoryIgnored = (directory: string): boolean => {
    let answer = directories.get(directory);
    if (answer === undefined) directories.set(directory, (answer = ignored(rules, directory, true)));
    return answer;
  };
  return { ignores: (path) => ignoredPath(rules, path, directoryIgnored) };
}

function parseRule(line: string): Rule | undefined {
  if (line === '' || line.startsWith('#') || line.includes('**')) return undefined;
  let pattern = line;
  const negate = pattern.startsWith('!');
  if (negate) pattern = pattern.slice(1);
  const directoryOnly = pattern.endsWith('/');
  if (directoryOnly) pattern = pattern.slice(0, -1);
  if (pattern.startsWith('/')) pattern = pattern.slice(1);
  if (pattern === '') return undefined;
  try {
    // Go's filepath.Match has no braces: escape them so the glob reads them as characters.
    const glob = compilePathGlob(pattern.replace(/[{}]/g, (brace) => `\\${brace}`));
    return { negate, directoryOnly, baseName: !line.replace(/\/$/, '').includes('/'), matches: (path) => glob.matches(path) };
  } catch {
    return undefined; // Helm refuses the chart over a pattern it cannot compile; here the rule is left out
  }
}

/** As Helm's loader walks the chart: each directory on the way, then the file. */
function ignoredPath(rules: readonly Rule[], path: string, directoryIgnored: (directory: string) => boolean): boolean {
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
    if (directoryIgnored(path.slice(0, slash))) return true;
  }
  return ignored(rules, path, false);
}

/** Helm's Rules.Ignore, negation included (a negated rule a path does not match leaves the path out). */
function ignored(rules: readonly Rule[], path: string, directory: boolean): boolean {
  for (const rule of rules) {
    const name = rule.baseName ? path.slice(path.lastIndexOf('/') + 1) : path;
    if (rule.negate) {
      if (rule.directoryOnly && !directory) return true;
      if (!rule.matches(name)) return true;
      continue;
    }
    if (rule.directoryOnly && !directory) continue;
    if (rule.matches(name)) return true;
  }
  return false;
}
