/**
 * The span finders of src/spans.ts give what the regular expressions they replaced gave (compared on
 * short texts of the characters that matter), and read hostile texts once: every `${` without a `}`
 * after it was retried by V8 to the end of the text (4 million characters read for an image of
 * 2,040 `${`; 5 s for a Drone pipeline of 450 such images).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allSpans, dollarName, enclosed, firstSpan, literal, replaceSpans, type SpanFinder } from '../src/spans.js';

const text = (units: string[]) => fc.string({ unit: fc.constantFrom(...units), maxLength: 24 });

/** What a global regex finds: each match's start, end and which alternative (capture group) matched. */
function regexSpans(pattern: RegExp, input: string): Array<[number, number, number]> {
  return [...input.matchAll(pattern)].map((match) => [match.index, match.index + match[0].length, Math.max(0, match.slice(1).findIndex((group) => group !== undefined))]);
}

function spansOf(finders: SpanFinder[]): Array<[number, number, number]> {
  return allSpans(finders).map((span) => [span.start, span.end, span.finder]);
}

describe('span finders', () => {
  it('${...}, {{...}} on one line and $(...) as the Kubernetes placeholder pattern finds the first', () => {
    fc.assert(
      fc.property(text(['$', '{', '}', '(', ')', 'a', '\n', '\u2028']), (input) => {
        const span = firstSpan([enclosed(input, '${', '}'), enclosed(input, '{{', '}}', { sameLine: true }), enclosed(input, '$(', ')')]);
        const match = /\$\{[^}]*\}|\{\{.*?\}\}|\$\([^)]*\)/.exec(input);
        expect(span ? [span.start, span.end] : null).toEqual(match && [match.index, match.index + match[0].length]);
      }),
      { numRuns: 2000 },
    );
  });

  it('$(...), ${{...}} and $[...] to the last ] as the Azure Pipelines expression pattern', () => {
    fc.assert(
      fc.property(text(['$', '(', ')', '{', '}', '[', ']', 'a', '\n']), (input) => {
        const finders = [enclosed(input, '$(', ')'), enclosed(input, '${{', '}}'), enclosed(input, '$[', ']', { toLast: true })];
        expect(spansOf(finders)).toEqual(regexSpans(/\$\(([^)]*)\)|\$\{\{([\s\S]*?)\}\}|\$\[([\s\S]*)\]/g, input));
      }),
      { numRuns: 2000 },
    );
  });

  it('$$, ${name} and $name as the Drone pattern, names included', () => {
    fc.assert(
      fc.property(text(['$', '{', '}', 'a', '_', '1', '-', ' ']), (input) => {
        const finders = [literal(input, '$$'), enclosed(input, '${', '}'), dollarName(input)];
        // The regex has no group for `$$`: its alternative index is found by the match text.
        const expected = [...input.matchAll(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => [match.index, match.index + match[0].length, match[0] === '$$' ? 0 : match[1] !== undefined ? 1 : 2, match[1] ?? match[2] ?? '']);
        expect(allSpans(finders).map((span) => [span.start, span.end, span.finder, input.slice(span.innerStart, span.innerEnd)])).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('removes {{...}} on one line, [...] and ${{...}} as the replaced patterns do', () => {
    fc.assert(
      fc.property(text(['{', '}', '[', ']', '$', 'a', ' ', '\n', '\r']), (input) => {
        expect(replaceSpans(input, allSpans([enclosed(input, '{{', '}}', { sameLine: true })]), () => '')).toBe(input.replace(/\{\{.*?\}\}/g, ''));
        expect(replaceSpans(input, allSpans([enclosed(input, '[', ']')]), () => '')).toBe(input.replace(/\[[^\]]*\]/g, ''));
        expect(replaceSpans(input, allSpans([enclosed(input, '${{', '}}')]), () => 'x')).toBe(input.replace(/\$\{\{([\s\S]*?)\}\}/g, 'x'));
        const component = firstSpan([enclosed(input, '$[[', ']]')]);
        const match = /\$\[\[[\s\S]*?\]\]/.exec(input);
        expect(component ? [component.start, component.end] : null).toEqual(match && [match.index, match.index + match[0].length]);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads hostile texts of a million characters once', () => {
    const opens = '${'.repeat(500_000);
    expect(firstSpan([enclosed(opens, '${', '}'), enclosed(opens, '{{', '}}', { sameLine: true }), enclosed(opens, '$(', ')')])).toBeUndefined();
    const braces = `${'{{'.repeat(500_000)}\n}}`;
    expect(allSpans([enclosed(braces, '{{', '}}', { sameLine: true })])).toEqual([]);
    const dollars = `${'$$'.repeat(250_000)}${'${'.repeat(250_000)}$name`;
    const drone = allSpans([literal(dollars, '$$'), enclosed(dollars, '${', '}'), dollarName(dollars)]);
    expect(drone.length).toBe(250_000 + 1);
    expect(drone.at(-1)).toMatchObject({ finder: 2, start: dollars.length - 5 });
  });
});
