// Signature rules over an index checked with its platform manifests (policy `signatures.platforms`):
// the index is judged by its own status, and each failing platform is its own finding naming it.
import { describe, expect, it } from 'vitest';
import { attestationInvalidCheck } from '../../src/checks/attestation-invalid.js';
import { attestationMissingCheck } from '../../src/checks/attestation-missing.js';
import { signatureInvalidCheck } from '../../src/checks/signature-invalid.js';
import { signatureNotCheckedCheck } from '../../src/checks/signature-not-checked.js';
import { signatureSubjects } from '../../src/checks/signature-severity.js';
import { signerMismatchCheck } from '../../src/checks/signer-mismatch.js';
import { buildTrustIndex } from '../../src/checks/trust.js';
import { unsignedCheck } from '../../src/checks/unsigned.js';
import { defaultPolicy } from '../../src/config/load.js';
import type { Policy } from '../../src/config/policy.js';
import type { ResolvedOccurrence, SignatureStatus } from '../../src/model.js';

const SLSA = 'https://slsa.dev/provenance/v1';
const INDEX = `sha256:${'a'.repeat(64)}`;
const AMD64 = `sha256:${'b'.repeat(64)}`;
const ARM64 = `sha256:${'c'.repeat(64)}`;
const PPC = `sha256:${'d'.repeat(64)}`;
const SIGNER = { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main' };
const MALLORY = { issuer: 'https://accounts.google.com', subject: 'mallory@example.com' };
const SOURCE = 'policy line 7';
const EXPECTED = `${SIGNER.subject} (issuer ${SIGNER.issuer})`;

const policy: Policy = { ...defaultPolicy(), signatures: { mode: 'warn', rules: [], platforms: true } };
const context = { policy, trust: buildTrustIndex(policy) };

function occurrence(signature: SignatureStatus): ResolvedOccurrence {
  const reference = `ghcr.io/acme/app:1.0@${INDEX}`;
  return { file: 'compose.yaml', line: 4, column: 12, kind: 'compose', raw: reference, reference, signature };
}

// The index and amd64 are signed with provenance; arm64 is signed by someone else and has no
// provenance; ppc64le has only a provenance attestation that does not verify; s390x could not be asked.
const image = occurrence({
  status: 'signer-mismatch',
  indexStatus: 'verified',
  requiredPredicateTypes: [SLSA],
  signatures: [
    { format: 'bundle', verified: true, identity: SIGNER },
    { format: 'bundle', verified: true, identity: SIGNER, predicateType: SLSA },
  ],
  platforms: [
    { platform: 'linux/amd64', digest: AMD64, status: 'verified', signatures: [{ format: 'bundle', verified: true, identity: SIGNER }, { format: 'bundle', verified: true, identity: SIGNER, predicateType: SLSA }] },
    {
      platform: 'linux/arm64',
      digest: ARM64,
      status: 'signer-mismatch',
      signatures: [{ format: 'bundle', verified: false, identity: MALLORY, errorCode: 'SUBJECT_MISMATCH' }],
      unmet: [
        { source: SOURCE, kind: 'signature', reason: 'signer-mismatch', expected: EXPECTED, detail: 'signed by mallory@example.com (issuer https://accounts.google.com)', errorCode: 'SUBJECT_MISMATCH' },
        { source: SOURCE, kind: 'attestation', predicateType: SLSA, reason: 'missing', expected: EXPECTED },
      ],
    },
    {
      platform: 'linux/ppc64le',
      digest: PPC,
      status: 'verified',
      signatures: [
        { format: 'bundle', verified: true, identity: SIGNER },
        { format: 'legacy-attestation', verified: false, predicateType: SLSA, errorCode: 'ARTIFACT_DIGEST_MISMATCH', message: 'no subject is the image' },
      ],
      unmet: [{ source: SOURCE, kind: 'attestation', predicateType: SLSA, reason: 'invalid', expected: EXPECTED, detail: 'no subject is the image', errorCode: 'ARTIFACT_DIGEST_MISMATCH' }],
    },
    { platform: 'linux/s390x', digest: `sha256:${'e'.repeat(64)}`, status: 'not-checked', signatures: [], message: 'signatures could not be listed' },
  ],
});

describe('signature rules with platform manifests', () => {
  it('judge the index by its own status, then each platform by its own', () => {
    const subjects = signatureSubjects(image.signature!, image.reference!);
    expect(subjects.map((s) => [s.image, s.signature.status])).toEqual([
      [image.reference, 'verified'],
      [`${image.reference} for linux/amd64 (platform manifest ${AMD64})`, 'verified'],
      [`${image.reference} for linux/arm64 (platform manifest ${ARM64})`, 'signer-mismatch'],
      [`${image.reference} for linux/ppc64le (platform manifest ${PPC})`, 'verified'],
      [`${image.reference} for linux/s390x (platform manifest sha256:${'e'.repeat(64)})`, 'not-checked'],
    ]);
    expect(subjects[0]!.signature.platforms).toBeUndefined();
    expect(subjects.every((s) => s.signature.requiredPredicateTypes?.[0] === SLSA)).toBe(true);
  });

  it('signer-mismatch: one finding, for the platform, naming who signed it', () => {
    const drafts = signerMismatchCheck.run([image], context);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ occurrence: image, severity: 'warning', errorCode: 'SUBJECT_MISMATCH' });
    expect(drafts[0]!.message).toBe(
      `${image.reference} for linux/arm64 (platform manifest ${ARM64}) is signed, but not by the signer the policy requires (required by ${SOURCE}: ${EXPECTED}); signed by mallory@example.com (issuer https://accounts.google.com)`,
    );
  });

  it('attestation-missing and attestation-invalid: per platform, never for one not checked', () => {
    expect(attestationMissingCheck.run([image], context).map((d) => d.message)).toEqual([
      `${image.reference} for linux/arm64 (platform manifest ${ARM64}) has no ${SLSA} attestation, which the signature policy requires (required by ${SOURCE}: ${EXPECTED})`,
    ]);
    const invalid = attestationInvalidCheck.run([image], context);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.message).toContain(`for linux/ppc64le (platform manifest ${PPC}) has a ${SLSA} attestation but none verifies`);
  });

  it('unsigned and signature-invalid: nothing, since no subject has that status', () => {
    expect(unsignedCheck.run([image], context)).toEqual([]);
    expect(signatureInvalidCheck.run([image], context)).toEqual([]);
  });

  it('signature-not-checked: the unchecked platform, and an index whose platforms could not be read at all', () => {
    expect(signatureNotCheckedCheck.run([image], context).map((d) => [d.severity, d.message.slice(0, d.message.indexOf(': signatures not checked'))])).toEqual([
      ['note', `${image.reference} for linux/s390x (platform manifest sha256:${'e'.repeat(64)})`],
    ]);
    // The index verified, but its platform manifests could not be listed: not checked, so not verified.
    const unreadable = occurrence({ status: 'not-checked', indexStatus: 'verified', signatures: [], platforms: [], message: 'platform manifests not checked: the index could not be read' });
    const requirePolicy: Policy = { ...policy, signatures: { ...policy.signatures, mode: 'require' } };
    const drafts = signatureNotCheckedCheck.run([unreadable], { policy: requirePolicy, trust: buildTrustIndex(requirePolicy) });
    expect(drafts).toMatchObject([{ severity: 'error' }]);
    expect(drafts[0]!.message).toContain('the index could not be read');
  });

  it('a status without platforms is judged as before', () => {
    const plain = occurrence({ status: 'unsigned', signatures: [], unmet: [{ source: SOURCE, kind: 'signature', reason: 'missing', expected: EXPECTED }] });
    expect(signatureSubjects(plain.signature!, 'x')).toEqual([{ signature: plain.signature, image: 'x' }]);
    expect(unsignedCheck.run([plain], context)).toHaveLength(1);
  });
});
