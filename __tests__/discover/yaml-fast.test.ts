/**
 * The YAML fast path must build exactly the documents the `yaml` package builds, or give up: on
 * every fixture, on generated documents of the shape it reads, and on random text from YAML's
 * punctuation (where it must never accept what the package rejects or reads differently).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseSimpleDocuments } from '../../src/discover/yaml-fast.js';
import { parseYamlDocuments } from '../../src/discover/yaml.js';
import { cannotHoldImage, collectManifestImages } from '../../src/discover/kubernetes.js';

/** The first difference between two node trees (every property: values, ranges, comments, blank lines), or undefined. */
function difference(a: unknown, b: unknown, path: string): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  const kinds: Array<(node: unknown) => boolean> = [isNode, isPair, isMap, isSeq, isScalar];
  if (kinds.some((is) => is(a) !== is(b)) || Array.isArray(a) !== Array.isArray(b)) return `${path}: not the same kind of node`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = difference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/** Undefined when the fast path gave up or agrees with the package on `text`; else what differs. */
function disagreement(text: string): string | undefined {
  const fast = parseSimpleDocuments(text);
  if (fast === undefined) return undefined;
  const library = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  const documents = Array.isArray(library) ? library : [];
  if (documents.length !== fast.documents.length) return `${documents.length} documents, the fast path read ${fast.documents.length}`;
  for (const [index, document] of documents.entries()) {
    if (document.errors.length > 0 || document.warnings.length > 0) return `the package reports ${[...document.errors, ...document.warnings].map((e) => e.message).join('; ')}`;
    const mine = fast.documents[index] as Document.Parsed;
    const found =
      difference(document.contents, mine.contents, `[${index}].contents`) ??
      difference(document.range, mine.range, `[${index}].range`) ??
      difference(document.directives.docStart, mine.directives.docStart, `[${index}].docStart`);
    if (found) return found;
  }
  return undefined;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.(ya?ml|json)$/i.test(name)) out.push(path);
  }
  return out;
}

const fixtures = fileURLToPath(new URL('../fixtures', import.meta.url));

describe('YAML fast path', () => {
  it('reads every fixture as the yaml package does, and reads many of them', () => {
    const files = yamlFiles(fixtures);
    const read = files.filter((file) => parseSimpleDocuments(readFileSync(file, 'utf8')) !== undefined);
    for (const file of read) expect(disagreement(readFileSync(file, 'utf8')), relative(fixtures, file)).toBeUndefined();
    expect(read.length).toBeGreaterThan(200);
    // Hand-written files with comments among them (133 when written).
    expect(read.filter((file) => /(^|\s)#/.test(readFileSync(file, 'utf8'))).length).toBeGreaterThan(100);
  });

  it('reads a typical manifest: block and flow collections, quoted and plain scalars of every core type', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  labels: {app: web, tier: "front end"}',
      'spec:',
      '  replicas: 2',
      '  paused: false',
      '  ratio: 0.50',
      '  hex: 0x1F',
      '  nothing:',
      '  tilde: ~',
      '  template:',
      '    spec:',
      '      containers:',
      "        - name: 'it''s'",
      '          image: nginx:1.27',
      '          args: [--port, "8080", 1e3, .inf]',
      '          ports: [{containerPort: 8080}]',
      '        -',
      '      tolerations:',
      '      - key: a',
      '        value: b',
      '---',
      'kind: Service',
      '',
    ].join('\n');
    expect(parseSimpleDocuments(text)?.documents).toHaveLength(2);
    expect(disagreement(text)).toBeUndefined();
  });

  it.each([
    ['a comment line after an empty value before `---` (the package drops it)', 'a:\n\n# c\n---\nb: 1\n'],
    ['spaces after a key with an empty value', 'a:  \nb: 1\n'],
    ['a scalar on the line after `-`', '- # c\n  x\n'],
    ['a comment inside a flow collection', 'a: [b, c #d]\n'],
    ['a `#` in a plain scalar', 'a: b#c\n'],
    ['a `#` in a key', 'a#b: c\n'],
    ['a comment without a space before it', 'a: "b"#c\n'],
    ['a comment on a marker line', '--- # c\na: b\n'],
    ['a stream of comments alone', '# c\n'],
    ['an empty document with a comment', 'a: b\n---\n# c\n---\nc: d\n'],
    ['non-ASCII text next to a comment', 'a: é # é\n'],
    ['non-ASCII text in a quoted scalar holding ` #`', 'a: "b # é"\n'],
    ['non-ASCII text in a quoted scalar before a comment', "a: 'é' # é\n"],
    ['non-ASCII text in a key after a comment line', '# é\né: b\n'],
    ['a no-break space as indentation', '# é\na:\n\u00a0 b: c\n'],
    ['a tab in a comment', 'a: b # c\td\n'],
    ['a carriage return in a comment', 'a: b # c\r\n'],
    ['a line separator in a comment', 'a: b # c\u2028d\n'],
    ['a byte-order mark in a comment', '# \ufeff\na: b\n'],
    ['an anchor and an alias', 'a: &x b\nc: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  b\n'],
    ['a multi-line plain scalar', 'a: b\n  c\n'],
    ['a multi-line flow collection', 'a: [b,\n  c]\n'],
    ['an escape', 'a: "\\u0062"\n'],
    ['a tab', 'a:\tb\n'],
    ['a carriage return', 'a: b\r\n'],
    ['non-ASCII text', 'a: é\n'],
    ['a directive', '%YAML 1.2\n---\na: b\n'],
    ['a document end marker', 'a: b\n...\n'],
    ['content on a marker line', '--- a: b\n'],
    ['an empty document', 'a: b\n---\n'],
    ['a complex key', '? a\n: b\n'],
    ['a quoted key', '"a": b\n'],
    ['a compact nested sequence', '- - a\n'],
    ['a top-level scalar', 'a\n'],
    ['an indented first line', '  a: b\n'],
    ['a duplicate-looking nested mapping', 'a: b: c\n'],
  ])('gives up on %s', (_name, text) => {
    expect(parseSimpleDocuments(text)).toBeUndefined();
  });

  it('leaves out empty and skipped documents when it has a predicate, as the prefilter does', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n';
    const pod = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n';
    const text = `${configMap}---\n---\n${pod}`;
    const fast = parseSimpleDocuments(text, cannotHoldImage);
    expect(fast?.skipped).toBe(1);
    expect(fast?.documents).toHaveLength(1);
    expect(collectManifestImages(text).images).toEqual(collectManifestImages(text, { prefilter: false }).images);
    expect(collectManifestImages(text).images[0]?.offset).toBe(text.indexOf('nginx'));
  });

  it.each([
    ['a comment after a value', 'image: nginx:1.27  # pinned\nb: c\n'],
    ['comment lines before the first key', '# Deployment\n\n# of web\napiVersion: v1\n'],
    ['comment lines before the first key, then a blank line', '# License\n\napiVersion: v1\n'],
    ['comment lines between list items, at any column', 'c:\n  - a\n  # b is next\n  - b\n# c\n  - c\n      # d\n  - d\n'],
    ['more-indented comment lines continuing a value', 'a: b # one\n    # two\n\n    # three\nc: d\n'],
    ['comment lines a nested mapping keeps (indented as its keys)', 'a:\n  b: c\n  # in\n# out\nd: e\n'],
    ['comment lines that go up to the next key', 'a:\n  b:\n    c: d\n  # up\n  e: f\n'],
    ['comment lines after the last item: the document', 'a:\n  - b\n\n# end\n\n'],
    ['comment lines between a key and its nested block', 'spec:\n  # replicas\n\n  replicas: 2\nlist:\n# items\n- a\n'],
    ['comment lines between `-` and its nested block', '-\n  # c\n  a: b\n'],
    ['a comment after a key or `-` a nested block follows', 'containers: # the list\n  - # first\n    name: a\n  -   \n    name: b\nspec:   \n  a: b\n'],
    ['comment lines around `---`', '# header\n---\n# first\na: b\n# after a\n---\n\n# second\n- c\n'],
    ['blank lines between keys and items', 'a: b\n\nc:\n\n  d: e\n\nf:\n\n- g\n\n-\n\n- h\ni:\n\n'],
    ['a comment after a key with an empty value', 'host: #0.0.0.0\nport:   # none\n   \n\nb:\n  c: # d\n\n  e: # f\n\n\ng: # h\n\n'],
    ['a comment after a `-` with an empty value', 'a:\n  - # c\n\n  - # d\n  -\nb:\n- # e\n'],
    ['comment lines after an empty value', 'a:\n# c\nb: 1\nc: # d\n# e\n\n    # f\n\n\nd:\n  e:\n\n# g\nh:\n'],
    ['comment lines around an empty item', '- a\n# c\n-\n- # d\n\n  # e\n-\n# f\n'],
    ['a comment after an empty value before `---`', 'a: # c\n\n---\n- # d\n\n---\nb: # e\n---\nc:\n  d: # f\n\n'],
    ['a comment at the end of the text, after a value', 'a: b # c'],
    ['a comment line at the end of the text', 'a:\n  b: c\n  # d'],
    ['non-ASCII text in comments', '# Café 🐳\n---\n# — é\na: b # ü\n    # ß\n# 日本\n'],
  ])('reads %s where the yaml package puts them', (_name, text) => {
    expect(parseSimpleDocuments(text)).toBeDefined();
    expect(disagreement(text)).toBeUndefined();
  });

  it('keeps comments on the nodes the yaml package keeps them on', () => {
    const text = '# head\nspec:\n  # the containers\n  containers:\n    - image: nginx:1.27  # pinned\n        # more\n    # next one\n    - image: redis\n# tail\n';
    const document = parseSimpleDocuments(text)?.documents[0];
    const spec = (document?.contents as YAMLMap).items[0]!;
    expect((spec.key as Scalar).commentBefore).toBe(' head');
    const containers = spec.value as YAMLMap;
    expect(containers.commentBefore).toBe(' the containers');
    const list = containers.items[0]!.value as YAMLSeq<YAMLMap>;
    expect((list.items[0]!.items[0]!.value as Scalar).comment).toBe(' pinned\n more');
    expect(list.items[1]!.commentBefore).toBe(' next one');
    expect(document?.comment).toBe(' tail');
    expect(disagreement(text)).toBeUndefined();
  });

  it('is what parseYamlDocuments returns for a document of its shape', () => {
    const text = 'services:\n  web:\n    image: nginx:1.27\n';
    const parsed = parseYamlDocuments(text);
    expect(parsed.errors).toEqual([]);
    expect(difference(parsed.documents[0]?.contents, parseAllDocuments(text)[0]?.contents, 'contents')).toBeUndefined();
  });
});

/** Generated documents of the fast path's shape: it must read them all, as the package does. */
const word = fc.stringMatching(/^[a-z][a-z0-9./_-]{0,8}$/);
const scalarText = fc.oneof(
  word,
  fc.constantFrom('1', '-2', '0o17', '0x1f', '1.50', '.5', '1e3', '.inf', '-.Inf', '.nan', 'true', 'False', 'NULL', 'null', '~', 'yes', '1_000', '010', 'a b', 'nginx:1.27', 'http://x/y?z=1', 'a:b', '-x', '100%', 'a%b'),
  word.map((value) => `"${value} x"`),
  word.map((value) => `'${value}''s'`),
);
const flow: fc.Arbitrary<string> = fc.letrec<{ flow: string }>((tie) => ({
  flow: fc.oneof(
    { depthSize: 'small' },
    fc.array(fc.oneof(scalarText.filter((text) => !/[:,]/.test(text)), tie('flow')), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.array(fc.tuple(word, fc.oneof(scalarText.filter((text) => !/[:,]/.test(text)), tie('flow'))), { maxLength: 3 }).map((pairs) => `{${pairs.map(([key, value]) => `${key}: ${value}`).join(', ')}}`),
  ),
})).flow;
const inline = fc.oneof(scalarText, flow);

type Block = { kind: 'map'; entries: Array<[string, Block | string | null]> } | { kind: 'seq'; items: Array<Block | string | null> };
const block: fc.Arbitrary<Block> = fc.letrec<{ block: Block }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small' },
    fc.record({ kind: fc.constant('map' as const), entries: fc.array(fc.tuple(word, fc.oneof(inline, fc.constant(null), tie('block'))), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('seq' as const), items: fc.array(fc.oneof(inline, fc.constant(null), tie('block')), { minLength: 1, maxLength: 4 }) }),
  ),
})).block;

/** A written line, and how it ends: an inline value, an empty value (`key:`, `-`), or a key or `-` a nested block follows. */
type Line = { text: string; end: 'inline' | 'empty' | 'open' };

/** Writes a block at `indent`. */
function writeLines(node: Block, indent: number, sameIndentSeq: boolean): Line[] {
  const pad = ' '.repeat(indent);
  const lines: Line[] = [];
  if (node.kind === 'map') {
    for (const [key, value] of node.entries) {
      if (value === null) lines.push({ text: `${pad}${key}:`, end: 'empty' });
      else if (typeof value === 'string') lines.push({ text: `${pad}${key}: ${value}`, end: 'inline' });
      else lines.push({ text: `${pad}${key}:`, end: 'open' }, ...writeLines(value, value.kind === 'seq' && sameIndentSeq ? indent : indent + 2, sameIndentSeq));
    }
    return lines;
  }
  for (const item of node.items) {
    if (item === null) lines.push({ text: `${pad}-`, end: 'empty' });
    else if (typeof item === 'string') lines.push({ text: `${pad}- ${item}`, end: 'inline' });
    else if (item.kind === 'map') {
      const nested = writeLines(item, indent + 2, sameIndentSeq);
      lines.push({ ...nested[0]!, text: `${pad}- ${nested[0]!.text.trimStart()}` }, ...nested.slice(1));
    } else lines.push({ text: `${pad}-`, end: 'open' }, ...writeLines(item, indent + 2, sameIndentSeq));
  }
  return lines;
}

function write(node: Block, indent: number, sameIndentSeq: boolean): string[] {
  return writeLines(node, indent, sameIndentSeq).map((line) => line.text);
}

/**
 * What is written around a line: the lines before it (blank, spaces only, or comments at any
 * column, whose text may look like YAML), and a comment after it.
 */
type Decoration = { before: string[]; after: string | undefined; separator: string; wild: boolean };
const commentText = fc.constantFrom('', ' c', 'c', ' a: b', ' - x', ' #', '# x', ' ---', ' [a, {b', " 'q", ' "q', 'x  ', ' image: nginx:1.27 # pinned', ' ...', ' é — ü', ' 🐳 ', ' \u00a0');
const decoration: fc.Arbitrary<Decoration> = fc.record({
  before: fc.array(fc.oneof(fc.constant(''), fc.nat(5).map((n) => ' '.repeat(n)), fc.tuple(fc.nat(8), commentText).map(([n, text]) => `${' '.repeat(n)}#${text}`)), { maxLength: 3 }),
  after: fc.option(commentText, { nil: undefined }),
  // Only ' ' and '  ' make a comment; without a space, `#` is part of a plain scalar (or an error).
  separator: fc.constantFrom(' ', '  ', ''),
  // With `anywhere`, whether this decoration goes where the fast path gives up (one in four).
  wild: fc.nat(3).map((n) => n === 0),
});

/**
 * Lines with the decorations of `plan` (used in turn) around them. With `anywhere`, some (`wild`)
 * also go where the fast path leaves the document to the package: spaces after an empty value,
 * `#` without a space before it, comment lines after an empty value that ends a document before
 * a `---` (`beforeMarker`).
 */
function decorate(lines: Line[], plan: Decoration[], anywhere: boolean, beforeMarker = false): string[] {
  const out: string[] = [];
  for (let index = 0; index <= lines.length; index++) {
    const line = lines[index];
    const { before, after, separator, wild } = plan.length > 0 ? plan[index % plan.length]! : { before: [], after: undefined, separator: ' ', wild: false };
    const anywhereHere = anywhere && wild;
    // Comment lines after an empty value just before a `---` are dropped by the package: left to it.
    const droppedAtMarker = !line && beforeMarker && lines[index - 1]?.end === 'empty';
    out.push(...before.filter((extra) => anywhereHere || !droppedAtMarker || !extra.includes('#')));
    if (!line) break;
    // After a value, a key (or `-`) a nested block follows, an empty value: a comment (after a
    // space); spaces but after an empty value.
    const accepted = separator !== '';
    if (after !== undefined && (anywhereHere || accepted)) out.push(`${line.text}${separator}#${after}`);
    else out.push(anywhereHere || line.end === 'open' ? `${line.text}${separator}` : line.text);
  }
  return out;
}

/** A stream of generated documents with decorations (see `decorate`). */
function stream(documents: Block[], plan: Decoration[], options: { sameIndentSeq: boolean; marker: boolean; anywhere: boolean }): string {
  const texts = documents.map((document, index) => {
    const root: Block = document.kind === 'seq' && !options.marker ? { kind: 'map', entries: [['k', document]] } : document;
    return decorate(writeLines(root, 0, options.sameIndentSeq), plan.slice(index), options.anywhere, index < documents.length - 1).join('\n');
  });
  // Before the first `---`: the decoration's lines, comments alone.
  const prelude = options.marker ? [...(plan[plan.length - 1]?.before ?? []), '---'].join('\n') + '\n' : '';
  return prelude + texts.join('\n---\n') + '\n';
}

describe('YAML fast path, generated', () => {
  it('reads generated block documents exactly as the yaml package does', () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), fc.boolean(), (documents, sameIndentSeq, marker, blankLines) => {
        const texts = documents.map((document) => write(document.kind === 'seq' && !marker ? { kind: 'map', entries: [['k', document]] } : document, 0, sameIndentSeq).join(blankLines ? '\n\n' : '\n'));
        const text = (marker ? '---\n' : '') + texts.join('\n---\n') + '\n';
        const fast = parseSimpleDocuments(text);
        expect(fast, text).toBeDefined();
        expect(disagreement(text), text).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('reads generated documents with comments and blank lines in every shape it accepts exactly as the yaml package does', () => {
    let commented = 0;
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 3 }), fc.array(decoration, { maxLength: 12 }), fc.boolean(), fc.boolean(), (documents, plan, sameIndentSeq, marker) => {
        const text = stream(documents, plan, { sameIndentSeq, marker, anywhere: false });
        if (text.includes('#')) commented++;
        expect(parseSimpleDocuments(text), text).toBeDefined();
        expect(disagreement(text), text).toBeUndefined();
      }),
      { numRuns: 500 },
    );
    expect(commented).toBeGreaterThan(250);
  });

  it('never reads a generated document with comments anywhere otherwise than the yaml package', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 3 }), fc.array(decoration, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.boolean(), (documents, plan, sameIndentSeq, marker) => {
        const text = stream(documents, plan, { sameIndentSeq, marker, anywhere: true });
        if (parseSimpleDocuments(text) === undefined) refused++;
        else if (text.includes('#')) accepted++;
        expect(disagreement(text), text).toBeUndefined();
      }),
      { numRuns: 500 },
    );
    // Both sides of the line are exercised: commented documents it reads, and documents it leaves to the package.
    expect(accepted).toBeGreaterThan(80);
    expect(refused).toBeGreaterThan(100);
  });

  it('never accepts a generated document with one random edit that the package reads otherwise', () => {
    const piece = fc.constantFrom('', ' ', '  ', ':', ': ', '-', '- ', '\n', '\n  ', "'", '"', '{', '}', '[', ']', ',', '---\n', '#', ' #', ' # c', '\n# c', '\n  # c\n', 'é', ' # é', '\t', '&a', '*a', '!', '|', '>', '?', '%', '\\', 'x', '1');
    let accepted = 0;
    fc.assert(
      fc.property(block, fc.array(decoration, { maxLength: 6 }), fc.boolean(), fc.nat(), fc.nat(3), piece, (document, plan, sameIndentSeq, where, cut, insert) => {
        const original = decorate(writeLines(document, 0, sameIndentSeq), plan, false).join('\n') + '\n';
        const at = where % (original.length + 1);
        const text = original.slice(0, at) + insert + original.slice(Math.min(original.length, at + cut));
        if (parseSimpleDocuments(text) !== undefined) accepted++;
        expect(disagreement(text), JSON.stringify(text)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('never accepts random YAML punctuation the package reads otherwise', () => {
    const piece = fc.constantFrom('a', 'b', '1', ' ', ' ', '  ', ':', ': ', '-', '- ', '\n', '\n', '\n  ', "'", '"', '{', '}', '[', ']', ',', ', ', '.', '---\n', '~', '0x', 'e3', '%', '\\', '?', '#', ' #', ' # c\n', ' # é\n', 'é');
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        if (parseSimpleDocuments(text) !== undefined) accepted++;
        expect(disagreement(text), JSON.stringify(text)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(30);
  });
});
