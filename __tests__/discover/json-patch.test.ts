import { describe, expect, it } from 'vitest';
import { isPatchOperation, patchTarget, setsValue } from '../../src/discover/json-patch.js';

describe('JSON patch paths', () => {
  it.each([
    ['/spec/template/spec/containers/0/image', 'image'],
    ['/spec/jobTemplate/spec/template/spec/initContainers/12/image', 'image'],
    ['/spec/template/spec/containers/-', 'container'],
    ['/spec/template/spec/ephemeralContainers/3', 'container'],
    ['/spec/template/spec/initContainers', 'container-list'],
    ['/spec/sidecars', 'container-list'],
    ['/spec/template/spec', 'other'],
    ['/spec/template/spec/containers/0/imagePullPolicy', 'other'],
    ['/spec/template/spec/containers/name/image', 'other'],
    ['/metadata/annotations/containers~1image', 'other'],
    ['/spec/containers~10/image', 'other'],
    // An operator-sdk scorecard configuration's tests, at the top of its document only.
    ['/stages/0/tests/-', 'scorecard-test'],
    ['/stages/1/tests/2/image', 'image'],
    ['/spec/stages/0/tests/-', 'other'],
    ['/stages/0/tests', 'other'],
    ['spec/template/spec/containers/0/image', 'other'],
    ['', 'other'],
  ])('%s sets %s', (path, target) => {
    expect(patchTarget(path)).toBe(target);
  });

  it('unescapes ~1 and ~0 in tokens as RFC 6901 says', () => {
    // `a~1containers` is the key `a/containers`, no container list; `containers` written plainly is one.
    expect(patchTarget('/a~1containers/0/image')).toBe('other');
    expect(patchTarget('/spec/con~0tainers/0/image')).toBe('other');
  });

  it('knows the operations, and which set a value', () => {
    expect(['add', 'remove', 'replace', 'move', 'copy', 'test'].every(isPatchOperation)).toBe(true);
    expect(isPatchOperation('render')).toBe(false);
    expect(isPatchOperation(undefined)).toBe(false);
    expect(['add', 'replace'].every(setsValue)).toBe(true);
    expect(['remove', 'move', 'copy', 'test', undefined].some(setsValue)).toBe(false);
  });
});
