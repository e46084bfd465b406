import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { isBuildScript } from '../../src/discover/script-builds.js';

const FIXTURES = '__tests__/fixtures/discover/script-builds/';

async function rows(fixture: string, onlyFiles?: string[]): Promise<Array<[string, number, string, boolean, string | undefined]>> {
  const discovery = await discoverRepository(FIXTURES + fixture, { onlyFiles });
  expect(discovery.unscanned).toEqual([]);
  return discovery.occurrences.map((occurrence) => [occurrence.file, occurrence.line, occurrence.raw, occurrence.local === true, occurrence.note]);
}

describe('images the repository build scripts make', () => {
  it('tells shell scripts and Makefiles by name', () => {
    expect(['e2e-test.sh', 'ci/build.bash', 'Makefile', 'sub/makefile', 'GNUmakefile', 'rules/docker.mk'].every(isBuildScript)).toBe(true);
    expect(['Makefile.am', 'script.shx', 'Dockerfile', 'make.yml'].some(isBuildScript)).toBe(false);
  });

  it("marks the image envoy's vrp-local/verify.sh tags, which its Dockerfile starts FROM, as built here", async () => {
    expect(await rows('envoy-examples')).toEqual([['vrp-local/Dockerfile-vrp', 1, 'envoy-google-vrp:local', true, 'the image vrp-local/verify.sh builds']]);
  });

  it("marks the gcp-pubsub-emulator rekor's e2e-test.sh builds for its test compose file as built here", async () => {
    expect(await rows('rekor')).toEqual([['docker-compose.test.yml', 53, 'gcp-pubsub-emulator', true, 'the image e2e-test.sh builds']]);
  });

  it("marks the eventlogger:latest a recipe of hydra's watcherx Makefile builds, which its Pod runs, as built here", async () => {
    expect(await rows('hydra-watcherx')).toEqual([['event_logger.yml', 10, 'eventlogger:latest', true, 'the image Makefile builds']]);
  });

  it('leaves a Docker Official Image a script builds under its own name a registry image', async () => {
    expect(await rows('official')).toEqual([
      ['compose.yaml', 3, 'redis', false, undefined],
      ['compose.yaml', 5, 'tools:ci', true, 'the image build.sh builds'],
    ]);
  });

  it('reads the scripts when only other files are scanned (a pull request changing the Dockerfile)', async () => {
    expect(await rows('envoy-examples', ['vrp-local/Dockerfile-vrp'])).toEqual([['vrp-local/Dockerfile-vrp', 1, 'envoy-google-vrp:local', true, 'the image vrp-local/verify.sh builds']]);
  });
});
