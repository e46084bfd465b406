// Devfiles (devfile.io): fixtures from devfile/registry at 071bd90 (see fixtures/discover/devfile/README.md).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { devfileDiscoverer } from '../../src/discover/devfile.js';
import { isDevfilePath, substituteVariables } from '../../src/discover/devfile-builds.js';
import { discoverRepository } from '../../src/discover/index.js';
import { extractFixture } from './discover-helpers.js';

const ROOT = fileURLToPath(new URL('../fixtures/discover/devfile/', import.meta.url));

describe('devfile', () => {
  it("reads a container component's image and the image an image component builds (devfile/registry stacks/go)", async () => {
    const { occurrences, errors } = await extractFixture(devfileDiscoverer, 'devfile', 'stacks/go/devfile.yaml');
    expect(errors ?? []).toEqual([]);
    expect(occurrences.map((o) => [o.line, o.raw, o.reference, o.context, o.local ?? false])).toEqual([
      [24, 'go-image:latest', 'docker.io/library/go-image:latest', 'components[0].image.imageName', true],
      [43, 'registry.access.redhat.com/ubi9/go-toolset:1.25.5-1770654497', 'registry.access.redhat.com/ubi9/go-toolset:1.25.5-1770654497', 'components[2].container.image', false],
    ]);
  });

  it('fills in the devfile variables; an image component with a registry name is an image to check (devfile/registry .devfile.yaml)', async () => {
    const { occurrences } = await extractFixture(devfileDiscoverer, 'devfile', '.devfile.yaml');
    expect(occurrences.map((o) => [o.raw, o.reference, o.local ?? false, o.note])).toEqual([
      ['{{indexImageName}}:{{indexImageTag}}', 'quay.io/devfile/devfile-index:next', true, 'built by image component index-image-builder; with the devfile variables'],
      ['registry.access.redhat.com/ubi8/go-toolset:1.24.4-1754328509', 'registry.access.redhat.com/ubi8/go-toolset:1.24.4-1754328509', false, undefined],
    ]);
  });

  it('reads a devfile 1.0 dockerimage component (Eclipse Che 7)', async () => {
    const { occurrences } = await extractFixture(devfileDiscoverer, 'devfile', 'che7/devfile.yaml');
    expect(occurrences.map((o) => [o.line, o.column, o.raw, o.reference])).toEqual([[8, 13, 'quay.io/eclipse/che-theia-dev:next', 'quay.io/eclipse/che-theia-dev:next']]);
  });

  it('reads the images of an inline manifest at their place, those the devfile builds marked so', async () => {
    const { occurrences, file } = await extractFixture(devfileDiscoverer, 'devfile', 'inline/devfile.yaml');
    const inline = occurrences.filter((o) => o.context?.includes('.inlined.'));
    expect(inline.map((o) => [o.raw, o.local, o.note])).toEqual([['go-image:latest', true, 'the image image component build of inline/devfile.yaml builds']]);
    const [line] = file.text.split('\n').filter((text) => text.includes('image: go-image:latest'));
    expect(file.text.split('\n')[inline[0].line - 1]).toBe(line);
    expect(line.slice(inline[0].column - 1)).toBe('go-image:latest');
  });

  it('leaves a variable the devfile does not set unresolved, and notes a parent devfile it does not read', async () => {
    const text = 'schemaVersion: 2.2.0\nparent:\n  id: nodejs\ncomponents:\n  - name: tools\n    container:\n      image: "quay.io/devfile/{{image}}"\n';
    const extraction = await devfileDiscoverer.extract({ path: 'devfile.yaml', text }, { buildArgs: {}, readFile: async () => undefined, listFiles: async () => [] });
    expect(extraction.occurrences.map((o) => [o.reference, o.problem?.kind])).toEqual([[null, 'unresolved']]);
    expect(extraction.notes).toEqual(['the parent devfile it names is not read: its components are not checked']);
  });

  it.each([
    ['devfile.yaml', true],
    ['.devfile.yaml', true],
    ['stacks/go/devfile.yml', true],
    ['a/.devfile.yml', true],
    ['mydevfile.yaml', false],
    ['x.devfile.yaml', false],
    ['devfile.yaml.bak', false],
  ])('claims %s: %s', (path, claimed) => {
    expect(isDevfilePath(path)).toBe(claimed);
  });

  it.each<[string, string | { missing: string }]>([
    ['{{a}}:{{ b }}', 'x:y'],
    ['plain', 'plain'],
    ['{{c}}', { missing: 'c' }],
    ['{{a', '{{a'],
    ['{{a}}'.repeat(5000), { missing: 'a' }],
  ])('substitutes variables (case %#)', (text, expected) => {
    expect(substituteVariables(text, new Map([['a', 'x'], ['b', 'y']]))).toEqual(expected);
  });
});

describe('manifests a devfile deploys', () => {
  it('are images the devfile builds when they name its relative image name (a false typosquat of golang before), also when only the manifest is scanned', async () => {
    for (const onlyFiles of [undefined, ['stacks/go/kubernetes/deploy.yaml']]) {
      const { occurrences } = await discoverRepository(ROOT, { onlyFiles });
      const deployed = occurrences.find((o) => o.file === 'stacks/go/kubernetes/deploy.yaml');
      expect(deployed, String(onlyFiles)).toMatchObject({ kind: 'kubernetes', raw: 'go-image:latest', local: true, note: 'the image image component build of stacks/go/devfile.yaml builds' });
    }
  });

  it("take the deploying devfile's variables", async () => {
    const { occurrences } = await discoverRepository(ROOT, { onlyFiles: ['.ci/deploy/resources/deployment.yaml'] });
    expect(occurrences.map((o) => [o.line, o.reference, o.local ?? false])).toEqual([
      [53, 'quay.io/devfile/devfile-index:next', false],
      [94, 'quay.io/devfile/registry-viewer:next', false],
      [131, 'quay.io/devfile/oci-registry:next', false],
    ]);
    expect(occurrences[0].note).toBe('with the variables of .devfile.yaml, which deploys this manifest');
  });
});
