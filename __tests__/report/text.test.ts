import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model.js';
import { renderText } from '../../src/report/text.js';

const result = JSON.parse(readFileSync(new URL('../fixtures/report/scan-result.json', import.meta.url), 'utf8')) as ScanResult;

describe('text report', () => {
  const text = renderText(result);

  it('lists every occurrence with its location, kind, text as written and reference', () => {
    expect(text).toMatch(/^Images: 5 references in 4 files\n/);
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
  });
});
