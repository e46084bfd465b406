/**
 * Attack test for the Helm evaluator: a small chart must not make it build huge strings (a few
 * such lines held gigabytes before the bound); each such image is unresolved with the reason.
 */
import { describe, expect, it } from 'vitest';
import { helmTemplatesDiscoverer } from '../../src/discover/helm.js';
import { fixture, fixtureContext } from './discover-helpers.js';

describe('helm template evaluation bounds', () => {
  it('leaves expressions that grow past the bound unresolved, and evaluates the rest', async () => {
    const file = fixture('helm', 'growth/templates/deployment.yaml');
    const extraction = await helmTemplatesDiscoverer.extract(file, fixtureContext('helm'));
    const byName = extraction.occurrences.map((occurrence) => [occurrence.reference, occurrence.problem?.message ?? occurrence.problem?.kind]);
    expect(byName).toHaveLength(7);
    for (const [reference, problem] of byName.slice(0, 6)) {
      expect(reference).toBeNull();
      expect(problem).toMatch(/longer than 65536 characters/);
    }
    expect(byName[6]).toEqual(['docker.io/library/nginx:1.25', undefined]);
    // Nothing kept the would-be strings alive.
    for (const occurrence of extraction.occurrences) expect(JSON.stringify(occurrence).length).toBeLessThan(10_000);
  });

  it('reads an image line a range renders 62,500 times in time linear in the output', async () => {
    // No duration is asserted: at each rendering the executor searched and sliced the whole output
    // so far (70 x 70 renderings took 30 s), so these would run far past the test timeout.
    const file = fixture('helm', 'range-lines/templates/pods.yaml');
    const extraction = await helmTemplatesDiscoverer.extract(file, fixtureContext('helm'));
    expect(extraction.errors ?? []).toEqual([]);
    expect(extraction.occurrences.map((occurrence) => [occurrence.file, occurrence.line, occurrence.reference])).toEqual([
      ['range-lines/templates/pods.yaml', 10, 'registry.example.com/team/range-lines:1.0'],
    ]);
  });
});
