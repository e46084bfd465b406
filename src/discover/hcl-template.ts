/**
 * HCL template strings (`"redis:${var.tag}"`) filled in, for every reader of HCL (Terraform, Nomad):
 * each `${ }` interpolation's inner text handed to the reader, which knows its values. `%{ }`
 * directives are evaluated by the tool that reads the file, so a template holding one is
 * unresolved. The result is bounded: one template may repeat a reference to a long value.
 */

/** Bound on the text a filled template may grow to (any reference is shorter: 1,024 characters). */
export const MAX_VALUE_LENGTH = 4096;

/** How a template is filled: who evaluates it, whether `$${` is a literal `${`, and what a text past the length bound becomes. */
export interface FillOptions {
  /** The tool that renders the template (`Terraform`, `Nomad`), named in what cannot be filled. */
  evaluatedBy: string;
  /** A template file's text (a string token's was unescaped already). */
  escapes?: boolean;
  /** By default the value is unresolved; a caller may keep the text so far (already past any reference's length). */
  tooLong?: (text: string) => string | { unresolved: string };
}

/**
 * A template's `${ }` interpolations filled by `fill` (given each one's inner text), or why one cannot
 * be. The text built stops past MAX_VALUE_LENGTH, each fill adding at most one value to it.
 */
export function fillInterpolations(template: string, fill: (inner: string) => string | { unresolved: string }, options: FillOptions): string | { unresolved: string } {
  const { evaluatedBy, escapes = false, tooLong = () => ({ unresolved: 'the value grows too long' }) } = options;
  if (template.includes('%{')) return { unresolved: `a template directive (%{ }) is evaluated by ${evaluatedBy}` };
  let output = '';
  let index = 0;
  for (;;) {
    const open = template.indexOf('${', index);
    if (open < 0) return output + template.slice(index);
    if (escapes && template[open - 1] === '$') {
      output += template.slice(index, open + 2);
      index = open + 2;
      continue;
    }
    const close = template.indexOf('}', open);
    if (close < 0) return output + template.slice(index);
    const part = fill(template.slice(open + 2, close));
    if (typeof part !== 'string') return part;
    output += template.slice(index, open) + part;
    if (output.length > MAX_VALUE_LENGTH) return tooLong(output);
    index = close + 1;
  }
}
