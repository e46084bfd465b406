// Exact identity matching (never @sigstore/verify's unanchored string-as-regex), and prehashed signatures.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertKeylessIdentity } from '../../src/sigstore/identity.js';
import { verifyPrehashed } from '../../src/sigstore/prehashed.js';

const issuer = 'https://token.actions.githubusercontent.com';
const subject = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';

describe('assertKeylessIdentity', () => {
  const cases: Array<[string, Parameters<typeof assertKeylessIdentity>[0], { issuer?: string; subject?: string }, string | null]> = [
    ['exact match', { issuer, subject }, { issuer, subject }, null],
    ['subject only contained', { issuer, subject: 'acme/app' }, { issuer, subject }, 'SUBJECT_MISMATCH'],
    ['subject with regex metacharacters is literal', { issuer, subject: subject.replace('.yml', '.ym.') }, { issuer, subject }, 'SUBJECT_MISMATCH'],
    ['longer subject', { issuer, subject }, { issuer, subject: `${subject}-evil` }, 'SUBJECT_MISMATCH'],
    ['issuer prefix', { issuer: 'https://token.actions', subject }, { issuer, subject }, 'ISSUER_MISMATCH'],
    ['anchored regexp', { issuer, subjectRegExp: '^https://github\\.com/acme/' }, { issuer, subject }, null],
    ['regexp as written (unanchored)', { issuer, subjectRegExp: 'acme/app' }, { issuer, subject }, null],
    ['anchored regexp mismatch', { issuer, subjectRegExp: '^https://github\\.com/other/' }, { issuer, subject }, 'SUBJECT_MISMATCH'],
    ['issuer regexp', { issuerRegExp: '^https://token\\.actions\\.githubusercontent\\.com$', subject }, { issuer, subject }, null],
    ['no issuer in the rule', { subject }, { issuer, subject }, 'ISSUER_MISMATCH'],
    ['no subject in the rule', { issuer }, { issuer, subject }, 'SUBJECT_MISMATCH'],
    ['certificate without issuer', { issuer, subject }, { subject }, 'ISSUER_MISMATCH'],
    // A pattern that matches anything still needs the certificate to carry the field (never the text "undefined").
    ['certificate without subject, any subject accepted', { issuer, subjectRegExp: '.*' }, { issuer }, 'SUBJECT_MISMATCH'],
    ['certificate without issuer, any issuer accepted', { issuerRegExp: '^undef', subject }, { subject }, 'ISSUER_MISMATCH'],
    ['invalid regexp', { issuer, subjectRegExp: '(' }, { issuer, subject }, 'UNTRUSTED_SIGNER_ERROR'],
  ];
  for (const [name, expected, signer, code] of cases) {
    it(name, () => {
      if (code === null) expect(() => assertKeylessIdentity(expected, signer)).not.toThrow();
      else expect(() => assertKeylessIdentity(expected, signer)).toThrow(expect.objectContaining({ code }));
    });
  }
});

describe('verifyPrehashed', () => {
  const data = Buffer.from('manifest bytes');
  for (const [curve, hash] of [['prime256v1', 'sha256'], ['secp384r1', 'sha384'], ['secp521r1', 'sha512']] as const) {
    it(`ECDSA ${curve} over a ${hash} digest`, () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const signature = sign(hash, data, privateKey);
      expect(verifyPrehashed(publicKey, hash, createHash(hash).update(data).digest(), signature)).toBe(true);
      expect(verifyPrehashed(publicKey, hash, createHash(hash).update('other').digest(), signature)).toBe(false);
      expect(verifyPrehashed(publicKey, hash, createHash(hash).update(data).digest(), Buffer.from('3000', 'hex'))).toBe(false);
    });
  }
  it('RSA PKCS#1 v1.5', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signature = sign('sha256', data, privateKey);
    expect(verifyPrehashed(publicKey, 'sha256', createHash('sha256').update(data).digest(), signature)).toBe(true);
    expect(verifyPrehashed(publicKey, 'sha256', createHash('sha256').update('x').digest(), signature)).toBe(false);
  });
  it('Ed25519 cannot be checked from a digest', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    expect(verifyPrehashed(publicKey, 'sha256', createHash('sha256').update(data).digest(), sign(null, data, privateKey))).toBe(false);
  });
});
