import { describe, expect, it } from 'vitest';
import { quadletDiscoverer } from '../../src/discover/quadlet.js';
import { extractFixture, fixture, summary } from './discover-helpers.js';

describe('quadlet discoverer', () => {
  it('matches container and image units by extension and section', () => {
    expect(quadletDiscoverer.matches('web.container', fixture('quadlet', 'web.container').text)).toBe(true);
    expect(quadletDiscoverer.matches('app.image', fixture('quadlet', 'app.image').text)).toBe(true);
    expect(quadletDiscoverer.matches('web.container.d/10-image.conf', fixture('quadlet', 'web.container.d/10-image.conf').text)).toBe(true);
    expect(quadletDiscoverer.matches('not-a-unit/photo.image', fixture('quadlet', 'not-a-unit/photo.image').text)).toBe(false);
    expect(quadletDiscoverer.matches('web.container', '')).toBe(false);
    expect(quadletDiscoverer.matches('app.pod', '[Pod]\n')).toBe(false);
  });

  it('reads Image= in the [Container] section only, at its exact column', async () => {
    const { occurrences } = await extractFixture(quadletDiscoverer, 'quadlet', 'web.container');
    expect(summary(occurrences)).toEqual([{ context: '[Container] Image', raw: 'docker.io/library/nginx:1.27-alpine', reference: 'docker.io/library/nginx:1.27-alpine' }]);
    expect(occurrences[0]).toMatchObject({ line: 8, column: 7 });
  });

  it('handles spaces around =, quotes and systemd specifiers', async () => {
    const { occurrences } = await extractFixture(quadletDiscoverer, 'quadlet', 'worker@.container');
    expect(summary(occurrences)).toEqual([
      { context: '[Container] Image', raw: 'quay.io/example/worker:%i', reference: null, problem: 'systemd specifier %i is only known when the unit starts' },
    ]);
    expect(occurrences[0]).toMatchObject({ line: 2, column: 10 });
  });

  it('skips references to other Quadlet units', async () => {
    expect((await extractFixture(quadletDiscoverer, 'quadlet', 'app.container')).occurrences).toEqual([]);
    expect((await extractFixture(quadletDiscoverer, 'quadlet', 'local.container')).occurrences).toEqual([]);
  });

  it('leaves an image built from the unit environment unresolved (systemd substitutes ${VAR} when the unit starts)', async () => {
    const { occurrences } = await extractFixture(quadletDiscoverer, 'quadlet', 'cookbook/postgresql-server.container');
    expect(summary(occurrences)).toEqual([
      {
        context: '[Container] Image',
        raw: 'docker.io/library/postgres:${PG_MAJOR}-alpine',
        reference: null,
        problem: "systemd substitutes ${PG_MAJOR} from the unit's environment when it starts",
      },
    ]);
    expect(occurrences[0]).toMatchObject({ line: 20, column: 7 });
  });

  it('reads volume and build units; pods name no image', async () => {
    const volume = await extractFixture(quadletDiscoverer, 'quadlet', 'volumes/sqlite.volume');
    expect(summary(volume.occurrences)).toEqual([{ context: '[Volume] Image', raw: 'ghcr.io/homebrew/core/sqlite:3.50.2', reference: 'ghcr.io/homebrew/core/sqlite:3.50.2' }]);
    expect(volume.occurrences[0]).toMatchObject({ line: 4, column: 7 });
    const build = await extractFixture(quadletDiscoverer, 'quadlet', 'volumes/app.build');
    expect(summary(build.occurrences)).toEqual([
      { context: '[Build] ImageTag', raw: 'localhost/app:1.0', reference: 'localhost/app:1.0', local: true, note: 'the tag of the image this unit builds' },
    ]);
    expect(quadletDiscoverer.matches('volumes/web.pod', fixture('quadlet', 'volumes/web.pod').text)).toBe(false);
    expect(quadletDiscoverer.matches('meson.build', "project('x', 'c')\n")).toBe(false);
  });

  it('reads the units RamaLama generates: the image once, where the .image unit names it', async () => {
    const container = await extractFixture(quadletDiscoverer, 'quadlet', 'ramalama/tiny.container');
    expect(container.occurrences.map((o) => o.reference)).toEqual(['quay.io/ramalama/ramalama:latest']);
    expect((await extractFixture(quadletDiscoverer, 'quadlet', 'ramalama/tiny.volume')).occurrences).toEqual([]);
    const image = await extractFixture(quadletDiscoverer, 'quadlet', 'ramalama/tiny.image');
    expect(image.occurrences.map((o) => [o.line, o.column, o.reference])).toEqual([[2, 7, 'quay.io/rhatdan/tiny:latest']]);
  });

  it('reads image units and drop-ins', async () => {
    const image = await extractFixture(quadletDiscoverer, 'quadlet', 'app.image');
    expect(image.occurrences.map((occurrence) => [occurrence.context, occurrence.reference])).toEqual([
      ['[Image] Image', 'ghcr.io/example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    ]);
    const dropIn = await extractFixture(quadletDiscoverer, 'quadlet', 'web.container.d/10-image.conf');
    expect(dropIn.occurrences.map((occurrence) => occurrence.reference)).toEqual(['registry.example.com:5000/web/nginx:1.27']);
  });
});
