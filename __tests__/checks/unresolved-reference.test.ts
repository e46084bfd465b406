import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unresolvedReferenceCheck } from '../../src/checks/unresolved-reference.js';
import { runChecks } from '../../src/checks/index.js';
import { defaultPolicy } from '../../src/config/load.js';
import { cloudbuildDiscoverer } from '../../src/discover/cloudbuild.js';

const file = path.join(import.meta.dirname, '..', 'fixtures', 'checks', 'built-unresolved', 'cloudbuild.yaml');

describe('unresolved-reference', () => {
  it('is not raised on an image the repository builds (nothing is pulled to check), only on one it runs', async () => {
    const text = readFileSync(file, 'utf8');
    const context = { buildArgs: {}, readFile: async () => undefined };
    const { occurrences } = await cloudbuildDiscoverer.extract({ path: 'cloudbuild.yaml', text }, context);
    const findings = runChecks(occurrences, defaultPolicy(), new Map([['cloudbuild.yaml', text]]), { checks: [unresolvedReferenceCheck] });
    // The step running what the first step built, and the two images the build pushes, are built here:
    // osv.dev had 31 such notes, Google's cloud-builders 214, each saying an image "was not checked".
    expect(findings.map((finding) => [finding.rule, finding.line, finding.raw])).toEqual([['unresolved-reference', 8, 'gcr.io/$PROJECT_ID/deployer:$_DEPLOY_TAG']]);
    expect(occurrences.filter((occurrence) => occurrence.local).map((occurrence) => occurrence.line)).toEqual([6, 11, 12]);
  });
});
