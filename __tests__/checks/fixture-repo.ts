/**
 * The occurrences of `fixtures/checks/repo`, as the discover stage reports them: each is located
 * by its line and raw text in the real fixture file and normalized by the real reference code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeOccurrence } from '../../src/discover/occurrence.js';
import { LineIndex } from '../../src/discover/position.js';
import type { Kind, ResolvedOccurrence } from '../../src/model.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
export const repo = path.join(fixtures, 'checks/repo');
export const policies = path.join(fixtures, 'config/checks');

interface Spec {
  file: string;
  kind: Kind;
  line: number;
  raw: string;
  /** The substituted text when it differs from raw, or why it could not be substituted. */
  value?: string | { unresolved: string };
  local?: boolean;
}

const SPECS: Spec[] = [
  { file: 'docker-compose.yml', kind: 'compose', line: 3, raw: 'nginx:latest' },
  { file: 'docker-compose.yml', kind: 'compose', line: 5, raw: 'ghcr.io/my-org/api:1.4' },
  { file: 'docker-compose.yml', kind: 'compose', line: 7, raw: 'redis' },
  { file: 'docker-compose.yml', kind: 'compose', line: 9, raw: 'postgres:16.4@sha256:5f2a5e4e4ac3f5d7f5b6a8e9c3d1e0f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4' },
  { file: 'docker-compose.yml', kind: 'compose', line: 12, raw: 'my-app:latest', local: true },
  { file: 'docker-compose.yml', kind: 'compose', line: 14, raw: '${WORKER_IMAGE}', value: { unresolved: 'variable WORKER_IMAGE has no value' } },
  { file: 'docker-compose.yml', kind: 'compose', line: 16, raw: 'Nginx:1.0' },
  { file: 'docker-compose.yml', kind: 'compose', line: 18, raw: 'registry.example.com/legacy/tool:2' },
  { file: 'docker-compose.yml', kind: 'compose', line: 21, raw: 'quay.io/prometheus/prometheus:latest' },
  { file: 'Dockerfile', kind: 'dockerfile', line: 3, raw: 'node:20-bookworm' },
  { file: 'Dockerfile', kind: 'dockerfile', line: 8, raw: 'gcr.io/distroless/nodejs20-debian12' },
  { file: 'build/Dockerfile', kind: 'dockerfile', line: 2, raw: 'node:${NODE_VERSION}-alpine', value: 'node:20-alpine' },
  { file: '.devcontainer/devcontainer.json', kind: 'devcontainer', line: 3, raw: 'mcr.microsoft.com/devcontainers/typescript-node' },
  { file: 'examples/demo/compose.yaml', kind: 'compose', line: 3, raw: 'busybox' },
  { file: 'examples/demo/compose.yaml', kind: 'compose', line: 5, raw: 'traefik:latest' },
  { file: 'deploy/pod.yaml', kind: 'kubernetes', line: 8, raw: 'nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31' },
  {
    file: 'deploy/pod.yaml',
    kind: 'kubernetes',
    line: 10,
    raw: 'busybox:latest@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7',
  },
];

export function loadFixtureRepo(): { occurrences: ResolvedOccurrence[]; sources: Map<string, string> } {
  const sources = new Map<string, string>();
  const occurrences = SPECS.map((spec) => {
    let text = sources.get(spec.file);
    if (text === undefined) {
      text = readFileSync(path.join(repo, spec.file), 'utf8');
      sources.set(spec.file, text);
    }
    const lines = new LineIndex(text);
    const lineStart = lines.offsetAt({ line: spec.line, column: 1 });
    const offset = text.indexOf(spec.raw, lineStart);
    const lineEnd = text.indexOf('\n', lineStart);
    if (offset < 0 || offset > lineEnd) throw new Error(`fixture: "${spec.raw}" is not on ${spec.file}:${spec.line}`);
    return makeOccurrence({ file: spec.file, kind: spec.kind, lines, offset, raw: spec.raw, value: spec.value ?? spec.raw, local: spec.local });
  });
  return { occurrences, sources };
}

/** Short "file:line" labels of findings or drafts, for readable assertions. */
export function at(items: Array<{ file: string; line: number }>): string[] {
  return items.map((item) => `${item.file}:${item.line}`);
}
