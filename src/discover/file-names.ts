/**
 * Tests of a path's file name for the discoverers' `matches` and `candidate`, which run for every
 * path of the walk (issue 15): plain `endsWith` checks, no regular expression and no allocation.
 */

/** Whether `path` is the file `name` (or the relative path `name`) in any directory, the root included. */
export function isNamed(path: string, name: string): boolean {
  return path.endsWith(name) && (path.length === name.length || path.charCodeAt(path.length - name.length - 1) === 0x2f);
}

/** Whether the path ends as a YAML file does, `.yml` or `.yaml` (lower case, as the tools that name these files write it). */
export function isYamlPath(path: string): boolean {
  return path.endsWith('.yml') || path.endsWith('.yaml');
}
