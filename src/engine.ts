/**
 * The engine: discover -> resolve -> check. The CLI and the action call `scan`; nothing here
 * knows about argv, GitHub or output formats.
 */
import type { Policy } from './config/policy.js';
import type { ResolvedOccurrence, ScanError, ScanResult } from './model.js';
import { discoverRepository } from './discover/index.js';
import { runChecks } from './checks/index.js';

export interface ScanOptions {
  root: string;
  policy: Policy;
  /** No network: registry and signature checks are skipped and the report says so. */
  offline: boolean;
  /** Only these files (POSIX, relative to root) are scanned. */
  onlyFiles?: string[];
  /** Extra registries reached over plain HTTP, on top of the policy's. */
  insecureRegistries?: string[];
  /** Progress messages for people (never secrets). */
  log?: (message: string) => void;
}

export interface ScanOutcome extends ScanResult {
  /** Text of files with occurrences, for suppression comments, fixes and `pin`. */
  sources: Map<string, string>;
  filesScanned: number;
}

export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const { policy } = options;
  const discovery = await discoverRepository(options.root, {
    include: policy.include,
    exclude: policy.exclude,
    buildArgs: policy.buildArgs,
    onlyFiles: options.onlyFiles,
  });
  const errors: ScanError[] = [...discovery.errors];
  const notes: string[] = [];
  let occurrences: ResolvedOccurrence[] = discovery.occurrences;

  if (options.offline) {
    notes.push('Offline scan: registry existence, digests and signatures were not checked.');
  }

  const findings = runChecks(occurrences, policy, discovery.sources, {
    // A rule that crashes is reported, and the other rules' findings still count.
    onError: (rule, error) => errors.push({ file: '.', message: `rule ${rule} failed and was not applied: ${error.message}` }),
  });
  return {
    schemaVersion: 1,
    occurrences,
    findings,
    errors,
    notes,
    sources: discovery.sources,
    filesScanned: discovery.filesScanned,
  };
}
