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
import { isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import { parseSimpleDocuments } from '../../src/discover/yaml-fast.js';
import { parseYamlDocuments } from '../../src/discover/yaml.js';
import { cannotHoldImage, collectManifestImages } from '../../src/discover/kubernetes.js';

/** Properties the fast path never sets: it gives up on every comment. */
const COMMENT_PROPERTIES = new Set(['comment', 'commentBefore', 'spaceBefore']);

/** The first difference between two node trees (every property but comments), or undefined. */
function difference(a: unknown, b: unknown, path: string): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  const kinds: Array<(node: unknown) => boolean> = [isNode, isPair, isMap, isSeq, isScalar];
  if (kinds.some((is) => is(a) !== is(b)) || Array.isArray(a) !== Array.isArray(b)) return `${path}: not the same kind of node`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => !COMMENT_PROPERTIES.has(key)));
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
    expect(read.length).toBeGreaterThan(100);
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
    ['a comment', 'a: b # c\n'],
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

/** Writes a block at `indent`; `first` is what precedes its first line (for `- key: value`). */
function write(node: Block, indent: number, sameIndentSeq: boolean): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  if (node.kind === 'map') {
    for (const [key, value] of node.entries) {
      if (value === null) lines.push(`${pad}${key}:`);
      else if (typeof value === 'string') lines.push(`${pad}${key}: ${value}`);
      else if (value.kind === 'seq' && sameIndentSeq) lines.push(`${pad}${key}:`, ...write(value, indent, sameIndentSeq));
      else lines.push(`${pad}${key}:`, ...write(value, indent + 2, sameIndentSeq));
    }
    return lines;
  }
  for (const item of node.items) {
    if (item === null) lines.push(`${pad}-`);
    else if (typeof item === 'string') lines.push(`${pad}- ${item}`);
    else if (item.kind === 'map') {
      const nested = write(item, indent + 2, sameIndentSeq);
      lines.push(`${pad}- ${nested[0]!.trimStart()}`, ...nested.slice(1));
    } else lines.push(`${pad}-`, ...write(item, indent + 2, sameIndentSeq));
  }
  return lines;
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

  it('never accepts a generated document with one random edit that the package reads otherwise', () => {
    const piece = fc.constantFrom('', ' ', '  ', ':', ': ', '-', '- ', '\n', '\n  ', "'", '"', '{', '}', '[', ']', ',', '---\n', '#', '&a', '*a', '!', '|', '>', '?', '%', '\\', 'x', '1');
    let accepted = 0;
    fc.assert(
      fc.property(block, fc.boolean(), fc.nat(), fc.nat(3), piece, (document, sameIndentSeq, where, cut, insert) => {
        const original = write(document, 0, sameIndentSeq).join('\n') + '\n';
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
    const piece = fc.constantFrom('a', 'b', '1', ' ', ' ', '  ', ':', ': ', '-', '- ', '\n', '\n', '\n  ', "'", '"', '{', '}', '[', ']', ',', ', ', '.', '---\n', '~', '0x', 'e3', '%', '\\', '?');
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
