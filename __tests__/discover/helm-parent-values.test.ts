import { describe, expect, it } from 'vitest';
import { keyInParent, overlayParentValues, parentValuesFor, vendoringParent } from '../../src/discover/helm-parent-values.js';
import type { ScalarLocation } from '../../src/discover/yaml.js';

const at = (value: string): ScalarLocation => ({ offset: 0, raw: value, value });

describe('vendoringParent', () => {
  it.each([
    ['deploy/umbrella/charts/operator', 'deploy/umbrella'],
    ['umbrella/charts/operator', 'umbrella'],
    ['charts/operator', ''],
    ['charts', undefined],
    ['umbrella/operator', undefined],
    ['umbrella/charts/operator/extra', undefined],
  ])('%s -> %s', (root, parent) => {
    expect(vendoringParent(root)).toBe(parent);
  });
});

describe('keyInParent', () => {
  it('uses the alias the parent gives the dependency, else the name', () => {
    const dependencies = [{ name: 'worker', alias: 'jobs' }, { name: 'operator' }];
    expect(keyInParent('worker', dependencies)).toBe('jobs');
    expect(keyInParent('operator', dependencies)).toBe('operator');
    expect(keyInParent('unlisted', dependencies)).toBe('unlisted');
    expect(keyInParent('worker', undefined)).toBe('worker');
  });
});

describe('overlayParentValues', () => {
  it("lets the parent's section win key by key, merging maps and removing nulls", () => {
    const image = { repository: 'ghcr.io/example/worker', tag: '1.0.0' };
    const data: Record<string, unknown> = { image, sidecar: { image: 'busybox' }, replicas: 1 };
    const parent = parentValuesFor({ jobs: { image: { tag: '2.0.1' }, sidecar: null, extra: 'x' } }, 'jobs');
    overlayParentValues(data, parent, new WeakMap());
    expect(data).toEqual({ image: { repository: 'ghcr.io/example/worker', tag: '2.0.1' }, replicas: 1, extra: 'x' });
    expect(data.image).toBe(image);
  });

  it('forgets the written location of a scalar the parent replaces, and keeps the others', () => {
    const image = { repository: 'ghcr.io/example/worker', tag: '1.0.0' };
    const locations = new WeakMap<object, Map<string, ScalarLocation>>([[image, new Map([['repository', at('ghcr.io/example/worker')], ['tag', at('1.0.0')]])]]);
    overlayParentValues({ image }, { global: undefined, section: { image: { tag: '2.0.1' } } }, locations);
    expect([...locations.get(image)!.keys()]).toEqual(['repository']);
  });

  it("merges the parent's global into the subchart's own, the parent winning", () => {
    const data: Record<string, unknown> = { global: { registry: 'docker.io', pullPolicy: 'Always' } };
    overlayParentValues(data, parentValuesFor({ global: { registry: 'ghcr.io/example' } }, 'x'), new WeakMap());
    expect(data.global).toEqual({ registry: 'ghcr.io/example', pullPolicy: 'Always' });
  });

  it('ignores parent parts that are not maps and never writes a prototype', () => {
    const data: Record<string, unknown> = { image: 'a' };
    expect(parentValuesFor({ global: 'text', x: ['list'] }, 'x')).toEqual({ global: undefined, section: undefined });
    overlayParentValues(data, { global: undefined, section: JSON.parse('{"__proto__": {"polluted": true}, "image": "b"}') as Record<string, unknown> }, new WeakMap());
    expect(data).toEqual({ image: 'b' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });
});
