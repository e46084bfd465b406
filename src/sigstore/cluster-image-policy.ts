/**
 * Reads Sigstore policy-controller `ClusterImagePolicy` documents (policy.sigstore.dev) into
 * signature rules, so a repository that already enforces images in its cluster is checked with the
 * same policy. Supported: `spec.images[].glob`; authorities with `keyless.identities[]`
 * (issuer, subject, issuerRegExp, subjectRegExp) or `key.data` (PEM); `attestations[].predicateType`.
 * An authority that cannot be read here (KMS or secret keys, static authorities) is reported as an
 * error and left out, which makes the policy stricter, never weaker. What would leave part of the
 * policy unapplied (a file, document or `images` entry that cannot be read: regex images, a glob
 * with a tag or digest) is marked `unenforced`: the signature stage then stops the run (check.ts).
 *
 * Semantics as policy-controller's: every matching ClusterImagePolicy must pass; one passes when
 * any of its authorities does; an authority with `attestations` requires each listed predicate
 * type, attested by one of its identities (and no plain signature); one without requires a
 * signature by one of its identities. Each document is its own group, identified by file and
 * document index, so two policies with the same or no `metadata.name` are never merged.
 */
import { readFile } from 'node:fs/promises';
import { ImageGlobError, normalizeImageGlob } from '../config/glob.js';
import { missingAnchors, type KeylessIdentity } from '../config/policy.js';
import { parseYamlDocuments, toPlain } from '../discover/yaml.js';
import { LinearRegExpError, linearRegExp } from '../linear-regexp.js';
import type { PolicyGroup, PolicyRequirement, PolicySigner } from './policy.js';

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_DOCUMENTS = 200;
const MAX_ITEMS = 200;

export interface ClusterImagePolicyProblem {
  file: string;
  /** metadata.name of the policy, when known. */
  policy?: string;
  message: string;
  /** Accepted as written, but worth a look (an unanchored identity regexp): a note, not an error. */
  warning?: true;
  /**
   * Part of the file's policy is not applied at all (the file, a document or an images entry could
   * not be read), so an image the cluster would refuse could pass: the run cannot use the file.
   */
  unenforced?: true;
}

export interface ClusterImagePolicyResult {
  groups: PolicyGroup[];
  problems: ClusterImagePolicyProblem[];
  /** Names of the ClusterImagePolicies read. */
  policies: string[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value.slice(0, MAX_ITEMS) : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function keylessIdentity(value: unknown): KeylessIdentity | string {
  if (!isObject(value)) return 'an identity is not a mapping';
  const identity: KeylessIdentity = {};
  const issuer = text(value.issuer);
  const subject = text(value.subject);
  const issuerRegExp = text(value.issuerRegExp);
  const subjectRegExp = text(value.subjectRegExp);
  if (issuer) identity.issuer = issuer;
  else if (issuerRegExp) identity.issuerRegExp = issuerRegExp;
  if (subject) identity.subject = subject;
  else if (subjectRegExp) identity.subjectRegExp = subjectRegExp;
  if (!identity.issuer && !identity.issuerRegExp) return 'an identity names no issuer or issuerRegExp';
  if (!identity.subject && !identity.subjectRegExp) return 'an identity names no subject or subjectRegExp';
  for (const pattern of [identity.issuerRegExp, identity.subjectRegExp]) {
    if (pattern === undefined) continue;
    try {
      // Matched against certificates a registry serves: only expressions that run in linear time.
      linearRegExp(pattern);
    } catch (error) {
      return error instanceof LinearRegExpError ? error.message : `regular expression ${JSON.stringify(pattern)} is invalid`;
    }
  }
  return identity;
}

/** Why a glob cannot be matched here (a tag other than `:*`, a digest, upper case), or undefined. */
function globProblem(glob: string): string | undefined {
  try {
    normalizeImageGlob(glob);
    return undefined;
  } catch (error) {
    if (error instanceof ImageGlobError) return error.message;
    throw error;
  }
}

/** Converts one parsed ClusterImagePolicy object, document `index` of `file` (which names it in problems). */
function clusterImagePolicyToGroup(document: unknown, file: string, index = 0): ClusterImagePolicyResult {
  const result: ClusterImagePolicyResult = { groups: [], problems: [], policies: [] };
  if (!isObject(document) || document.kind !== 'ClusterImagePolicy') return result;
  const apiVersion = text(document.apiVersion) ?? '';
  const name = text(isObject(document.metadata) ? document.metadata.name : undefined) ?? '(unnamed)';
  const problem = (message: string) => result.problems.push({ file, policy: name, message });
  const unenforced = (message: string) => result.problems.push({ file, policy: name, message, unenforced: true });
  if (!apiVersion.startsWith('policy.sigstore.dev/')) {
    unenforced(`apiVersion ${JSON.stringify(apiVersion)} is not policy.sigstore.dev`);
    return result;
  }
  result.policies.push(name);
  const spec = isObject(document.spec) ? document.spec : {};
  const images: string[] = [];
  for (const image of list(spec.images)) {
    if (isObject(image) && text(image.glob)) {
      // A glob that cannot be read here would match nothing, and its images would need no signature.
      const invalid = globProblem(image.glob as string);
      if (invalid) unenforced(`images[].glob: ${invalid}`);
      else images.push(image.glob as string);
    } else if (isObject(image) && text(image.regex)) unenforced('images[].regex is not supported; use glob');
    else unenforced('an images entry has no glob');
  }
  if (images.length === 0) {
    unenforced('spec.images names no glob; the policy matches nothing');
    return result;
  }
  const group: PolicyGroup = { id: `${file}#${index}`, source: `ClusterImagePolicy ${name}`, images, authorities: [] };
  const authorities = list(spec.authorities);
  if (authorities.length === 0) problem('spec.authorities is empty');
  for (const [position, authority] of authorities.entries()) {
    const where = `authorities[${position}]`;
    if (!isObject(authority)) {
      problem(`${where} is not a mapping`);
      continue;
    }
    const base: PolicySigner[] = [];
    if (isObject(authority.keyless)) {
      const identities = list(authority.keyless.identities);
      if (identities.length === 0) problem(`${where}.keyless has no identities: any signer would do, which is not checked`);
      for (const value of identities) {
        const identity = keylessIdentity(value);
        if (typeof identity === 'string') {
          problem(`${where}.keyless: ${identity}`);
          continue;
        }
        base.push({ keyless: identity });
        for (const [key, pattern] of [['issuerRegExp', identity.issuerRegExp], ['subjectRegExp', identity.subjectRegExp]] as const) {
          const missing = pattern === undefined ? undefined : missingAnchors(pattern);
          if (missing) {
            result.problems.push({ file, policy: name, warning: true, message: `${where}.keyless ${key} ${JSON.stringify(pattern)} is not anchored (no ${missing}): it matches anywhere in the identity` });
          }
        }
      }
    } else if (isObject(authority.key)) {
      const data = text(authority.key.data);
      if (data?.includes('-----BEGIN')) base.push({ keyPem: data });
      else if (authority.key.kms || authority.key.secretRef) problem(`${where}.key: KMS and secret references cannot be read here; give key.data`);
      else problem(`${where}.key has no PEM data`);
    } else if (authority.static !== undefined) {
      problem(`${where}.static authorities are not supported`);
    } else {
      problem(`${where} has neither keyless nor key`);
    }
    const predicateTypes = list(authority.attestations).flatMap((attestation) =>
      isObject(attestation) && text(attestation.predicateType) ? [attestation.predicateType as string] : [],
    );
    // An authority whose signers could not be read is left out: it can satisfy nothing, and the
    // problem says why. With no authority left the group can never be satisfied, which fails closed.
    if (base.length === 0) continue;
    const requirements: PolicyRequirement[] =
      predicateTypes.length > 0
        ? predicateTypes.map((predicateType) => ({ kind: 'attestation', predicateType, signers: base }))
        : [{ kind: 'signature', signers: base }];
    group.authorities.push({ requirements });
  }
  if (group.authorities.length === 0) group.authorities.push({ requirements: [{ kind: 'signature', signers: [] }] });
  result.groups.push(group);
  if (spec.policy !== undefined) problem('spec.policy (CUE/Rego) is not evaluated; only signatures and attestation types are checked');
  return result;
}

/** Parses YAML text with one or more ClusterImagePolicy documents (other kinds are skipped). */
export function parseClusterImagePolicies(yamlText: string, file: string): ClusterImagePolicyResult {
  const result: ClusterImagePolicyResult = { groups: [], problems: [], policies: [] };
  const parsed = parseYamlDocuments(yamlText);
  for (const error of parsed.errors) result.problems.push({ file, message: `YAML: ${error}`, unenforced: true });
  for (const [index, document] of parsed.documents.slice(0, MAX_DOCUMENTS).entries()) {
    const one = clusterImagePolicyToGroup(toPlain(document, document.contents), file, index);
    result.groups.push(...one.groups);
    result.problems.push(...one.problems);
    result.policies.push(...one.policies);
  }
  return result;
}

export async function readClusterImagePolicies(path: string): Promise<ClusterImagePolicyResult> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    return { groups: [], policies: [], problems: [{ file: path, message: `cannot read: ${(error as Error).message}`, unenforced: true }] };
  }
  if (data.length > MAX_FILE_BYTES) {
    return { groups: [], policies: [], problems: [{ file: path, message: `larger than ${MAX_FILE_BYTES} bytes`, unenforced: true }] };
  }
  return parseClusterImagePolicies(data.toString('utf8'), path);
}
