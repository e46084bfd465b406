/**
 * The lexical prefilter that skips YAML documents which cannot hold an image (no `image` key, or a
 * CustomResourceDefinition) must never lose an image: every fixture yields the same images with
 * and without it, and crafted documents that try to hide an image from it are still searched.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cannotHoldImage, collectManifestImages } from '../../src/discover/kubernetes.js';
import { blankDocuments, parseYamlDocuments } from '../../src/discover/yaml.js';

const fixtures = fileURLToPath(new URL('../fixtures', import.meta.url));

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (/\.(ya?ml|json|tpl)$/i.test(name)) out.push(path);
  }
  return out;
}

/** The images a file names, and the HelmReleases whose values are read from elsewhere (`valuesFrom`). */
const images = (text: string, prefilter: boolean) => {
  const scan = collectManifestImages(text, { prefilter });
  return { images: scan.images, releases: scan.releases.map((release) => release.prefix) };
};

describe('YAML prefilter', () => {
  const files = filesUnder(fixtures);

  // One test per file: a single test over every fixture ran close to the per-test timeout on a loaded machine.
  it.each(files.map((file) => [relative(fixtures, file), file]))('finds the same images with and without it in %s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(images(text, true)).toEqual(images(text, false));
  });

  it('skips documents in many real fixture files (or it would be no prefilter at all)', () => {
    expect(files.length).toBeGreaterThan(100);
    const skippedSomewhere = files.filter((file) => blankDocuments(readFileSync(file, 'utf8'), cannotHoldImage).skipped > 0).length;
    expect(skippedSomewhere).toBeGreaterThan(10);
  });

  it('keeps offsets: a skipped document becomes one comment line of the same length', () => {
    const text = 'kind: Service\r\nspec: {}\r\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n';
    const blanked = blankDocuments(text, cannotHoldImage);
    expect(blanked.skipped).toBe(1);
    expect(blanked.text).toHaveLength(text.length);
    expect(blanked.text.startsWith(`#${' '.repeat(23)}\n---\n`)).toBe(true);
    expect(images(text, true)).toEqual(images(text, false));
    expect(images(text, true).images[0]?.offset).toBe(text.indexOf('nginx'));
  });

  it('reports a parse error after a skipped document at its line in the file', () => {
    const text = 'kind: ConfigMap\ndata:\n  a: b\n  c: d\n---\napiVersion: v1\nkind: Pod\nspec: [image, unclosed\n';
    const withPrefilter = parseYamlDocuments(text, cannotHoldImage);
    expect(withPrefilter.skipped).toBe(1);
    expect(withPrefilter.errors).toEqual(parseYamlDocuments(text).errors);
    expect(withPrefilter.errors[0]).toMatch(/ at line 9, column 1$/);
  });

  it('parses nothing when every document is skipped, and still reads one that is not', () => {
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  versions: []\n';
    const text = `${crd}---\n${crd}---\n`;
    const skippedAll = parseYamlDocuments(text, cannotHoldImage);
    expect(skippedAll).toEqual({ documents: [], errors: [], skipped: 2 });
    expect(blankDocuments(text, cannotHoldImage).onlyBlanked).toBe(true);
    // A `...` marker, content on a marker line, or a chunk with more than spaces and breaks is parsed.
    for (const rest of ['...\n', '--- {a: [\n', '\u00a0\n', '\t\n']) {
      expect(blankDocuments(`${text}${rest}`, cannotHoldImage).onlyBlanked).toBe(false);
      expect(parseYamlDocuments(`${text}${rest}`, cannotHoldImage).errors).toEqual(parseYamlDocuments(`${text}${rest}`).errors);
    }
    expect(parseYamlDocuments(`${text}--- {a: [\n`, cannotHoldImage).errors).toHaveLength(1);
  });

  it('keeps every chunk with a directive line, wherever the `%` falls among the documents', () => {
    const configMap = 'kind: ConfigMap\ndata: {a: "100%"}\n';
    const text = `${configMap}---\n${configMap}---\n%YAML 1.2\n---\n${configMap}---\n${configMap}`;
    const blanked = blankDocuments(text, cannotHoldImage);
    expect(blanked.skipped).toBe(4);
    expect(blanked.text).toContain('%YAML 1.2\n');
    expect(blanked.text).toHaveLength(text.length);
  });

  const pod = (extra: string) => `apiVersion: v1\n${extra}kind: Pod\nspec:\n  containers:\n    - name: a\n      image: evil/ngnix:1\n`;
  it.each([
    ['an escaped key', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      "\\u0069mage": evil/ngnix:1\n'],
    ['a CRD kind written after the real kind', pod('').replace('spec:', 'kind: CustomResourceDefinition\nspec:')],
    ['a CRD kind written before the real kind', pod('kind: CustomResourceDefinition\n')],
    ['a CRD kind inside an under-indented quoted scalar', pod('metadata: "x\nkind: CustomResourceDefinition"\n')],
    ['a quoted kind key before a plain CRD kind', pod('').replace('kind: Pod', '"kind": Pod\nkind: CustomResourceDefinition')],
    ['a complex key before a plain CRD kind', pod('').replace('kind: Pod', '? kind\n: Pod\nkind: CustomResourceDefinition')],
    ['a CRD kind inside a block scalar', pod('description: |\n  kind: CustomResourceDefinition\n')],
    ['content on the document marker line', `--- {apiVersion: v1, kind: Pod, spec: {containers: [{name: a, image: evil/ngnix:1}]}}\n`],
    ['a %TAG directive for the next document', `%TAG !e! tag:example.com,2000:\n---\n${pod('').replace('evil/ngnix:1', '!e!x evil/ngnix:1')}`],
  ])('still searches a document with %s', (_name, text) => {
    expect(images(text, true)).toEqual(images(text, false));
  });

  it('skips CustomResourceDefinitions and documents without an image key', () => {
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  versions:\n    - schema:\n        properties:\n          image: {type: string, description: "the image"}\n';
    expect(cannotHoldImage(crd)).toBe(true);
    expect(cannotHoldImage('apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n')).toBe(true);
    expect(cannotHoldImage(pod(''))).toBe(false);
  });

  it('reads only the top-level lines of a CRD: the first line, after comments, with CRLF breaks', () => {
    const schema = '  versions:\n    - schema: {image: {type: string}}\n';
    expect(cannotHoldImage(`kind: CustomResourceDefinition\nspec:\n${schema}`)).toBe(true);
    expect(cannotHoldImage(`# generated\n\napiVersion: v1\nkind: CustomResourceDefinition\nspec:\n${schema}`)).toBe(true);
    expect(cannotHoldImage(`kind: CustomResourceDefinition\r\nspec:\r\n${schema.replaceAll('\n', '\r\n')}`)).toBe(true);
    expect(cannotHoldImage(`kind: CustomResourceDefinition\nspec:\n${schema}"quoted": x\n`)).toBe(false);
    expect(cannotHoldImage(`kind: CustomResourceDefinition\nspec:\n${schema}kind: Pod\n`)).toBe(false);
    expect(cannotHoldImage(`spec:\n${schema}  kind: CustomResourceDefinition\n`)).toBe(false);
  });
});
