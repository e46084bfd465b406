/**
 * Reading settings out of parsed YAML with their positions, for the container configurations the
 * least-privilege rules judge. Values are read as YAML gives them; a setting whose value is not of
 * the expected type (a template, a variable) is treated as not written.
 */
import type { WrittenSetting } from '../../model.js';
import type { LineIndex } from '../position.js';
import { isScalar, scalarLocation, scalarString } from '../yaml.js';
import { PLACEHOLDER_MARK, TEMPLATE_ACTION_MARK } from '../template-mask.js';

export class SettingReader {
  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  /** The node's value as a setting, when it is a scalar the converter accepts. */
  private scalar<T>(node: unknown, convert: (value: unknown) => T | undefined): WrittenSetting<T> | undefined {
    if (!isScalar(node) || !node.range) return undefined;
    const value = convert(node.value);
    if (value === undefined) return undefined;
    const [start, end] = node.range;
    return { value, raw: this.text.slice(start, end), ...this.lines.positionAt(start) };
  }

  boolean(node: unknown): WrittenSetting<boolean> | undefined {
    return this.scalar(node, (value) => (typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined));
  }

  integer(node: unknown): WrittenSetting<number> | undefined {
    return this.scalar(node, (value) => {
      const number = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
      return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
    });
  }

  string(node: unknown): WrittenSetting<string> | undefined {
    return this.scalar(node, (value) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined));
  }

  /**
   * A scalar's text for people (a workload's or container's name, an image): its value, or as written
   * when the value holds a template action or placeholder masked for parsing (`{{ .Service }}-v1`).
   */
  written(node: unknown): string | undefined {
    const value = scalarString(node);
    if (value === undefined || !isScalar(node) || !node.range) return value;
    if (!value.includes(TEMPLATE_ACTION_MARK) && !value.includes(PLACEHOLDER_MARK)) return value;
    // Inside the quotes of a quoted scalar, as an image's `raw` is.
    return scalarLocation(node, this.text)?.raw ?? this.text.slice(node.range[0], node.range[1]);
  }

  /** The position of any node with a range (a map or sequence item), for settings that are absent. */
  at(node: unknown): { line: number; column: number } | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.lines.positionAt(range[0]) : undefined;
  }
}

/**
 * Whether a file defines a development container (under `.devcontainer/`): the editor's environment
 * on a developer's machine or a codespace, never deployed. How it runs is set for the developer's
 * tools (a debugger's `SYS_PTRACE`, the Docker socket of a Docker-outside-of-Docker setup, the user
 * devcontainer.json's `remoteUser` picks), so the least-privilege rules, which judge what the
 * repository deploys, do not read it.
 */
export function isDevelopmentContainerFile(path: string): boolean {
  return path.startsWith('.devcontainer/') || path.includes('/.devcontainer/');
}
