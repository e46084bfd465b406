/**
 * One YAML parse of a file for two readers of one scan (compose files; devfiles, which
 * devfile-builds.ts reads for the manifests they deploy, the same way). The compose index (compose-builds.ts)
 * parses every compose file when the first Dockerfile asks who builds it, and the compose
 * discoverer parsed each again when the walk reached it (issue 15). The first reader keeps its
 * parse here, the second takes it; what is kept is bounded by its text, as a parsed document
 * costs some 45 bytes of memory per byte of YAML.
 */
import type { Document } from 'yaml';
import { parseConfigDocuments } from './image-site.js';
import type { DiscoverContext } from './types.js';
import { parseYamlDocuments, type ParsedYaml } from './yaml.js';

/** UTF-16 code units of text whose parse is kept at once in a scan (about 25 MB of parsed documents). */
const MAX_KEPT_TEXT = 512 * 1024;

interface KeptParse {
  text: string;
  parsed: ParsedYaml;
}

/** A scan's kept parses by path, and how much text they hold together. */
interface KeptParses {
  byPath: Map<string, KeptParse>;
  textLength: number;
}

const keptByScan = new WeakMap<DiscoverContext, KeptParses>();

function keptIn(context: DiscoverContext): KeptParses {
  let kept = keptByScan.get(context);
  if (!kept) keptByScan.set(context, (kept = { byPath: new Map(), textLength: 0 }));
  return kept;
}

/** Parses `text` (the file at `path`) and keeps the parse for `takeParse`, while the bound allows. */
export function parseAndKeep(context: DiscoverContext, path: string, text: string): ParsedYaml {
  const parsed = parseYamlDocuments(text);
  const kept = keptIn(context);
  if (!kept.byPath.has(path) && kept.textLength + text.length <= MAX_KEPT_TEXT) {
    kept.byPath.set(path, { text, parsed });
    kept.textLength += text.length;
  }
  return parsed;
}

/** The parse `parseAndKeep` kept of this very text at `path` (then forgotten), else a parse of `text`. */
export function takeParse(context: DiscoverContext, path: string, text: string): ParsedYaml {
  const kept = keptIn(context);
  const entry = kept.byPath.get(path);
  if (entry === undefined) return parseYamlDocuments(text);
  kept.byPath.delete(path);
  kept.textLength -= entry.text.length;
  return entry.text === text ? entry.parsed : parseYamlDocuments(text);
}

/**
 * The YAML documents of a file that an index reads before its own reader does (Skaffold's and
 * devfiles' builds), parsed once and kept for that reader; undefined when they cannot be read
 * (the reader reports why when the walk reaches the file).
 */
export function keptConfigDocuments(context: DiscoverContext, path: string, text: string): Document.Parsed[] | undefined {
  try {
    return parseConfigDocuments({ path, text }, 'YAML', parseAndKeep(context, path, text)).documents;
  } catch {
    return undefined;
  }
}
