/**
 * Which signature rules apply to an image: policy-controller glob semantics (via
 * `config/glob.ts`), presets expanded, and the grouping that decides what "satisfied" means.
 * Rules from one source (one ClusterImagePolicy, one policy-file entry) are alternatives: any one
 * of them satisfies the source. Every matching source must be satisfied, as policy-controller
 * requires every matching ClusterImagePolicy to pass.
 */
import type { SignatureRule } from '../config/policy.js';
import { matchImageGlob } from '../config/glob.js';
import { expandPreset } from './presets.js';

/** Rules with presets replaced by what they stand for; unknown presets are dropped (the loader reports them). */
export function expandRules(rules: readonly SignatureRule[]): SignatureRule[] {
  const out: SignatureRule[] = [];
  for (const rule of rules) {
    if (rule.preset && !rule.keyless && !rule.key && !rule.keyPem) out.push(...(expandPreset(rule) ?? []));
    else out.push(rule);
  }
  return out;
}

function ruleMatches(rule: SignatureRule, reference: string): boolean {
  return rule.images.some((glob) => {
    try {
      return matchImageGlob(glob, reference);
    } catch {
      // An invalid glob matches nothing; the policy loader reports it with its position.
      return false;
    }
  });
}

/** The rules whose images match a normalized reference (tag and digest are ignored). */
export function rulesForImage(rules: readonly SignatureRule[], reference: string): SignatureRule[] {
  return expandRules(rules).filter((rule) => ruleMatches(rule, reference));
}

export interface RuleGroup {
  /** The source the rules share ("ClusterImagePolicy foo"), or a generated name. */
  source: string;
  rules: SignatureRule[];
}

/** Matching rules grouped by source: each group must be satisfied by at least one of its rules. */
export function requirementGroups(rules: readonly SignatureRule[]): RuleGroup[] {
  const groups = new Map<string, SignatureRule[]>();
  rules.forEach((rule, index) => {
    const key = rule.source ?? `signature rule ${index + 1}`;
    const list = groups.get(key) ?? [];
    list.push(rule);
    groups.set(key, list);
  });
  return [...groups].map(([source, list]) => ({ source, rules: list }));
}

/** The attestation predicate types the matching rules require. */
export function requiredPredicateTypes(rules: readonly SignatureRule[]): string[] {
  return [...new Set(rules.flatMap((rule) => (rule.attestation ? [rule.attestation.predicateType] : [])))];
}
