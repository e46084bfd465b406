/**
 * The signature policy as the verifier judges it: groups of alternative authorities, each a list
 * of requirements that must all hold, each met by one of its signers.
 *
 *   image verified  <=>  every matching group is satisfied
 *   group           <=>  any one of its authorities is satisfied (policy-controller: any authority of a ClusterImagePolicy)
 *   authority       <=>  every one of its requirements is met
 *   requirement     <=>  a verified signature, or an attestation of the predicate type, by one of its signers
 *
 * Groups are made from structure, never from labels: one group per entry of `signatures.rules`
 * (by index; a preset's signers are that entry's alternatives) and one per ClusterImagePolicy
 * document (by file and document index). Two rules written on one line, or two
 * ClusterImagePolicies with the same or no `metadata.name`, stay two requirements.
 */
import type { KeylessIdentity, SignatureRule } from '../config/policy.js';
import { matchImageGlob, matchImageGlobRepository } from '../config/glob.js';
import { expandPreset } from '../config/presets.js';

/** One acceptable signer: a keyless identity, or a key (file path or inline PEM). */
export interface PolicySigner {
  keyless?: KeylessIdentity;
  key?: string;
  keyPem?: string;
  transparencyLog?: 'required' | 'optional';
}

export interface PolicyRequirement {
  kind: 'signature' | 'attestation';
  /** For an attestation: the in-toto `predicateType` the signed statement must carry. */
  predicateType?: string;
  /** Any one of them; empty means the policy names no signer, and the requirement can never be met. */
  signers: PolicySigner[];
}

export interface PolicyAuthority {
  requirements: PolicyRequirement[];
}

export interface PolicyGroup {
  /** Structural identity: "signatures.rules[2]", "deploy/cip.yaml#1". Groups with distinct ids are distinct requirements. */
  id: string;
  /** Where it came from, for messages: "policy file line 12", "ClusterImagePolicy release". */
  source: string;
  images: string[];
  authorities: PolicyAuthority[];
}

function signerOf(rule: Pick<SignatureRule, 'keyless' | 'key' | 'keyPem' | 'transparencyLog'>): PolicySigner | undefined {
  const tlog = rule.transparencyLog ? { transparencyLog: rule.transparencyLog } : {};
  if (rule.keyless) return { keyless: rule.keyless, ...tlog };
  if (rule.key) return { key: rule.key, ...tlog };
  if (rule.keyPem) return { keyPem: rule.keyPem, ...tlog };
  return undefined;
}

/**
 * What one policy-file rule requires: a signature by its signer (when it names one), and its
 * attestation by the attestation's own signer, else by the rule's. A rule with only an
 * `attestation` requires the attestation alone.
 */
export function authorityOfRule(rule: SignatureRule): PolicyAuthority {
  const requirements: PolicyRequirement[] = [];
  const signer = signerOf(rule);
  if (signer) requirements.push({ kind: 'signature', signers: [signer] });
  if (rule.attestation) {
    const { predicateType, keyless, key } = rule.attestation;
    const attestationSigner = signerOf({ keyless, key, transparencyLog: rule.transparencyLog }) ?? signer;
    requirements.push({ kind: 'attestation', predicateType, signers: attestationSigner ? [attestationSigner] : [] });
  }
  if (requirements.length === 0) requirements.push({ kind: 'signature', signers: [] });
  return { requirements };
}

/** One group per entry of `signatures.rules`, identified by its index; presets expand into alternatives. */
export function groupsOfRules(rules: readonly SignatureRule[], idPrefix = 'signatures.rules'): PolicyGroup[] {
  const groups: PolicyGroup[] = [];
  rules.forEach((rule, index) => {
    const id = `${idPrefix}[${index}]`;
    const source = rule.source ?? `signature rule ${index + 1}`;
    if (rule.preset && !rule.keyless && !rule.key && !rule.keyPem) {
      const expanded = expandPreset(rule);
      // An unknown preset is refused by the loader; here it expands to nothing and is skipped.
      if (!expanded || expanded.length === 0) return;
      // Every alternative of a preset covers the images the rule (or the preset) names.
      const images = [...new Set(expanded.flatMap((alternative) => alternative.images))];
      groups.push({ id, source, images, authorities: expanded.map(authorityOfRule) });
      return;
    }
    groups.push({ id, source, images: [...rule.images], authorities: [authorityOfRule(rule)] });
  });
  return groups;
}

function groupMatches(group: PolicyGroup, matches: (glob: string) => boolean): boolean {
  return group.images.some((glob) => {
    try {
      return matches(glob);
    } catch {
      // An invalid glob matches nothing; the policy loader reports it with its position.
      return false;
    }
  });
}

/** The groups whose images match a normalized reference (tag and digest are ignored). */
export function groupsForImage(groups: readonly PolicyGroup[], reference: string): PolicyGroup[] {
  return groups.filter((group) => groupMatches(group, (glob) => matchImageGlob(glob, reference)));
}

/** The same for a reference already split: its repository as policies match it (`ReferenceParts.repository`). */
export function groupsForRepository(groups: readonly PolicyGroup[], repository: string): PolicyGroup[] {
  return groups.filter((group) => groupMatches(group, (glob) => matchImageGlobRepository(glob, repository)));
}

/** The attestation predicate types the groups can ask for (for the report). */
export function requiredPredicateTypes(groups: readonly PolicyGroup[]): string[] {
  const types = groups.flatMap((group) => group.authorities.flatMap((authority) => authority.requirements.flatMap((r) => (r.predicateType ? [r.predicateType] : []))));
  return [...new Set(types)];
}

/** Every signer the groups name (keys among them are read once per run). */
export function signersOf(groups: readonly PolicyGroup[]): PolicySigner[] {
  return groups.flatMap((group) => group.authorities.flatMap((authority) => authority.requirements.flatMap((r) => r.signers)));
}
