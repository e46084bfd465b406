import { describe, expect, it } from 'vitest';
import { bakeNamedContexts } from '../../src/discover/dockerfile/bake.js';
import { dockerfileDiscoverer } from '../../src/discover/dockerfile/index.js';
import { extractFixture } from './discover-helpers.js';

/** [line, raw, reference or the resolved value's reference, context] of each occurrence. */
async function rows(path: string): Promise<Array<[number, string, string | null, string | undefined]>> {
  const { occurrences } = await extractFixture(dockerfileDiscoverer, 'dockerfile/bake', path);
  return occurrences.map((occurrence) => [occurrence.line, occurrence.raw, occurrence.reference, occurrence.context]);
}

describe('dockerfile: named contexts of docker-bake targets', () => {
  it("does not take a context a bake target names for an image (discourse_docker's COPY --from=templates)", async () => {
    expect(await rows('image/discourse_dev/Dockerfile')).toEqual([
      [6, 'axllent/mailpit:v1.30.6@sha256:7f33095f80e901f6ad08028f06ca284aa58fe84942be5496008d041d3b9f4d4d', 'docker.io/axllent/mailpit:v1.30.6@sha256:7f33095f80e901f6ad08028f06ca284aa58fe84942be5496008d041d3b9f4d4d', 'FROM (stage mailpit)'],
      [8, '$from_tag', 'docker.io/discourse/base:slim', 'FROM (stage repo-fetcher)'],
      [14, '$from_tag', 'docker.io/discourse/base:slim', 'FROM'],
    ]);
  });

  it('reads a docker-image:// context as its image, and only the contexts of the target that builds this Dockerfile', async () => {
    const { occurrences } = await extractFixture(dockerfileDiscoverer, 'dockerfile/bake', 'other/app/Dockerfile');
    expect(occurrences.map((occurrence) => [occurrence.line, occurrence.raw, occurrence.reference, occurrence.note])).toEqual([
      [1, 'debian:12-slim', 'docker.io/library/debian:12-slim', undefined],
      [2, 'tools', 'docker.io/library/alpine:3.20', 'the build context tools a docker-bake file names'],
      // `cache` is a context of another target (another Dockerfile): here it is the image cache.
      [4, 'cache', 'docker.io/library/cache', undefined],
      [5, 'tools', 'docker.io/library/alpine:3.20', 'the build context tools a docker-bake file names'],
    ]);
  });

  it('reads only literal contexts, and survives unterminated strings and comments', async () => {
    const files: Record<string, string> = {
      'docker-bake.hcl': [
        'variable "TAG" { default = "1" }',
        'target "app" {',
        '  context = "."',
        '  contexts = { literal = "docker-image://alpine:3.20", "quoted" = "../dir", computed = "docker-image://alpine:${TAG}" }',
        '}',
        'target "broken" { context = "unterminated',
        '/* never closed',
      ].join('\n'),
    };
    const context = { buildArgs: {}, readFile: async (path: string) => files[path] };
    expect([...(await bakeNamedContexts('Dockerfile', context))]).toEqual([
      ['literal', 'docker-image://alpine:3.20'],
      ['quoted', '../dir'],
    ]);
  });
});
