// The signature rules read `occurrence.signature` (filled by the sigstore stage); severity follows signatures.mode.
import { describe, expect, it } from 'vitest';
import { attestationInvalidCheck } from '../../src/checks/attestation-invalid.js';
import { attestationMissingCheck } from '../../src/checks/attestation-missing.js';
import { signatureInvalidCheck } from '../../src/checks/signature-invalid.js';
import { signatureNotCheckedCheck } from '../../src/checks/signature-not-checked.js';
import { signerMismatchCheck } from '../../src/checks/signer-mismatch.js';
import { buildTrustIndex } from '../../src/checks/trust.js';
import { unsignedCheck } from '../../src/checks/unsigned.js';
import { defaultPolicy } from '../../src/config/load.js';
import type { Policy } from '../../src/config/policy.js';
import type { ResolvedOccurrence, SignatureStatus } from '../../src/model.js';

const SLSA = 'https://slsa.dev/provenance/v1';

function occurrence(signature: SignatureStatus): ResolvedOccurrence {
  const reference = `ghcr.io/acme/app@sha256:${'a'.repeat(64)}`;
  return { file: 'k8s/deploy.yaml', line: 3, column: 14, kind: 'kubernetes', raw: reference, reference, signature };
}
function context(mode: Policy['signatures']['mode']) {
  const policy: Policy = { ...defaultPolicy(), signatures: { mode, rules: [] } };
  return { policy, trust: buildTrustIndex(policy) };
}

const SOURCE = 'policy line 4';
const EXPECTED = 'https://github.com/acme/app (issuer https://token.actions.githubusercontent.com)';
const unsigned = occurrence({
  status: 'unsigned',
  signatures: [],
  requiredPredicateTypes: [SLSA],
  unmet: [
    { source: SOURCE, kind: 'signature', reason: 'missing', expected: EXPECTED },
    { source: SOURCE, kind: 'attestation', predicateType: SLSA, reason: 'missing', expected: EXPECTED },
  ],
});
const invalid = occurrence({
  status: 'invalid',
  signatures: [{ format: 'legacy-cosign', verified: false, errorCode: 'PAYLOAD_MISMATCH', message: 'sha256-….sig layer 1: the signature was made for another image' }],
  unmet: [
    { source: SOURCE, kind: 'signature', reason: 'invalid', expected: EXPECTED, detail: 'sha256-….sig layer 1: the signature was made for another image', errorCode: 'PAYLOAD_MISMATCH' },
  ],
});
const mismatch = occurrence({
  status: 'signer-mismatch',
  signatures: [{ format: 'bundle', verified: false, errorCode: 'SUBJECT_MISMATCH', identity: { issuer: 'https://accounts.google.com', subject: 'mallory@example.com' } }],
  unmet: [
    {
      source: SOURCE,
      kind: 'signature',
      reason: 'signer-mismatch',
      expected: EXPECTED,
      detail: 'signed by mallory@example.com (issuer https://accounts.google.com): subject mismatch',
      errorCode: 'SUBJECT_MISMATCH',
    },
  ],
});
const verifiedWithBadAttestation = occurrence({
  status: 'verified',
  requiredPredicateTypes: [SLSA, 'https://spdx.dev/Document'],
  signatures: [
    { format: 'bundle', verified: true, identity: { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app' } },
    { format: 'legacy-attestation', verified: false, predicateType: SLSA, errorCode: 'ARTIFACT_DIGEST_MISMATCH', message: 'no subject is the image' },
  ],
  unmet: [
    { source: SOURCE, kind: 'attestation', predicateType: SLSA, reason: 'invalid', expected: EXPECTED, detail: 'no subject is the image', errorCode: 'ARTIFACT_DIGEST_MISMATCH' },
    { source: 'ClusterImagePolicy sbom', kind: 'attestation', predicateType: 'https://spdx.dev/Document', reason: 'missing', expected: EXPECTED },
  ],
});
const notChecked = occurrence({ status: 'not-checked', signatures: [], requiredPredicateTypes: [SLSA], message: 'registry unreachable' });
const all = [unsigned, invalid, mismatch, verifiedWithBadAttestation, notChecked];

describe('signature checks', () => {
  it('unsigned: only images with no signature at all', () => {
    expect(unsignedCheck.run(all, context('require'))).toMatchObject([{ occurrence: unsigned, severity: 'error' }]);
  });
  it('signature-invalid: carries the verifier code', () => {
    expect(signatureInvalidCheck.run(all, context('require'))).toMatchObject([{ occurrence: invalid, severity: 'error', errorCode: 'PAYLOAD_MISMATCH' }]);
  });
  it('signature-invalid: says how many signatures fail, attestations and verified ones not counted', () => {
    const failing = { format: 'legacy-cosign' as const, verified: false, errorCode: 'PAYLOAD_MISMATCH' };
    const [one] = signatureInvalidCheck.run([invalid], context('require'));
    expect(one!.message.startsWith('ghcr.io/acme/app@sha256:' + 'a'.repeat(64) + ' has a signature that does not verify (required by policy line 4')).toBe(true);
    const many = occurrence({
      ...invalid.signature!,
      signatures: [
        failing,
        failing,
        { format: 'bundle', verified: true },
        { format: 'legacy-attestation', verified: false, predicateType: SLSA, errorCode: 'ARTIFACT_DIGEST_MISMATCH' },
      ],
    });
    expect(signatureInvalidCheck.run([many], context('require'))[0]!.message).toContain(' has 2 signatures that do not verify');
  });
  it('unsigned: the message names the image and the formats looked for', () => {
    expect(unsignedCheck.run([unsigned], context('require'))[0]!.message).toContain(
      'ghcr.io/acme/app@sha256:' + 'a'.repeat(64) + ' has no signature (no Sigstore bundle referrer, no cosign .sig), but the signature policy requires one',
    );
  });
  it('signer-mismatch: names who signed', () => {
    const [draft, ...rest] = signerMismatchCheck.run(all, context('require'));
    expect(rest).toEqual([]);
    expect(draft).toMatchObject({ occurrence: mismatch, errorCode: 'SUBJECT_MISMATCH' });
    expect(draft!.message).toContain('mallory@example.com');
    expect(draft!.message).toContain(`required by ${SOURCE}: ${EXPECTED}`);
  });
  it('attestation-missing: per required predicate type without any attestation, never for unchecked images', () => {
    const drafts = attestationMissingCheck.run(all, context('require'));
    expect(drafts.map((d) => [d.occurrence === unsigned ? 'unsigned' : 'verified', d.message.includes(SLSA) ? 'slsa' : 'spdx'])).toEqual([
      ['unsigned', 'slsa'],
      ['verified', 'spdx'],
    ]);
  });
  it('attestation-invalid: attestations of the type exist but none verifies', () => {
    expect(attestationInvalidCheck.run(all, context('require'))).toMatchObject([{ occurrence: verifiedWithBadAttestation, errorCode: 'ARTIFACT_DIGEST_MISMATCH' }]);
  });
  it('signature-not-checked: an error under require naming the cause, a note under warn', () => {
    expect(signatureNotCheckedCheck.run(all, context('require'))).toMatchObject([{ occurrence: notChecked, severity: 'error' }]);
    expect(signatureNotCheckedCheck.run(all, context('require'))[0]!.message).toContain('registry unreachable');
    expect(signatureNotCheckedCheck.run(all, context('warn'))).toMatchObject([{ occurrence: notChecked, severity: 'note' }]);
    expect(signatureNotCheckedCheck.run(all, context('off'))).toEqual([]);
  });
  it('severity follows the mode: warn gives warnings, off gives nothing', () => {
    for (const check of [unsignedCheck, signatureInvalidCheck, signerMismatchCheck, attestationMissingCheck, attestationInvalidCheck]) {
      expect(check.run(all, context('warn')).every((d) => d.severity === 'warning')).toBe(true);
      expect(check.run(all, context('warn')).length).toBeGreaterThan(0);
      expect(check.run(all, context('off'))).toEqual([]);
    }
  });
});
