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
});
