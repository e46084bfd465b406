/**
 * An OpenShift Template's parameters, as `oc process` fills them in: `${NAME}` (and `${{NAME}}`,
 * written for a value that is not a string) in its objects becomes the parameter's `value`. An
 * image written with parameters is read with their defaults; a parameter without one (set, or
 * generated, when the template is processed) leaves the image unresolved, saying which.
 */

/** One parameter of a Template: its default, and whether `oc process` generates a value when none is given. */
export interface TemplateParameter {
  value?: string;
  generated: boolean;
}

/** At most this many parameters are read from one Template. */
const MAX_PARAMETERS = 1_000;
/**
 * The longest text parameters may fill in: an image is far shorter. 1,000 references to a parameter
 * of 100,000 characters built 100 MB for one image line, and 10,000 threw "Invalid string length".
 */
const MAX_PROCESSED = 4_096;

function isNameChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_';
}

/** A parameter's name as oc's processor matches it (`[a-zA-Z0-9_]+`). */
function isParameterName(text: string): boolean {
  if (text === '') return false;
  for (const ch of text) if (!isNameChar(ch)) return false;
  return true;
}

/** The parameters by name, from each entry's `name`, `value` and `generate` (already read as strings). */
export function templateParameters(entries: ReadonlyArray<{ name?: string; value?: string; generate?: string }>): Map<string, TemplateParameter> {
  const parameters = new Map<string, TemplateParameter>();
  for (const entry of entries.slice(0, MAX_PARAMETERS)) {
    if (entry.name === undefined || !isParameterName(entry.name)) continue;
    parameters.set(entry.name, { ...(entry.value === undefined || entry.value === '' ? {} : { value: entry.value }), generated: entry.generate !== undefined && entry.generate !== '' });
  }
  return parameters;
}

/**
 * `text` with the Template's parameters filled in, or why it cannot be; undefined when it names
 * none of them (text with other `${…}` is left to the caller). One pass over the text.
 */
export function processParameters(text: string, parameters: ReadonlyMap<string, TemplateParameter>): { value: string } | { unresolved: string } | undefined {
  let output = '';
  let named = false;
  let index = 0;
  // The next closer found so far, per kind, so that no stretch of text is searched twice.
  const closers = new Map<string, number>();
  const closerAfter = (closer: string, from: number): number => {
    const known = closers.get(closer);
    if (known !== undefined && (known < 0 || known >= from)) return known;
    const found = text.indexOf(closer, from);
    closers.set(closer, found);
    return found;
  };
  while (index < text.length) {
    const start = text.indexOf('${', index);
    if (start < 0) break;
    const double = text.startsWith('${{', start);
    const open = start + (double ? 3 : 2);
    const close = closerAfter(double ? '}}' : '}', open);
    // The name's characters run to the closer (a scan that stops at the first other character, so linear overall).
    let end = open;
    while (end < text.length && isNameChar(text[end])) end++;
    const name = close >= 0 && end === close && end > open ? text.slice(open, close) : '';
    const parameter = name === '' ? undefined : parameters.get(name);
    if (parameter === undefined) {
      output += text.slice(index, start + 2);
      index = start + 2;
      continue;
    }
    named = true;
    if (parameter.value === undefined) {
      return { unresolved: `the Template's parameter ${name} ${parameter.generated ? 'is generated' : 'has no default; it is set'} when the template is processed` };
    }
    output += text.slice(index, start) + parameter.value;
    if (output.length > MAX_PROCESSED) return { unresolved: `the Template's parameters fill in more than ${MAX_PROCESSED.toLocaleString('en-US')} characters here, which is no image` };
    index = close + (double ? 2 : 1);
  }
  return named ? { value: output + text.slice(index) } : undefined;
}

/** Said of an image read with the Template's parameter defaults. */
export const PARAMETER_DEFAULTS_NOTE = "with the Template's parameter defaults, as oc process fills them in";
