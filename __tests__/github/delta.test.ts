import { describe, expect, it } from 'vitest';
import { renderDelta, supplyChainDelta } from '../../src/github/delta.js';
import type { Occurrence } from '../../src/model.js';

function at(file: string, line: number, reference: string | null, raw = reference ?? '', local = false): Occurrence {
  return { file, line, column: 1, kind: 'compose', raw, reference, ...(local ? { local } : {}) };
}

describe('supplyChainDelta', () => {
  const base = [
    at('compose.yml', 3, 'docker.io/library/nginx:1.25'),
    at('compose.yml', 9, 'docker.io/library/redis:7.2'),
    at('k8s/app.yaml', 12, 'docker.io/library/postgres:16@sha256:' + 'a'.repeat(64)),
    at('k8s/app.yaml', 20, 'docker.io/library/memcached:1.6'),
    at('compose.yml', 1, 'docker.io/example/web:dev', 'example/web:dev', true),
  ];
  const head = [
    at('compose.yml', 3, 'docker.io/library/nginx:1.25'),
    at('compose.yml', 9, 'docker.io/library/redis:7.4'),
    at('k8s/app.yaml', 12, 'docker.io/library/postgres:16@sha256:' + 'b'.repeat(64)),
    at('k8s/app.yaml', 30, 'ghcr.io/library/memcached:1.6'),
    at('Dockerfile', 1, 'docker.io/library/ngnix:latest'),
    at('Dockerfile', 8, null, 'node:${NODE}'),
    at('compose.yml', 1, 'docker.io/example/web:dev2', 'example/web:dev2', true),
  ];

  it('lists added, changed (with what changed) and removed images, ignoring images built here', () => {
    expect(supplyChainDelta(base, head)).toEqual([
      { change: 'added', after: 'docker.io/library/ngnix:latest', locations: ['Dockerfile:1'] },
      { change: 'added', after: 'node:${NODE}', locations: ['Dockerfile:8'] },
      {
        change: 'changed',
        before: 'docker.io/library/postgres:16@sha256:' + 'a'.repeat(64),
        after: 'docker.io/library/postgres:16@sha256:' + 'b'.repeat(64),
        aspects: ['digest'],
        locations: ['k8s/app.yaml:12'],
        beforeLocations: ['k8s/app.yaml:12'],
      },
      {
        change: 'changed',
        before: 'docker.io/library/redis:7.2',
        after: 'docker.io/library/redis:7.4',
        aspects: ['tag'],
        locations: ['compose.yml:9'],
        beforeLocations: ['compose.yml:9'],
      },
      {
        change: 'changed',
        before: 'docker.io/library/memcached:1.6',
        after: 'ghcr.io/library/memcached:1.6',
        aspects: ['registry'],
        locations: ['k8s/app.yaml:30'],
        beforeLocations: ['k8s/app.yaml:20'],
      },
    ]);
  });

  it('reports an image that is gone as removed', () => {
    expect(supplyChainDelta(base.slice(0, 2), base.slice(0, 1))).toEqual([
      { change: 'removed', before: 'docker.io/library/redis:7.2', locations: ['compose.yml:9'] },
    ]);
  });

  it('pairs a changed tag with the line it replaced, in the same file, when the image is in several', () => {
    const before = [at('a/compose.yml', 4, 'docker.io/library/redis:7.0'), at('b/compose.yml', 8, 'docker.io/library/redis:7.2')];
    const after = [at('a/compose.yml', 4, 'docker.io/library/redis:7.0'), at('b/compose.yml', 8, 'docker.io/library/redis:7.4')];
    expect(supplyChainDelta(before, after)).toEqual([
      { change: 'changed', before: 'docker.io/library/redis:7.2', after: 'docker.io/library/redis:7.4', aspects: ['tag'], locations: ['b/compose.yml:8'], beforeLocations: ['b/compose.yml:8'] },
    ]);
    const moved = [at('a/compose.yml', 4, 'docker.io/library/redis:7.1'), at('b/compose.yml', 8, 'docker.io/library/redis:7.4')];
    const changes = supplyChainDelta(before, moved);
    expect(changes.map((change) => `${change.before} -> ${change.after} (was ${change.beforeLocations})`)).toEqual([
      'docker.io/library/redis:7.0 -> docker.io/library/redis:7.1 (was a/compose.yml:4)',
      'docker.io/library/redis:7.2 -> docker.io/library/redis:7.4 (was b/compose.yml:8)',
    ]);
  });

  it('renders escaped Markdown, and says so when nothing changed', () => {
    const markdown = renderDelta(supplyChainDelta(base, head));
    expect(markdown).toContain('- ➕ added <code>docker\\.io/library/ngnix&#58;latest</code> (<code>Dockerfile&#58;1</code>)');
    expect(markdown).toContain(
      '- 🔄 new tag: <code>docker\\.io/library/redis&#58;7\\.2</code> (was <code>compose\\.yml&#58;9</code>) → <code>docker\\.io/library/redis&#58;7\\.4</code> (<code>compose\\.yml&#58;9</code>)',
    );
    expect(renderDelta(supplyChainDelta(base.slice(0, 2), base.slice(0, 1)))).toContain('- ➖ removed <code>docker\\.io/library/redis&#58;7\\.2</code> (was at <code>compose\\.yml&#58;9</code>)');
    expect(renderDelta([])).toMatch(/adds, removes or changes no images/);
  });
});
