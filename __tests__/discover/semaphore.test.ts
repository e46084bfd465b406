import { describe, expect, it } from 'vitest';
import { semaphoreDiscoverer } from '../../src/discover/semaphore.js';
import { extractFixture } from './discover-helpers.js';

describe('semaphore discoverer', () => {
  it('reads the containers of the pipeline agent and of each task agent, and the images their commands pull', async () => {
    const { occurrences, errors } = await extractFixture(semaphoreDiscoverer, 'semaphore', '.semaphore/semaphore.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['11:15', 'registry.semaphoreci.com/ruby:2.6', 'registry.semaphoreci.com/ruby:2.6', 'agent.containers[0].image'],
      ['13:15', 'registry.semaphoreci.com/postgres:9.6', 'registry.semaphoreci.com/postgres:9.6', 'agent.containers[1].image'],
      ['36:21', 'registry.semaphoreci.com/android:34-flutter', 'registry.semaphoreci.com/android:34-flutter', 'blocks[0].task.agent.containers[0].image'],
      // The global env_vars fill in a command of every task.
      ['43:46', '$LINT_IMAGE', 'docker.io/koalaman/shellcheck:v0.10.0', 'blocks[0].task.jobs[0].commands[0]'],
      ['55:21', 'semaphoreci/alpine:3.9', 'docker.io/semaphoreci/alpine:3.9', 'blocks[1].task.agent.containers[0].image'],
      ['59:27', 'alpine:$ALPINE_TAG', 'docker.io/library/alpine:3.20', 'blocks[1].task.jobs[0].commands[0]'],
      ['63:31', '$SEMAPHORE_REGISTRY_URL/reporter:1', 'the shell expands $SEMAPHORE_REGISTRY_URL/reporter:1 when the job runs (a Semaphore variable, or one set outside this file)', 'blocks[1].task.epilogue.always.commands[0]'],
    ]);
  });

  it('matches YAML files under .semaphore/ only', () => {
    expect(semaphoreDiscoverer.matches('.semaphore/semaphore.yml', '')).toBe(true);
    expect(semaphoreDiscoverer.matches('services/api/.semaphore/deploy.yaml', '')).toBe(true);
    expect(semaphoreDiscoverer.matches('.semaphore/sem-version_focal.txt', '')).toBe(false);
    expect(semaphoreDiscoverer.matches('semaphore.yml', '')).toBe(false);
    expect(semaphoreDiscoverer.matches('x.semaphore/semaphore.yml', '')).toBe(false);
  });
});
