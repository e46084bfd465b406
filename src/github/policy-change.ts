/**
 * What a pull request's change to the policy loosens (rules disabled, severities lowered, ignores,
 * trusted names and registries added, pinning or signature modes relaxed), reported as a finding
 * on the policy file: a pull request must not pass its own check by switching it off. Pure.
 */
import { inlineAllowed } from '../checks/index.js';
import { RULES } from '../checks/rules.js';
import type { Policy } from '../config/policy.js';
import { RULE_IDS, SEVERITY_RANK, type Finding, type Severity } from '../model.js';

const MODE_RANK = { off: 0, warn: 1, require: 2 } as const;
const FAIL_RANK = { never: 0, error: 1, warning: 2, note: 3 } as const;
const LISTED = 5;

function added(base: readonly string[], head: readonly string[]): string[] {
  const before = new Set(base);
  return [...new Set(head.filter((entry) => !before.has(entry)))];
}

function listed(entries: string[]): string {
  const shown = entries.slice(0, LISTED).map((entry) => `\`${entry.replace(/`/g, "'")}\``);
  return shown.join(', ') + (entries.length > LISTED ? ` and ${entries.length - LISTED} more` : '');
}

function severityOf(policy: Policy, rule: (typeof RULE_IDS)[number]): Severity | 'off' {
  return policy.severity[rule] ?? RULES[rule].defaultSeverity;
}

function ruleChanges(base: Policy, head: Policy): string[] {
  const changes: string[] = [];
  for (const rule of RULE_IDS) {
    const before = severityOf(base, rule);
    const after = severityOf(head, rule);
    if (after === before || before === 'off') continue;
    if (after === 'off') changes.push(`disables the rule \`${rule}\``);
    else if (SEVERITY_RANK[after] < SEVERITY_RANK[before]) changes.push(`lowers \`${rule}\` from ${before} to ${after}`);
  }
  return changes;
}

function listChanges(base: Policy, head: Policy): string[] {
  const changes: string[] = [];
  const ignores = added(base.ignore.map((entry) => JSON.stringify(entry)), head.ignore.map((entry) => JSON.stringify(entry)));
  if (ignores.length > 0) {
    const rules = ignores.map((entry) => (JSON.parse(entry) as Policy['ignore'][number]).rule);
    changes.push(`adds ${ignores.length} ignore entr${ignores.length === 1 ? 'y' : 'ies'} (rules ${listed([...new Set(rules)])})`);
  }
  const trusted = added(base.trustedImages, head.trustedImages);
  if (trusted.length > 0) changes.push(`trusts ${listed(trusted)}`);
  const registries = added(base.trustedRegistries, head.trustedRegistries);
  if (registries.length > 0) changes.push(`trusts the registries ${listed(registries)}`);
  const allowed = added(base.typosquat.allow, head.typosquat.allow);
  if (allowed.length > 0) changes.push(`exempts ${listed(allowed)} from typosquat detection`);
  if (base.allowedRegistries && !head.allowedRegistries) changes.push('removes the registry allowlist');
  else if (base.allowedRegistries && head.allowedRegistries) {
    const more = added(base.allowedRegistries, head.allowedRegistries);
    if (more.length > 0) changes.push(`allows the registries ${listed(more)}`);
  }
  const insecure = added(base.insecureRegistries, head.insecureRegistries);
  if (insecure.length > 0) changes.push(`reaches ${listed(insecure)} over plain HTTP`);
  return changes;
}

function modeChanges(base: Policy, head: Policy): string[] {
  const changes: string[] = [];
  if (MODE_RANK[head.pinning] < MODE_RANK[base.pinning]) changes.push(`relaxes pinning from ${base.pinning} to ${head.pinning}`);
  if (MODE_RANK[head.signatures.mode] < MODE_RANK[base.signatures.mode]) changes.push(`relaxes signatures from ${base.signatures.mode} to ${head.signatures.mode}`);
  if (base.typosquat.enabled && !head.typosquat.enabled) changes.push('turns typosquat detection off');
  if (FAIL_RANK[head.failOn] < FAIL_RANK[base.failOn]) changes.push(`fails on ${head.failOn} instead of ${base.failOn}`);
  const silenced = RULE_IDS.filter((rule) => inlineAllowed(head, rule) && !inlineAllowed(base, rule));
  if (silenced.length > 0) changes.push(`lets inline comments suppress ${listed([...silenced])}`);
  return changes;
}

/** Each way the head's policy is looser than the base's, as a phrase ("disables the rule `typosquat`"). */
export function policyLoosening(base: Policy, head: Policy): string[] {
  return [...ruleChanges(base, head), ...listChanges(base, head), ...modeChanges(base, head)];
}

/**
 * The finding on the policy file (`file` relative to the scan root), or undefined when nothing is
 * loosened. `applied`: the loosened policy is the one in force (policy-source: head), an error;
 * otherwise the base's policy was used and this is a warning for reviewers.
 */
export function policyLooseningFinding(base: Policy, head: Policy, file: string, applied: boolean): Finding | undefined {
  const changes = policyLoosening(base, head);
  if (changes.length === 0) return undefined;
  const consequence = applied ? 'This run used the changed policy.' : 'This run used the base branch’s policy; the change applies once merged.';
  return {
    rule: 'policy-loosened',
    severity: applied ? 'error' : 'warning',
    file,
    line: 1,
    column: 1,
    reference: null,
    raw: '',
    message: `This pull request loosens the verify-images policy: it ${changes.join('; ')}. ${consequence}`,
  };
}
