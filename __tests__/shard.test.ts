/**
 * Shards of a job matrix: every file belongs to exactly one shard, and a scan split into shards
 * reports, taken together, exactly what the whole scan reports (real discovery and checks, offline).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../src/config/load.js';
import { scan } from '../src/engine.js';
import type { Finding } from '../src/model.js';
import { inShard, MAX_SHARDS, parseShard } from '../src/shard.js';

const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples');

describe('parseShard', () => {
  it('reads K/N', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`)).toEqual({ index: MAX_SHARDS, count: MAX_SHARDS });
  });

  it.each(['', '1', '/2', '1/', '0/2', '3/2', '1/0', `1/${MAX_SHARDS + 1}`, '1/2/3', 'x/2', '+1/2', '1e0/2', '1 /2'])('refuses %j with the reason', (text) => {
    expect(parseShard(text)).toHaveProperty('problem');
  });
});

describe('inShard', () => {
  it('puts every path in exactly one shard', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 64 }), (file, count) => {
        const owners = Array.from({ length: count }, (_, index) => inShard(file, { index: index + 1, count })).filter(Boolean);
        expect(owners).toHaveLength(1);
      }),
    );
  });

  it('spreads the files of a repository over the shards', () => {
    const files = Array.from({ length: 1000 }, (_, index) => `services/svc${index}/Dockerfile`);
    for (let index = 1; index <= 4; index++) {
      const mine = files.filter((file) => inShard(file, { index, count: 4 })).length;
      expect(mine).toBeGreaterThan(200);
      expect(mine).toBeLessThan(300);
    }
  });
});

describe('a sharded scan', () => {
  const key = (finding: Finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule}`;

  it('reports, over its shards, exactly the findings and images of the whole scan, each once', async () => {
    const whole = await scan({ root: EXAMPLES, policy: defaultPolicy(), offline: true });
    const count = 3;
    const parts = await Promise.all(Array.from({ length: count }, (_, index) => scan({ root: EXAMPLES, policy: defaultPolicy(), offline: true, shard: { index: index + 1, count } })));
    expect(whole.findings.length).toBeGreaterThan(10);
    expect(parts.filter((part) => part.findings.length > 0).length).toBeGreaterThan(1);
    expect(parts.flatMap((part) => part.findings.map(key)).sort()).toEqual(whole.findings.map(key).sort());
    expect(parts.flatMap((part) => part.occurrences.map((o) => `${o.file}:${o.line}`)).sort()).toEqual(whole.occurrences.map((o) => `${o.file}:${o.line}`).sort());
    expect(parts[0].notes).toContainEqual(expect.stringMatching(/^Shard 1 of 3: \d+ of the repository's \d+ image references/));
  });
});
