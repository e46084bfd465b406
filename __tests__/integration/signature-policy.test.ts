/**
 * The signature POLICY end to end (issue 11): `verify-images scan` (the CLI) over repositories
 * written here, against a REAL registry (docker-registry) holding images signed in this file
 * (cosign keys, and keyless through the mock Sigstore), for each way a policy could be met when
 * it was not: rules merged by their text, attestations judged by type instead of signer,
 * predicate types taken from unsigned labels, attestation-only rules, lookups that fail under
 * `mode: require`, host spellings, unanchored identity regexps, and the docs' own examples.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { Finding, ResolvedOccurrence, ScanResult } from '../../src/model.js';
import { SIMPLESIGNING_MEDIA_TYPE } from '../../src/sigstore/legacy.js';
import { COSIGN_SIGN_PREDICATE_TYPE } from '../../src/sigstore/payload.js';
import { keylessAttestationLayer, keySignatureAnnotations, pushBundleReferrer, pushLegacySignatures, simpleSigningPayload, type LegacyLayerSpec } from '../helpers/cosign-format.js';
import { isSignatureLookup, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { pushImage, registryAvailability, startRegistry, type PushedImage, type TestRegistry } from '../helpers/registry.js';
import { MOCK_ISSUER, startMockSigstore, type MockSigstore } from '../helpers/sigstore.js';

const availability = registryAvailability();
const CREDENTIALS_ENV = 'VERIFY_IMAGES_REGISTRY_CREDENTIALS';
const DOCS = join(dirname(fileURLToPath(import.meta.url)), '../../docs/policy.md');
const SLSA = 'https://slsa.dev/provenance/v1';
const IN_TOTO = 'application/vnd.in-toto+json';
const S1 = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const S2 = 'https://github.com/acme/app/.github/workflows/provenance.yml@refs/heads/main';
const EVIL = 'https://github.com/acmeevil/app/.github/workflows/release.yml@refs/heads/main';
const SIGNATURE_RULES = new Set(['unsigned', 'signature-invalid', 'signer-mismatch', 'attestation-missing', 'attestation-invalid', 'signature-not-checked']);

type KeyPair = { publicKey: KeyObject; privateKey: KeyObject };

function statement(digest: string, predicateType: string): Buffer {
  return Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'image', digest: { sha256: digest.split(':')[1] } }], predicateType, predicate: {} }));
}

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

describe.skipIf(!availability.ok)(`signature policy against a real registry${availability.ok ? '' : ` — skipped: ${availability.reason}`}`, () => {
  let registry: TestRegistry;
  let sigstore: MockSigstore;
  let H: string;
  let port: string;
  let work: string;
  let keyA: KeyPair;
  let keyB: KeyPair;
  let failing: FaultProxy;
  let hanging: FaultProxy;
  let attestationsFailing: FaultProxy;
  let savedCredentials: string | undefined;
  const images: Record<string, PushedImage> = {};
  const referrers: Record<string, object[]> = {};

  async function subjectOf(repository: string): Promise<{ digest: string; mediaType: string; size: number }> {
    const image = images[repository]!;
    const bytes = await manifestBytes(repository);
    return { digest: image.digest, mediaType: image.mediaType, size: bytes.byteLength };
  }

  async function manifestBytes(repository: string): Promise<Buffer> {
    const image = images[repository]!;
    const answer = await fetch(`${registry.url}/v2/${repository}/manifests/${image.digest}`, {
      headers: { authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`, accept: image.mediaType },
    });
    return Buffer.from(await answer.arrayBuffer());
  }

  async function push(repository: string): Promise<PushedImage> {
    images[repository] = await pushImage(registry, repository, '1.0', { content: repository });
    return images[repository];
  }

  /** Adds a keyless Sigstore bundle (OCI 1.1 referrer) over an in-toto statement of `predicateType` by `subject`. */
  async function keylessReferrer(repository: string, predicateType: string, subject: string, issuer = MOCK_ISSUER): Promise<void> {
    const image = images[repository]!;
    const bundle = await sigstore.signDsse(statement(image.digest, predicateType), IN_TOTO, { subject, issuer });
    const pushed = await pushBundleReferrer(registry, repository, await subjectOf(repository), sigstore.bundleJson(bundle), {
      predicateType,
      existing: referrers[repository] ?? [],
    });
    (referrers[repository] ??= []).push(pushed.descriptor);
  }

  /** cosign `.sig` layers, one per key (what `cosign sign --key` makes, logged in the mock Rekor). */
  async function keySignatures(repository: string, keys: KeyPair[]): Promise<void> {
    const image = images[repository]!;
    const payload = simpleSigningPayload(`${H}/${repository}`, image.digest);
    const layers: LegacyLayerSpec[] = [];
    for (const key of keys) layers.push({ mediaType: SIMPLESIGNING_MEDIA_TYPE, blob: payload, annotations: await keySignatureAnnotations(sigstore.tlog, payload, key) });
    await pushLegacySignatures(registry, repository, image.digest, 'sig', layers);
  }

  const pem = (key: KeyPair) => key.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  /** A repository with a policy, a compose file naming `refs`, the keys and the mock trusted root. */
  async function repository(name: string, policy: string, refs: string[], files: Record<string, string> = {}): Promise<string> {
    const root = join(work, name);
    await mkdir(join(root, '.github'), { recursive: true });
    await mkdir(join(root, 'keys'), { recursive: true });
    await mkdir(join(root, 'sigstore'), { recursive: true });
    await writeFile(join(root, '.github/verify-images.yml'), policy);
    await writeFile(join(root, 'docker-compose.yml'), `services:\n${refs.map((ref, index) => `  s${index}:\n    image: ${ref}\n`).join('')}`);
    await writeFile(join(root, 'keys/a.pub'), pem(keyA));
    await writeFile(join(root, 'keys/b.pub'), pem(keyB));
    await writeFile(join(root, 'sigstore/trusted_root.json'), JSON.stringify(TrustedRoot.toJSON(sigstore.trustedRoot), null, 2));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  }

  /** The common head of the test policies: only signatures under test, the registry and proxies over HTTP. */
  function head(mode = 'require'): string {
    return [
      `insecure-registries: ["${H}", "localhost:${port}", "${failing.host}", "${hanging.host}", "${attestationsFailing.host}"]`,
      'pinning: off',
      'registry: { retries: 0, timeout-seconds: 2 }',
      'signatures:',
      `  mode: ${mode}`,
      '  trusted-root: sigstore/trusted_root.json',
    ].join('\n');
  }

  const keyless = (subject: string, indent: string) =>
    `${indent}keyless:\n${indent}  issuer: ${MOCK_ISSUER}\n${indent}  subject: ${subject}\n`;

  async function scanRepository(root: string): Promise<{ code: number; report: ScanResult; stderr: string; signature: (repository: string) => string; findings: string[] }> {
    const { code, stdout, stderr } = await cli(['scan', root, '--format', 'json'], root);
    const report = JSON.parse(stdout || '{}') as ScanResult;
    const pathOf = (reference: string | null) => (reference ?? '').replace(/^[^/]+\//, '').replace(/:1\.0(?=@|$)/, '');
    const findings = (report.findings ?? [])
      .filter((f: Finding) => SIGNATURE_RULES.has(f.rule) && !f.suppressed)
      .map((f: Finding) => `${f.rule} ${pathOf(f.reference)}`)
      .sort();
    const signature = (path: string) => {
      const occurrence = (report.occurrences ?? []).find((o: ResolvedOccurrence) => pathOf(o.reference) === path);
      return occurrence?.signature?.status ?? 'none';
    };
    return { code, report, stderr, signature, findings };
  }

  beforeAll(async () => {
    registry = await startRegistry();
    sigstore = await startMockSigstore();
    H = registry.host;
    port = H.split(':')[1]!;
    work = await mkdtemp(join(tmpdir(), 'verify-images-sigpolicy-'));
    keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    // 1. Signed by key A only, and by both keys.
    await push('grp/a');
    await keySignatures('grp/a', [keyA]);
    await push('grp/ab');
    await keySignatures('grp/ab', [keyA, keyB]);

    // 2. Signed by S1 and S2; SLSA provenance by S1 only, or by both.
    for (const name of ['att/s1-only', 'att/both']) {
      await push(name);
      await keylessReferrer(name, COSIGN_SIGN_PREDICATE_TYPE, S1);
      await keylessReferrer(name, COSIGN_SIGN_PREDICATE_TYPE, S2);
      await keylessReferrer(name, SLSA, S1);
    }
    await keylessReferrer('att/both', SLSA, S2);

    // 3. Signed by S1, with `.att` layers that claim SLSA in their (unsigned) annotation only:
    // a valid DSSE by S1 over the image manifest itself (not an in-toto statement), and a valid
    // in-toto statement of another predicate type. And a genuine SLSA statement, as the control.
    for (const name of ['pred/not-in-toto', 'pred/other-type', 'pred/good']) {
      await push(name);
      await keylessReferrer(name, COSIGN_SIGN_PREDICATE_TYPE, S1);
    }
    const manifest = await manifestBytes('pred/not-in-toto');
    const overManifest = await sigstore.signDsse(manifest, 'application/vnd.oci.image.manifest.v1+json', { subject: S1 });
    await pushLegacySignatures(registry, 'pred/not-in-toto', images['pred/not-in-toto']!.digest, 'att', [keylessAttestationLayer(overManifest, SLSA)]);
    const otherType = await sigstore.signDsse(statement(images['pred/other-type']!.digest, 'https://example.com/other/v1'), IN_TOTO, { subject: S1 });
    await pushLegacySignatures(registry, 'pred/other-type', images['pred/other-type']!.digest, 'att', [keylessAttestationLayer(otherType, SLSA)]);
    const good = await sigstore.signDsse(statement(images['pred/good']!.digest, SLSA), IN_TOTO, { subject: S1 });
    await pushLegacySignatures(registry, 'pred/good', images['pred/good']!.digest, 'att', [keylessAttestationLayer(good, SLSA)]);

    // 4. SLSA provenance only (no signature), as the attestation-only rule shape asks.
    await push('attonly/good');
    await keylessReferrer('attonly/good', SLSA, S1);
    await push('attonly/unsigned');

    // 6. Host spellings: one signed image and one unsigned image, named through localhost.
    await push('host/signed');
    await keylessReferrer('host/signed', COSIGN_SIGN_PREDICATE_TYPE, S1);
    await push('host/unsigned');

    // 7. Signed by an identity an unanchored regexp for acme also accepts.
    await push('regexp/evil');
    await keylessReferrer('regexp/evil', COSIGN_SIGN_PREDICATE_TYPE, EVIL);

    // 5. A signed image behind proxies that fail or hang on signature lookups (tag lookups pass).
    await push('fault/signed');
    await keylessReferrer('fault/signed', COSIGN_SIGN_PREDICATE_TYPE, S1);
    failing = await startFaultProxy(registry.url, (request) => (isSignatureLookup(request) ? { status: 503 } : 'pass'));
    hanging = await startFaultProxy(registry.url, (request) => (isSignatureLookup(request) ? 'hang' : 'pass'));
    // Only the cosign attestation tag fails: signatures are found, attestations cannot be listed.
    attestationsFailing = await startFaultProxy(registry.url, (request) => (request.url?.endsWith('.att') ? { status: 500 } : 'pass'));

    savedCredentials = process.env[CREDENTIALS_ENV];
    const credential = { username: registry.username, password: registry.password };
    // Credentials go to each spelling that is meant to receive them: folding is for matching only.
    process.env[CREDENTIALS_ENV] = JSON.stringify({
      [H]: credential,
      [`localhost:${port}`]: credential,
      [failing.host]: credential,
      [hanging.host]: credential,
      [attestationsFailing.host]: credential,
    });
  }, 240_000);

  afterAll(async () => {
    if (savedCredentials === undefined) delete process.env[CREDENTIALS_ENV];
    else process.env[CREDENTIALS_ENV] = savedCredentials;
    await failing?.stop();
    await hanging?.stop();
    await attestationsFailing?.stop();
    await registry?.stop();
    await sigstore?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe('1. rules are grouped by structure, never by a source label', () => {
    const expected = ['signer-mismatch grp/a'];

    it('two rules on one flow-style line both apply (key A and key B)', async () => {
      const policy = `${head()}\n  rules: [{ images: ["${H}/grp/**"], key: keys/a.pub }, { images: ["${H}/grp/**"], key: keys/b.pub }]\n`;
      const result = await scanRepository(await repository('flow-rules', policy, [`${H}/grp/a:1.0`, `${H}/grp/ab:1.0`]));
      expect(result.findings).toEqual(expected);
      expect(result.report.findings.find((f) => f.rule === 'signer-mismatch')!.message).toContain('keys/b.pub');
      expect(result.signature('grp/ab')).toBe('verified');
      expect(result.code).toBe(1);
    });

    it('the same rules written one per line give the same result', async () => {
      const policy = `${head()}\n  rules:\n    - images: ["${H}/grp/**"]\n      key: keys/a.pub\n    - images: ["${H}/grp/**"]\n      key: keys/b.pub\n`;
      const result = await scanRepository(await repository('block-rules', policy, [`${H}/grp/a:1.0`, `${H}/grp/ab:1.0`]));
      expect(result.findings).toEqual(expected);
      expect(result.code).toBe(1);
    });

    for (const [label, metadata] of [
      ['the same metadata.name', 'metadata: { name: release }\n'],
      ['no metadata.name', ''],
    ] as const) {
      it(`two ClusterImagePolicy documents with ${label} are both enforced`, async () => {
        const cip = (key: KeyPair) =>
          [
            'apiVersion: policy.sigstore.dev/v1beta1',
            'kind: ClusterImagePolicy',
            metadata.trimEnd(),
            'spec:',
            `  images: [{ glob: "${H}/grp/**" }]`,
            '  authorities:',
            '    - key:',
            '        data: |',
            ...pem(key).trimEnd().split('\n').map((line) => `          ${line}`),
          ]
            .filter(Boolean)
            .join('\n');
        const policy = `${head()}\n  cluster-image-policies: ["deploy/cip.yaml"]\n`;
        const root = await repository(`cip-${metadata ? 'named' : 'unnamed'}`, policy, [`${H}/grp/a:1.0`, `${H}/grp/ab:1.0`], {
          'deploy/cip.yaml': `${cip(keyA)}\n---\n${cip(keyB)}\n`,
        });
        const result = await scanRepository(root);
        expect(result.report.errors).toEqual([]);
        expect(result.findings).toEqual(expected);
        expect(result.signature('grp/ab')).toBe('verified');
      });
    }

    it('a ClusterImagePolicy with two authorities accepts either (policy-controller semantics)', async () => {
      const authority = (key: KeyPair) => ['    - key:', '        data: |', ...pem(key).trimEnd().split('\n').map((line) => `          ${line}`)].join('\n');
      const cip = ['apiVersion: policy.sigstore.dev/v1beta1', 'kind: ClusterImagePolicy', 'metadata: { name: either }', 'spec:', `  images: [{ glob: "${H}/grp/**" }]`, '  authorities:', authority(keyB), authority(keyA)].join('\n');
      const policy = `${head()}\n  cluster-image-policies: ["deploy/cip.yaml"]\n`;
      const result = await scanRepository(await repository('cip-either', policy, [`${H}/grp/a:1.0`], { 'deploy/cip.yaml': `${cip}\n` }));
      expect(result.findings).toEqual([]);
      expect(result.code).toBe(0);
    });

    // grp/a is signed by key A only; each file below asks for key B, and an unreadable part must
    // not leave grp/a needing no signature at all (exit 0 before: the policy vanished into a note).
    const keyBAuthority = () => ['  authorities:', '    - key:', '        data: |', ...pem(keyB).trimEnd().split('\n').map((line) => `          ${line}`)].join('\n');
    for (const [label, cip] of [
      ['a tab in its indentation (not YAML)', () => ['apiVersion: policy.sigstore.dev/v1beta1', 'kind: ClusterImagePolicy', 'metadata:', '\tname: tabbed', 'spec:', `  images: [{ glob: "${H}/grp/**" }]`, keyBAuthority()].join('\n')],
      ['its images given as a regex', () => ['apiVersion: policy.sigstore.dev/v1beta1', 'kind: ClusterImagePolicy', 'metadata: { name: regex }', 'spec:', `  images: [{ regex: ".*/grp/.*" }]`, keyBAuthority()].join('\n')],
      // policy-controller matches a glob against the reference with its tag; here globs name repositories only.
      ['a glob naming a tag', () => ['apiVersion: policy.sigstore.dev/v1beta1', 'kind: ClusterImagePolicy', 'metadata: { name: tagged }', 'spec:', `  images: [{ glob: "${H}/grp/a:1.0" }]`, keyBAuthority()].join('\n')],
      ['another API group', () => ['apiVersion: policy.sigstore.dev.example/v1', 'kind: ClusterImagePolicy', 'metadata: { name: other }', 'spec:', `  images: [{ glob: "${H}/grp/**" }]`, keyBAuthority()].join('\n')],
    ] as const) {
      it(`a ClusterImagePolicy file with ${label} is a configuration error (exit 2), not a policy that is not applied`, async () => {
        // Excluded from the scan, as a file of policy rather than of deployments may well be.
        const policy = `paths: { exclude: ["deploy/**"] }\n${head()}\n  cluster-image-policies: ["deploy/cip.yaml"]\n`;
        const root = await repository(`cip-unenforced-${label.length}`, policy, [`${H}/grp/a:1.0`], { 'deploy/cip.yaml': `${cip()}\n` });
        const { code, stdout, stderr } = await cli(['scan', root, '--format', 'json'], root);
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toContain('signatures.cluster-image-policies cannot be used');
        expect(stderr).toContain('deploy/cip.yaml');
      });
    }
  });

  describe('2. attestations are judged per rule and signer', () => {
    it('one SLSA attestation by S1 does not meet a second rule asking for S2', async () => {
      const rule = (subject: string) => `    - images: ["${H}/att/**"]\n${keyless(subject, '      ')}      attestation:\n        predicate-type: ${SLSA}\n`;
      const policy = `${head()}\n  rules:\n${rule(S1)}${rule(S2)}`;
      const result = await scanRepository(await repository('att-per-signer', policy, [`${H}/att/s1-only:1.0`, `${H}/att/both:1.0`]));
      expect(result.findings).toEqual(['attestation-invalid att/s1-only']);
      const finding = result.report.findings.find((f) => f.rule === 'attestation-invalid')!;
      expect(finding.message).toContain(S2);
      expect(finding.message).toContain('not from the signer the policy requires');
      expect(result.signature('att/both')).toBe('verified');
      expect(result.code).toBe(1);
    });
  });

  describe('3. the predicate type comes only from a signed in-toto statement', () => {
    it('a valid DSSE that is not an in-toto statement, or of another type, is no SLSA provenance whatever its annotation says', async () => {
      const policy = `${head()}\n  rules:\n    - images: ["${H}/pred/**"]\n${keyless(S1, '      ')}      attestation:\n        predicate-type: ${SLSA}\n`;
      const result = await scanRepository(await repository('predicate-type', policy, [`${H}/pred/not-in-toto:1.0`, `${H}/pred/other-type:1.0`, `${H}/pred/good:1.0`]));
      expect(result.findings).toEqual(['attestation-invalid pred/not-in-toto', 'attestation-missing pred/other-type']);
      expect(result.report.findings.find((f) => f.rule === 'attestation-invalid')).toMatchObject({ errorCode: 'PAYLOAD_MISMATCH' });
      expect(result.signature('pred/good')).toBe('verified');
      const other = result.report.occurrences.find((o) => o.reference?.includes('pred/other-type'))!;
      expect(other.signature!.signatures.find((s) => s.format === 'legacy-attestation')).toMatchObject({ verified: false, predicateType: 'https://example.com/other/v1' });
    });
  });

  describe('4. the documented attestation-only rule shape verifies', () => {
    it('an attestation by the attestation signer is all it requires', async () => {
      const policy = `${head()}\n  rules:\n    - images: ["${H}/attonly/**"]\n      attestation:\n        predicate-type: ${SLSA}\n${keyless(S1, '        ')}`;
      const result = await scanRepository(await repository('attestation-only', policy, [`${H}/attonly/good:1.0`, `${H}/attonly/unsigned:1.0`]));
      expect(result.findings).toEqual(['attestation-missing attonly/unsigned']);
      expect(result.signature('attonly/good')).toBe('verified');
    });

    it('every policy example in docs/policy.md loads and verifies against real signatures', async () => {
      const docs = await readFile(DOCS, 'utf8');
      const example = /## Complete example\n\n```yaml\n([\s\S]*?)```/.exec(docs)?.[1];
      expect(example).toBeDefined();
      // The example's hosts become paths on the test registry; its files are written here.
      const rewritten = example!
        .replaceAll('ghcr.io/my-org/', `${H}/my-org/`)
        .replaceAll('registry.example.com/', `${H}/example/`)
        .replaceAll('cgr.dev/chainguard/', `${H}/chainguard/`)
        .replaceAll('"ghcr.io"', `"${H}"`)
        .replaceAll('"registry.example.com"', `"${H}"`)
        .replace('insecure-registries: ["127.0.0.1:5000"]', `insecure-registries: ["${H}"]`);
      const GITHUB = 'https://token.actions.githubusercontent.com';
      const web = await push('my-org/web');
      await keylessReferrer('my-org/web', COSIGN_SIGN_PREDICATE_TYPE, 'https://github.com/my-org/web/.github/workflows/release.yml@refs/tags/v1.2.3', GITHUB);
      await push('my-org/api');
      await keylessReferrer('my-org/api', COSIGN_SIGN_PREDICATE_TYPE, 'https://github.com/my-org/api/.github/workflows/release.yml@refs/tags/v2.0.0', GITHUB);
      await keylessReferrer('my-org/api', SLSA, 'https://github.com/my-org/api/.github/workflows/release.yml@refs/heads/main', GITHUB);
      await push('example/app');
      await keySignatures('example/app', [keyA]);
      await push('chainguard/static');
      await keylessReferrer('chainguard/static', COSIGN_SIGN_PREDICATE_TYPE, 'https://github.com/chainguard-images/images/.github/workflows/release.yaml@refs/heads/main', GITHUB);
      expect(web.digest).toMatch(/^sha256:/);
      const refs = ['my-org/web', 'my-org/api', 'example/app', 'chainguard/static'].map((path) => `${H}/${path}:1.0@${images[path]!.digest}`);
      const root = await repository('docs-complete-example', rewritten, refs, {
        'keys/cosign.pub': pem(keyA),
        // The example names a ClusterImagePolicy file; this one covers nothing the example scans.
        'deploy/cip.yaml': `apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: { name: unused }\nspec:\n  images: [{ glob: "${H}/unused/**" }]\n  authorities: [{ keyless: { identities: [{ issuer: "${MOCK_ISSUER}", subject: "${S1}" }] } }]\n`,
      });
      // `mode: warn` in the example: every image must still come out verified, with no finding and no note of a problem.
      const result = await scanRepository(root);
      expect(result.report.errors).toEqual([]);
      expect(result.findings).toEqual([]);
      for (const path of ['my-org/web', 'my-org/api', 'example/app', 'chainguard/static']) expect(result.signature(`${path}@${images[path]!.digest}`), path).toBe('verified');
      expect(result.report.notes ?? []).toEqual([]);
      expect(result.code).toBe(0);

      // The presets section's inline rule, as a rules list.
      const preset = /`(\{ images: \["cgr\.dev\/chainguard\/\*\*"\], preset: chainguard \})`/.exec(docs)?.[1];
      expect(preset).toBeDefined();
      const presetPolicy = `${head()}\n  rules: [${preset!.replace('cgr.dev/chainguard/', `${H}/chainguard/`)}]\n`;
      const presetRun = await scanRepository(await repository('docs-preset-example', presetPolicy, [`${H}/chainguard/static:1.0`, `${H}/chainguard/unsigned:1.0`]));
      // chainguard/unsigned does not exist: resolving it fails, and under require that is not a pass.
      expect(presetRun.signature('chainguard/static')).toBe('verified');
      expect(presetRun.findings).toEqual(['signature-not-checked chainguard/unsigned']);
    });
  });

  describe('5. mode: require fails closed', () => {
    const policyFor = (host: string, mode = 'require') => `${head(mode)}\n  rules:\n    - images: ["${host}/fault/**"]\n${keyless(S1, '      ')}`;

    it('a 5xx on the signature lookups is a signature-not-checked error naming the cause', async () => {
      const result = await scanRepository(await repository('fault-5xx', policyFor(failing.host), [`${failing.host}/fault/signed:1.0`]));
      expect(result.findings).toEqual(['signature-not-checked fault/signed']);
      const finding = result.report.findings.find((f) => f.rule === 'signature-not-checked')!;
      expect(finding.severity).toBe('error');
      expect(finding.message).toMatch(/signatures could not be listed: .*503/);
      expect(result.code).toBe(1);
      expect(failing.requests.some((line) => line.includes('/referrers/') || line.includes('.sig'))).toBe(true);
    });

    it('a timeout on the signature lookups is a signature-not-checked error naming the cause', async () => {
      const result = await scanRepository(await repository('fault-timeout', policyFor(hanging.host), [`${hanging.host}/fault/signed:1.0`]));
      expect(result.findings).toEqual(['signature-not-checked fault/signed']);
      expect(result.report.findings.find((f) => f.rule === 'signature-not-checked')!.message).toMatch(/time/i);
      expect(result.code).toBe(1);
    }, 60_000);

    it('a 5xx on the attestation lookup alone, for a rule that requires an attestation, is a signature-not-checked error', async () => {
      const policy = `${head()}\n  rules:\n    - images: ["${attestationsFailing.host}/pred/**"]\n${keyless(S1, '      ')}      attestation:\n        predicate-type: ${SLSA}\n`;
      const result = await scanRepository(await repository('fault-attestations', policy, [`${attestationsFailing.host}/pred/good:1.0`]));
      expect(result.findings).toEqual(['signature-not-checked pred/good']);
      expect(result.report.findings.find((f) => f.rule === 'signature-not-checked')!.message).toMatch(/signatures could not be listed: .*500/);
      expect(result.code).toBe(1);
      // Without the fault the same image and rule verify (the 'predicate-type' case above).
      expect(attestationsFailing.requests.some((line) => line.endsWith('.att'))).toBe(true);
    });

    it('the same image through the registry itself verifies (the proxy is the only fault)', async () => {
      const result = await scanRepository(await repository('fault-control', policyFor(H), [`${H}/fault/signed:1.0`]));
      expect(result.findings).toEqual([]);
      expect(result.code).toBe(0);
    });

    it('under warn, not being able to check is a note and the run passes', async () => {
      const result = await scanRepository(await repository('fault-warn', policyFor(failing.host, 'warn'), [`${failing.host}/fault/signed:1.0`]));
      expect(result.report.findings.filter((f) => f.rule === 'signature-not-checked').map((f) => f.severity)).toEqual(['note']);
      expect(result.code).toBe(0);
    });

    for (const [label, content] of [
      ['not JSON', 'this is not a trusted root'],
      ['JSON but not a trusted root', '{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": "nope"}'],
    ] as const) {
      it(`a trusted-root file that is ${label} is a configuration error (exit 2)`, async () => {
        const root = await repository(`bad-root-${label.length}`, policyFor(H), [`${H}/fault/signed:1.0`]);
        await writeFile(join(root, 'sigstore/trusted_root.json'), content);
        const { code, stdout, stderr } = await cli(['scan', root, '--format', 'json'], root);
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toContain('signatures.trusted-root cannot be used');
      });
    }
  });

  describe('6. host spellings are one registry in every policy glob', () => {
    it('a rule for 127.0.0.1:PORT/** applies to images written as localhost:PORT/…', async () => {
      const policy = `${head()}\n  rules:\n    - images: ["127.0.0.1:${port}/host/**"]\n${keyless(S1, '      ')}`;
      const result = await scanRepository(await repository('host-loopback', policy, [`localhost:${port}/host/signed:1.0`, `localhost:${port}/host/unsigned:1.0`]));
      expect(result.findings).toEqual(['unsigned host/unsigned']);
      expect(result.signature('host/signed')).toBe('verified');
      expect(result.code).toBe(1);
    });

    it('a rule written as localhost:PORT applies to 127.0.0.1:PORT, and ignore entries and allowlists match the same way', async () => {
      const policy = [
        head(),
        '  rules:',
        `    - images: ["localhost:${port}/host/**"]`,
        keyless(S1, '      ').trimEnd(),
        `registries: { allow: ["localhost:${port}"] }`,
        `ignore: [{ rule: unsigned, images: ["localhost:${port}/host/unsigned"], reason: "known" }]`,
        '',
      ].join('\n');
      const result = await scanRepository(await repository('host-loopback-reverse', policy, [`${H}/host/signed:1.0`, `${H}/host/unsigned:1.0`]));
      expect(result.report.findings.filter((f) => f.rule === 'untrusted-registry')).toEqual([]);
      // The JSON report marks a suppressed finding `suppressed: true` with its `suppression`.
      expect(result.report.findings.filter((f) => f.rule === 'unsigned').map((f) => (f as unknown as { suppression?: { kind: string } }).suppression?.kind)).toEqual(['policy']);
      expect(result.signature('host/signed')).toBe('verified');
      expect(result.code).toBe(0);
    });

    it('another port is another registry: the rule does not follow it', async () => {
      const policy = `${head()}\n  rules:\n    - images: ["127.0.0.1:1/host/**"]\n${keyless(S1, '      ')}`;
      const result = await scanRepository(await repository('host-other-port', policy, [`localhost:${port}/host/unsigned:1.0`]));
      expect(result.signature('host/unsigned')).toBe('not-required');
    });
  });

  describe('7. unanchored identity regexps keep cosign semantics, with a warning', () => {
    it('an unanchored subject-regexp accepts a longer identity, and the run says so with the line', async () => {
      const policy = `${head()}\n  rules:\n    - images: ["${H}/regexp/**"]\n      keyless:\n        issuer: ${MOCK_ISSUER}\n        subject-regexp: "https://github.com/acme"\n`;
      const result = await scanRepository(await repository('regexp-unanchored', policy, [`${H}/regexp/evil:1.0`]));
      expect(result.signature('regexp/evil')).toBe('verified');
      expect(result.report.notes).toEqual([
        expect.stringMatching(/^policy \.github\/verify-images\.yml:11: signatures\.rules\[0\]\.keyless\.subject-regexp is not anchored \(no `\^` and `\$`\)/),
      ]);
    });

    it('the anchored regexp the docs recommend rejects it', async () => {
      const policy = `${head()}\n  rules:\n    - images: ["${H}/regexp/**"]\n      keyless:\n        issuer: ${MOCK_ISSUER}\n        subject-regexp: "^https://github\\\\.com/acme/[^/]+/\\\\.github/workflows/release\\\\.yml@refs/heads/main$"\n`;
      const result = await scanRepository(await repository('regexp-anchored', policy, [`${H}/regexp/evil:1.0`]));
      expect(result.findings).toEqual(['signer-mismatch regexp/evil']);
      expect(result.report.notes ?? []).toEqual([]);
      expect(result.code).toBe(1);
    });
  });
});
