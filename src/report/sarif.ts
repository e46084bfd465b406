/**
 * SARIF 2.1.0 for GitHub code scanning: one rule entry per rule, results with exact regions,
 * fingerprints that survive line moves, suppressions, and GitHub's upload limits respected.
 */
import { createHash } from 'node:crypto';
import { RULES } from '../checks/rules.js';
import { RULE_IDS } from '../model.js';
import type { Finding, ScanResult, Severity } from '../model.js';

/** GitHub code scanning accepts at most 25,000 results per run. */
export const MAX_SARIF_RESULTS = 25_000;
const MAX_MESSAGE_LENGTH = 4_000;

/** GitHub ranks security alerts by this property (0-10). */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', note: '2.0' };

export interface SarifOptions {
  toolVersion?: string;
  informationUri?: string;
}

/**
 * A fingerprint that stays the same when the line moves: rule, file, the text as written, and the
 * how-many-th such finding it is in that file.
 */
function findingFingerprints(findings: Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const key = `${finding.rule}\u0000${finding.file}\u0000${finding.raw}`;
    const ordinal = seen.get(key) ?? 0;
    seen.set(key, ordinal + 1);
    return createHash('sha256').update(`${key}\u0000${ordinal}`).digest('hex').slice(0, 32) + `:${ordinal + 1}`;
  });
}

/** A repository path as a relative URI: each segment percent-encoded, so `#` and `?` in names stay part of the path. */
function pathUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? text.slice(0, MAX_MESSAGE_LENGTH - 1) + '…' : text;
}

/** One reportingDescriptor per rule, in RULE_IDS order (results point at them by index). */
function sarifRules(): Array<Record<string, unknown>> {
  return RULE_IDS.map((id) => {
    const rule = RULES[id];
    return {
      id,
      name: rule.name,
      shortDescription: { text: rule.shortDescription },
      fullDescription: { text: rule.fullDescription },
      help: { text: rule.help, markdown: `**${rule.shortDescription}**\n\n${rule.fullDescription}\n\n${rule.help}` },
      defaultConfiguration: { level: rule.defaultSeverity },
      properties: {
        tags: ['security', 'supply-chain', 'containers'],
        'security-severity': SECURITY_SEVERITY[rule.defaultSeverity],
      },
    };
  });
}

const RULE_INDEX = new Map(RULE_IDS.map((id, index) => [id, index]));

/** One SARIF result: where, what, its stable fingerprint, its fix and its suppression. */
function sarifResultFor(finding: Finding, fingerprint: string): Record<string, unknown> {
  const region: Record<string, number> = { startLine: finding.line, startColumn: finding.column };
  if (finding.raw.length > 0 && !/[\r\n]/.test(finding.raw)) {
    region.endLine = finding.line;
    region.endColumn = finding.column + finding.raw.length;
  }
  const sarifResult: Record<string, unknown> = {
    ruleId: finding.rule,
    ruleIndex: RULE_INDEX.get(finding.rule),
    level: finding.severity,
    message: { text: truncate(finding.message) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathUri(finding.file), uriBaseId: '%SRCROOT%' },
          region,
        },
      },
    ],
    ...(finding.related && finding.related.length > 0 ? { relatedLocations: relatedLocations(finding.related) } : {}),
    partialFingerprints: { 'verifyImagesFinding/v1': fingerprint },
    properties: { 'security-severity': SECURITY_SEVERITY[finding.severity], ...(finding.reference ? { reference: finding.reference } : {}) },
  };
  if (finding.suggestion !== undefined && region.endColumn !== undefined) {
    sarifResult.fixes = [
      {
        description: { text: `Replace with ${finding.suggestion}` },
        artifactChanges: [
          {
            artifactLocation: { uri: pathUri(finding.file), uriBaseId: '%SRCROOT%' },
            replacements: [{ deletedRegion: region, insertedContent: { text: finding.suggestion } }],
          },
        ],
      },
    ];
  }
  if (finding.suppressed) {
    sarifResult.suppressions = [
      {
        kind: finding.suppressed.kind === 'inline' ? 'inSource' : 'external',
        status: 'accepted',
        ...(finding.suppressed.reason ? { justification: finding.suppressed.reason } : {}),
      },
    ];
  }
  return sarifResult;
}

/** Files that were not checked, and results left out, as tool notifications. */
function toolNotifications(result: ScanResult): Array<Record<string, unknown>> {
  const notifications = result.errors.slice(0, 1000).map((error) => ({
    level: 'warning',
    message: { text: truncate(`${error.file}: ${error.message}`) },
    locations: [{ physicalLocation: { artifactLocation: { uri: pathUri(error.file), uriBaseId: '%SRCROOT%' } } }],
  }));
  if (result.findings.length > MAX_SARIF_RESULTS) {
    notifications.unshift({
      level: 'warning',
      message: { text: `${result.findings.length - MAX_SARIF_RESULTS} findings left out: GitHub accepts ${MAX_SARIF_RESULTS} results per run.` },
      locations: [],
    });
  }
  return notifications;
}

export function buildSarif(result: ScanResult, options: SarifOptions = {}): Record<string, unknown> {
  const findings = result.findings.slice(0, MAX_SARIF_RESULTS);
  const prints = findingFingerprints(findings);
  const rules = sarifRules();
  const results = findings.map((finding, index) => sarifResultFor(finding, prints[index]));
  const notifications = toolNotifications(result);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'verify-images',
            ...(options.toolVersion ? { version: options.toolVersion, semanticVersion: options.toolVersion } : {}),
            informationUri: options.informationUri ?? 'https://github.com/verify-images/verify-images',
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The scanned directory.' } } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

export function renderSarif(result: ScanResult, options: SarifOptions = {}): string {
  return JSON.stringify(buildSarif(result, options), null, 2) + '\n';
}

/** SARIF relatedLocations: each with an id, a region and what it is. */
function relatedLocations(related: NonNullable<Finding['related']>): Array<Record<string, unknown>> {
  return related.map((location, id) => ({
    id,
    physicalLocation: {
      artifactLocation: { uri: pathUri(location.file), uriBaseId: '%SRCROOT%' },
      region: { startLine: location.line, startColumn: location.column },
    },
    message: { text: truncate(location.message) },
  }));
}
