import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model.js';
import type { ResolvedOccurrence, Severity } from '../../src/model.js';
import { renderText, renderTextChunks } from '../../src/report/text.js';

const result = JSON.parse(readFileSync(new URL('../fixtures/report/scan-result.json', import.meta.url), 'utf8')) as ScanResult;

describe('text report', () => {
  const text = renderText(result);

  it('leads with the findings, errors first, and lists the image inventory after them', () => {
    expect(text).toMatch(/^Findings: 5 \(1 suppressed, not counted\)\n {2}error /);
    // One block per line, the lines with an error first (a line's warnings follow its error).
    const findings = [...text.matchAll(/^ {2}(error|warning|note) +(\S+)/gm)].map((match) => `${match[1]} ${match[2].replace(/[^\x20-\x7e]/g, '?')}`);
    expect(findings).toEqual([
      'error docker-compose.yml:10:12',
      'warning docker-compose.yml:10:12',
      expect.stringMatching(/^error evil/),
      'error k8s/deployment.yaml:24:18',
      'note Dockerfile:5:6',
    ]);
    expect(text.indexOf('Images: 5 references in 4 files')).toBeGreaterThan(text.lastIndexOf('fix:'));
  });

  it('gives a line with several findings one fix, the line’s final form', () => {
    const block = text.slice(text.indexOf('docker-compose.yml:10:12'));
    expect(block.match(/fix: /g)!.length).toBeGreaterThanOrEqual(1);
    expect(block.indexOf('fix: nginx:latest')).toBeLessThan(block.indexOf('k8s/deployment.yaml'));
  });

  it('lists every occurrence with its location, kind, text as written and reference', () => {
    expect(text).toContain('\nImages: 5 references in 4 files\n');
    expect(text).toMatch(/docker-compose\.yml:10:12 +compose +ngnix:latest +docker\.io\/library\/ngnix:latest\n/);
    expect(text).toMatch(/Dockerfile:5:6 +dockerfile +node:\$\{NODE_VERSION\} +\(unresolved\)\n/);
  });

  it('counts findings without the suppressed ones, and gives each its fix', () => {
    expect(text).toContain('Findings: 5 (1 suppressed, not counted)');
    expect(text).toContain('  error   docker-compose.yml:10:12  [typosquat]\n');
    expect(text).toContain('          fix: nginx:latest\n');
    expect(text).not.toContain('pinned by the deploy tool');
    expect(text).toMatch(/Summary: 3 error\(s\), 1 warning\(s\), 1 note\(s\)\.\n$/);
  });

  it('says who signed each image whose signature was verified, and when', () => {
    expect(text).toContain(
      'Signatures verified: 1 image\n' +
        '  ghcr.io/example/web:1.4.2@sha256:2222222222222222222222222222222222222222222222222222222222222222\n' +
        '      signed by https://github.com/example/web/.github/workflows/release.yml@refs/heads/main (https://token.actions.githubusercontent.com), 2026-10-01T12:00:00.000Z\n',
    );
  });

  it('marks an image built in the repository', () => {
    const local = renderText({
      schemaVersion: 1,
      occurrences: [{ file: 'compose.yaml', line: 3, column: 12, kind: 'compose', raw: 'acme/web:dev', reference: 'docker.io/acme/web:dev', local: true }],
      findings: [],
      errors: [],
    });
    expect(local).toMatch(/compose\.yaml:3:12 +compose +acme\/web:dev +docker\.io\/acme\/web:dev \(built here\)\n/);
  });

  it('tells registry problems once per registry, with what to do', () => {
    const unreachable = (index: number): ResolvedOccurrence => ({
      file: 'compose.yaml',
      line: index + 1,
      column: 12,
      kind: 'compose',
      raw: `app${index}:1`,
      reference: `docker.io/library/app${index}:1`,
      resolution: { status: 'error', errorCode: 'timeout', message: 'timed out after 30 s' },
    });
    const refused: ResolvedOccurrence = {
      ...unreachable(0),
      line: 40,
      reference: 'registry.example.com/team/app:1',
      resolution: { status: 'error', errorCode: 'unauthorized', message: 'authentication required or refused (401)' },
    };
    const plain: ResolvedOccurrence = {
      ...unreachable(0),
      line: 41,
      reference: '10.0.0.5:5000/team/app:1',
      resolution: { status: 'error', errorCode: 'network', message: 'network error (ERR_SSL_WRONG_VERSION_NUMBER)' },
    };
    const occurrences = [...Array.from({ length: 20 }, (_, index) => unreachable(index)), refused, plain];
    // Errors by default; the private registry nothing answers at is a note; a policy may grade the rest as warnings.
    const severityOf = (occurrence: ResolvedOccurrence): Severity => (occurrence === plain ? 'note' : occurrence.line % 2 === 0 ? 'error' : 'warning');
    const findings = occurrences.map((occurrence) => ({ rule: 'registry-unreachable' as const, severity: severityOf(occurrence), file: occurrence.file, line: occurrence.line, column: 12, reference: occurrence.reference, raw: occurrence.raw, message: 'not verified' }));
    const report = renderText({ schemaVersion: 1, occurrences, findings, errors: [] }, { credentialPlaces: ['$REGISTRY_AUTH_FILE (/x/auth.json)', '/home/me/.docker/config.json'] });
    const counted = (severity: string) => findings.filter((finding) => finding.severity === severity).length;
    expect(report).toContain(`  error   ${counted('error')} image references not verified [registry-unreachable]: see Registries below\n  warning ${counted('warning')} image references not verified [registry-unreachable]: see Registries below\n  note    1 image reference not verified [registry-unreachable]: see Registries below\n`);
    expect(report).not.toContain('[registry-unreachable]\n');
    expect(report).toContain('  docker.io unreachable (timeout): 20 images not verified\n');
    expect(report).toContain('  registry.example.com refused the credentials (401): 1 image not verified\n');
    expect(report).toContain('hint: credentials for registry.example.com were looked for in: $REGISTRY_AUTH_FILE (/x/auth.json), /home/me/.docker/config.json\n');
    expect(report).toContain('hint: it answered TLS in plain HTTP: if it is a plain-HTTP registry you trust, run with --insecure-registry 10.0.0.5:5000\n');
  });

  it('hints at --offline when no registry answered at all (a machine without network), not when one did', () => {
    const at = (index: number, resolution: ResolvedOccurrence['resolution']): ResolvedOccurrence => ({ file: 'Dockerfile', line: index + 1, column: 6, kind: 'dockerfile', raw: `app${index}:1`, reference: `ghcr.io/acme/app${index}:1`, resolution });
    const cutOff = [at(0, { status: 'error', errorCode: 'network', message: 'network error (ENOTFOUND)' }), at(1, { status: 'error', errorCode: 'timeout', message: 'timed out' })];
    const hint = 'hint: no registry answered this run: on a machine without network, scan with --offline';
    expect(renderText({ schemaVersion: 1, occurrences: cutOff, findings: [], errors: [] })).toContain(hint);
    const oneAnswered = [...cutOff, at(2, { status: 'ok', tagDigest: `sha256:${'1'.repeat(64)}` })];
    expect(renderText({ schemaVersion: 1, occurrences: oneAnswered, findings: [], errors: [] })).not.toContain(hint);
    const refused = [at(0, { status: 'error', errorCode: 'unauthorized', message: '401' }), ...cutOff];
    expect(renderText({ schemaVersion: 1, occurrences: refused, findings: [], errors: [] })).not.toContain(hint);
  });

  it('colours severities only through the style it is given', () => {
    const red = (t: string) => `<red>${t}</red>`;
    const styled = renderText(result, { style: { error: red, warning: (t) => t, note: (t) => t, bold: (t) => t, dim: (t) => t } });
    expect(styled).toContain('  <red>error  </red> docker-compose.yml:10:12  [typosquat]');
    expect(text).not.toContain('<red>');
  });

  it('strips control characters from repository text', () => {
    const hostile = renderText({
      schemaVersion: 1,
      occurrences: [{ file: 'a\u001b[31m.yaml', line: 1, column: 1, kind: 'kubernetes', raw: 'x\r\u001b]8;;evil\u0007', reference: null }],
      findings: [],
      errors: [{ file: 'b\u001b[2J.yaml', message: 'bad\u0000' }],
    });
    expect(hostile).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it('renders 130,000 occurrences without overflowing the stack (no spread of huge arrays into a call)', () => {
    const occurrences = Array.from({ length: 130_000 }, (_, n) => ({
      file: 'Dockerfile',
      line: n + 1,
      column: 6,
      kind: 'dockerfile' as const,
      raw: `registry.example/app${n}:1`,
      reference: `registry.example/app${n}:1`,
    }));
    const text = renderText({ schemaVersion: 1, occurrences, findings: [], errors: [] });
    expect(text).toContain('Images: 130000 references in 1 files');
    expect(text).toContain('Dockerfile:130000:6');
    // Streamed: the same text in chunks of about 64 KB, made one at a time.
    const chunks = renderTextChunks({ schemaVersion: 1, occurrences, findings: [], errors: [] });
    let streamed = '';
    let count = 0;
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThan(64 * 1024 + 200);
      streamed += chunk;
      count++;
    }
    expect(count).toBeGreaterThan(50);
    expect(streamed).toBe(text);
  });
});
