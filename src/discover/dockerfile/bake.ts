/**
 * Named build contexts a Docker Bake file gives a Dockerfile (`contexts = { templates = "../templates" }`
 * in a target whose context holds the Dockerfile). `COPY --from=templates` then names that context,
 * not the image `templates`: a directory or another target is built here; `docker-image://ref` is
 * the image `ref`. Only the `target` blocks' literal `context`, `dockerfile` and `contexts` are
 * read (HCL or JSON); variables, functions, `inherits` and matrices are not evaluated.
 */
import { posix } from 'node:path';
import type { DiscoverContext } from '../types.js';

const BAKE_FILES = ['docker-bake.hcl', 'docker-bake.json', 'docker-bake.override.hcl', 'docker-bake.override.json'];
/** Directories above a Dockerfile searched for a bake file. */
const MAX_LEVELS = 8;
/** Tokens read from one bake file; a bigger file is read up to here. */
const MAX_TOKENS = 200_000;

/** One bake target as far as it names files: where its context is, its Dockerfile, its named contexts. */
interface BakeTarget {
  context?: string;
  dockerfile?: string;
  contexts: Map<string, string>;
}

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

/** HCL tokens: identifiers, quoted strings (without `${}` evaluation), punctuation; comments dropped. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length && tokens.length < MAX_TOKENS) {
    const char = text[index];
    if (char === '#' || (char === '/' && text[index + 1] === '/')) {
      const end = text.indexOf('\n', index);
      index = end < 0 ? text.length : end + 1;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 2;
    } else if (char === '"') {
      let value = '';
      index++;
      while (index < text.length && text[index] !== '"' && text[index] !== '\n') {
        if (text[index] === '\\' && index + 1 < text.length) index++;
        value += text[index++];
      }
      index++;
      tokens.push({ kind: 'string', text: value });
    } else if (/[A-Za-z0-9_.-]/.test(char)) {
      const start = index;
      while (index < text.length && /[A-Za-z0-9_.-]/.test(text[index])) index++;
      tokens.push({ kind: 'word', text: text.slice(start, index) });
    } else {
      if (!/\s/.test(char)) tokens.push({ kind: 'punct', text: char });
      index++;
    }
  }
  return tokens;
}

/** A string that is a literal: no `${}` interpolation or `%{}` directive to evaluate. */
function literal(token: Token | undefined): string | undefined {
  return token?.kind === 'string' && !/[$%]\{/.test(token.text) ? token.text : undefined;
}

/** The targets of an HCL bake file: `target "name" { ... }` blocks, their literal attributes. */
function hclTargets(text: string): BakeTarget[] {
  const tokens = tokenize(text);
  const targets: BakeTarget[] = [];
  let depth = 0;
  let current: BakeTarget | undefined;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind === 'punct' && '{[('.includes(token.text)) {
      depth++;
      continue;
    }
    if (token.kind === 'punct' && '}])'.includes(token.text)) {
      depth = Math.max(0, depth - 1);
      if (depth === 0) current = undefined;
      continue;
    }
    if (depth === 0 && token.kind === 'word' && token.text === 'target' && tokens[index + 1]?.kind === 'string' && tokens[index + 2]?.text === '{') {
      current = { contexts: new Map() };
      targets.push(current);
      index += 1;
      continue;
    }
    if (!current || depth !== 1 || token.kind !== 'word' || tokens[index + 1]?.text !== '=') continue;
    if (token.text === 'context' || token.text === 'dockerfile') {
      const value = literal(tokens[index + 2]);
      if (value !== undefined) current[token.text] = value;
    } else if (token.text === 'contexts' && tokens[index + 2]?.text === '{') {
      index = readContexts(tokens, index + 3, current.contexts) - 1;
    }
  }
  return targets;
}

/** `name = "value"` (or `"name": "value"`) pairs of a `contexts` map up to its `}`; returns the index after it. */
function readContexts(tokens: Token[], start: number, into: Map<string, string>): number {
  let index = start;
  while (index < tokens.length && tokens[index].text !== '}') {
    const key = tokens[index];
    const separator = tokens[index + 1]?.text;
    const value = literal(tokens[index + 2]);
    if ((key.kind === 'word' || key.kind === 'string') && (separator === '=' || separator === ':') && value !== undefined) {
      into.set(key.text, value);
      index += 3;
    } else {
      index++;
    }
  }
  return index + 1;
}

function jsonTargets(text: string): BakeTarget[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const targets = (parsed as { target?: unknown } | null)?.target;
  if (typeof targets !== 'object' || targets === null) return [];
  return Object.values(targets as Record<string, unknown>).map((target) => {
    const fields = (typeof target === 'object' && target !== null ? target : {}) as Record<string, unknown>;
    const contexts = new Map<string, string>();
    if (typeof fields.contexts === 'object' && fields.contexts !== null) {
      for (const [name, value] of Object.entries(fields.contexts)) if (typeof value === 'string') contexts.set(name, value);
    }
    return {
      context: typeof fields.context === 'string' ? fields.context : undefined,
      dockerfile: typeof fields.dockerfile === 'string' ? fields.dockerfile : undefined,
      contexts,
    };
  });
}

/** Parsed bake files per scan: a repository with many Dockerfiles reads each bake file once. */
const parsedBakeFiles = new WeakMap<DiscoverContext, Map<string, Promise<BakeTarget[]>>>();

function bakeTargets(path: string, context: DiscoverContext): Promise<BakeTarget[]> {
  let cache = parsedBakeFiles.get(context);
  if (!cache) {
    cache = new Map();
    parsedBakeFiles.set(context, cache);
  }
  let targets = cache.get(path);
  if (!targets) {
    targets = context.readFile(path).then((text) => (text === undefined ? [] : path.endsWith('.json') ? jsonTargets(text) : hclTargets(text)));
    cache.set(path, targets);
  }
  return targets;
}

/**
 * The named contexts bake targets give the Dockerfile at `dockerfilePath` (bake files in its
 * directory and the directories above it): context name -> value as written.
 */
export async function bakeNamedContexts(dockerfilePath: string, context: DiscoverContext): Promise<Map<string, string>> {
  const named = new Map<string, string>();
  let directory = posix.dirname(dockerfilePath);
  for (let level = 0; level < MAX_LEVELS; level++) {
    for (const name of BAKE_FILES) {
      const bakePath = directory === '.' ? name : `${directory}/${name}`;
      for (const target of await bakeTargets(bakePath, context)) {
        // Bake resolves `context` from the bake file's directory and `dockerfile` from the context.
        const built = posix.normalize(posix.join(directory, target.context ?? '.', target.dockerfile ?? 'Dockerfile'));
        if (built !== posix.normalize(dockerfilePath)) continue;
        for (const [contextName, value] of target.contexts) if (!named.has(contextName)) named.set(contextName, value);
      }
    }
    if (directory === '.') break;
    directory = posix.dirname(directory);
  }
  return named;
}
