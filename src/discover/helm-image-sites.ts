/**
 * The `image:` lines of a Helm template file (the sites), and the markers that let the executor
 * tell which output each site rendered: `\u0000S<n>\u0000` before the value and `\u0000E<n>\u0000`
 * after it, placed in the template's literal text so they travel with it through `include`.
 */
import { lexTemplate, TemplateSyntaxError, type ActionSpan } from './helm-template-lex.js';

/** `image:` as a mapping key at the start of a line, possibly as the first key of a list item. */
const IMAGE_LINE = /^[ \t]*(?:-[ \t]+)?image[ \t]*:(?=[ \t]|$)[ \t]*/gm;

/** One `image:` value in a template file: where it starts and its text (inside the quotes when quoted). */
export interface ImageSite {
  offset: number;
  raw: string;
  quoted: boolean;
  /** Set when the value starts or ends inside a template action, so no marker can be placed. */
  inAction?: true;
}

/** The actions of a template, or none when it does not lex (its parse reports why). */
function spansOf(text: string): ActionSpan[] {
  const spans: ActionSpan[] = [];
  try {
    lexTemplate(text, spans);
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
  }
  return spans;
}

function spanAt(spans: ActionSpan[], offset: number): ActionSpan | undefined {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const span = spans[middle];
    if (offset < span.start) high = middle - 1;
    else if (offset >= span.end) low = middle + 1;
    else return span;
  }
  return undefined;
}

/** The `image:` values of a template file, skipping template comments and values that are not scalars. */
export function findImageSites(text: string): ImageSite[] {
  // The actions are lexed only for a file with an image line (most of a chart's templates have none).
  let spans: ActionSpan[] | undefined;
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(IMAGE_LINE)) {
    spans ??= text.includes('{{') ? spansOf(text) : [];
    const start = match.index + match[0].length;
    const enclosing = spanAt(spans, match.index + match[0].length - 1);
    if (enclosing?.comment) continue;
    const lineEnd = text.slice(start).search(/\r?\n|\r/);
    const line = lineEnd < 0 ? text.slice(start) : text.slice(start, start + lineEnd);
    const written = stripComment(line).trimEnd();
    if (written === '' || /^[|>[&*!]/.test(written) || (written.startsWith('{') && !written.startsWith('{{'))) continue;
    const quote = written[0];
    const site: ImageSite =
      (quote === '"' || quote === "'") && written.length >= 2 && written.endsWith(quote)
        ? { offset: start + 1, raw: written.slice(1, -1), quoted: true }
        : { offset: start, raw: written, quoted: false };
    const end = site.offset + site.raw.length;
    const cuts = (span: ActionSpan | undefined): boolean => span !== undefined && (span.start < site.offset || span.end > end);
    if (enclosing || cuts(spanAt(spans, site.offset)) || cuts(spanAt(spans, end - 1))) site.inAction = true;
    sites.push(site);
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

/** The text with a start and end marker around each site that can carry one (`base` numbers them chart-wide). */
export function markSites(text: string, sites: ImageSite[], base: number): string {
  let out = '';
  let index = 0;
  sites.forEach((site, siteIndex) => {
    if (site.inAction) return;
    const end = site.offset + site.raw.length;
    out += `${text.slice(index, site.offset)}\u0000S${base + siteIndex}\u0000${text.slice(site.offset, end)}\u0000E${base + siteIndex}\u0000`;
    index = end;
  });
  return out + text.slice(index);
}
