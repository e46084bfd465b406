/**
 * Whether objects share one V8 hidden class (map), through V8's own `%HaveSameMap`. Natives syntax
 * is allowed at run time for this test process only; functions compiled afterwards may use it.
 */
import v8 from 'node:v8';

let same: ((a: object, b: object) => boolean) | undefined;

export function hiddenClassesOf(objects: readonly object[]): number {
  if (!same) {
    v8.setFlagsFromString('--allow-natives-syntax');
    same = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
  }
  const representatives: object[] = [];
  for (const object of objects) if (!representatives.some((r) => same!(r, object))) representatives.push(object);
  return representatives.length;
}
