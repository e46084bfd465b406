// A Home Assistant add-on's build file gives its Dockerfile BUILD_FROM (and BUILD_ARCH) per
// architecture: without it every add-on base image is unresolved and never checked.
import { describe, expect, it } from 'vitest';
import { dockerfileDiscoverer } from '../../src/discover/dockerfile/index.js';
import { extractFixture, fixture, fixtureContext } from './discover-helpers.js';

const KIND = 'dockerfile/addon-build';

/** [line, raw, reference or null, note] of each occurrence of the fixture's Dockerfile. */
async function rows(path: string): Promise<Array<[number, string, string | null, string | undefined]>> {
  const { occurrences } = await extractFixture(dockerfileDiscoverer, KIND, path);
  // In line order, as the engine sorts them; on one line in the order of the builds.
  return occurrences.map((occurrence) => [occurrence.line, occurrence.raw, occurrence.reference, occurrence.note] as [number, string, string | null, string | undefined]).sort((a, b) => a[0] - b[0]);
}

describe('dockerfile: Home Assistant add-on build files', () => {
  it("builds home-assistant/addons' mariadb once per architecture of build_from", async () => {
    expect(await rows('mariadb/Dockerfile')).toEqual([
      [2, '$BUILD_FROM', 'ghcr.io/home-assistant/aarch64-base:3.23', 'build argument BUILD_FROM as the aarch64 build of mariadb/build.yaml sets it'],
      [2, '$BUILD_FROM', 'ghcr.io/home-assistant/amd64-base:3.23', 'build argument BUILD_FROM as the amd64 build of mariadb/build.yaml sets it'],
    ]);
  });

  it('reports an image that every architecture builds from once', async () => {
    expect(await rows('matter_server/Dockerfile')).toEqual([
      [2, '${BUILD_FROM}', 'ghcr.io/matter-js/matterjs-server:1.4.0', 'build argument BUILD_FROM as the aarch64 build of matter_server/build.yaml sets it'],
    ]);
  });

  it("takes one image written as a string, and the file's args over the ARG defaults", async () => {
    expect(await rows('single/Dockerfile')).toEqual([
      [3, '${BUILD_FROM}', 'ghcr.io/hassio-addons/base:17.0.0', 'build argument BUILD_FROM as the build of single/build.yaml sets it'],
      [4, 'alpine:${BASE_TAG}', 'docker.io/library/alpine:3.20', 'build argument BASE_TAG as the build of single/build.yaml sets it'],
    ]);
  });

  it('reads build.json, sets BUILD_ARCH, and skips an image that is not a string', async () => {
    expect(await rows('json/Dockerfile')).toEqual([
      [3, '$BUILD_FROM', 'ghcr.io/home-assistant/amd64-base:3.23', 'build argument BUILD_FROM as the amd64 build of json/build.json sets it'],
      [3, '$BUILD_FROM', 'ghcr.io/home-assistant/i386-base:3.23', 'build argument BUILD_FROM as the i386 build of json/build.json sets it'],
      [4, 'ghcr.io/example/${BUILD_ARCH}-tools:1', 'ghcr.io/example/amd64-tools:1', 'build argument BUILD_ARCH as the amd64 build of json/build.json sets it'],
      [4, 'ghcr.io/example/${BUILD_ARCH}-tools:1', 'ghcr.io/example/i386-tools:1', 'build argument BUILD_ARCH as the i386 build of json/build.json sets it'],
    ]);
  });

  it('gives a Dockerfile.<arch> only the build of its architecture', async () => {
    expect(await rows('per-arch/Dockerfile.aarch64')).toEqual([
      [2, '$BUILD_FROM', 'ghcr.io/home-assistant/aarch64-base:3.23', 'build argument BUILD_FROM as the aarch64 build of per-arch/build.yaml sets it'],
    ]);
    expect(await rows('per-arch/Dockerfile.amd64')).toEqual([
      [2, '$BUILD_FROM', 'ghcr.io/home-assistant/amd64-base:3.23', 'build argument BUILD_FROM as the amd64 build of per-arch/build.yaml sets it'],
    ]);
  });

  it("gives nothing from another tool's build.yaml (no build_from): the image stays unresolved", async () => {
    const { occurrences } = await extractFixture(dockerfileDiscoverer, KIND, 'other-build/Dockerfile');
    expect(occurrences.map((occurrence) => [occurrence.raw, occurrence.reference, occurrence.resolved])).toEqual([['$BUILD_FROM', null, undefined]]);
  });

  it('lets a build argument the policy sets win over the build file', async () => {
    const context = { ...fixtureContext(KIND), buildArgs: { BUILD_FROM: 'ghcr.io/acme/base:1' } };
    const { occurrences } = await dockerfileDiscoverer.extract(fixture(KIND, 'mariadb/Dockerfile'), context);
    expect(occurrences.map((occurrence) => occurrence.reference)).toEqual(['ghcr.io/acme/base:1']);
  });

  it('reads a build file only beside a Dockerfile, never above it', async () => {
    const context = fixtureContext(KIND);
    await dockerfileDiscoverer.extract(fixture(KIND, 'mariadb/Dockerfile'), context);
    expect(context.reads.filter((path) => path.includes('build.'))).toEqual(['mariadb/build.yaml']);
  });
});
