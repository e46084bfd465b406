// The format of the blind labelled sets written for issue 14 (__tests__/fixtures/typosquat/blind3.tsv,
// blind4.tsv, blind5.tsv): four tab-separated columns, known labels, kebab-case techniques,
// syntactically valid references, a source on every row (a URL or "constructed: ..."), no duplicate
// image. It does not run the detector: each set is scored once by the integrator.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'typosquat');
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

function rows(file: string): Row[] {
  const lines = readFileSync(path.join(DIR, file), 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  expect(lines[0]).toBe('image\texpected\ttechnique\tsource');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    expect(cells, line).toHaveLength(4);
    const [image = '', expected = '', technique = '', source = ''] = cells;
    return { image, expected, technique, source };
  });
}

/** Each set's size as its writer intended it: at least these many rows of each label. */
const SETS = [
  { file: 'blind3.tsv', rows: 280, squat: 180, impersonation: 25, clean: 60 },
  { file: 'blind4.tsv', rows: 240, squat: 165, impersonation: 25, clean: 55 },
  { file: 'blind5.tsv', rows: 190, squat: 130, impersonation: 18, clean: 40 },
];

describe.each(SETS)('$file format', (set) => {
  const all = rows(set.file);

  it('has the rows and the three labels in the intended proportions', () => {
    expect(all.length).toBeGreaterThanOrEqual(set.rows);
    const count = (label: string): number => all.filter((row) => row.expected === label).length;
    expect(count('squat')).toBeGreaterThanOrEqual(set.squat);
    expect(count('impersonation')).toBeGreaterThanOrEqual(set.impersonation);
    expect(count('clean')).toBeGreaterThanOrEqual(set.clean);
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
