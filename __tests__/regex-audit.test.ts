/**
 * Issue 12.2, the audit as a test: every regular expression literal in src/ either compiles for
 * V8's linear-time engine (so it can never backtrack for long: past V8's limit it finishes there,
 * see src/linear-regexp.ts) or is listed below with the reason it is linear as written. That limit
 * counts backtracks within one attempt, not the attempts V8 makes from each start: `/\/+$/` on 400,000
 * slashes and a letter took 15 s with the fallback on. So a literal not anchored at its start whose
 * first atom is a run with more pattern after it is refused as well (trim with a loop, src/text.ts), and
 * so is one that opens with fixed text followed by a run that can hold that text again before more
 * pattern (`/\$\{[^}]*\}/` read from every `${` to the end: 16 s for 100,000; use src/spans.ts). Every
 * `new RegExp(...)` site is listed too: none builds a pattern from repository, policy or registry
 * text (those are matched by hand: config/path-glob.ts, dockerfile/shell-pattern.ts, glob.ts).
 * A new expression outside both makes this test fail until someone reviews it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { enableLinearRegExps } from '../src/linear-regexp.js';

const SRC = path.resolve(__dirname, '../src');

/** Literals the linear engine refuses (the `i` flag, lookaround, counted repetition), reviewed: no nested or adjacent overlapping quantifiers. */
const REVIEWED_LITERALS: Record<string, string> = {
  '/^--(?!version)/': 'fixed prefix and a lookahead, no quantifier',
  '/^(?:docker-)?compose(?:[._-][^/]*)?\\.ya?ml$|^[^/]+\\.compose\\.ya?ml$|^docker-stack(?:[._-][^/]*)?\\.ya?ml$/i': 'anchored; one run per alternative before a fixed suffix (a file name)',
  '/\\.ya?ml$/i': 'fixed suffix',
  '/\\r(?!\\n)/g': 'one character and a lookahead',
  '/^[a-z]+:\\/\\//i': 'anchored, one run before a fixed "://"',
  '/^[ \\t]*(?:-[ \\t]+)?image[ \\t]*:(?=[ \\t]|$)[ \\t]*/gm': 'runs of blanks separated by fixed text, on one line',
  '/^NOTES\\.txt$/i': 'fixed text',
  '/\\.(ya?ml|tpl)$/i': 'fixed suffix',
  '/image/i': 'fixed text',
  '/^(true|false|yes|no|on|off|always|never|ifnotpresent|none|null|enabled|disabled)$/i': 'fixed words',
  '/^values[^/]*\\.ya?ml$/i': 'anchored, one run before a fixed suffix (a file name)',
  '/^[a-z][a-z0-9+.-]*:\\/\\//i': 'anchored, one run before a fixed "://"',
  '/^(oci|file|alias):/i': 'fixed words',
  '/\\.json$/i': 'fixed suffix',
  '/\\.(?:ya?ml|json)$/i': 'fixed suffix',
  '/\\.(ya?ml|json)$/i': 'fixed suffix',
  '/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/': 'anchored, counted hex',
  '/rate limit/i': 'fixed text',
  '/^<!-- verify-images:(line|resolved line) (\\d{1,9}) ([a-z,-]{0,400}) -->/': 'anchored, bounded runs separated by fixed text',
  '/^<!-- verify-images:(finding|resolved) [0-9a-f]{32}:\\d+ -->/': 'anchored, counted hex, one run',
  '/^[\\w][\\w.-]{0,127}$/': 'anchored, one bounded run',
  '/^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/': 'anchored, counted hex',
  '/^[A-Za-z0-9_.-]{1,64}$/': 'anchored, one bounded run',
  '/wrong version number/i': 'fixed text',
  '/^sha256:[0-9a-f]{64}$/': 'anchored, counted hex',
  '/^[0-9a-f]+$/i': 'anchored, one run',
  '/^sha256:([0-9a-f]{64})$/': 'anchored, counted hex',
};

/** Files with `new RegExp(...)`, how many, and why none is built from untrusted text. */
const DYNAMIC_SITES: Record<string, [count: number, reason: string]> = {
  'config/schema.ts': [1, 'compiles a policy identity regexp to validate it; matching uses linear-regexp.ts'],
  'discover/helm-render.ts': [2, 'constant marker patterns'],
  'discover/quadlet.ts': [2, 'constant section and key names of the unit table'],
  'linear-regexp.ts': [4, 'the linear-time engine itself'],
  'reference/grammar.ts': [1, 'anchors the grammar constants'],
};

/** The top-level alternatives of a pattern body (each is tried from every start). */
function topLevelAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let index = 0; index < body.length; index++) {
    const c = body[index];
    if (c === '\\') index++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(body.slice(start, index));
      start = index + 1;
    }
  }
  return [...parts, body.slice(start)];
}

const ATOM = /^(?:\\[^]|\[(?:\\[^]|[^\]\\])*\]|[^\\[()|*+?{^$])/;

/**
 * Whether an alternative opens with fixed text (through group openings) and then an unbounded run of
 * a set holding every character of that text, with pattern after the run that can fail: each copy
 * of the opening is then a start the engine reads from to the end of the run.
 */
function retriesOpening(alternative: string, flags: string): boolean {
  const opening: string[] = [];
  let rest = alternative;
  for (;;) {
    const group = /^\((?:\?:|\?<[A-Za-z]+>)?/.exec(rest);
    if (group) {
      rest = rest.slice(group[0].length);
      continue;
    }
    const atom = ATOM.exec(rest);
    if (!atom) return false;
    const after = rest.slice(atom[0].length);
    const quantifier = /^(?:[*+]|\{\d+,\})\??/.exec(after);
    if (!quantifier) {
      // An optional or counted atom, a class or an escape class ends the fixed opening.
      if (/^[?{]/.test(after) || atom[0].startsWith('[') || atom[0] === '.' || /^\\[dDsSwWbBpPu]/.test(atom[0])) return false;
      opening.push(atom[0].length === 2 ? atom[0][1] : atom[0]);
      rest = after;
      continue;
    }
    // What follows the run, past closing parentheses and optional atoms (those never fail).
    const tail = after.slice(quantifier[0].length).replace(new RegExp(`^(?:\\)|(?:${ATOM.source.slice(1)})\\?)+`), '');
    if (tail === '') return false;
    const run = new RegExp(`^(?:${atom[0]})$`, flags.replace(/[gyd]/g, ''));
    return opening.every((char) => run.test(char));
  }
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('regular expressions in src/', () => {
  enableLinearRegExps();
  const literals: Array<{ where: string; text: string }> = [];
  const dynamic = new Map<string, number>();
  for (const file of sourceFiles(SRC)) {
    const relative = path.relative(SRC, file).split(path.sep).join('/');
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        literals.push({ where: `${relative}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`, text: node.getText(source) });
      }
      if (ts.isNewExpression(node) && node.expression.getText(source) === 'RegExp') dynamic.set(relative, (dynamic.get(relative) ?? 0) + 1);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }

  it('every literal runs on the linear-time engine or is reviewed', () => {
    expect(literals.length).toBeGreaterThan(100);
    const unreviewed = literals.filter(({ text }) => {
      const slash = text.lastIndexOf('/');
      // `u` cannot be combined with the engine's `l` flag in Node 20; the syntax check does not need it.
      const flags = text.slice(slash + 1).replace(/[gyud]/g, '');
      try {
        new RegExp(text.slice(1, slash), flags + 'l');
        return false;
      } catch {
        return !(text in REVIEWED_LITERALS);
      }
    });
    expect(unreviewed).toEqual([]);
  });

  it('no literal retries a leading run from every start (a run with more pattern after it, not anchored)', () => {
    const retried = literals.filter(({ text }) => {
      const slash = text.lastIndexOf('/');
      if (text.slice(slash + 1).includes('y')) return false;
      const body = text.slice(1, slash);
      const run = /^(?:\\.|\[(?:\\.|[^\]\\])*\]|[^\\[(^|])[+*]\??/.exec(body);
      return run !== null && run[0].length < body.length;
    });
    expect(retried).toEqual([]);
  });

  it('no literal retries an opening that its run can hold again (from every copy of it to the end)', () => {
    const retried = literals.filter(({ text }) => {
      const slash = text.lastIndexOf('/');
      const flags = text.slice(slash + 1);
      if (flags.includes('y')) return false;
      // Anchored alternatives start once (a line start with `m` is checked by the leading-run test above).
      return topLevelAlternatives(text.slice(1, slash)).some((alternative) => !/^(?:\^|\(\?:\^)/.test(alternative) && retriesOpening(alternative, flags));
    });
    expect(retried).toEqual([]);
  });

  it('the opening test recognises what it was written for', () => {
    const flagged = ['\\$\\{[^}]*\\}', '\\{\\{.*?\\}\\}', '<([^>]+)>\\s*;', '([A-Za-z]+)$', '#.*$', '\\[[^\\]]*\\]'];
    const linear = ['\\$\\(([^()]*)\\)', '<<([^<>]*)>>', ':[0-9]+$', '\\$\\{[^}]*\\}?', '\\s+', '[-_.]+'];
    expect(flagged.filter((body) => !retriesOpening(body, ''))).toEqual([]);
    expect(linear.filter((body) => retriesOpening(body, ''))).toEqual([]);
  });

  it('every new RegExp(...) site is listed', () => {
    expect(Object.fromEntries(dynamic)).toEqual(Object.fromEntries(Object.entries(DYNAMIC_SITES).map(([file, [count]]) => [file, count])));
  });
});
