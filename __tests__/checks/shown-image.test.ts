import { describe, expect, it } from 'vitest';
import { mutableTagCheck } from '../../src/checks/mutable-tag.js';
import { buildTrustIndex } from '../../src/checks/trust.js';
import { unpinnedCheck } from '../../src/checks/unpinned.js';
import { defaultPolicy } from '../../src/config/load.js';
import type { ResolvedOccurrence } from '../../src/model.js';

describe('messages name the image as it resolves, not the template it is written as', () => {
  const policy = defaultPolicy();
  const context = { policy, trust: buildTrustIndex(policy) };
  const template: ResolvedOccurrence = {
    file: 'charts/web/templates/deployment.yaml',
    line: 11,
    column: 19,
    kind: 'helm',
    raw: '{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}',
    resolved: 'ghcr.io/example/web:latest',
    reference: 'ghcr.io/example/web:latest',
  };

  it('unpinned and mutable-tag quote the resolved image', () => {
    expect(unpinnedCheck.run([template], context)[0].message).toMatch(/^ghcr\.io\/example\/web:latest is not pinned by digest/);
    expect(mutableTagCheck.run([template], context)[0].message).toMatch(/^ghcr\.io\/example\/web:latest uses the tag "latest"/);
  });

  it('an image written literally is quoted as written', () => {
    const literal: ResolvedOccurrence = { ...template, raw: 'busybox', reference: 'docker.io/library/busybox' };
    delete literal.resolved;
    expect(mutableTagCheck.run([literal], context)[0].message).toMatch(/^busybox has no tag/);
  });
});
