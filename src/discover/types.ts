/**
 * The interface every file kind implements: file text in, image occurrences out.
 * A new kind is one module implementing `Discoverer` plus one line in `./index.ts`.
 */
import type { ContainerConfig, Kind, Occurrence } from '../model.js';

/** One file handed to a discoverer. */
export interface SourceFile {
  /** POSIX path relative to the scan root. */
  path: string;
  text: string;
}

export interface DiscoverContext {
  /** Dockerfile build-arg overrides (policy `build-args`), applied over `ARG` defaults. */
  buildArgs: Record<string, string>;
  /**
   * Reads another file of the repository (POSIX path relative to the root), e.g. the `.env`
   * beside a compose file or a chart's values.yaml. Undefined when absent, unreadable, too large
   * or outside the root.
   */
  readFile(path: string): Promise<string | undefined>;
  /**
   * The files under a directory of the repository (POSIX paths relative to the root, sorted,
   * subdirectories included), e.g. a Helm chart's templates. Bounded; never leaves the root
   * (directory symlinks are not followed, file symlinks only to files inside the root). Empty when
   * the directory is absent or outside the root. Optional: callers do without it when absent.
   */
  listFiles?(dir: string): Promise<string[]>;
  /**
   * The files the walk listed for discoverers to read (POSIX paths relative to the root, sorted):
   * among them the compose files that may build a Dockerfile. Optional, like `listFiles`.
   */
  candidateFiles?: readonly string[];
  /**
   * Whether `candidateFiles` holds every candidate file of the scan (the whole repository was walked
   * without a problem, not only some files): then a file not among them is not one to read.
   */
  candidateFilesComplete?: boolean;
}

/** What a discoverer returns: occurrences (with `file` and `kind` filled in) and per-file problems. */
export interface Extraction {
  occurrences: Occurrence[];
  /** Problems that did not stop the file (e.g. one YAML document of several failed to parse). */
  errors?: string[];
  /**
   * Parts of a template that do not parse as YAML until it is rendered, whose `image:` lines were
   * read line by line: reported like `errors` but as warnings, since the file is valid and only what
   * is not on those lines went unread (see template-file.ts).
   */
  readLineByLine?: string[];
  /**
   * Values the file takes from elsewhere that the repository does not hold (a HelmRelease's
   * `valuesFrom` a ConfigMap created in the cluster): reported as notes, their images unchecked.
   */
  notes?: string[];
  /** How the file configures its containers (least-privilege rules), read from the same parse. */
  containers?: ContainerConfig[];
}

export interface Discoverer {
  kind: Kind;
  /**
   * Whether this file is of this kind. `text` is given for kinds recognised by content
   * (Kubernetes manifests are any YAML with apiVersion and kind).
   */
  matches(path: string, text: string): boolean;
  /**
   * Whether a file could be of this kind by its path alone, before it is read. Kinds recognised
   * by content must define it (the walk reads only candidates); by default `matches(path, '')`.
   */
  candidate?(path: string): boolean;
  /**
   * Whether this file is of this kind by its content alone, asked only when no kind matched the
   * file by `matches` (e.g. a compose file under any name: top-level `services` with images).
   */
  matchesContent?(path: string, text: string): boolean;
  /**
   * Extracts occurrences. Throws only for a file that cannot be parsed at all. An occurrence may
   * point at another file the discoverer read (the base of a compose `extends:`).
   */
  extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> | Extraction;
}
