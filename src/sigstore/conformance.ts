/**
 * The sigstore-conformance client protocol, verification half:
 *   verify-bundle [--staging] --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE)
 *                 [--trusted-root FILE] FILE_OR_DIGEST
 * Exit status 0 when verified, 1 when not, 2 for a usage error. The identity is compared exactly.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SigstoreError } from './errors.js';
import { loadTrustedRoot, publicKeyFromFile } from './trust.js';
import { MAX_BUNDLE_BYTES, parseBundle, verifyBundle, type ArtifactInput, type BundlePolicy } from './verify-bundle.js';

const USAGE =
  'usage: verify-images verify-bundle [--staging] --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE) [--trusted-root FILE] FILE_OR_DIGEST';

interface Arguments {
  bundle: string;
  identity?: string;
  issuer?: string;
  key?: string;
  trustedRoot?: string;
  staging: boolean;
  input: string;
}

function parseArguments(argv: string[]): Arguments | string {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  let staging = false;
  const withValue = new Set(['--bundle', '--certificate-identity', '--certificate-oidc-issuer', '--key', '--trusted-root']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--staging') staging = true;
    else if (withValue.has(arg)) {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      values[arg] = value;
    } else if (arg.startsWith('--') && withValue.has(arg.split('=')[0])) {
      values[arg.split('=')[0]] = arg.slice(arg.indexOf('=') + 1);
    } else if (arg.startsWith('--')) return `unknown option ${arg}`;
    else positional.push(arg);
  }
  if (positional.length !== 1) return 'expected exactly one FILE_OR_DIGEST';
  if (!values['--bundle']) return '--bundle is required';
  const keyless = values['--certificate-identity'] !== undefined || values['--certificate-oidc-issuer'] !== undefined;
  if (keyless === (values['--key'] !== undefined)) return 'give either --certificate-identity and --certificate-oidc-issuer, or --key';
  if (keyless && (!values['--certificate-identity'] || !values['--certificate-oidc-issuer'])) {
    return '--certificate-identity and --certificate-oidc-issuer go together';
  }
  const parsed: Arguments = { bundle: values['--bundle'], staging, input: positional[0] };
  if (values['--certificate-identity']) parsed.identity = values['--certificate-identity'];
  if (values['--certificate-oidc-issuer']) parsed.issuer = values['--certificate-oidc-issuer'];
  if (values['--key']) parsed.key = values['--key'];
  if (values['--trusted-root']) parsed.trustedRoot = values['--trusted-root'];
  return parsed;
}

/** The protocol's rule: a digest only when it looks like one and is not a path on disk. */
async function readArtifact(input: string): Promise<ArtifactInput> {
  if (/^sha256:[0-9a-f]{64}$/.test(input) && !existsSync(input)) return { digest: input };
  return { bytes: await readFile(input) };
}

/** Runs the subcommand; `argv` is what follows `verify-bundle`. Writes one line to stdout or stderr. */
export async function runVerifyBundle(argv: string[]): Promise<number> {
  const args = parseArguments(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  try {
    if (args.staging && !args.trustedRoot) {
      throw new SigstoreError('TRUSTED_ROOT_INVALID', '--staging needs --trusted-root: only the public-good trusted root is embedded');
    }
    const bundleText = await readFile(args.bundle);
    if (bundleText.length > MAX_BUNDLE_BYTES) throw new SigstoreError('BUNDLE_INVALID', 'bundle file too large');
    const bundle = parseBundle(bundleText);
    const trustedRoot = await loadTrustedRoot(args.trustedRoot ? { trustedRootPath: args.trustedRoot } : {});
    const policy: BundlePolicy = args.key
      ? { key: await publicKeyFromFile(args.key) }
      : { keyless: { subject: args.identity!, issuer: args.issuer! } };
    const artifact = await readArtifact(args.input);
    const result = verifyBundle(bundle, artifact, policy, trustedRoot);
    const who = result.signer.subject ? `${result.signer.subject} (${result.signer.issuer})` : result.signer.keyFingerprint;
    process.stdout.write(`verified: signed by ${who}${result.signedAt ? ` at ${result.signedAt}` : ''}\n`);
    return 0;
  } catch (error) {
    const code = error instanceof SigstoreError ? error.code : 'ERROR';
    process.stderr.write(`not verified: ${code}: ${(error as Error).message}\n`);
    return 1;
  }
}
