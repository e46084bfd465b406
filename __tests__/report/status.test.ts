import { describe, expect, it } from 'vitest';
import type { ResolvedOccurrence, SignatureStatus } from '../../src/model.js';
import { imageStatuses, signedImages } from '../../src/report/status.js';

const verified: SignatureStatus = {
  status: 'verified',
  signatures: [{ format: 'bundle', verified: true, identity: { subject: 'https://github.com/team/app', issuer: 'https://token.actions.githubusercontent.com' } }],
};
const unsigned: SignatureStatus = { status: 'unsigned', signatures: [] };

function occurrence(line: number, reference: string | null, extra: Partial<ResolvedOccurrence> = {}): ResolvedOccurrence {
  return { file: 'compose.yaml', line, column: 12, kind: 'compose', raw: reference ?? '$IMAGE', reference, ...extra };
}

describe('signedImages', () => {
  it('lists the rows of imageStatuses whose signature verified, an image as its first occurrence says', () => {
    const occurrences = [
      occurrence(1, 'ghcr.io/team/app:1', { signature: verified }),
      occurrence(2, 'ghcr.io/team/other:1', { signature: unsigned }),
      // First seen built here: its row says n/a, whatever a later occurrence says.
      occurrence(3, 'ghcr.io/team/built:1', { local: true }),
      occurrence(4, 'ghcr.io/team/built:1', { signature: verified }),
      occurrence(5, null),
      // A later occurrence of a signed image adds its location.
      occurrence(6, 'ghcr.io/team/app:1', { local: true }),
      occurrence(7, 'ghcr.io/team/again:2', { signature: verified }),
    ];
    const expected = imageStatuses(occurrences).filter((image) => image.signatureVerified === 'yes' && image.signer);
    expect(signedImages(occurrences)).toEqual(expected);
    expect(expected.map((image) => [image.reference, image.locations])).toEqual([
      ['ghcr.io/team/app:1', ['compose.yaml:1', 'compose.yaml:6']],
      ['ghcr.io/team/again:2', ['compose.yaml:7']],
    ]);
  });
});
