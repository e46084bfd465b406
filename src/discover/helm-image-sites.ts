/**
 * The `image:` lines, image flags (`- --<name>image=...`, or a script's `-<name>image=... \` line), image variables (`- name: X_IMAGE`,
 * then `value: ...`) and settings (`X_IMAGE: ...`) of a Helm template file (the sites), and the markers that let the executor
 * tell which output each site rendered: `\u0000S<n>\u0000` before the value and `\u0000E<n>\u0000`
 * after it, placed in the template's literal text so they travel with it through `include`.
 */
import { isImageFlagName, isImageVariable } from './handed-images.js';
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
  /**
   * How a value that is not an `image:` hands an image to the container: as a flag
   * (`as --acme-http01-solver-image`) or in an environment variable (`in STRIMZI_DEFAULT_KAFKA_IMAGE`);
   * `to` whom, when not the container (`its operator`, for a custom resource's `imageName`).
   */
  handed?: { name: string; how: string; to?: string };
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

/**
 * An `--<name>image=` (or `-<name>image=`) item of an `args` or `command` list (cert-manager's
 * `- --acme-http01-solver-image={{ template "cert-manager.image" ... }}`), the name checked by
 * `isImageFlagName`; the opening quote of a quoted item is captured.
 */
const FLAG_LINE = /^[ \t]*-[ \t]+(["']?)(-[A-Za-z0-9_-]+)=/gm;

/**
 * A flag on a line of its own in a shell script (a `command` block scalar), its value quoted or not
 * and the line continued by a backslash or ending the command: consul-k8s hands its connect injector
 * the sidecar image so, `-consul-dataplane-image="{{ .Values.global.imageConsulDataplane }}" \`.
 * No dash-space before the name: a list item is FLAG_LINE's. The name is checked by `isImageFlagName`.
 */
const SCRIPT_FLAG_LINE = /^[ \t]+(-[A-Za-z0-9_-]+)=/gm;

/**
 * A flag alone as an item (`- --engine-image`, quoted or not), its value the next item: longhorn-manager
 * is handed its images so, `- --engine-image` then `- "{{ ... }}:{{ ... }}"`. The name is checked by
 * `isImageFlagName`, the closing quote against the opening one.
 */
const FLAG_ITEM_LINE = /^([ \t]*)-[ \t]+(["']?)(-[A-Za-z0-9_-]+)(["']?)[ \t]*\r?$/gm;

/**
 * `- name: SOME_IMAGE` of an `env` list, the name checked by `isImageVariable`; its `value:` is
 * expected on the next line, under `name`.
 */
const ENV_NAME_LINE = /^([ \t]*-[ \t]+)name:[ \t]*["']?([A-Z0-9_]+)["']?[ \t]*$/gm;

/**
 * `SOME_IMAGE: <value>`: a setting in capitals named as an image variable (`isImageVariable`), as a
 * ConfigMap's `data` hands an operator the image it runs beside its workloads through `envFrom`
 * (cloudnative-pg's barman cloud plugin: `SIDECAR_IMAGE: "{{ registry }}/{{ repository }}:{{ tag }}"`).
 */
const SETTING_LINE = /^[ \t]+["']?([A-Z0-9_]+)["']?[ \t]*:[ \t]+/gm;

/**
 * `imageName:`, the field CloudNativePG's `Cluster` names the PostgreSQL image it runs in
 * (operator-images.ts); only a value that renders to one reference by its shape is kept, as a VM
 * image's name (`ubuntu-latest`) is none.
 */
const IMAGE_NAME_LINE = /^[ \t]*(?:-[ \t]+)?imageName[ \t]*:[ \t]+/gm;

/** The image values of a template file (`image:` lines, image flags and variables), in text order, skipping template comments and values that are not scalars. */
export function findImageSites(text: string): ImageSite[] {
  // The actions are lexed only for a file with an image line (most of a chart's templates have none).
  let spans: ActionSpan[] | undefined;
  const lexed = (): ActionSpan[] => (spans ??= text.includes('{{') ? spansOf(text) : []);
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(IMAGE_LINE)) {
    const site = siteAt(text, match.index + match[0].length, lexed());
    if (site) sites.push(site);
  }
  const handed = [...flagSites(text, lexed), ...scriptFlagSites(text, lexed), ...flagItemSites(text, lexed), ...variableSites(text, lexed), ...settingSites(text, lexed), ...imageNameSites(text, lexed)];
  return handed.length > 0 ? [...sites, ...handed].sort((a, b) => a.offset - b.offset) : sites;
}

/** The values of `- --<name>image=...` items. */
function flagSites(text: string, lexed: () => ActionSpan[]): ImageSite[] {
  if (!text.includes('image=') && !text.includes('Image=') && !text.includes('IMAGE=')) return [];
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(FLAG_LINE)) {
    if (!isImageFlagName(match[2])) continue;
    const site = siteAt(text, match.index + match[0].length, lexed(), match[1] || undefined);
    if (site) sites.push({ ...site, handed: { name: match[2], how: `as ${match[2]}` } });
  }
  return sites;
}

/** The values of a script's `-<name>image=... \\` lines, inside their quotes when quoted. */
function scriptFlagSites(text: string, lexed: () => ActionSpan[]): ImageSite[] {
  if (!text.includes('image=') && !text.includes('Image=') && !text.includes('IMAGE=')) return [];
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(SCRIPT_FLAG_LINE)) {
    if (!isImageFlagName(match[1])) continue;
    const start = match.index + match[0].length;
    const lineEnd = text.indexOf('\n', start);
    // Up to the line's end (a carriage return trimmed with the spaces), less a line continuation.
    let written = text.slice(start, lineEnd < 0 ? text.length : lineEnd).trimEnd();
    if (written.endsWith('\\')) written = written.slice(0, -1).trimEnd();
    const quote = written[0];
    const site: ImageSite =
      (quote === '"' || quote === "'") && written.length >= 2 && written.endsWith(quote)
        ? { offset: start + 1, raw: written.slice(1, -1), quoted: true }
        : { offset: start, raw: written, quoted: false };
    const enclosing = spanAt(lexed(), start - 1);
    if (site.raw === '' || enclosing?.comment) continue;
    sites.push({ ...withActions(site, lexed(), enclosing), handed: { name: match[1], how: `as ${match[1]}` } });
  }
  return sites;
}

/** The item after each `- --<name>image` item, when it is the next line, an item of the same list. */
function flagItemSites(text: string, lexed: () => ActionSpan[]): ImageSite[] {
  if (!/[Ii][Mm][Aa][Gg][Ee]["']?[ \t]*\r?$/m.test(text)) return [];
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(FLAG_ITEM_LINE)) {
    const [line, indent, open, name, close] = match;
    if (open !== close || !isImageFlagName(name)) continue;
    let next = match.index + line.length;
    if (text[next] === '\n') next++;
    if (text.slice(next, next + indent.length) !== indent || text[next + indent.length] !== '-') continue;
    let start = next + indent.length + 1;
    if (text[start] !== ' ' && text[start] !== '\t') continue;
    while (text[start] === ' ' || text[start] === '\t') start++;
    const site = siteAt(text, start, lexed());
    if (site) sites.push({ ...site, handed: { name, how: `as ${name}` } });
  }
  return sites;
}

/** Lines of template actions alone that may stand between an image variable's name and its `value:`. */
const MAX_ACTION_LINES = 8;

/**
 * The `value:` of each `- name: SOME_IMAGE` item (an `env` entry): the next line, or each `value:`
 * line of the branches after it (Dapr's chart chooses the SIDECAR_IMAGE value with `{{- if }}` lines).
 */
function variableSites(text: string, lexed: () => ActionSpan[]): ImageSite[] {
  if (!text.includes('IMAGE')) return [];
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(ENV_NAME_LINE)) {
    const name = match[2];
    if (!isImageVariable(name)) continue;
    const valueKey = ' '.repeat(match[1].length) + 'value:';
    let next = match.index + match[0].length;
    for (let lines = 0; lines <= MAX_ACTION_LINES && next < text.length; lines++) {
      if (text[next] === '\r') next++;
      if (text[next] === '\n') next++;
      const lineEnd = text.indexOf('\n', next);
      const line = text.slice(next, lineEnd < 0 ? text.length : lineEnd);
      if (line.startsWith(valueKey) && (line[valueKey.length] === ' ' || line[valueKey.length] === '\t')) {
        let start = next + valueKey.length;
        while (text[start] === ' ' || text[start] === '\t') start++;
        const site = siteAt(text, start, lexed());
        if (site) sites.push({ ...site, handed: { name, how: `in ${name}` } });
      } else if (!isActionsOnly(line)) break;
      next += line.length;
    }
  }
  return sites;
}

/** The values of `SOME_IMAGE: ...` settings written on their key's line (a ConfigMap's data); like a variable's, a value that renders to no reference is dropped. */
function settingSites(text: string, lexed: () => ActionSpan[]): ImageSite[] {
  if (!text.includes('IMAGE')) return [];
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(SETTING_LINE)) {
    const name = match[1];
    if (!isImageVariable(name)) continue;
    const site = siteAt(text, match.index + match[0].length, lexed());
    if (site) sites.push({ ...site, handed: { name, how: `in ${name}` } });
  }
  return sites;
}

/** The values of `imageName:` lines. */
function imageNameSites(text: string, lexed: () => ActionSpan[]): ImageSite[] {
  if (!text.includes('imageName')) return [];
  const sites: ImageSite[] = [];
  for (const match of text.matchAll(IMAGE_NAME_LINE)) {
    const site = siteAt(text, match.index + match[0].length, lexed());
    if (site) sites.push({ ...site, handed: { name: 'imageName', how: 'in imageName', to: 'its operator' } });
  }
  return sites;
}

/** A line holding nothing but template actions (`{{- if ... }}`, `{{- else }}`, `{{- end }}`). */
function isActionsOnly(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith('{{') && trimmed.endsWith('}}');
}

/**
 * The value written from `start` to its line's end: inside the quotes when quoted (`openingQuote`:
 * the quote a flag item opened before its name), undefined when it is a comment or not a scalar.
 */
function siteAt(text: string, start: number, spans: ActionSpan[], openingQuote?: string): ImageSite | undefined {
  const enclosing = spanAt(spans, start - 1);
  if (enclosing?.comment) return undefined;
  const lineEnd = text.slice(start).search(/\r?\n|\r/);
  const line = lineEnd < 0 ? text.slice(start) : text.slice(start, start + lineEnd);
  const written = stripComment(line).trimEnd();
  if (openingQuote !== undefined) {
    if (written.length < 2 || !written.endsWith(openingQuote)) return undefined;
    return withActions({ offset: start, raw: written.slice(0, -1), quoted: true }, spans, enclosing);
  }
  if (written === '' || /^[|>[&*!]/.test(written) || (written.startsWith('{') && !written.startsWith('{{'))) return undefined;
  const quote = written[0];
  const site: ImageSite =
    (quote === '"' || quote === "'") && written.length >= 2 && written.endsWith(quote)
      ? { offset: start + 1, raw: written.slice(1, -1), quoted: true }
      : { offset: start, raw: written, quoted: false };
  return withActions(site, spans, enclosing);
}

/** The site, marked `inAction` when it starts or ends inside a template action (no marker fits there). */
function withActions(site: ImageSite, spans: ActionSpan[], enclosing: ActionSpan | undefined): ImageSite {
  const end = site.offset + site.raw.length;
  const cuts = (span: ActionSpan | undefined): boolean => span !== undefined && (span.start < site.offset || span.end > end);
  if (enclosing || cuts(spanAt(spans, site.offset)) || cuts(spanAt(spans, end - 1))) site.inAction = true;
  return site;
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
