// Amazon ECS task definition files from real repositories (sources in the fixture folder's README.md).
import { describe, expect, it } from 'vitest';
import { ecsTaskDefinitionDiscoverer } from '../../src/discover/ecs-task-definition.js';
import { extractFixture } from './discover-helpers.js';

describe('ECS task definition discoverer', () => {
  it('reads containerDefinitions[].image', async () => {
    const { occurrences, containers } = await extractFixture(ecsTaskDefinitionDiscoverer, 'ecs-task-definition', 'xray/task-definition.json');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.context])).toEqual([['13:23', 'nginx', 'docker.io/library/nginx', 'containerDefinitions[0].image']]);
    // No user or privilege written: nothing to judge.
    expect(containers).toBeUndefined();
  });

  it('leaves the placeholder CodePipeline fills in unresolved, and reads privileged: false as written', async () => {
    const { occurrences, containers } = await extractFixture(ecsTaskDefinitionDiscoverer, 'ecs-task-definition', 'blueprints/task-definition.json');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.problem?.kind])).toEqual([['12:23', '<PLACEHOLDER>', 'unresolved']]);
    expect(containers?.map((c) => [c.privileged?.value, `${c.privileged?.line}:${c.privileged?.column}`])).toEqual([[false, '23:27']]);
  });

  it('reads a container user and privilege', async () => {
    const { containers } = await extractFixture(ecsTaskDefinitionDiscoverer, 'ecs-task-definition', 'xray-root/task-definition.json');
    expect(containers?.map((c) => [c.name, c.user?.value, `${c.user?.line}:${c.user?.column}`, c.privileged?.value, `${c.privileged?.line}:${c.privileged?.column}`])).toEqual([
      ['container nginx-container', 'root', '15:22', true, '16:27'],
    ]);
  });

  it('is recognised by name and content cheaply: other JSON is not read', () => {
    expect(ecsTaskDefinitionDiscoverer.candidate?.('deploy/taskdef.json')).toBe(true);
    expect(ecsTaskDefinitionDiscoverer.candidate?.('deploy/taskdef.yaml')).toBe(false);
    expect(ecsTaskDefinitionDiscoverer.matches('package.json', '{"name": "x", "dependencies": {}}')).toBe(false);
    expect(ecsTaskDefinitionDiscoverer.matches('task.json', '{"containerDefinitions": []}')).toBe(true);
  });

  // Crafted: 10,000 nested arrays overflowed jsonc-parser's recursive parse (the file reached the
  // scan only as "Maximum call stack size exceeded"), and the 101st container definition went unread without a word.
  it('says what it did not read: JSON nested past its bound, container definitions past theirs', async () => {
    const read = async (text: string) => {
      const { occurrences, errors } = await ecsTaskDefinitionDiscoverer.extract({ path: 'task-definition.json', text }, { buildArgs: {}, readFile: async () => undefined });
      return { images: occurrences.map((o) => o.reference), errors };
    };
    const nested = `{"containerDefinitions": [{"name": "web", "image": "nginx:1.27"}], "tags": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect(await read(nested)).toEqual({ images: [], errors: ['the JSON nests objects and arrays deeper than 256 levels: it was not read'] });
    const containers = Array.from({ length: 101 }, (_, index) => `{"name": "c${index}", "image": "registry.example.com/team/c${index}:1.0"}`);
    const many = await read(`{"containerDefinitions": [${containers.join(', ')}]}`);
    expect([many.images.length, many.errors]).toEqual([100, ['more than 100 container definitions: the rest were not read']]);
  });
});
