/**
 * Helm chart templates: every `image:` line of the files under a chart's `templates/`. A literal is
 * an occurrence as written; a templated value is evaluated with the chart's default values and
 * Chart.yaml where the expression is one of the common forms (including `include` of the chart's own
 * named templates), and is otherwise unresolved with the reason (library charts' named templates,
 * release data, variables, unknown functions).
 */
import type { Occurrence } from '../model.js';
import { chartRootOfTemplate, hasTemplatesSegment, readChartMetadata, readChartTemplates, readChartValues } from './helm-chart.js';
import { Unresolvable, renderTemplate, scanTemplate, scopeTracker } from './helm-template-eval.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';

/** `image:` as a mapping key at the start of a line, possibly as the first key of a list item. */
const IMAGE_LINE = /^[ \t]*(?:-[ \t]+)?image[ \t]*:(?=[ \t]|$)[ \t]*/gm;

/** Longer `image:` values are not evaluated (the tokenizer is not meant for generated text). */
const MAX_EXPRESSION_LENGTH = 4_096;

/** Template files longer than this are skipped line by line after the bound (they are generated, not written). */
const MAX_IMAGE_LINES = 2_000;

export const helmTemplatesDiscoverer: Discoverer = {
  kind: 'helm',
  matches(path: string): boolean {
    return /\.(ya?ml|tpl)$/i.test(path) && hasTemplatesSegment(path);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const chartRoot = await chartRootOfTemplate(file.path, context);
    if (chartRoot === undefined) return { occurrences: [] };
    const sites = findImageSites(file.text);
    if (sites.length === 0) return { occurrences: [] };

    const chart = (await readChartMetadata(chartRoot, context)) ?? {};
    const values = await readChartValues(chartRoot, context);
    const { namedTemplates } = await readChartTemplates(chartRoot, context);
    const scopeAt = scopeTracker(file.text);
    const lines = new LineIndex(file.text);
    const occurrences: Occurrence[] = [];
    const errors: string[] = [];
    if (sites.length > MAX_IMAGE_LINES) errors.push(`only the first ${MAX_IMAGE_LINES} image lines were read`);

    for (const site of sites.slice(0, MAX_IMAGE_LINES)) {
      let value: string | { unresolved: string };
      let note: string | undefined;
      if (!site.raw.includes('{{')) {
        value = site.raw;
      } else if (site.raw.length > MAX_EXPRESSION_LENGTH) {
        value = { unresolved: `the template expression is longer than ${MAX_EXPRESSION_LENGTH} characters and was not evaluated` };
      } else {
        try {
          let rendered = renderTemplate(site.raw, { values, chart, scope: scopeAt(site.offset), namedTemplates }).trim();
          // `| quote` in an unquoted value writes the YAML quotes itself; YAML then reads the string inside.
          if (!site.quoted) rendered = unquoteYamlScalar(rendered);
          value = rendered;
          note = "rendered with the chart's default values";
        } catch (error) {
          if (!(error instanceof Unresolvable)) throw error;
          value = { unresolved: error.message };
        }
      }
      occurrences.push(
        makeOccurrence({ file: file.path, kind: 'helm', lines, offset: site.offset, raw: site.raw, value, context: 'image', note }),
      );
    }
    return errors.length > 0 ? { occurrences, errors } : { occurrences };
  },
};

/** One `image:` value in a template file: where it starts and its text (inside the quotes when quoted). */
export interface ImageSite {
  offset: number;
  raw: string;
  quoted: boolean;
}

/** The `image:` values of a template file, skipping template comments and values that are not scalars. */
export function findImageSites(text: string): ImageSite[] {
  const comments = scanTemplate(text)
    .filter((segment) => segment.kind === 'action' && segment.body.startsWith('/*'))
    .map((segment) => segment as { start: number; end: number });
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(IMAGE_LINE)) {
    const start = match.index + match[0].length;
    if (comments.some((comment) => comment.start <= start && start < comment.end)) continue;
    const lineEnd = text.slice(start).search(/\r?\n|\r/);
    const line = lineEnd < 0 ? text.slice(start) : text.slice(start, start + lineEnd);
    const written = stripComment(line).trimEnd();
    if (written === '' || /^[|>[&*!]/.test(written) || (written.startsWith('{') && !written.startsWith('{{'))) continue;
    const quote = written[0];
    if ((quote === '"' || quote === "'") && written.length >= 2 && written.endsWith(quote)) {
      sites.push({ offset: start + 1, raw: written.slice(1, -1), quoted: true });
    } else {
      sites.push({ offset: start, raw: written, quoted: false });
    }
  }
  return sites;
}

/** Drops a trailing YAML comment (` #...`), leaving `#` inside quotes and template actions alone. */
function stripComment(line: string): string {
  let quote: string | undefined;
  let actionDepth = 0;
  for (let index = 0; index < line.length; index++) {
    const ch = line[index];
    if (line.startsWith('{{', index)) {
      actionDepth++;
      index++;
      continue;
    }
    if (actionDepth > 0 && line.startsWith('}}', index)) {
      actionDepth--;
      index++;
      continue;
    }
    if (actionDepth > 0) continue;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if ((ch === '"' || ch === "'") && (index === 0 || /\s/.test(line[index - 1]))) quote = ch;
    else if (ch === '#' && (index === 0 || /\s/.test(line[index - 1]))) return line.slice(0, index);
  }
  return line;
}

/** A rendered value that is itself a quoted YAML scalar (`{{ x | quote }}`) is read as the string inside. */
function unquoteYamlScalar(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text;
    }
  }
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}
