/**
 * Where trust comes from: the Sigstore public-good trusted root embedded from @sigstore/tuf's seed
 * (works offline), a user-provided `trusted_root.json`, or an online TUF refresh when asked for.
 * Builds the TrustMaterial @sigstore/verify checks against, optionally with a verification key.
 */
import { readFile } from 'node:fs/promises';
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import type { KeyObject } from 'node:crypto';
import tufSeeds from '@sigstore/tuf/seeds.json' with { type: 'json' };
import { SigstoreError } from './errors.js';

const PUBLIC_GOOD_TUF_URL = 'https://tuf-repo-cdn.sigstore.dev';
/** A trusted root is a few tens of KiB; anything far larger is not one. */
const MAX_TRUSTED_ROOT_BYTES = 4 * 1024 * 1024;

type SeedFile = Record<string, { 'root.json': string; targets: Record<string, string> }>;

/** The public-good trusted root shipped inside @sigstore/tuf (its TUF seed's `trusted_root.json` target). */
export function embeddedTrustedRoot(): TrustedRoot {
  const seed = (tufSeeds as SeedFile)[PUBLIC_GOOD_TUF_URL];
  const target = seed?.targets['trusted_root.json'];
  if (!target) throw new SigstoreError('TRUSTED_ROOT_INVALID', '@sigstore/tuf seed has no trusted_root.json target');
  return parseTrustedRoot(Buffer.from(target, 'base64').toString('utf8'), '@sigstore/tuf seed');
}

/** Parses trusted_root.json text; `origin` names it in errors. */
export function parseTrustedRoot(text: string, origin: string): TrustedRoot {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SigstoreError('TRUSTED_ROOT_INVALID', `${origin}: not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SigstoreError('TRUSTED_ROOT_INVALID', `${origin}: not a trusted root object`);
  }
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(json);
  } catch (error) {
    throw new SigstoreError('TRUSTED_ROOT_INVALID', `${origin}: ${(error as Error).message}`);
  }
  assertValidityStarts(root, origin);
  // A root with neither a certificate authority nor a transparency log can verify nothing: every
  // image would fail, so it is a broken file (misspelt keys read as empty), not a policy.
  if (root.certificateAuthorities.length === 0 && root.tlogs.length === 0) {
    throw new SigstoreError('TRUSTED_ROOT_INVALID', `${origin}: names no certificate authority and no transparency log, so it can verify nothing`);
  }
  return root;
}

/**
 * Every key and authority must say when it became valid. @sigstore/verify reads a missing start as
 * "always", which would let a key vouch for times before it existed; such a root is malformed.
 */
function assertValidityStarts(root: TrustedRoot, origin: string): void {
  const missing: string[] = [];
  for (const [i, log] of root.tlogs.entries()) if (!log.publicKey?.validFor?.start) missing.push(`tlogs[${i}]`);
  for (const [i, log] of root.ctlogs.entries()) if (!log.publicKey?.validFor?.start) missing.push(`ctlogs[${i}]`);
  for (const [i, ca] of root.certificateAuthorities.entries()) if (!ca.validFor?.start) missing.push(`certificateAuthorities[${i}]`);
  for (const [i, tsa] of root.timestampAuthorities.entries()) if (!tsa.validFor?.start) missing.push(`timestampAuthorities[${i}]`);
  if (missing.length) {
    throw new SigstoreError('TRUSTED_ROOT_INVALID', `${origin}: validity start missing for ${missing.join(', ')}`);
  }
}

export async function trustedRootFromFile(path: string): Promise<TrustedRoot> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw new SigstoreError('TRUSTED_ROOT_INVALID', `cannot read trusted root ${path}: ${(error as Error).message}`);
  }
  if (data.length > MAX_TRUSTED_ROOT_BYTES) {
    throw new SigstoreError('TRUSTED_ROOT_INVALID', `trusted root ${path} is larger than ${MAX_TRUSTED_ROOT_BYTES} bytes`);
  }
  return parseTrustedRoot(data.toString('utf8'), path);
}

/**
 * Fetches the current public-good trusted root through TUF (network). Only for `--online` use;
 * callers fall back to `embeddedTrustedRoot()` when it fails.
 */
async function refreshTrustedRoot(options: { cachePath?: string; timeoutMs?: number } = {}): Promise<TrustedRoot> {
  const tuf = await import('@sigstore/tuf');
  return tuf.getTrustedRoot({
    mirrorURL: PUBLIC_GOOD_TUF_URL,
    ...(options.cachePath ? { cachePath: options.cachePath } : {}),
    timeout: options.timeoutMs ?? 15_000,
    retry: false,
  });
}

export interface TrustSource {
  /** Path of a trusted_root.json; when absent the embedded public-good root is used. */
  trustedRootPath?: string;
  /** Refresh the public-good root through TUF first (network); falls back to the embedded root. */
  refreshOnline?: boolean;
}

/** The trusted root a run uses: the user's file, else a TUF refresh when online and asked for, else the embedded seed. */
export async function loadTrustedRoot(source: TrustSource = {}): Promise<TrustedRoot> {
  if (source.trustedRootPath) return trustedRootFromFile(source.trustedRootPath);
  if (source.refreshOnline) {
    try {
      return await refreshTrustedRoot();
    } catch {
      // The embedded root is the documented offline default; a failed refresh is not fatal.
    }
  }
  return embeddedTrustedRoot();
}

/**
 * TrustMaterial for @sigstore/verify. With `verificationKey`, every key hint resolves to that key
 * (cosign semantics: the key the user names is the key, whatever hint the bundle carries).
 */
export function buildTrustMaterial(root: TrustedRoot, verificationKey?: KeyObject): TrustMaterial {
  if (!verificationKey) return toTrustMaterial(root);
  return toTrustMaterial(root, () => ({ publicKey: verificationKey, validFor: () => true }));
}

/** Parses a PEM public key (SPKI), as cosign's `cosign.pub`. */
export function parsePublicKey(pem: string, origin: string): KeyObject {
  try {
    const key = sigstoreCrypto.createPublicKey(pem);
    if (key.type !== 'public') throw new Error('not a public key');
    return key;
  } catch (error) {
    throw new SigstoreError('KEY_INVALID', `${origin}: not a PEM public key (${(error as Error).message})`);
  }
}

export async function publicKeyFromFile(path: string): Promise<KeyObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SigstoreError('KEY_INVALID', `cannot read key ${path}: ${(error as Error).message}`);
  }
  return parsePublicKey(text, path);
}

/** "sha256:<hex>" of the key's DER SPKI, the way people compare cosign keys. */
export function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `sha256:${sigstoreCrypto.digest('sha256', der).toString('hex')}`;
}
