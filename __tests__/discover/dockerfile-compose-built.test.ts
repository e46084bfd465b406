// A Dockerfile naming an image its own compose project builds (`image:` beside `build:`) pulls it
// from no registry: it is built here, not an image to check (nor one that does not exist).
import { describe, expect, it } from 'vitest';
import { dockerfileDiscoverer } from '../../src/discover/dockerfile/index.js';
import { extractFixture, fixture, fixtureContext } from './discover-helpers.js';

const KIND = 'dockerfile/compose-built';

/** [line, reference, built here, note] of each occurrence of the fixture's Dockerfile. */
async function rows(path: string): Promise<Array<[number, string | null, boolean, string | undefined]>> {
  const { occurrences } = await extractFixture(dockerfileDiscoverer, KIND, path);
  return occurrences.map((occurrence) => [occurrence.line, occurrence.reference, occurrence.local === true, occurrence.note]);
}

describe('dockerfile: images the compose project building the Dockerfile builds', () => {
  it("marks vaultwarden's FROM playwright_oidc_vaultwarden_prebuilt as built here", async () => {
    expect(await rows('vaultwarden/playwright/compose/warden/Dockerfile')).toEqual([
      [1, 'docker.io/library/playwright_oidc_vaultwarden_prebuilt', true, 'the image service VaultwardenPrebuild of vaultwarden/playwright/docker-compose.yml builds'],
      [3, 'docker.io/library/node:22-trixie', false, undefined],
    ]);
  });

  it('matches the tag as Docker does, and leaves other tags, account names and digests to be checked', async () => {
    expect(await rows('written/app/Dockerfile')).toEqual([
      [1, 'docker.io/library/app-base:latest', true, 'the image service base of written/compose.yaml builds'],
      [2, 'docker.io/library/app-base:2', true, 'the image service tagged of written/compose.yaml builds'],
      [3, 'docker.io/library/app-base:3', false, undefined],
      [4, 'docker.io/acme/base:1', false, undefined],
      [5, 'docker.io/library/app-base@sha256:0000000000000000000000000000000000000000000000000000000000000000', false, undefined],
    ]);
  });

  it('does not mark an image another compose project builds', async () => {
    expect(await rows('other/Dockerfile')).toEqual([[1, 'docker.io/library/app-base', false, undefined]]);
  });
});

describe('dockerfile: a compose file under another name building it', () => {
  /** The fixture folder listed as a whole walk lists it: a compose file under any name is among the candidates. */
  function walkedContext() {
    const files = ['classic.yaml', 'base.dockerfile', 'service.dockerfile'].map((name) => `docker-compose-e2e/${name}`);
    return { ...fixtureContext(KIND), candidateFiles: files, candidateFilesComplete: true };
  }

  it("marks docker/compose's FROM base as built here: classic.yaml tags service base's build `base`", async () => {
    const file = fixture(KIND, 'docker-compose-e2e/service.dockerfile');
    const { occurrences } = await dockerfileDiscoverer.extract(file, walkedContext());
    expect(occurrences.map((occurrence) => [occurrence.line, occurrence.reference, occurrence.local === true, occurrence.note])).toEqual([
      [15, 'docker.io/library/base', true, 'the image service base of docker-compose-e2e/classic.yaml builds'],
    ]);
  });
});
