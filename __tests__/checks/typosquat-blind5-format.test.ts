// The format of the fifth blind labelled set (__tests__/fixtures/typosquat/blind5.tsv): four
// tab-separated columns, known labels, kebab-case techniques, syntactically valid references, a source
// on every row (a URL or "constructed: ..."), no duplicate image. It does not run the detector: the set
// is scored once by the integrator.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'typosquat', 'blind5.tsv');
const LABELS = new Set(['squat', 'impersonation', 'clean']);
// Docker's reference grammar (distribution/reference), written out for these short, trusted fixture lines.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const DOMAIN = `(?:${LABEL}(?:\\.${LABEL})*(?::[0-9]+)?)`;
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

interface Row {
  image: string;
  expected: string;
  technique: string;
  source: string;
}

function rows(): Row[] {
  const lines = readFileSync(FILE, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  expect(lines[0]).toBe('image\texpected\ttechnique\tsource');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    expect(cells, line).toHaveLength(4);
    const [image = '', expected = '', technique = '', source = ''] = cells;
    return { image, expected, technique, source };
  });
}

describe('blind5.tsv format', () => {
  const all = rows();

  it('has about 200 rows with the three labels in the intended proportions', () => {
    expect(all.length).toBeGreaterThanOrEqual(190);
    const count = (label: string): number => all.filter((row) => row.expected === label).length;
    expect(count('squat')).toBeGreaterThanOrEqual(130);
    expect(count('impersonation')).toBeGreaterThanOrEqual(18);
    expect(count('clean')).toBeGreaterThanOrEqual(40);
  });

  it('labels every row with a known label, a kebab-case technique and a source', () => {
    for (const row of all) {
      expect(LABELS.has(row.expected), row.image).toBe(true);
      expect(row.technique, row.image).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(row.source.startsWith('https://') || row.source.startsWith('constructed: '), row.image).toBe(true);
    }
  });

  it('holds syntactically valid references with a tag or a digest', () => {
    for (const row of all) {
      expect(row.image, row.image).toMatch(REFERENCE);
      const last = row.image.split('/').pop() ?? '';
      expect(last.includes(':') || last.includes('@'), row.image).toBe(true);
    }
  });

  it('has no duplicate image', () => {
    const seen = new Set<string>();
    for (const row of all) {
      expect(seen.has(row.image), row.image).toBe(false);
      seen.add(row.image);
    }
  });
});
