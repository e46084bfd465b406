import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScriptVariables, substituteShellNames, withoutExpressions } from '../../src/discover/script-variables.js';
import { shellCommands } from '../../src/discover/shell-commands.js';

describe('substituteShellNames', () => {
  const values = new Map<string, string | null>([['A', 'x'], ['B', 'y'], ['OUT', null]]);
  const lookup = (name: string) => values.get(name);

  it.each([
    ['$A/$B:1', 'x/y:1'],
    ['${A}-${B}', 'x-y'],
    ['$C:$A', '$C:x'],
    ['${A:-z}', '${A:-z}'],
    ['$(cat f) $1 $', '$(cat f) $1 $'],
    ['${{ matrix.a }}:$A', '${{ matrix.a }}:x'],
    ['${{ unclosed $A', '${{ unclosed $A'],
  ])('%s is %s', (text, expected) => {
    expect(substituteShellNames(text, lookup)).toBe(expected);
  });

  it('is unresolved for a name set to a value known only when the script runs', () => {
    expect(substituteShellNames('img:$OUT', lookup)).toEqual({ unresolved: '$OUT is set in the script to a value known only when it runs' });
  });

  it('changes nothing when no name is known', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', 'a', '_', '1', ':', '(') }), (text) => {
      expect(substituteShellNames(text, () => undefined)).toBe(text);
    }));
  });

  it('drops ${{ }} expressions in one pass', () => {
    expect(withoutExpressions('a${{ x }}b${{ y }}')).toBe('ab');
    expect(withoutExpressions('${{'.repeat(100_000))).toBe('');
  });
});

describe('ScriptVariables', () => {
  const run = (script: string) => {
    const variables = new ScriptVariables();
    for (const words of shellCommands(script)) variables.record(words);
    return variables;
  };

  it('takes commands of assignments alone, with export and the like, in order', () => {
    const variables = run('A=1\nexport B="img:$A" C=$A\nD=2 docker run x\nreadonly -x E=e\nA=3\n');
    expect(variables.substitute('$A $B $C $D $E')).toBe('3 img:1 1 $D e');
  });

  it('knows a variable set from a command or the environment to be unknown, not unset', () => {
    expect(run('A=$(cat f)\n').substitute('$A')).toEqual({ unresolved: '$A is set in the script to a value known only when it runs' });
    expect(run('A=${HOME}/x\n').substitute('$A')).toEqual({ unresolved: '$A is set in the script to a value known only when it runs' });
  });
});
