/** Typosquat check cost as the trusted list grows: the same occurrences checked against 1k and 10k trusted names. */
import { performance } from 'node:perf_hooks';
import { runChecks } from '../src/checks/index.js';
import { defaultPolicy } from '../src/config/load.js';
import type { Occurrence } from '../src/model.js';
import { normalizeForOccurrence } from '../src/reference/index.js';
import { random } from './synthetic.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function word(rnd: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += LETTERS[Math.floor(rnd() * LETTERS.length)];
  return out;
}

function occurrences(count: number, seed: number): Occurrence[] {
  const rnd = random(seed);
  return Array.from({ length: count }, (_, n) => {
    const raw = `${word(rnd, 6)}/${word(rnd, 8)}:1.${n % 10}`;
    const normalized = normalizeForOccurrence(raw);
    return { file: 'Dockerfile', line: n + 1, column: 6, kind: 'dockerfile', raw, reference: normalized.ok ? normalized.reference : null } as Occurrence;
  });
}

export interface TyposquatRow {
  trusted: number;
  occurrences: number;
  ms: number;
}

export function typosquatBench(trustedSizes: number[], checked: number, seed: number): TyposquatRow[] {
  const list = occurrences(checked, seed);
  const rows: TyposquatRow[] = [];
  for (const trusted of trustedSizes) {
    const rnd = random(seed + trusted);
    const policy = defaultPolicy();
    policy.trustedImages = [...policy.trustedImages];
    for (let i = 0; i < trusted; i++) policy.trustedImages.push(`docker.io/${word(rnd, 6)}/${word(rnd, 8)}`);
    runChecks(list.slice(0, 50), policy, new Map()); // warm up
    const start = performance.now();
    runChecks(list, policy, new Map());
    rows.push({ trusted, occurrences: checked, ms: performance.now() - start });
  }
  return rows;
}
